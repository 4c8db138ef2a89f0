"""``ecs-lint ratelimit``: Docker Hub's pull limit for this machine's address, and what is left.

Docker's documented check: a pull token for ``ratelimitpreview/test`` from the token service, then
``HEAD /v2/ratelimitpreview/test/manifests/latest`` on the registry, whose ``ratelimit-limit`` and
``ratelimit-remaining`` headers (``100;w=21600``: 100 pulls per 21600 s) give the limit and what
is left, and ``docker-ratelimit-source`` what it is counted against (the address, or the user). A
``HEAD`` does not count as a pull. No such headers means the pulls are not limited. Beside the
answer it shows the limit ecs-lint's rules assume (``Configured``: ``docker-hub-limit``, else
Docker's documented limit), and how to make them use the one measured.

Credentials, when found, make the check authenticated (the account's own limit):

1. ``DOCKERHUB_USERNAME`` and ``DOCKERHUB_TOKEN`` (a personal access token, or the password);
2. Docker's config, ``$DOCKER_CONFIG/config.json`` or ``~/.docker/config.json``: the base64
   ``auth`` of the ``https://index.docker.io/v1/`` entry of ``auths``, as ``docker login`` writes
   it without a credential store. Credential helpers (``credsStore``, ``credHelpers``) are not
   run: ecs-lint says so, and checks anonymously.

The endpoints are Docker Hub's unless the configuration (``dockerhub-auth-url``,
``dockerhub-registry-url``) or ``ECS_LINT_DOCKERHUB_AUTH_URL`` / ``ECS_LINT_DOCKERHUB_REGISTRY_URL``
say otherwise: https only, plain http for loopback hosts (tests). This command always asks the
network, even when look-ups are offline: asking is all it does, within ``lookup-budget`` seconds.
Through ``HTTPS_PROXY`` unless ``NO_PROXY`` says otherwise (``gallery/proxy.py``); a proxy
variable that cannot be used is an error here, since there is nothing to fall back on.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ecs_lint.settings import MAX_FILE_SIZE

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ecs_lint.dockerhub import PullLimit
    from ecs_lint.gallery.endpoints import Endpoints
    from ecs_lint.gallery.http import HttpClient, Response
    from ecs_lint.settings import Settings

__all__ = [
    "ENV_TOKEN",
    "ENV_USERNAME",
    "Configured",
    "Credentials",
    "Quota",
    "RateLimit",
    "RateLimitError",
    "check_rate_limit",
    "find_credentials",
    "parse_quota",
]

ENV_USERNAME: Final = "DOCKERHUB_USERNAME"
ENV_TOKEN: Final = "DOCKERHUB_TOKEN"
REPOSITORY: Final = "ratelimitpreview/test"
# The keys ``docker login`` writes for Docker Hub (the first), and forms people write by hand.
DOCKER_HUB_KEYS: Final = (
    "https://index.docker.io/v1/",
    "https://index.docker.io/v1",
    "index.docker.io",
    "docker.io",
    "https://docker.io",
    "registry-1.docker.io",
)
_QUOTA: Final = re.compile(r"^\s*(\d+)\s*(?:;\s*w\s*=\s*(\d+))?")


class RateLimitError(Exception):
    """The check could not be made; ``message`` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    secret: str = field(repr=False)
    source: str


@dataclass(frozen=True, slots=True)
class Quota:
    """``100;w=21600``: a count and its window in seconds (``None`` when not given)."""

    count: int
    window: int | None


@dataclass(frozen=True, slots=True)
class RateLimit:
    limit: Quota | None
    remaining: Quota | None
    source: str | None
    """What the pulls are counted against (``docker-ratelimit-source``): an address or a user."""
    credentials: Credentials | None

    @property
    def unlimited(self) -> bool:
        return self.limit is None

    @property
    def exhausted(self) -> bool:
        return self.remaining is not None and self.remaining.count <= 0

    def as_json(self) -> dict[str, Any]:
        return {
            "authenticated": self.credentials is not None,
            "user": self.credentials.username if self.credentials else None,
            "credentials_from": self.credentials.source if self.credentials else None,
            "unlimited": self.unlimited,
            "limit": self.limit.count if self.limit else None,
            "remaining": self.remaining.count if self.remaining else None,
            "window_seconds": _window(self.limit, self.remaining),
            "source": self.source,
        }

    def as_text(self) -> str:
        who = (
            f"for {self.credentials.username}, credentials from {self.credentials.source}"
            if self.credentials
            else "for this address, anonymous"
        )
        counted = f"; counted against {self.source}" if self.source else ""
        if self.limit is None:
            return (
                f"Docker Hub pulls ({who}): not limited (Docker Hub sent no rate-limit "
                f"headers){counted}.\n"
            )
        window = _window(self.limit, self.remaining)
        per = f" per {_duration(window)}" if window else ""
        left = f", {self.remaining.count} left" if self.remaining else ""
        return f"Docker Hub pulls ({who}): {self.limit.count}{per}{left}{counted}.\n"


