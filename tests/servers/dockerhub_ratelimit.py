"""A local stand-in for Docker Hub's rate-limit check: its token service and a manifest HEAD.

``GET /token?service=registry.docker.io&scope=repository:ratelimitpreview/test:pull`` answers a
bearer token, anonymous or, with HTTP Basic credentials of a known user, that user's (401 for
wrong ones). ``HEAD /v2/ratelimitpreview/test/manifests/latest`` needs a token it issued and
answers the ``ratelimit-limit`` / ``ratelimit-remaining`` / ``docker-ratelimit-source`` headers of
the anonymous address or of the user, as Docker Hub does; ``None`` headers are left out (an
unlimited account). ``requests`` records every request.
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from servers.tls import TlsHTTPServer

if TYPE_CHECKING:
    import ssl
    from types import TracebackType

ADDRESS = "203.0.113.7"
MANIFEST_PATH = "/v2/ratelimitpreview/test/manifests/latest"


@dataclass
class Quota:
    limit: str | None = "100;w=21600"
    remaining: str | None = "76;w=21600"
    status: int = 200


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


@dataclass
class RateLimitServer:
    anonymous: Quota = field(default_factory=Quota)
    users: dict[str, str] = field(default_factory=dict)
    """User name → token."""
    user_quota: Quota = field(default_factory=lambda: Quota("200;w=21600", "180;w=21600"))
    requests: list[Recorded] = field(default_factory=list)
    url: str = ""
    tls: ssl.SSLContext | None = field(default=None, repr=False)
    """Serve https with this context (tests/servers/tls.py)."""
    host_name: str | None = None
    """The host in ``url`` instead of 127.0.0.1: a name only the test proxy resolves."""

    def __post_init__(self) -> None:
        self._httpd = (
            ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
            if self.tls is None
            else TlsHTTPServer(("127.0.0.1", 0), _handler(self), self.tls)
        )
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> RateLimitServer:
        self._thread.start()
        host, port = self._httpd.server_address[:2]
        scheme = "http" if self.tls is None else "https"
        self.url = f"{scheme}://{self.host_name or host!s}:{port}"
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def auth_url(self) -> str:
        return f"{self.url}/token"

    def user_of(self, authorization: str | None) -> str | bool | None:
        """The user a Basic header names; ``None`` for none; ``False`` for wrong credentials."""
        if not authorization:
            return None
        scheme, _, value = authorization.partition(" ")
        if scheme != "Basic":
            return False
        user, _, token = base64.b64decode(value).decode().partition(":")
        return user if self.users.get(user) == token else False


def _handler(server: RateLimitServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet tests

        def _record(self) -> tuple[str, dict[str, list[str]]]:
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            headers = {name.lower(): value for name, value in self.headers.items()}
            server.requests.append(Recorded(self.command, parts.path, query, headers))
            return parts.path, query

        def do_GET(self) -> None:
            path, query = self._record()
            expected = {
                "service": ["registry.docker.io"],
                "scope": ["repository:ratelimitpreview/test:pull"],
            }
            if path != "/token" or query != expected:
                self._send(404, b'{"details": "not found"}')
                return
            user = server.user_of(self.headers.get("Authorization"))
            if user is False:
                self._send(401, b'{"details": "incorrect username or password"}')
                return
            token = f"user:{user}" if user else "anonymous"
            self._send(200, json.dumps({"token": token, "expires_in": 300}).encode())

        def do_HEAD(self) -> None:
            path, _ = self._record()
            if path != MANIFEST_PATH:
                self._send(404, b"")
                return
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if token == "anonymous":
                quota, source = server.anonymous, ADDRESS
            elif token.startswith("user:") and token[5:] in server.users:
                quota, source = server.user_quota, f"{token[5:]}-id"
            else:
                self._send(401, b"")
                return
            self.send_response(quota.status)
            self.send_header("Content-Type", "application/vnd.oci.image.index.v1+json")
            self.send_header("Docker-Content-Digest", "sha256:" + "0" * 64)
            if quota.limit is not None:
                self.send_header("ratelimit-limit", quota.limit)
            if quota.remaining is not None:
                self.send_header("ratelimit-remaining", quota.remaining)
            if quota.limit is not None:
                self.send_header("docker-ratelimit-source", source)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _send(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    return Handler
