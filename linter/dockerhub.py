"""Which image pulls count against Docker Hub's rate limits (EL101, EL102, EL150).

A pull counts when its reference names Docker Hub and no ``trusted-registries`` entry covers it;
whether it carries credentials decides which limit it counts against.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.model import ImageRef, RegistryKind, UnresolvedRef
from ecs_lint.references import known_registry, known_repository

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from ecs_lint.model import ImageUse
    from ecs_lint.settings import Settings


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