@dataclass(frozen=True, slots=True)
class Configured:
    """The limit ecs-lint's rules assume for the pulls ``ecs-lint ratelimit`` measured: the
    ``docker-hub-limit`` setting's, else Docker's documented one."""

    limit: PullLimit
    authenticated: bool
    configured: bool
    """Set by ``docker-hub-limit`` (else the documented limit)."""

    @classmethod
    def of(cls, settings: Settings, answer: RateLimit) -> Configured:
        from ecs_lint.dockerhub import ANONYMOUS, AUTHENTICATED

        authenticated = answer.credentials is not None
        kind = AUTHENTICATED if authenticated else ANONYMOUS
        limit = settings.authenticated_limit if authenticated else settings.anonymous_limit
        return cls(limit, authenticated, kind in settings.docker_hub_limits)

    def as_json(self) -> dict[str, Any]:
        return {
            "limit": self.limit.pulls,
            "window_seconds": self.limit.window,
            "from": "docker-hub-limit" if self.configured else "documented",
        }

    def as_text(self, answer: RateLimit) -> str:
        """The limit the rules assume, beside what Docker Hub measured, and how to use that."""
        from ecs_lint.dockerhub import PER_ADDRESS

        source = "docker-hub-limit" if self.configured else "Docker's documented limit"
        per = "per account" if self.authenticated else PER_ADDRESS
        line = f"ecs-lint assumes {self.limit} {per} ({source})"
        if answer.limit is None:
            return f"{line}; Docker Hub sets no limit on these pulls.\n"
        from ecs_lint.dockerhub import PullLimit

        window = _window(answer.limit, answer.remaining) or self.limit.window
        measured = PullLimit(answer.limit.count, window)
        if measured == self.limit:
            return f"{line}, as Docker Hub measured.\n"
        kind = "authenticated=" if self.authenticated else ""
        return (
            f"{line}; Docker Hub measured {measured}: to use that, set --docker-hub-limit "
            f"{kind}{measured.written}.\n"
        )


def _window(limit: Quota | None, remaining: Quota | None) -> int | None:
    return (limit.window if limit else None) or (remaining.window if remaining else None)


def _duration(seconds: int) -> str:
    from ecs_lint.dockerhub import duration

    return duration(seconds)


def parse_quota(text: str | None) -> Quota | None:
    """``100;w=21600`` → ``Quota(100, 21600)``; ``None`` for a missing or unreadable header."""
    if text is None:
        return None
    match = _QUOTA.match(text)
    if match is None:
        return None
    return Quota(int(match.group(1)), int(match.group(2)) if match.group(2) else None)


# --- Credentials ----------------------------------------------------------------------------


def find_credentials(
    environ: Mapping[str, str], limit: int = MAX_FILE_SIZE
) -> tuple[Credentials | None, list[str]]:
    """Docker Hub credentials from the environment, else Docker's config; and notes for the user
    (a credential helper that is not run, a config that cannot be read)."""
    username, token = environ.get(ENV_USERNAME), environ.get(ENV_TOKEN)
    if username and token:
        return Credentials(username, token, f"{ENV_USERNAME}/{ENV_TOKEN}"), []
    if username or token:
        given, missing = (ENV_USERNAME, ENV_TOKEN) if username else (ENV_TOKEN, ENV_USERNAME)
        raise RateLimitError(f"{given} is set but {missing} is not: set both, or neither")
    return _from_docker_config(_docker_config_path(environ), limit)


def _docker_config_path(environ: Mapping[str, str]) -> Path:
    directory = environ.get("DOCKER_CONFIG")
    return Path(directory) / "config.json" if directory else Path.home() / ".docker/config.json"


