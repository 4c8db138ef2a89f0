FROM public.ecr.aws/docker/library/golang:1.23 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/worker ./cmd/worker

FROM ubuntu
COPY --from=build /out/worker /usr/local/bin/worker
ENTRYPOINT ["/usr/local/bin/worker"]
