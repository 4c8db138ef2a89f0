"""The ECR Public equivalents service that EL101 and EL102 reach through ``Services.ecr_public``.

The engine calls ``prefetch`` with the run's image uses before any rule runs (when a selected rule
looks equivalents up), so every Docker Hub image is resolved in one concurrent batch; rules then
call ``advise``, which only reads what was prefetched (or the embedded catalog) and never does
I/O, so rules stay pure.

Offline (``--offline`` or ``ECS_LINT_OFFLINE=1``) the answers come from the embedded catalog
alone, neither the network nor the on-disk cache: an offline run's output depends only on the
installed version. The network modules are imported only when a run goes online.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint.findings import Edit, Fix, brief
from ecs_lint.gallery.catalog import Equivalent, Evidence, embedded_catalog
from ecs_lint.model import ImageRef, RegistryKind

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from ecs_lint.gallery.endpoints import Endpoints
    from ecs_lint.gallery.resolver import Resolver
    from ecs_lint.model import ImageUse
    from ecs_lint.settings import PullThroughCache, Settings

ENV_OFFLINE = "ECS_LINT_OFFLINE"
PULL_THROUGH_SECRET_PREFIX = "ecr-pullthroughcache/"


@dataclass(frozen=True, slots=True)
class Advice:
    """What a Docker Hub finding says and offers about the image."""

    replacement: str | None
    """The suggested reference: ECR Public, else the configured pull-through cache."""
    evidence: str | None
    """``identical``, ``verified``, ``catalog``, or ``None`` (no ECR Public equivalent)."""
    fix: Fix | None
    hint: str
    """The end of the finding's headline: what to use instead, or the other remedies."""
    details: tuple[str, ...] = ()
    """Lines the finding's message adds after its headline."""


