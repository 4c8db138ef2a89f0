"""A small HTTP client for look-ups, on the standard library's ``http.client``.

It exists for the guarantees a linter in every commit needs, which a plain ``urlopen`` does not
give: a connect timeout of at most 2 s; one wall-clock budget shared by every request of a run
(each socket wait is capped by what is left of it, and a slow drip of bytes cannot outlast it);
retries with jittered exponential backoff on 5xx and 429, honouring ``Retry-After`` when the
budget allows; at most ``per_host`` requests in flight per host; keep-alive connections per
thread; redirects never followed (look-ups go only to the configured endpoints); and a host that
failed once is not asked again in the same run, so an outage costs one timeout, not one per image.

Requests to https hosts go through the proxy in ``HTTPS_PROXY`` unless ``NO_PROXY`` says otherwise
(``proxy.py``), tunnelled with ``CONNECT``: connecting to the proxy and its answer count against
the same timeouts and budget. A proxy that cannot be reached, or that asks for credentials, is
not asked again in the run; one that refuses the tunnel to a host fails that host. Messages name
the proxy by host and port, never with its credentials.

Certificates are checked against the system's trust store, or ``SSL_CERT_FILE`` /
``SSL_CERT_DIR`` when set (OpenSSL reads them); one TLS context serves the whole run.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import random
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ecs_lint import __version__
from ecs_lint.gallery.proxy import Proxy, ProxySettings, UnusableProxy, proxy_settings

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 5.0
MAX_ATTEMPTS = 3
BACKOFF_BASE = 0.25
MAX_RETRY_AFTER = 30.0
MAX_BODY_BYTES = 16 * 1024 * 1024
USER_AGENT = f"ecs-lint/{__version__} (+https://github.com/ecs-lint/ecs-lint)"

_Origin = tuple[str, str, int]
_TUNNEL_REFUSED = re.compile(r"^Tunnel connection failed: (\d{3})\b")
_STALE_CONNECTION_ERRORS = (
    http.client.RemoteDisconnected,
    ConnectionResetError,
    BrokenPipeError,
    http.client.CannotSendRequest,
)


class TransportError(Exception):
    """No usable answer from a host (after retries); the caller falls back."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host}: {reason}")
        self.host = host
        self.reason = reason


class ProtocolError(TransportError):
    """The host answered, but not in a form we can trust (malformed JSON, missing header...)."""


class ProxyError(TransportError):
    """The proxy itself failed (or its variable is unusable): every host behind it is out of reach.

    ``host`` is ``proxy host:port`` (or the variable's name), so a run's warning names it once.
    """


class _Unreachable(Exception):
    """The host cannot be reached at all: no point retrying in this run."""


class _ProxyDown(Exception):
    """The proxy cannot be used at all (unreachable, or wants other credentials)."""


