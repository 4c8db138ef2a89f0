"""HTTP for look-ups: urllib3 underneath, held to the limits a linter run needs.

urllib3 (imported on the first request, so a run answered from the cache never loads it) keeps
one pool of kept-alive connections per host, at most ``per_host`` of them (a request waits for a
free one), tunnels https through the proxy with ``CONNECT``, and checks certificates against the
system's trust store, or ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when set (one TLS context serves
the run). Redirects are never followed: look-ups go only to the configured endpoints.

On top of it, what urllib3 cannot know:

- one wall-clock budget shared by every request of a run: each connect and socket wait is capped
  by what is left of it, a body is read in small pieces so a slow drip cannot outlast it, and no
  retry waits past it (urllib3's own retries know nothing of it, nor retry a body that broke
  off, so ``request`` makes the attempts itself: 5xx, 429 and broken answers, after a jittered
  exponential backoff or the ``Retry-After`` asked for);
- a host that cannot be reached, or failed every attempt, is not asked again in the run, so an
  outage costs one timeout, not one per image; a proxy that cannot be reached, or that asks for
  credentials, likewise for every host behind it; messages name it by host and port only;
- which proxy (``proxy.py`` reads ``HTTPS_PROXY`` and ``NO_PROXY``, which urllib3 does not);
- bodies over 16 MiB are refused, and never decompressed (none is asked for).

A request can still be blocked past the deadline while a proxy or server drips the head of its
answer byte by byte; callers therefore stop waiting at the deadline (``concurrency``) and leave
it to its daemon thread.
"""

from __future__ import annotations

import http
import random
import re
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ecs_lint import __version__
from ecs_lint.gallery.proxy import Proxy, ProxySettings, UnusableProxy, proxy_settings

if TYPE_CHECKING:
    import ssl
    from collections.abc import Callable, Mapping

    from urllib3 import BaseHTTPResponse, PoolManager

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CONNECT_TIMEOUT = 2.0
READ_TIMEOUT = 5.0
MAX_ATTEMPTS = 3
BACKOFF_BASE = 0.25
MAX_RETRY_AFTER = 30.0
MAX_BODY_BYTES = 16 * 1024 * 1024
USER_AGENT = f"ecs-lint/{__version__} (+https://github.com/ecs-lint/ecs-lint)"

_Origin = tuple[str, str, int]
_DEFAULT_PORTS = {"https": 443, "http": 80}
_TUNNEL_REFUSED = re.compile(r"Tunnel connection failed: (\d{3})\b")


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
    """One attempt failed in a way that may succeed on retry."""