def offline_from_environment(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get(ENV_OFFLINE, "")
    return value.strip().lower() not in ("", "0", "false", "no", "off")


class EcrPublicEquivalents:
    def __init__(self, settings: Settings, environ: Mapping[str, str] | None = None) -> None:
        """Raises ``EndpointError`` (online only) when a configured endpoint is unacceptable."""
        self.settings = settings
        self.offline = settings.offline or offline_from_environment(environ)
        self._environ = environ
        self._answers: dict[str, Equivalent] = {}
        self._resolver: Resolver | None = None
        self.endpoints: Endpoints | None = None
        if not self.offline:
            from ecs_lint.gallery.endpoints import resolve_endpoints

            self.endpoints = resolve_endpoints(settings, environ)

    @property
    def warnings(self) -> list[str]:
        """What the look-ups of the run could not do, one line per kind of failure."""
        return self._resolver.warnings() if self._resolver is not None else []

    def prefetch(self, uses: Iterable[ImageUse]) -> None:
        """Resolve every Docker Hub image of the run not answered yet, in one batch."""
        wanted: dict[str, ImageRef] = {}  # each image once: a large run pulls few distinct ones
        for use in uses:
            ref = use.reference
            if not isinstance(ref, ImageRef) or ref.registry is not RegistryKind.DOCKER_HUB:
                continue
            text = str(ref)
            if text in wanted or text in self._answers:
                continue
            if not self.settings.is_trusted(ref.domain, ref.path):
                wanted[text] = ref
        if not wanted:
            return
        if self.offline:
            catalog = embedded_catalog()
            self._answers.update({text: catalog.answer(ref.path) for text, ref in wanted.items()})
            return
        self._answers.update(self._online().resolve(list(wanted.values())))

    def answers(self) -> dict[str, Equivalent]:
        """Every answer this service holds, by image (``str(ref)``), for a caller that keeps them
        longer than one run (the language server, between the lints of a session)."""
        return dict(self._answers)

    def remember(self, answers: Mapping[str, Equivalent]) -> None:
        """Answers found earlier for the same endpoints: ``prefetch`` does not look them up
        again and ``advise`` gives them."""
        self._answers.update(answers)

    def lookup(self, ref: ImageRef) -> Equivalent:
        """The prefetched answer, else the catalog's (never I/O)."""
        answer = self._answers.get(str(ref))
        return answer if answer is not None else embedded_catalog().answer(ref.path)

    def advise(self, use: ImageUse, ref: ImageRef) -> Advice:
        answer = self.lookup(ref)
        replacement = answer.reference(ref)
        if replacement is not None and answer.evidence is not None:
            return self._ecr_public_advice(use, ref, replacement, answer.evidence)
        where = "found" if answer.checked else "known offline"
        cache = self.settings.pull_through_cache_rule
        if cache is not None:
            target = pull_through_reference(cache, ref)
            return Advice(
                target,
                None,
                _fix(use, ref, target, safe=False, why="your ECR pull-through cache"),
                f"no ECR Public equivalent {where}; pull it through your ECR pull-through cache "
                f"as {target}",
            )
        example = pull_through_reference(None, ref)
        return Advice(
            None,
            None,
            None,
            f"no ECR Public equivalent {where}: copy it to private ECR or an ECR pull-through "
            "cache",
            (
                f"Through a pull-through cache it is {example}; the rule's Docker Hub "
                "credentials live in a Secrets Manager secret whose name starts with "
                f"{PULL_THROUGH_SECRET_PREFIX}.",
            ),
        )

    def _ecr_public_advice(
        self, use: ImageUse, ref: ImageRef, replacement: str, evidence: Evidence
    ) -> Advice:
        if evidence is Evidence.CATALOG:
            note = "catalog: the repository is mirrored, this tag was not checked"
        else:
            note = evidence.value
        fix = _fix(use, ref, replacement, safe=evidence.safe, why=f"ECR Public, {evidence.value}")
        return Advice(replacement, evidence.value, fix, f"use {brief(replacement, 90)} ({note})")

    def _online(self) -> Resolver:
        if self._resolver is None:
            from ecs_lint.gallery.cache import AnswerCache, default_cache_dir
            from ecs_lint.gallery.proxy import proxy_settings
            from ecs_lint.gallery.resolver import Resolver

            assert self.endpoints is not None
            options = self.settings
            directory = Path(options.cache_dir or default_cache_dir(self._environ)).expanduser()
            cache = AnswerCache(directory, options.cache_ttl) if options.cache_ttl > 0 else None
            self._resolver = Resolver(
                self.endpoints,
                embedded_catalog(),
                cache,
                budget=options.lookup_budget,
                per_host=options.lookup_concurrency,
                identity_check=options.identity_check,
                proxies=proxy_settings(self._environ),
            )
        return self._resolver

    def close(self) -> None:
        if self._resolver is not None:
            self._resolver.close()


def pull_through_reference(cache: PullThroughCache | None, ref: ImageRef) -> str:
    """``ref`` through a pull-through cache (a placeholder host when none is configured)."""
    base = (
        cache.repository_base
        if cache is not None
        else "<account>.dkr.ecr.<region>.amazonaws.com/<prefix>"
    )
    text = f"{base}/{ref.path}"
    if ref.tag is not None:
        text += f":{ref.tag}"
    if ref.digest is not None:
        text += f"@{ref.digest}"
    return text


def _fix(use: ImageUse, ref: ImageRef, new_text: str, *, safe: bool, why: str) -> Fix | None:
    span = use.edit_span
    if span is not None and span.logical is None:
        return Fix(f"Replace {ref.original} with {new_text} ({why})", (Edit(span, new_text),), safe)
    return _repository_fix(use, ref, new_text, why)


def _repository_fix(use: ImageUse, ref: ImageRef, new_text: str, why: str) -> Fix | None:
    """Rewrite only the repository of ``python:${VERSION}-slim``, keeping the variables: never
    safe, as the tags the variables may take were not all checked."""
    span = use.repository_span
    suffix = (f":{ref.tag}" if ref.tag is not None else "") + (
        f"@{ref.digest}" if ref.digest is not None else ""
    )
    if span is None or span.logical is not None or not new_text.endswith(suffix):
        return None
    repository = new_text.removesuffix(suffix) if suffix else new_text
    return Fix(
        f"Pull {ref.original} from {repository}, keeping the tag as written ({why}; the tags "
        "its variables may take were not checked)",
        (Edit(span, repository),),
        safe=False,
    )
