"""A local HTTP proxy that tunnels with ``CONNECT``, as corporate proxies do for https.

A threaded TCP server on 127.0.0.1. For each ``CONNECT host:port`` it records the attempt, then:

- with ``credentials`` set, answers 407 (``Proxy-Authenticate: Basic``) unless the request
  carries ``Proxy-Authorization: Basic`` of exactly that user and password;
- with ``refuse`` set, answers that status (403 forbidden by policy, 502 upstream unreachable);
- with ``hang`` set, reads the request and never answers (until the client gives up);
- with ``drip`` set, answers 200 and then a header line one byte at a time, every ``drip``
  seconds, without end: each byte comes well within any socket timeout;
- otherwise resolves the host itself, as a proxy does: names under ``domain`` (``gallery.test``)
  and loopback addresses are 127.0.0.1, anything else is 502, so a test never reaches beyond this
  machine; then answers 200 and relays bytes both ways until either side closes.

``tunnels`` lists the tunnels it opened; ``attempts`` every ``CONNECT`` it was sent.
"""

from __future__ import annotations

import base64
import contextlib
import http
import selectors
import socket
import socketserver
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from types import TracebackType

MAX_HEAD_LINES = 64
IDLE_TIMEOUT = 30.0


@dataclass(frozen=True)
class Attempt:
    target: str
    """``host:port`` as the client asked."""
    authorization: str | None
    """The ``Proxy-Authorization`` header, if any."""


@dataclass
class ConnectProxy:
    credentials: tuple[str, str] | None = None
    refuse: int | None = None
    hang: bool = False
    drip: float = 0.0
    domain: str = "test"
    attempts: list[Attempt] = field(default_factory=list)
    tunnels: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._stopped = threading.Event()
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url_with(self, user: str, password: str) -> str:
        """The proxy URL with credentials, percent-encoded as a user would write them."""
        return f"http://{quote(user, safe='')}:{quote(password, safe='')}@127.0.0.1:{self.port}"

    def __enter__(self) -> ConnectProxy:
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stopped.set()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:  # ends the relays of tunnels still open
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    # -- used by the handler ----------------------------------------------------------------------

    def record(self, attempt: Attempt) -> None:
        with self._lock:
            self.attempts.append(attempt)

    def opened(self, target: str, *sockets: socket.socket) -> None:
        with self._lock:
            self.tunnels.append(target)
            self._sockets.update(sockets)

    def closed(self, *sockets: socket.socket) -> None:
        with self._lock:
            self._sockets.difference_update(sockets)

    def authorized(self, header: str | None) -> bool:
        if self.credentials is None:
            return True
        expected = base64.b64encode(":".join(self.credentials).encode()).decode("ascii")
        return header == f"Basic {expected}"

    def address_of(self, host: str) -> str | None:
        """Where ``host`` is, for this proxy: 127.0.0.1 for its domain and loopback, else none."""
        name = host.lower().strip("[]")
        if name.endswith(f".{self.domain}") or name in ("127.0.0.1", "localhost"):
            return "127.0.0.1"
        return None


def _handler(proxy: ConnectProxy) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        rbufsize = 0  # unbuffered: nothing the client sends after the request head is read early
        timeout = IDLE_TIMEOUT

        def handle(self) -> None:
            head = self._read_head()
            if head is None:
                return
            request_line, headers = head
            method, _, rest = request_line.partition(" ")
            target = rest.rpartition(" ")[0]
            if method != "CONNECT":
                self._answer(405)
                return
            authorization = headers.get("proxy-authorization")
            proxy.record(Attempt(target, authorization))
            if not proxy.authorized(authorization):
                self._answer(407, 'Proxy-Authenticate: Basic realm="test proxy"\r\n')
            elif proxy.refuse is not None:
                self._answer(proxy.refuse)
            elif proxy.hang:
                proxy._stopped.wait(IDLE_TIMEOUT)
            elif proxy.drip:
                self._drip()
            else:
                self._tunnel(target)

        def _read_head(self) -> tuple[str, dict[str, str]] | None:
            lines: list[str] = []
            while len(lines) < MAX_HEAD_LINES:
                line = self.rfile.readline(8192).decode("latin-1")
                if not line:
                    return None
                if line in ("\r\n", "\n"):
                    break
                lines.append(line.rstrip("\r\n"))
            if not lines:
                return None
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            return lines[0], headers

        def _answer(self, status: int, extra: str = "") -> None:
            phrase = http.HTTPStatus(status).phrase
            self.wfile.write(
                f"HTTP/1.1 {status} {phrase}\r\n{extra}Content-Length: 0\r\n"
                "Connection: close\r\n\r\n".encode("latin-1")
            )

        def _drip(self) -> None:
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\nX-Drip: ")
            with contextlib.suppress(OSError):
                while not proxy._stopped.wait(proxy.drip):
                    self.wfile.write(b"a")

        def _tunnel(self, target: str) -> None:
            host, _, port = target.rpartition(":")
            address = proxy.address_of(host)
            if address is None or not port.isdigit():
                self._answer(502)
                return
            try:
                upstream = socket.create_connection((address, int(port)), timeout=5)
            except OSError:
                self._answer(502)
                return
            client = self.connection
            proxy.opened(target, client, upstream)
            try:
                self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                _relay(client, upstream)
            finally:
                proxy.closed(client, upstream)
                upstream.close()

    return Handler


def _relay(client: socket.socket, upstream: socket.socket) -> None:
    """Copy bytes both ways until either side closes or both stay idle too long."""
    with selectors.DefaultSelector() as selector:
        selector.register(client, selectors.EVENT_READ, upstream)
        selector.register(upstream, selectors.EVENT_READ, client)
        while True:
            events = selector.select(IDLE_TIMEOUT)
            if not events:
                return
            for key, _ in events:
                source: socket.socket = key.fileobj  # type: ignore[assignment]
                try:
                    data = source.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
                except OSError:
                    return
