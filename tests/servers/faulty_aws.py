"""A misbehaving AWS endpoint for fault-injection tests, on 127.0.0.1.

``FaultyAws`` speaks the AWS wire protocols boto3 uses: the JSON protocol (ECS, Secrets Manager,
SSM, KMS: ``POST /`` with ``X-Amz-Target: <prefix>.<Operation>``) and the query protocols (IAM,
EC2, STS: a form body with ``Action=<Operation>``); the service is read from the SigV4
credential scope. Each request is counted by ``service:Operation`` (``calls``). An operation with
a fault in ``faults`` gets the fault's answer; any other is forwarded to ``upstream`` (the local
moto server), so a test builds a real account in moto and breaks just the calls it is about.

Faults are callables ``(request, server) -> Reply | None``; ``None`` means never answer (the
connection stays open until the server stops). The helpers below build the usual ones: ``reply``
(anything, e.g. an HTML page), ``truncated`` (a body shorter than its Content-Length), ``hang``,
``drip`` (an answer sent a byte at a time), ``aws_error`` (a well-formed AWS error such as
throttling or a 503) and ``EcsPages`` (ListClusters/ListServices split into ``nextToken`` pages).
"""

from __future__ import annotations

import http.client
import json
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from types import TracebackType

JSON_TYPE = "application/x-amz-json-1.1"
_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "proxy-connection"}
)


@dataclass(frozen=True, slots=True)
class AwsRequest:
    service: str
    """The SigV4 signing name: ``ecs``, ``iam``, ``ec2``..."""
    operation: str
    json_protocol: bool
    headers: dict[str, str]
    body: bytes

    @property
    def key(self) -> str:
        return f"{self.service}:{self.operation}"

    def params(self) -> dict[str, Any]:
        """The request's parameters (JSON members, or form fields)."""
        if self.json_protocol:
            loaded = json.loads(self.body or b"{}")
            return loaded if isinstance(loaded, dict) else {}
        return {name: values[0] for name, values in parse_qs(self.body.decode()).items()}


@dataclass(frozen=True, slots=True)
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = JSON_TYPE
    declared_length: int | None = None
    """The Content-Length to announce; more than ``len(body)`` makes a truncated answer."""
    headers: tuple[tuple[str, str], ...] = ()
    drip: float = 0.0
    """Seconds between the body's bytes (0: all at once)."""


class Fault(Protocol):
    def __call__(self, request: AwsRequest, server: FaultyAws) -> Reply | None: ...


def reply(body: bytes | str, content_type: str = JSON_TYPE, status: int = 200) -> Fault:
    """Always this answer."""
    data = body.encode() if isinstance(body, str) else body
    answer = Reply(status, data, content_type)
    return lambda request, server: answer


