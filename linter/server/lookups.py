"""ECR Public answers for a whole editing session: the embedded catalog at once, the gallery later.

A lint never waits for the network: it answers from what the session has found so far and the
embedded catalog (:meth:`Equivalents.for_lint`), and the server publishes those diagnostics at
once. The Docker Hub images it had no answer for are then looked up in the background
(:meth:`Equivalents.look_up`, through the look-up cache and within the look-up budget, as the
command line does), and the documents using them linted again with the answers. An image the
gallery failed to answer keeps its catalog answer and is asked again only after
:data:`RETRY_AFTER` seconds, so an unreachable gallery costs one failed batch, not one per
keystroke.
"""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from ecs_lint.engine import needs_lookup
from ecs_lint.gallery.service import EcrPublicEquivalents, offline_from_environment
from ecs_lint.model import ImageRef, RegistryKind
from ecs_lint.rule import Lookup

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable

    from ecs_lint.gallery.catalog import Equivalent
    from ecs_lint.model import ImageUse
    from ecs_lint.settings import Settings

RETRY_AFTER: Final = 300.0
"""Seconds before an image the gallery failed to answer is asked again."""


class Equivalents:
    """The session's ECR Public answers, per set of endpoints (each project's configuration may
    name its own), shared by the lint thread and the look-up threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: dict[Hashable, dict[str, Equivalent]] = {}
        self._failed: dict[tuple[Hashable, str], float] = {}
        self._asked: set[tuple[Hashable, str]] = set()
        self.problems: list[str] = []
        """Why look-ups are off for some configuration (an endpoint that is not acceptable),
        for the server to say once."""

    def for_lint(self, settings: Settings) -> EcrPublicEquivalents:
        """A service that answers without I/O: what the gallery answered this session for the
        endpoints of ``settings``, else the embedded catalog."""
        service = EcrPublicEquivalents(replace(settings, offline=True))
        scope = self._scope(settings)
        if scope is not None:
            with self._lock:
                service.remember(self._found.get(scope, {}))
        return service

    def to_look_up(self, uses: Iterable[ImageUse], settings: Settings) -> list[ImageUse]:
        """The uses of Docker Hub images the gallery has not answered yet (nor failed to answer
        lately, nor is being asked), now marked as asked; none when look-ups are off."""
        scope = self._scope(settings)
        if scope is None or not needs_lookup(Lookup.ECR_PUBLIC, settings):
            return []
        wanted: list[ImageUse] = []
        now = time.monotonic()
        with self._lock:
            found = self._found.get(scope, {})
            for use in uses:
                ref = use.reference
                if not isinstance(ref, ImageRef) or ref.registry is not RegistryKind.DOCKER_HUB:
                    continue
                key = (scope, str(ref))
                if settings.is_trusted(ref.domain, ref.path) or key[1] in found:
                    continue
                if key in self._asked or now < self._failed.get(key, now - 1):
                    continue
                self._asked.add(key)
                wanted.append(use)
        return wanted

    def look_up(self, uses: list[ImageUse], settings: Settings) -> tuple[list[str], set[str]]:
        """Ask the gallery about ``uses`` (from :meth:`to_look_up`), waiting at most the look-up
        budget; keep what it answered. Returns what the look-ups could not do, and the images
        (``str(ref)``) answered."""
        scope = self._scope(settings)
        assert scope is not None  # to_look_up gave uses
        service = EcrPublicEquivalents(settings)
        try:
            service.prefetch(uses)
            answers, warnings = service.answers(), service.warnings
        finally:
            service.close()
        retry_at = time.monotonic() + RETRY_AFTER
        answered: set[str] = set()
        with self._lock:
            found = self._found.setdefault(scope, {})
            for use in uses:
                key = str(use.reference)
                self._asked.discard((scope, key))
                answer = answers.get(key)
                if answer is not None and answer.checked:
                    found[key] = answer
                    answered.add(key)
                else:  # the catalog's answer stood in for a failed look-up
                    self._failed[(scope, key)] = retry_at
        return warnings, answered

    def _scope(self, settings: Settings) -> Hashable | None:
        """What the answers for ``settings`` depend on; ``None`` when look-ups are off."""
        if settings.offline or offline_from_environment():
            return None
        from ecs_lint.gallery.endpoints import resolve_endpoints

        try:
            endpoints = resolve_endpoints(settings)
        except ValueError as error:  # EndpointError: a configured URL is not acceptable
            message = f"ECR Public look-ups are off: {error}"
            with self._lock:
                if message not in self.problems:
                    self.problems.append(message)
            return None
        return (endpoints, settings.identity_check)