def _from_docker_config(path: Path, limit: int) -> tuple[Credentials | None, list[str]]:
    from ecs_lint.textio import UnreadableFile, read_limited

    if not path.is_file():
        return None, []
    try:
        config = json.loads(read_limited(path, limit).decode("utf-8"))
    except (UnreadableFile, UnicodeDecodeError, ValueError) as error:
        reason = getattr(error, "message", None) or str(error)
        return None, [f"{path} cannot be read ({reason}); checking anonymously"]
    if not isinstance(config, dict):
        return None, [f"{path} is not a JSON object; checking anonymously"]
    found = config.get("auths")
    auths: dict[str, Any] = found if isinstance(found, dict) else {}
    key = next((key for key in DOCKER_HUB_KEYS if key in auths), None)
    entry = auths.get(key) if key is not None else None
    encoded = entry.get("auth") if isinstance(entry, dict) else None
    if isinstance(encoded, str) and encoded:
        return _decoded(encoded, path, key or "")
    helper = _helper(config)
    if helper is not None and (key is not None or _helper_for_hub(config)):
        return None, [
            f"{path} keeps Docker Hub credentials in the credential helper docker-credential-"
            f"{helper}, which ecs-lint does not run (not supported); set {ENV_USERNAME} and "
            f"{ENV_TOKEN} for an authenticated check. Checking anonymously"
        ]
    return None, []


def _decoded(encoded: str, path: Path, key: str) -> tuple[Credentials | None, list[str]]:
    try:
        username, sep, secret = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        sep, username, secret = "", "", ""
    if not sep or not username or not secret:
        return None, [
            f'{path}: the "auth" of {key} is not base64 of "user:token"; checking anonymously'
        ]
    return Credentials(username, secret, f"{path}"), []


def _helper(config: dict[str, Any]) -> str | None:
    helpers = config.get("credHelpers")
    if isinstance(helpers, dict):
        for key in DOCKER_HUB_KEYS:
            if isinstance(helpers.get(key), str):
                return str(helpers[key])
    store = config.get("credsStore")
    return store if isinstance(store, str) and store else None


def _helper_for_hub(config: dict[str, Any]) -> bool:
    helpers = config.get("credHelpers")
    return isinstance(helpers, dict) and any(key in helpers for key in DOCKER_HUB_KEYS)


# --- The check ------------------------------------------------------------------------------


def check_rate_limit(
    settings: Settings, environ: Mapping[str, str] | None = None
) -> tuple[RateLimit, list[str]]:
    """Ask Docker Hub; the answer, and notes for the user. Raises ``RateLimitError``."""
    from ecs_lint.gallery.concurrency import NotReady, call_within
    from ecs_lint.gallery.endpoints import EndpointError, resolve_endpoints
    from ecs_lint.gallery.http import Budget, HttpClient, ProxyError, TransportError
    from ecs_lint.gallery.proxy import proxy_settings

    env = os.environ if environ is None else environ
    try:
        endpoints = resolve_endpoints(settings, env)
    except EndpointError as error:
        raise RateLimitError(str(error)) from None
    credentials, notes = find_credentials(env, settings.max_file_size)
    http = HttpClient(Budget(settings.lookup_budget), per_host=1, proxies=proxy_settings(env))

    try:  # a proxy dripping its answer can hold a request past every socket timeout
        response = call_within(lambda: _ask(http, endpoints, credentials), http.budget.remaining())
    except NotReady:
        raise RateLimitError(f"cannot reach Docker Hub: {http.budget.reason}") from None
    except ProxyError as error:  # names the proxy (or its variable), never its credentials
        raise RateLimitError(f"cannot reach Docker Hub ({error.host}: {error.reason})") from None
    except TransportError as error:
        raise RateLimitError(f"cannot reach {error.host}: {error.reason}") from None
    finally:
        http.close()
    limit = parse_quota(response.header("ratelimit-limit"))
    return (
        RateLimit(
            limit,
            parse_quota(response.header("ratelimit-remaining")) if limit else None,
            response.header("docker-ratelimit-source"),
            credentials,
        ),
        notes,
    )


def _ask(http: HttpClient, endpoints: Endpoints, credentials: Credentials | None) -> Response:
    """The manifest ``HEAD``'s answer: 200, or 429 when no pull is left (its headers say so)."""
    from ecs_lint.gallery.client import docker_hub_registry
    from ecs_lint.gallery.http import ProtocolError

    hub = docker_hub_registry(http, endpoints.dockerhub_registry, endpoints.dockerhub_auth)
    basic = None
    if credentials is not None:
        pair = f"{credentials.username}:{credentials.secret}".encode()
        basic = "Basic " + base64.b64encode(pair).decode("ascii")
    try:
        token = hub.fetch_token([REPOSITORY], basic)
    except ProtocolError as error:
        if credentials is None or not error.reason.endswith("HTTP 401"):
            raise
        raise RateLimitError(
            f"{error.host} rejected the credentials from {credentials.source} (HTTP 401): check "
            "the user name and token"
        ) from None
    response = hub.head(REPOSITORY, "latest", token, answers=frozenset({429}))
    if response.status not in (200, 429):
        raise RateLimitError(f"{hub.host} answered the manifest HEAD with HTTP {response.status}")
    return response