def truncated(body: bytes | str, content_type: str = JSON_TYPE) -> Fault:
    """The first half of ``body``, announced with the whole body's Content-Length, then the
    connection closes."""
    data = body.encode() if isinstance(body, str) else body
    answer = Reply(200, data[: len(data) // 2], content_type, declared_length=len(data))
    return lambda request, server: answer


def drip(body: bytes | str, interval: float) -> Fault:
    """``body``, one byte every ``interval`` seconds: never silent for a read timeout, yet the
    answer takes ``len(body) * interval`` seconds."""
    data = body.encode() if isinstance(body, str) else body
    answer = Reply(200, data, drip=interval)
    return lambda request, server: answer


def hang() -> Fault:
    """Accept the request and never answer."""
    return lambda request, server: None


def aws_error(status: int, code: str, message: str = "error injected by the test") -> Fault:
    """A well-formed AWS error in the request's protocol (``Throttling``, ``InternalFailure``)."""

    def answer(request: AwsRequest, server: FaultyAws) -> Reply:
        if request.json_protocol:
            body = json.dumps({"__type": code, "message": message}).encode()
            return Reply(status, body, JSON_TYPE, headers=(("x-amzn-ErrorType", code),))
        if request.service == "ec2":
            xml = (
                f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
                "</Error></Errors><RequestID>fault</RequestID></Response>"
            )
        else:
            xml = (
                f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>"
                f"<Message>{message}</Message></Error><RequestId>fault</RequestId></ErrorResponse>"
            )
        return Reply(status, xml.encode(), "text/xml")

    return answer


@dataclass
class EcsPages:
    """An ECS list operation answered in pages of ``per_page`` items with ``nextToken``s, from
    the upstream's complete answer (moto answers ListClusters and ListServices in one page).
    ``tokens`` records each request's ``nextToken``; ``endless`` never stops paging."""

    key: str
    per_page: int = 1
    endless: bool = False
    tokens: list[str | None] = field(default_factory=list)

    def __call__(self, request: AwsRequest, server: FaultyAws) -> Reply:
        params = request.params()
        token = params.pop("nextToken", None)
        self.tokens.append(token)
        params.pop("maxResults", None)
        start = int(token.removeprefix("page-")) if token else 0
        if self.endless:
            body: dict[str, Any] = {self.key: [], "nextToken": f"page-{start + 1}"}
            return Reply(200, json.dumps(body).encode())
        upstream = server.forward(request, json.dumps(params).encode())
        items = json.loads(upstream.body)[self.key]
        body = {self.key: items[start : start + self.per_page]}
        if start + self.per_page < len(items):
            body["nextToken"] = f"page-{start + self.per_page}"
        return Reply(200, json.dumps(body).encode())


class FaultyAws:
    def __init__(self, upstream: str | None = None) -> None:
        self.upstream = upstream
        self.faults: dict[str, Fault] = {}
        """By ``service:Operation`` (``ecs:ListClusters``) or bare operation name."""
        self.calls: Counter[str] = Counter()
        self.url = ""
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> FaultyAws:
        self._thread.start()
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host!s}:{port}"
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopping.set()  # releases the requests a hang() holds
        self._httpd.shutdown()
        self._httpd.server_close()

    def answer(self, request: AwsRequest) -> Reply | None:
        with self._lock:
            self.calls[request.key] += 1
        fault = self.faults.get(request.key) or self.faults.get(request.operation)
        if fault is not None:
            return fault(request, self)
        return self.forward(request)

    def forward(self, request: AwsRequest, body: bytes | None = None) -> Reply:
        """``request`` as the upstream answers it (``body`` replaces the request's body)."""
        if self.upstream is None:
            return Reply(500, b'{"__type": "InternalFailure", "message": "no upstream"}')
        parts = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        data = request.body if body is None else body
        headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_BY_HOP}
        headers["Content-Length"] = str(len(data))
        try:
            connection.request("POST", "/", body=data, headers=headers)
            response = connection.getresponse()
            content = response.read()
            kept = tuple(
                (name, value)
                for name, value in response.getheaders()
                if name.lower() not in _HOP_BY_HOP and name.lower() != "content-type"
            )
            content_type = response.getheader("Content-Type", JSON_TYPE)
            return Reply(response.status, content, content_type, headers=kept)
        finally:
            connection.close()

    def wait_until_stopped(self) -> None:
        self._stopping.wait()

    def stopping(self, within: float) -> bool:
        """Whether the server stops within ``within`` seconds (waiting that long if not)."""
        return self._stopping.wait(within)


def _handler(server: FaultyAws) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet tests

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = dict(self.headers.items())
            scope = _SCOPE.search(self.headers.get("Authorization", ""))
            service = scope.group(1) if scope else "?"
            target = self.headers.get("X-Amz-Target")
            if target:
                operation = target.rsplit(".", 1)[-1]
            else:
                form = parse_qs(body.decode("utf-8", "replace"))
                operation = form.get("Action", ["?"])[0]
            request = AwsRequest(service, operation, bool(target), headers, body)
            answer = server.answer(request)
            if answer is None:
                server.wait_until_stopped()
                self.close_connection = True
                return
            self.send_response(answer.status)
            self.send_header("Content-Type", answer.content_type)
            declared = answer.declared_length
            self.send_header("Content-Length", str(declared or len(answer.body)))
            for name, value in answer.headers:
                self.send_header(name, value)
            if answer.declared_length is not None:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if answer.drip:
                self.drip(answer.body, answer.drip)
                return
            self.wfile.write(answer.body)
            self.wfile.flush()

        def drip(self, body: bytes, interval: float) -> None:
            self.close_connection = True
            for index in range(len(body)):
                if server.stopping(interval):
                    return
                try:
                    self.wfile.write(body[index : index + 1])
                    self.wfile.flush()
                except OSError:  # the client gave up
                    return

    return Handler