@dataclass(frozen=True, slots=True)
class Response:
    status: int
    headers: Mapping[str, str]
    """Case-insensitive."""
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


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

    @property
    def reason(self) -> str:
        return f"look-up budget of {self.seconds:g} s exhausted"


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
        self._lock = threading.Lock()
        self._down: dict[_Origin, str] = {}
        self._managers: dict[Proxy | None, PoolManager] = {}
        self._tls: ssl.SSLContext | None = None
        self.requests_sent = 0
        self.proxies = proxies if proxies is not None else proxy_settings()

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        body: bytes | None = None,
        answers: frozenset[int] = frozenset(),
    ) -> Response:
        """Send one request, retrying 5xx, 429 and broken answers within the budget.

        Returns any other response (including 4xx: those are answers), and any status in
        ``answers`` (a 429 that is itself the answer, as for ``ecs-lint ratelimit``). Raises
        ``TransportError`` when no answer could be had; the host is then skipped for the rest of
        the run.
        """
        parts = urlsplit(url)
        origin = (parts.scheme, parts.hostname or "", parts.port or _DEFAULT_PORTS[parts.scheme])
        if not all(_sendable(text) for text in (url, *(headers or {}).values())):
            # A token (or a name in the URL) that HTTP cannot carry came from a server's answer.
            raise ProtocolError(origin[1], "a token or URL to send is not plain printable ASCII")
        # Plain http goes only to loopback hosts (endpoints.py), which no proxy serves.
        route = self.proxies.proxy_for(origin[1], origin[2]) if origin[0] == "https" else None
        if isinstance(route, UnusableProxy):
            raise ProxyError(route.variable, f"{route.reason}; no look-ups made")
        sent = {"User-Agent": USER_AGENT, **(headers or {})}
        reason = "no attempt made"
        for attempt in range(self.max_attempts):
            self._check_usable(origin, route)
            retry_after: float | None = None
            try:
                response = self._attempt(route, method, url, sent, body)
            except _Unreachable as error:
                raise TransportError(origin[1], self._mark_down(origin, str(error))) from None
            except _ProxyDown as error:
                assert route is not None
                self._mark_down(_proxy_origin(route), str(error))
                raise ProxyError(f"proxy {route.label}", str(error)) from None
            except _Failed as error:
                reason = str(error)
            else:
                if response.status not in RETRY_STATUSES or response.status in answers:
                    return response
                reason = f"HTTP {response.status}"
                retry_after = _retry_after(response.header("retry-after"))
            wait = self._wait_before_retry(attempt, retry_after)
            if attempt + 1 >= self.max_attempts or wait >= self.budget.remaining():
                break
            self._sleep(wait)
        raise TransportError(origin[1], self._mark_down(origin, reason))

    def close(self) -> None:
        """Close the idle connections (one still in use closes when its request ends)."""
        with self._lock:
            managers = list(self._managers.values())
        for manager in managers:
            manager.clear()

    # -- internals --------------------------------------------------------------------------

    def _check_usable(self, origin: _Origin, route: Proxy | None) -> None:
        with self._lock:
            reason = self._down.get(origin)
            proxy_reason = self._down.get(_proxy_origin(route)) if route is not None else None
        if route is not None and proxy_reason is not None:
            raise ProxyError(f"proxy {route.label}", proxy_reason)
        if reason is None and self.budget.exhausted:
            reason = self._mark_down(origin, self.budget.reason)
        if reason is not None:
            raise TransportError(origin[1], reason)

    def _mark_down(self, origin: _Origin, reason: str) -> str:
        with self._lock:
            return self._down.setdefault(origin, reason)

    def _wait_before_retry(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_AFTER)
        jitter = 0.5 + random.random() / 2  # spread out clients retrying together
        return float(self.backoff * 2**attempt * jitter)

    def _manager(self, route: Proxy | None) -> PoolManager:
        """Pools of at most ``per_host`` connections per host (a request waits for a free one),
        direct or through ``route``."""
        import ssl

        import urllib3

        with self._lock:
            if route in self._managers:
                return self._managers[route]
            if self._tls is None:  # building one loads the trust store (milliseconds): once a run
                self._tls = ssl.create_default_context()
            pools: dict[str, Any] = {
                "maxsize": self.per_host,
                "block": True,
                "ssl_context": self._tls,
            }
            if route is None:
                manager = urllib3.PoolManager(num_pools=16, **pools)
            else:
                authorization = route.authorization
                manager = urllib3.ProxyManager(
                    f"http://{route.label}",
                    num_pools=16,
                    proxy_headers={"Proxy-Authorization": authorization} if authorization else None,
                    **pools,
                )
            self._managers[route] = manager
            return manager

    def _attempt(
        self,
        route: Proxy | None,
        method: str,
        url: str,
        headers: Mapping[str, str],
        body: bytes | None,
    ) -> Response:
        import urllib3

        remaining = self.budget.remaining()
        if remaining <= 0:
            raise _Failed(self.budget.reason)
        connect = min(self.connect_timeout, remaining)
        timeout = urllib3.Timeout(connect=connect, read=min(self.read_timeout, remaining))
        manager = self._manager(route)
        with self._lock:
            self.requests_sent += 1
        try:
            answer = manager.urlopen(
                method,
                url,
                body=body,
                headers=dict(headers),
                retries=False,
                redirect=False,
                preload_content=False,
                timeout=timeout,
                pool_timeout=remaining,  # waiting for one of the host's connections
            )
        except urllib3.exceptions.EmptyPoolError:
            raise _Failed(self.budget.reason) from None
        except (urllib3.exceptions.HTTPError, OSError) as error:
            if self.budget.exhausted:
                raise _Failed(self.budget.reason) from None
            raise _failure(error, route, connect) from None
        try:
            data = self._read_body(answer)
        except BaseException:
            answer.close()  # a connection left in the middle of an answer carries no other
            raise
        finally:
            answer.release_conn()
        return Response(answer.status, answer.headers, data)

    def _read_body(self, answer: BaseHTTPResponse) -> bytes:
        """The body, piece by piece with the budget checked in between (a slow drip ends at the
        deadline), at most ``MAX_BODY_BYTES``."""
        from urllib3.exceptions import HTTPError

        sock = getattr(answer.connection, "sock", None)
        chunks: list[bytes] = []
        total = 0
        try:
            while True:
                remaining = self.budget.remaining()
                if remaining <= 0:
                    raise _Failed(self.budget.reason)
                if sock is not None:
                    sock.settimeout(min(self.read_timeout, remaining))
                chunk = answer.read1(65536, decode_content=False)
                if not chunk:
                    return b"".join(chunks)
                total += len(chunk)
                if total > MAX_BODY_BYTES:
                    raise _Failed(f"response larger than {MAX_BODY_BYTES // (1024 * 1024)} MiB")
                chunks.append(chunk)
        except (HTTPError, OSError) as error:
            reason = self.budget.reason if self.budget.exhausted else _describe(_root(error))
            raise _Failed(reason) from None


