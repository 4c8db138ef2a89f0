"""Docker Hub's pull limits, and which image pulls count against them (EL101, EL102, EL150).

The limits are written here once, as Docker's documentation states them (``DOCUMENTED``); the
``docker-hub-limit`` setting replaces either, and every message and rule document that names a
limit takes it from the run's settings or from here.

A pull counts when its reference names Docker Hub and no ``trusted-registries`` entry covers it;
whether it carries credentials decides which limit it counts against.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ecs_lint.model import ImageRef, RegistryKind, UnresolvedRef
from ecs_lint.references import known_registry, known_repository

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from ecs_lint.model import ImageUse
    from ecs_lint.settings import Settings

SIX_HOURS: Final = 6 * 3600
PER_ADDRESS: Final = "per IPv4 address or IPv6 /64 subnet"
"""What Docker Hub counts anonymous pulls against: every task behind one NAT address shares it."""
DOCUMENTATION: Final = "https://docs.docker.com/docker-hub/usage/pulls/"
DOCUMENTED_ON: Final = "2025-03-27"
"""When Docker's page last changed the limits it states (6-hour windows again, after the hourly
limits announced for April 2025); the README cites it with the day it was checked."""


@dataclass(frozen=True, slots=True)
class PullLimit:
    """A number of pulls in a window of seconds, as Docker Hub's ``ratelimit-limit`` header
    gives it (``100;w=21600``)."""

    pulls: int
    window: int = SIX_HOURS

    def __str__(self) -> str:
        return f"{self.pulls} pull{'s' if self.pulls != 1 else ''} per {duration(self.window)}"

    @property
    def written(self) -> str:
        """As ``docker-hub-limit`` takes it: ``100/6h``."""
        for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
            if self.window % size == 0:
                return f"{self.pulls}/{self.window // size}{unit}"
        return f"{self.pulls}/{self.window}s"


ANONYMOUS: Final = "anonymous"
AUTHENTICATED: Final = "authenticated"
DOCUMENTED: Final = {ANONYMOUS: PullLimit(100), AUTHENTICATED: PullLimit(200)}
"""Docker's documented limits (``DOCUMENTATION``, as of ``DOCUMENTED_ON``): 100 unauthenticated
pulls per 6 hours per IPv4 address or IPv6 /64 subnet, 200 per 6 hours for a Personal account
(paid accounts are not limited). The defaults of ``docker-hub-limit``."""

_LIMIT: Final = r"^\s*([0-9]+)\s*(?:/\s*([0-9]*)\s*([smhd])\s*)?$"
_UNITS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_limit(text: str) -> PullLimit:
    """``100`` (in the documented window) or ``100/6h`` (``s``, ``m``, ``h``, ``d``; ``/h`` is
    one hour) → a :class:`PullLimit`; ``ValueError`` with what is expected otherwise."""
    match = re.compile(_LIMIT).match(text)
    if match is not None:
        pulls, count, unit = int(match.group(1)), match.group(2), match.group(3)
        window = int(count or 1) * _UNITS[unit] if unit else SIX_HOURS
        if pulls >= 1 and window >= 1:
            return PullLimit(pulls, window)
    raise ValueError(f"expected pulls in a window, such as 100/6h, or a count, got {text!r}")


def duration(seconds: int) -> str:
    """``6 hours``, ``1 hour``, ``90 minutes``, ``45 seconds``."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def with_limits(doc: str) -> str:
    """A rule's documentation with the documented limits written in for ``{{anonymous limit}}``
    and ``{{authenticated limit}}``, so no document repeats a number that may change."""
    return doc.replace("{{anonymous limit}}", f"{DOCUMENTED[ANONYMOUS]} {PER_ADDRESS}").replace(
        "{{authenticated limit}}", str(DOCUMENTED[AUTHENTICATED])
    )


def docker_hub_reference(use: ImageUse, settings: Settings) -> ImageRef | None:
    """The reference ``use`` pulls from Docker Hub, unless the trusted registries cover it.

    A reference whose unknown parts cannot reach its registry (``nginx:${TAG}``,
    ``hexpm/erlang-${ARCH}:26.2``) still names Docker Hub; its path and tag keep their variables.
    """
    written = use.reference
    ref = known_registry(written) if isinstance(written, UnresolvedRef) else written
    if not isinstance(ref, ImageRef) or ref.registry is not RegistryKind.DOCKER_HUB:
        return None
    return None if settings.is_trusted(ref.domain, ref.path) else ref


def docker_hub_pulls(
    uses: Iterable[ImageUse], settings: Settings, *, authenticated: bool
) -> Iterator[tuple[ImageUse, ImageRef]]:
    """The uses that pull from Docker Hub (untrusted), anonymously or with credentials as
    ``authenticated`` says, each with its reference."""
    for use in uses:
        if use.authenticated == authenticated:
            ref = docker_hub_reference(use, settings)
            if ref is not None:
                yield use, ref


def repository_is_known(use: ImageUse) -> bool:
    """Whether the repository ``use`` pulls is known, so that an equivalent can be looked up:
    false when variables reach into it (``hexpm/erlang-${ARCH}``), true when at most its tag or
    digest is unknown."""
    written = use.reference
    return not isinstance(written, UnresolvedRef) or known_repository(written) is not None