class _Failed(Exception):
    """One attempt failed in a way that may succeed on retry.

    ``stale`` marks a kept-alive connection the server had already closed.
    """

    def __init__(self, reason: str, *, stale: bool = False) -> None:
        super().__init__(reason)
        self.stale = stale


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: Mapping[str, str]
    """Header names in lower case."""
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class Budget:
    """A wall-clock deadline shared by every request of one run."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self.deadline = clock() + seconds

    def remaining(self) -> float:
        return max(0.0, self.deadline - self._clock())

    @property
    def exhausted(self) -> bool:
        return self.remaining() <= 0.0


class HttpClient:
    def __init__(
        self,
        budget: Budget,
        *,
        per_host: int = 16,
        connect_timeout: float = CONNECT_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        max_attempts: int = MAX_ATTEMPTS,
        backoff: float = BACKOFF_BASE,
        sleep: Callable[[float], None] = time.sleep,
        proxies: ProxySettings | None = None,
    ) -> None:
        """``proxies``: the environment's (``HTTPS_PROXY``, ``NO_PROXY``) unless given."""
        self.budget = budget
        self.per_host = max(1, per_host)
        self.connect_timeout = min(connect_timeout, CONNECT_TIMEOUT)
        self.read_timeout = read_timeout
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self._sleep = sleep
        self._local = threading.local()
        self._lock = threading.Lock()
        self._slots: dict[_Origin, threading.BoundedSemaphore] = {}
        self._down: dict[_Origin, str] = {}
        self._open: set[http.client.HTTPConnection] = set()
        self.requests_sent = 0
        self.proxies = proxies if proxies is not None else proxy_settings()
        self._routes: dict[_Origin, Proxy | UnusableProxy | None] = {}
        self._tls: ssl.SSLContext | None = None

    # -- public -----------------------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        answers: frozenset[int] = frozenset(),
    ) -> Response:
        """Send one request, retrying 5xx, 429 and broken connections within the budget.

        Returns any other response (including 4xx: those are answers), and any status in
        ``answers`` (a 429 that is itself the answer, as for ``ecs-lint ratelimit``). Raises
        ``TransportError`` when no answer could be had; the host is then skipped for the rest of
        the run.
        """
        origin, target = _split(url)
        host = origin[1]
        if not all(_sendable(text) for text in (target, *(headers or {}).values())):
            # A token (or a name in the URL) that HTTP cannot carry came from a server's answer:
            # http.client would raise UnicodeEncodeError or InvalidURL, a traceback for the user.
            raise ProtocolError(host, "a token or URL to send is not plain printable ASCII")
        route = self._route(origin)
        if isinstance(route, UnusableProxy):
            raise ProxyError(route.variable, f"{route.reason}; no look-ups made")
        reason = "no attempt made"
        for attempt in range(self.max_attempts):
            self._check_usable(origin)
            retry_after: float | None = None
            try:
                response = self._exchange(origin, method, target, headers or {}, body)
            except _Unreachable as error:
                self._mark_down(origin, str(error))
                raise TransportError(host, str(error)) from None
            except _ProxyDown as error:
                assert isinstance(route, Proxy)
                self._mark_down(_proxy_origin(route), str(error))
                raise ProxyError(f"proxy {route.label}", str(error)) from None
            except _Failed as error:
                reason = str(error)
            else:
                if response.status not in RETRY_STATUSES or response.status in answers:
                    return response
                reason = f"HTTP {response.status}"
                retry_after = parse_retry_after(response.header("retry-after"))
            wait = self._wait_before_retry(attempt, retry_after)
            if attempt + 1 >= self.max_attempts or wait >= self.budget.remaining():
                break
            self._sleep(wait)
        self._mark_down(origin, reason)
        raise TransportError(host, reason)

    def abort_all(self) -> None:
        """Close every open connection, waking any thread blocked on one (budget over)."""
        with self._lock:
            connections = list(self._open)
            self._open.clear()
        for connection in connections:
            _shut(connection)

    def down_hosts(self) -> dict[str, str]:
        with self._lock:
            return {origin[1]: reason for origin, reason in self._down.items()}

    # -- internals --------------------------------------------------------------------------

    def _check_usable(self, origin: _Origin) -> None:
        route = self._route(origin)
        with self._lock:
            reason = self._down.get(origin)
            proxy_reason = (
                self._down.get(_proxy_origin(route)) if isinstance(route, Proxy) else None
            )
        if isinstance(route, Proxy) and proxy_reason is not None:
            raise ProxyError(f"proxy {route.label}", proxy_reason)
        if reason is not None:
            raise TransportError(origin[1], reason)
        if self.budget.exhausted:
            self._mark_down(origin, _budget_reason(self.budget))
            raise TransportError(origin[1], _budget_reason(self.budget))

    def _mark_down(self, origin: _Origin, reason: str) -> None:
        with self._lock:
            self._down.setdefault(origin, reason)

    def _wait_before_retry(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER)
        jitter = 0.5 + random.random() / 2  # spread out clients retrying together
        return float(self.backoff * 2**attempt * jitter)

    def _slot(self, origin: _Origin) -> threading.BoundedSemaphore:
        with self._lock:
            slot = self._slots.get(origin)
            if slot is None:
                slot = self._slots[origin] = threading.BoundedSemaphore(self.per_host)
            return slot

    def _exchange(
        self,
        origin: _Origin,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: bytes | None,
    ) -> Response:
        slot = self._slot(origin)
        if not slot.acquire(timeout=self.budget.remaining()):
            raise _Failed(_budget_reason(self.budget))
        try:
            connection, reused = self._connection(origin)
            try:
                return self._send(connection, method, target, headers, body)
            except _Failed as error:
                if not (reused and error.stale):
                    raise
            # A kept-alive connection the server had already closed: one fresh try, not a retry.
            connection = self._connect(origin)
            return self._send(connection, method, target, headers, body)
        finally:
            slot.release()

    def _connection(self, origin: _Origin) -> tuple[http.client.HTTPConnection, bool]:
        pool: dict[_Origin, http.client.HTTPConnection] = getattr(self._local, "pool", {})
        self._local.pool = pool
        connection = pool.get(origin)
        if connection is not None and connection.sock is not None:
            return connection, True
        return self._connect(origin), False

    def _route(self, origin: _Origin) -> Proxy | UnusableProxy | None:
        """The proxy for ``origin`` (plain http goes only to loopback hosts: never proxied)."""
        with self._lock:
            if origin not in self._routes:
                scheme, host, port = origin
                proxied = scheme == "https"
                self._routes[origin] = self.proxies.proxy_for(host, port) if proxied else None
            return self._routes[origin]

    def _tls_context(self) -> ssl.SSLContext:
        # One context for the run: building one loads the trust store, which takes milliseconds.
        with self._lock:
            if self._tls is None:
                self._tls = ssl.create_default_context()
                self._tls.set_alpn_protocols(["http/1.1"])
            return self._tls

    def _connect(self, origin: _Origin) -> http.client.HTTPConnection:
        scheme, host, port = origin
        timeout = min(self.connect_timeout, self.budget.remaining())
        if timeout <= 0:
            raise _Failed(_budget_reason(self.budget))
        route = self._route(origin)
        connection: http.client.HTTPConnection
        if scheme != "https":
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        elif isinstance(route, Proxy):
            try:
                connection = _tunnel(route, host, port, timeout, self._tls_context())
            except UnicodeError:
                raise _Unreachable("the host name cannot be written in ASCII (IDNA)") from None
        else:
            connection = http.client.HTTPSConnection(
                host, port, timeout=timeout, context=self._tls_context()
            )
        with self._lock:  # from now on abort_all can interrupt it (a proxy slow to answer)
            self._open.add(connection)
        try:
            connection.connect()
        except (OSError, http.client.HTTPException) as error:
            reached = connection.sock is not None  # the proxy was reached, if there is one
            self._discard(connection)
            if self.budget.exhausted:
                raise _Failed(_budget_reason(self.budget)) from None
            if isinstance(route, Proxy):
                raise _proxy_failure(route, error, timeout, reached=reached) from None
            raise _Unreachable(_connect_failure(error, timeout)) from None
        self._local.pool[origin] = connection
        return connection

    def _send(
        self,
        connection: http.client.HTTPConnection,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: bytes | None,
    ) -> Response:
        sock = connection.sock
        with self._lock:
            self.requests_sent += 1
        try:
            if sock is None:
                raise _Failed("connection closed")
            sock.settimeout(self._socket_timeout())
            connection.request(
                method, target, body=body, headers={"User-Agent": USER_AGENT, **headers}
            )
            response = connection.getresponse()
            data = self._read_body(sock, response)
        except _Failed:
            self._discard(connection)
            raise
        except (TimeoutError, OSError, http.client.HTTPException) as error:
            self._discard(connection)
            stale = isinstance(error, _STALE_CONNECTION_ERRORS)
            reason = _budget_reason(self.budget) if self.budget.exhausted else _describe(error)
            raise _Failed(reason, stale=stale) from None
        if response.will_close:
            self._discard(connection)
        names = {name.lower(): value for name, value in response.getheaders()}
        return Response(response.status, names, data)

    def _read_body(self, sock: socket.socket, response: http.client.HTTPResponse) -> bytes:
        # read1 returns what has arrived, so the budget is checked between small reads and a
        # server dripping one byte at a time cannot hold the run past its deadline.
        chunks: list[bytes] = []
        total = 0
        while True:
            sock.settimeout(self._socket_timeout())
            chunk = response.read1(65536)
            if not chunk:
                break
            total += len(chunk)
            if total > MAX_BODY_BYTES:
                raise _Failed(f"response larger than {MAX_BODY_BYTES // (1024 * 1024)} MiB")
            chunks.append(chunk)
        if response.length:  # the server promised more bytes than it sent
            raise _Failed("response truncated")
        response.close()  # done with this response: the connection can carry the next request
        return b"".join(chunks)

    def _socket_timeout(self) -> float:
        remaining = self.budget.remaining()
        if remaining <= 0:
            raise _Failed(_budget_reason(self.budget))
        return min(self.read_timeout, remaining)

    def _discard(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            self._open.discard(connection)
        pool: dict[_Origin, http.client.HTTPConnection] = getattr(self._local, "pool", {})
        for origin, pooled in list(pool.items()):
            if pooled is connection:
                del pool[origin]
        _shut(connection)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or an HTTP date)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _split(url: str) -> tuple[_Origin, str]:
    parts = urlsplit(url)
    scheme = parts.scheme
    port = parts.port or (443 if scheme == "https" else 80)
    target = parts.path or "/"
    if parts.query:
        target += f"?{parts.query}"
    return (scheme, parts.hostname or "", port), target