def _failure(error: BaseException, route: Proxy | None, timeout: float) -> Exception:
    """What an exception from urllib3 means for the host (or the proxy), and in which words."""
    from urllib3 import exceptions

    root = _root(error)
    refused = _TUNNEL_REFUSED.match(str(root))
    if refused is not None and route is not None:
        status = int(refused.group(1))
        answer = f"HTTP {status} {_phrase(status)}".rstrip()
        if status == 407:
            wanted = "rejected the credentials" if route.authorization else "asks for credentials"
            return _ProxyDown(
                f"{wanted} ({answer}): give them in {route.variable} as "
                "http://user:password@host:port"
            )
        return _Unreachable(f"proxy {route.label} refused the tunnel ({answer})")
    if isinstance(error, exceptions.ProxyError) and route is not None:
        return _ProxyDown(_connect_failure(root, timeout))  # the proxy itself is out of reach
    if isinstance(error, exceptions.ReadTimeoutError | exceptions.ProtocolError) and not (
        route is not None and getattr(error, "url", None) == f"http://{route.label}"
    ):
        return _Failed(_describe(root))  # the answer broke off (a timeout in CONNECT does not)
    if isinstance(error, exceptions.LocationValueError):
        return _Unreachable("cannot send to this URL")
    reason = _connect_failure(root, timeout)
    return _Unreachable(f"through proxy {route.label}: {reason}" if route else reason)


def _root(error: BaseException) -> BaseException:
    """The exception urllib3 wrapped (a ``ProxyError`` wraps a ``NewConnectionError`` wraps...)."""
    seen = {id(error)}
    while True:
        inner = next((arg for arg in error.args if isinstance(arg, BaseException)), None)
        inner = inner or error.__cause__
        if inner is None or id(inner) in seen:
            return error
        seen.add(id(inner))
        error = inner


def _connect_failure(error: BaseException, timeout: float) -> str:
    import socket

    if isinstance(error, socket.gaierror):
        return f"cannot resolve host ({error.strerror or error})"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, TimeoutError):
        return f"connection timed out after {timeout:.1f} s"
    return f"cannot connect ({_describe(error)})"


def _describe(error: BaseException) -> str:
    """In our words: a server's own text never reaches a message."""
    from http.client import IncompleteRead

    if isinstance(error, TimeoutError):
        return "timed out waiting for the response"
    if isinstance(error, IncompleteRead):
        return "response truncated"
    if isinstance(error, ConnectionError):
        return "server closed the connection"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return f"bad HTTP response ({type(error).__name__})"


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or an HTTP date)."""
    from urllib3.exceptions import InvalidHeader
    from urllib3.util import Retry

    try:
        return Retry(0).parse_retry_after(value) if value is not None else None
    except InvalidHeader:
        return None


def _proxy_origin(proxy: Proxy) -> _Origin:
    return ("proxy", proxy.host, proxy.port)


def _phrase(status: int) -> str:
    # The standard phrase, not the proxy's own text (which could be anything).
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _sendable(text: str) -> bool:
    return text.isascii() and text.isprintable()
