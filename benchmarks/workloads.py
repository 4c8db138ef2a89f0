"""Synthetic workloads for the benchmarks: realistic Dockerfiles and task definitions."""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

IMAGES = [
    "nginx:1.25",
    "python:3.12-slim",
    "node:20-alpine",
    "redis",
    "postgres:16",
    "public.ecr.aws/docker/library/alpine:3.20",
    "ghcr.io/acme/tool:1.4.2",
    "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/app:2.4.1",
    "acme/worker:3.1.0",
    "datadog/agent:7",
    "amazon/aws-xray-daemon:3.3.10",
    "busybox:1.36",
]
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbCdEf"


def dockerfile(rng: random.Random) -> str:
    base, runtime = rng.choice(IMAGES), rng.choice(IMAGES)
    return f"""# syntax=docker/dockerfile:1
ARG BASE={base}
ARG VERSION=1.0.{rng.randrange(100)}
FROM ${{BASE}} AS build
WORKDIR /src
COPY requirements.txt .
RUN --mount=type=cache,target=/root/.cache pip install -r requirements.txt
COPY . .
RUN make build VERSION=$VERSION
FROM {runtime}
LABEL org.opencontainers.image.version=$VERSION
COPY --from=build /src/dist /app
COPY --from={rng.choice(IMAGES)} /bin/tool /usr/local/bin/tool
ENV PORT=8080
EXPOSE 8080
USER 1000
ENTRYPOINT ["/app/run"]
"""


def task_definition(rng: random.Random, index: int) -> str:
    containers = []
    for number in range(rng.randint(1, 4)):
        container: dict[str, object] = {
            "name": f"c{number}",
            "image": rng.choice(IMAGES),
            "essential": number == 0,
            "cpu": 256,
            "memory": 512,
            "portMappings": [{"containerPort": 8080 + number, "protocol": "tcp"}],
            "environment": [{"name": f"VAR{i}", "value": str(i)} for i in range(5)],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "awslogs-group": f"/ecs/svc{index}",
                    "awslogs-region": "eu-west-1",
                    "awslogs-stream-prefix": f"c{number}",
                },
            },
        }
        if rng.random() < 0.3:
            container["repositoryCredentials"] = {"credentialsParameter": SECRET}
        containers.append(container)
    return json.dumps(
        {
            "family": f"svc{index}",
            "requiresCompatibilities": ["FARGATE"],
            "networkMode": "awsvpc",
            "cpu": "1024",
            "memory": "2048",
            "executionRoleArn": f"arn:aws:iam::123456789012:role/svc{index}-exec",
            "containerDefinitions": containers,
        },
        indent=2,
    )