def _proxy_origin(proxy: Proxy) -> _Origin:
    return ("proxy", proxy.host, proxy.port)


def _tunnel(
    proxy: Proxy, host: str, port: int, timeout: float, context: ssl.SSLContext
) -> http.client.HTTPSConnection:
    """A connection to ``proxy`` that, once connected, is a TLS connection to ``host:port``
    through a ``CONNECT`` tunnel (the certificate checked against ``host``)."""
    connection = http.client.HTTPSConnection(
        proxy.host, proxy.port, timeout=timeout, context=context
    )
    headers = {"Proxy-Authorization": proxy.authorization} if proxy.authorization else None
    # CONNECT names the host in ASCII (http.client would raise on anything else).
    target = host if host.isascii() else host.encode("idna").decode("ascii")
    connection.set_tunnel(target, port, headers=headers)
    return connection


def _connect_failure(error: BaseException, timeout: float) -> str:
    if isinstance(error, socket.gaierror):
        return f"cannot resolve host ({error.strerror or error})"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError):
        return f"connection timed out after {timeout:.1f} s"
    if isinstance(error, OSError):
        return f"cannot connect ({error.strerror or error})"
    return f"cannot connect ({_describe(error)})"


def _proxy_failure(
    proxy: Proxy, error: BaseException, timeout: float, *, reached: bool
) -> _Unreachable | _ProxyDown:
    """What a failed connection through ``proxy`` means: the proxy is down or wants other
    credentials (every host behind it is out of reach), or it could not give this host."""
    refused = _TUNNEL_REFUSED.match(str(error)) if isinstance(error, OSError) else None
    if refused is not None:
        status = int(refused.group(1))
        answer = f"HTTP {status} {_phrase(status)}".rstrip()
        if status == 407:
            wanted = "rejected the credentials" if proxy.authorization else "asks for credentials"
            return _ProxyDown(
                f"{wanted} ({answer}): give them in {proxy.variable} as "
                "http://user:password@host:port"
            )
        return _Unreachable(f"proxy {proxy.label} refused the tunnel ({answer})")
    if not reached:  # the proxy itself could not be reached
        return _ProxyDown(_connect_failure(error, timeout))
    if isinstance(error, http.client.HTTPException):
        return _Unreachable(f"proxy {proxy.label} did not answer CONNECT ({_describe(error)})")
    return _Unreachable(f"through proxy {proxy.label}: {_connect_failure(error, timeout)}")


def _phrase(status: int) -> str:
    # The standard phrase, not the proxy's own text (which could be anything).
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _shut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
    connection.close()


def _sendable(text: str) -> bool:
    return text.isascii() and text.isprintable()


def _budget_reason(budget: Budget) -> str:
    return f"look-up budget of {budget.seconds:g} s exhausted"


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return "timed out waiting for the response"
    if isinstance(error, http.client.RemoteDisconnected):
        return "server closed the connection"
    if isinstance(error, http.client.IncompleteRead):
        return "response truncated"
    if isinstance(error, OSError):
        return error.strerror or type(error).__name__
    return f"bad HTTP response ({type(error).__name__})"
