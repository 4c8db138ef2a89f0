"""Which proxy a look-up goes through: ``HTTPS_PROXY`` and ``NO_PROXY``, read as curl and requests
read them, for ecs-lint's own HTTP client (AWS calls go through botocore, which reads them itself).

- ``https_proxy``, else ``HTTPS_PROXY`` (the lower-case name wins, as in curl and requests): an
  ``http://[user:password@]host[:port]`` URL; no scheme means ``http://``, no port means 80. https
  look-ups are tunnelled through it with ``CONNECT``, so the proxy sees only the host and port,
  and the server's certificate is still checked against the real host name. The user name and
  password (percent-decoded) are sent as ``Proxy-Authorization: Basic`` and never printed: a
  message names the proxy by host and port only.
- A proxy variable ecs-lint cannot use (``socks5://``, ``https://``, no host, a bad port) is not
  silently skipped (going around a proxy the user asked for could leak look-ups, or hang on a
  firewall) nor a usage error (look-ups are optional): look-ups that would go through it are not
  made, and the run says why in its one network warning, as when the network is down.
  ``ecs-lint ratelimit``, which only asks the network, fails with that message.
- ``no_proxy``, else ``NO_PROXY``: hosts reached directly, separated by commas (or spaces).
  ``*`` alone matches every host; ``example.com``, ``.example.com`` and ``*.example.com`` match
  that domain and every name under it (on a label boundary, case-insensitively); ``host:port``
  matches that port only; IP addresses match exactly and ``10.0.0.0/8`` by range (only hosts
  written as IP addresses: nothing is resolved to decide); IPv6 with or without brackets.
- Loopback hosts (``localhost``, ``127.0.0.0/8``, ``::1``) are always reached directly, as Go's
  net/http does: they mean this machine, which a proxy elsewhere cannot reach. So ``HTTP_PROXY``
  is never read: plain http is allowed only for loopback hosts, which no proxy serves.
- ``ALL_PROXY`` is not read (it commonly names a SOCKS proxy, which ecs-lint does not speak).
"""

from __future__ import annotations

import base64
import ipaddress
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ecs_lint.gallery.endpoints import is_loopback

if TYPE_CHECKING:
    from collections.abc import Mapping

PROXY_VARIABLES = ("https_proxy", "HTTPS_PROXY")
NO_PROXY_VARIABLES = ("no_proxy", "NO_PROXY")
DEFAULT_PROXY_PORT = 80

_IpNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class Proxy:
    host: str
    port: int
    variable: str
    """The environment variable it came from, for messages."""
    authorization: str | None = field(default=None, repr=False)
    """The ``Proxy-Authorization`` header value, when the URL has a user name."""

    @property
    def label(self) -> str:
        """``host:port``: how messages name the proxy (never with its credentials)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class UnusableProxy:
    """A proxy variable that is set but cannot be used: look-ups through it are not made."""

    variable: str
    reason: str


@dataclass(frozen=True, slots=True)
class _Rule:
    """One ``NO_PROXY`` entry: a domain (and every name under it), or an address range."""

    domain: str = ""
    network: _IpNetwork | None = None
    port: int | None = None

    def matches(self, host: str, address: _IpAddress | None, port: int) -> bool:
        if self.port is not None and self.port != port:
            return False
        if self.network is not None:
            return address is not None and address in self.network
        if address is not None:
            return False  # a host written as an address is matched by address entries only
        return host == self.domain or host.endswith(f".{self.domain}")


@dataclass(frozen=True, slots=True)
class ProxySettings:
    proxy: Proxy | UnusableProxy | None = None
    bypass_all: bool = False
    rules: tuple[_Rule, ...] = ()

    def proxy_for(self, host: str, port: int) -> Proxy | UnusableProxy | None:
        """The proxy a request to ``host:port`` goes through; ``None`` for a direct one."""
        if self.proxy is None or self.bypass_all or is_loopback(host):
            return None
        name = host.lower().rstrip(".").strip("[]")
        address = _ip(name)
        if any(rule.matches(name, address, port) for rule in self.rules):
            return None
        return self.proxy


def proxy_settings(environ: Mapping[str, str] | None = None) -> ProxySettings:
    """The proxy settings in the environment (``os.environ`` by default)."""
    env = os.environ if environ is None else environ
    variable, value = _first_set(env, PROXY_VARIABLES)
    if variable is None:
        return ProxySettings()
    _, no_proxy = _first_set(env, NO_PROXY_VARIABLES)
    entries = [entry for entry in re.split(r"[,\s]+", no_proxy or "") if entry]
    return ProxySettings(
        parse_proxy_url(value, variable),
        bypass_all="*" in entries,
        rules=tuple(rule for entry in entries if (rule := _parse_rule(entry)) is not None),
    )


def parse_proxy_url(value: str, variable: str) -> Proxy | UnusableProxy:
    """The proxy a variable's value names, or why it cannot be used (never echoing the value,
    which may hold a password)."""
    text = value.strip()
    if "://" not in text:
        text = f"http://{text}"  # curl and requests read a bare host[:port] as an http proxy
    try:
        parts = urlsplit(text)
    except ValueError:
        return UnusableProxy(variable, "is not a valid proxy URL")
    scheme = parts.scheme.lower()
    if scheme != "http":
        named = (
            f"names a {scheme}:// proxy"
            if re.fullmatch(r"[a-z][a-z0-9+.-]{0,15}", scheme)
            else "is not an http:// URL"
        )
        return UnusableProxy(
            variable,
            f"{named}; ecs-lint can use only an http:// proxy (https look-ups are tunnelled "
            "through it with CONNECT)",
        )
    if "@" in parts.path + parts.query + parts.fragment:
        # An "@" after the host: a password with "/", "?" or "#" not percent-encoded, whose
        # tail would otherwise be taken for the host (and shown in messages).
        return UnusableProxy(
            variable,
            "is not a valid proxy URL (percent-encode the user name and password: %40 for @, "
            "%2F for /)",
        )
    try:
        port = parts.port
    except ValueError:
        return UnusableProxy(variable, "is not a valid proxy URL (bad port)")
    host = parts.hostname
    if not host or not _plain(host) or not _plain(parts.username or ""):
        return UnusableProxy(variable, "is not a valid proxy URL (no host, or not plain ASCII)")
    authorization = None
    if parts.username is not None:
        pair = f"{unquote(parts.username)}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    return Proxy(host, port or DEFAULT_PROXY_PORT, variable, authorization)


def _first_set(env: Mapping[str, str], names: tuple[str, ...]) -> tuple[str | None, str]:
    for name in names:
        value = env.get(name, "").strip()
        if value:
            return name, value
    return None, ""


def _parse_rule(entry: str) -> _Rule | None:
    text = entry.strip().lower()
    if text == "*":
        return None
    try:
        return _Rule(network=ipaddress.ip_network(text.strip("[]"), strict=False))
    except ValueError:
        pass
    host, port = _split_port(text)
    if port is None and host != text.strip("[]"):
        return None  # a port that is not a number: an entry that matches nothing
    try:
        return _Rule(network=ipaddress.ip_network(host, strict=False), port=port)
    except ValueError:
        pass
    domain = host.removeprefix("*").lstrip(".").rstrip(".")
    return _Rule(domain=domain, port=port) if domain else None


def _split_port(text: str) -> tuple[str, int | None]:
    """``host:port`` or ``[v6]:port`` → host and port; the text itself when there is no port."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        digits = rest.removeprefix(":")
        return host, int(digits) if rest.startswith(":") and digits.isdigit() else None
    host, sep, digits = text.rpartition(":")
    if not sep or ":" in host:  # no port, or a bare IPv6 address
        return text, None
    return host, int(digits) if digits.isdigit() and int(digits) < 65536 else None


def _ip(host: str) -> _IpAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _plain(text: str) -> bool:
    return text.isascii() and text.isprintable() and " " not in text