def write_tree(root: Path, dockerfiles: int, task_definitions: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    for index in range(dockerfiles):
        folder = root / f"svc{index:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "Dockerfile").write_text(dockerfile(rng))
    for index in range(task_definitions):
        folder = root / f"svc{index:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "task-definition.json").write_text(task_definition(rng, index))
    return root


def terraform_file(rng: random.Random, index: int) -> str:
    """One ``.tf`` file of a service: a task definition of three containers (their images from a
    variable, a local and a literal), its execution role, and the service."""
    images = (
        f"var.image_{index % 20}",
        f'"${{local.repository}}/svc{index}:1.{index}"',
        f'"{rng.choice(IMAGES)}"',
    )
    containers = ",\n".join(
        f"""    {{
      name      = "c{number}"
      image     = {image}
      essential = {"true" if number == 0 else "false"}
      logConfiguration = {{
        logDriver = "awslogs"
        options   = {{ awslogs-group = "/ecs/svc{index}", awslogs-region = var.region }}
      }}
    }}"""
        for number, image in enumerate(images)
    )
    return f"""resource "aws_ecs_task_definition" "svc{index}" {{
  family                   = "svc{index}"
  requires_compatibilities = ["FARGATE"]
  execution_role_arn       = aws_iam_role.svc{index}.arn
  container_definitions = jsonencode([
{containers}
  ])
}}

resource "aws_iam_role" "svc{index}" {{
  name = "svc{index}-exec"
}}

resource "aws_ecs_service" "svc{index}" {{
  name            = "svc{index}"
  task_definition = aws_ecs_task_definition.svc{index}.arn
  desired_count   = {rng.randint(1, 4)}
}}
"""


def write_terraform_module(root: Path, files: int = 200, seed: int = 7) -> Path:
    """One Terraform module of ``files`` ``.tf`` files (three containers each), with the
    variables, locals and ``terraform.tfvars`` they use."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for index in range(files):
        (root / f"svc{index:03d}.tf").write_text(terraform_file(rng, index))
    variables = "".join(
        f'variable "image_{number}" {{\n  type    = string\n'
        f'  default = "{rng.choice(IMAGES)}"\n}}\n'
        for number in range(20)
    )
    (root / "variables.tf").write_text(
        variables + 'variable "region" {\n  type = string\n}\n'
        'locals {\n  repository = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop"\n}\n'
    )
    (root / "terraform.tfvars").write_text('region = "eu-west-1"\n')
    return root


def bake_file(rng: random.Random, targets: int) -> str:
    """A ``docker-bake.hcl`` of ``targets`` targets, shaped like real ones: variables with
    defaults, a shared template target inherited by all, interpolated args, named contexts, a
    few conditionals and a matrix, and a default group."""
    lines = [
        'variable "REGISTRY" {\n  default = "docker.io/library"\n}\n',
        'variable "TAG" {\n  default = "1.0.0"\n}\n',
        'variable "RELEASE" {\n  default = false\n}\n',
        'target "_common" {\n  args = {\n    BUILDKIT_INLINE_CACHE = "1"\n'
        '    VERSION = "${TAG}"\n  }\n  labels = {\n'
        '    "org.opencontainers.image.source" = "https://github.com/acme/shop"\n  }\n}\n',
    ]
    names = []
    for index in range(targets):
        name = f"svc{index:03d}"
        names.append(name)
        base = rng.choice(IMAGES)
        repository, _, tag = base.partition(":")
        matrix = '  matrix = {\n    variant = ["slim", "full"]\n  }\n'
        extra = f'{matrix}  name = "{name}-${{variant}}"\n' if index % 10 == 0 else ""
        lines.append(
            f'target "{name}" {{\n'
            '  inherits = ["_common"]\n'
            f'  context = "services/{name}"\n'
            f'  dockerfile = "Dockerfile"\n'
            f"{extra}"
            "  args = {\n"
            f'    BASE = "{repository}:${{RELEASE ? "{tag or "latest"}" : "latest"}}"\n'
            f'    NAME = "{name}"\n'
            "  }\n"
            "  contexts = {\n"
            f'    tools = "docker-image://${{REGISTRY}}/busybox:1.36"\n'
            "  }\n"
            f'  tags = ["${{REGISTRY}}/{name}:${{TAG}}", "${{REGISTRY}}/{name}:latest"]\n'
            '  platforms = ["linux/amd64", "linux/arm64"]\n'
            "}\n"
        )
    quoted = ", ".join(f'"{name}"' for name in names)
    lines.append(f'group "default" {{\n  targets = [{quoted}]\n}}\n')
    return "\n".join(lines)


def write_bake_project(root: Path, targets: int = 50, seed: int = 7) -> Path:
    """A ``docker-bake.hcl`` of ``targets`` targets and each target's Dockerfile; returns the
    Bake file."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for index in range(targets):
        directory = root / "services" / f"svc{index:03d}"
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "Dockerfile").write_text(
            "ARG BASE\nFROM ${BASE}\nCOPY --from=tools /bin/busybox /bin/\n"
        )
    bake = root / "docker-bake.hcl"
    bake.write_text(bake_file(rng, targets))
    return bake
