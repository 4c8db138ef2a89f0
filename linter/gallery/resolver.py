"""Online resolution of Docker Hub images to ECR Public, with evidence.

For each distinct image: the on-disk cache, else the network, else the embedded catalog.

The network path for ``docker.io/<namespace>/<name>:<tag>``:

1. Candidate ECR Public repositories: ``docker/library/<name>`` for official images, the
   publisher table, else a gallery search whose result must match alias and name exactly and be
   ``registryVerified`` (anything looser is no match). Never ``bitnami/*``.
2. The tag at ECR Public: the repository's tag listing from the gallery (one listing serves every
   tag of a repository in the run); a repository the gallery does not know is no candidate. When
   the gallery is unavailable, or the listing was cut at its page limit, the registry's manifest
   HEAD answers for the one tag. A digest-pinned image is checked by digest at the registry.
3. Identity: the Docker Hub manifest digest (a HEAD, which is not a pull) equal to the ECR Public
   one makes the answer ``identical``; otherwise it stays ``verified``.

Everything runs on a bounded pool of threads within one wall-clock budget. The two halves are
cached apart (``cache.py``): ECR Public's answer (steps 1-2) and Docker Hub's digest (step 3). A
look-up whose ECR Public half failed falls back to the catalog (``catalog`` evidence or none); one
whose Docker Hub half failed stays ``verified``; neither failure is cached, and each is said once
(``warnings``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ecs_lint.gallery.catalog import Catalog, Equivalent, Evidence
from ecs_lint.gallery.client import (
    GalleryClient,
    RepositoryListing,
    docker_hub_registry,
    ecr_public_registry,
)
from ecs_lint.gallery.concurrency import NotReady, SingleFlight, run_bounded
from ecs_lint.gallery.http import Budget, HttpClient, TransportError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ecs_lint.gallery.cache import AnswerCache
    from ecs_lint.gallery.endpoints import Endpoints
    from ecs_lint.gallery.proxy import ProxySettings
    from ecs_lint.model import ImageRef

_LookupFailure = (TransportError, NotReady)


@dataclass(frozen=True, slots=True)
class _Found:
    """The tag or digest exists at ECR Public, with its digest when known."""

    digest: str | None


class Resolver:
    def __init__(
        self,
        endpoints: Endpoints,
        catalog: Catalog,
        cache: AnswerCache | None,
        *,
        budget: float,
        per_host: int = 16,
        identity_check: bool = True,
        proxies: ProxySettings | None = None,
    ) -> None:
        """``proxies``: the environment's (``HTTPS_PROXY``, ``NO_PROXY``) unless given."""
        self.endpoints = endpoints
        self.catalog = catalog
        self.cache = cache
        self.per_host = max(1, per_host)
        # Threads for three busy hosts (gallery, Docker Hub registry, its token service), so a
        # thread waiting on one host never leaves another host's slots idle.
        self.workers = 3 * self.per_host
        self.identity_check = identity_check
        self.budget = Budget(budget)
        self.http = HttpClient(self.budget, per_host=self.per_host, proxies=proxies)
        self.gallery = GalleryClient(self.http, endpoints.gallery)
        self.ecr = ecr_public_registry(self.http, endpoints.registry, endpoints.ecr_token)
        self.hub = docker_hub_registry(
            self.http, endpoints.dockerhub_registry, endpoints.dockerhub_auth
        )
        self._listings: SingleFlight[str, RepositoryListing | None] = SingleFlight()
        self._searches: SingleFlight[str, str | None] = SingleFlight()
        self._lock = threading.Lock()
        self._failures: dict[str, str] = {}
        """First reason per host (or ``budget``) an ECR Public look-up failed in this run."""
        self._hub_failures: dict[str, str] = {}
        """Likewise for Docker Hub digests."""
        self._fallbacks: set[str] = set()
        """Images answered from the catalog because the network could not answer."""
        self._uncompared: set[str] = set()
        """Images left ``verified`` because Docker Hub's digest could not be had."""

    def answer_key(self, ref: ImageRef) -> str:
        return f"answer|{self.endpoints.gallery}|{self.endpoints.registry}|{ref}"

    def hub_digest_key(self, ref: ImageRef) -> str:
        return f"hub-digest|{self.endpoints.dockerhub_registry}|{ref.path}:{_tag(ref)}"

    def resolve(self, refs: Sequence[ImageRef]) -> dict[str, Equivalent]:
        """Answers keyed by ``str(ref)``, each distinct image looked up once."""
        answers: dict[str, Equivalent] = {}
        pending: list[tuple[ImageRef, Equivalent | None]] = []
        for key, ref in {str(ref): ref for ref in refs}.items():
            known = self.cache.get(self.answer_key(ref)) if self.cache else None
            if known is not None:
                answers[key] = known
                if not self._needs_hub(known):
                    continue
                cached = self.cache.hub_digest(self.hub_digest_key(ref)) if self.cache else None
                if cached is not None:
                    answers[key] = _compared(known, cached.digest)
                    continue
            pending.append((ref, known))
        if not pending:
            return answers
        jobs: list[Callable[[], None]] = []
        if self.identity_check:
            jobs += self.hub.reserve_tokens([ref.path for ref, _ in pending if ref.digest is None])
        # Longest chains first: an image found only through search needs one more round trip.
        pending.sort(
            key=lambda item: item[1] is not None or bool(self.catalog.candidates(item[0].path))
        )
        compared: set[str] = set()
        jobs += [self._job(ref, known, answers, compared) for ref, known in pending]
        if not run_bounded(jobs, self.workers, self.budget.remaining()):
            self.http.close()
            self._note(self._failures, "budget", self.budget.reason)
            self._note(self._hub_failures, "budget", self.budget.reason)
        with self._lock:  # what jobs still running past the deadline do no longer counts
            compared, answers = set(compared), dict(answers)
        for ref, _ in pending:
            key = str(ref)
            if key not in answers:
                answers[key] = self._fallback(ref)
            elif self._needs_hub(answers[key]) and key not in compared:
                self._uncompared.add(key)
        return answers

    def _job(
        self,
        ref: ImageRef,
        known: Equivalent | None,
        answers: dict[str, Equivalent],
        compared: set[str],
    ) -> Callable[[], None]:
        """Fill in ``answers[ref]``: ECR Public's answer unless ``known``, then Docker Hub's
        digest when it may make it ``identical`` (``compared``)."""
        key = str(ref)

        def job() -> None:
            answer = known
            if answer is None:
                try:
                    answer = self.lookup(ref)
                except _LookupFailure as error:
                    self._note_failure(self._failures, error)
                    return
                if self.cache is not None:
                    self.cache.put(self.answer_key(ref), answer)
                answers[key] = answer
            if not self._needs_hub(answer):
                return
            try:
                digest = self.hub.manifest_digest(ref.path, _tag(ref))
            except _LookupFailure as error:
                self._note_failure(self._hub_failures, error)
                return
            if self.cache is not None:
                self.cache.put_hub_digest(self.hub_digest_key(ref), digest)
            with self._lock:
                answers[key] = _compared(answer, digest)
                compared.add(key)

        return job

    def lookup(self, ref: ImageRef) -> Equivalent:
        """ECR Public's answer (before any comparison with Docker Hub); raises on a failure."""
        for repository in self._candidates(ref.path):
            found = self._at_ecr_public(repository, ref)
            if found is None:
                continue
            evidence = Evidence.IDENTICAL if ref.digest is not None else Evidence.VERIFIED
            return Equivalent(repository, evidence, True, found.digest)
        return Equivalent(None, None, checked=True)

    def _needs_hub(self, answer: Equivalent) -> bool:
        """Whether Docker Hub's digest could make ``answer`` ``identical``."""
        return (
            self.identity_check
            and answer.evidence is Evidence.VERIFIED
            and answer.ecr_digest is not None
        )

    def _candidates(self, hub_path: str) -> list[str]:
        found = self.catalog.candidates(hub_path)
        namespace, _, name = hub_path.partition("/")
        if found or namespace == "library" or namespace in self.catalog.never:
            return found
        if not name or "/" in name:
            return []
        match = self._searches.get(
            hub_path, lambda: self._search(namespace, name), self.budget.remaining()
        )
        return [match] if match is not None else []

    def _search(self, namespace: str, name: str) -> str | None:
        for result in self.gallery.search_repositories(name):
            if (
                result.registry_alias == namespace
                and result.repository_name == name
                and result.registry_verified
            ):
                return result.path
        return None

    def _at_ecr_public(self, repository: str, ref: ImageRef) -> _Found | None:
        if ref.digest is not None:
            return _Found(ref.digest) if self.ecr.manifest_digest(repository, ref.digest) else None
        tag = _tag(ref)
        alias, _, name = repository.partition("/")
        try:
            listing = self._listings.get(
                repository,
                lambda: self.gallery.describe_image_tags(alias, name),
                self.budget.remaining(),
            )
        except _LookupFailure as gallery_failure:
            try:  # the registry can still answer for this one tag
                return self._by_registry(repository, tag)
            except _LookupFailure:
                raise gallery_failure from None
        if listing is None:
            return None
        if tag in listing.tags:
            return _Found(listing.tags[tag])
        return None if listing.complete else self._by_registry(repository, tag)

    def _by_registry(self, repository: str, tag: str) -> _Found | None:
        digest = self.ecr.manifest_digest(repository, tag)
        return _Found(digest) if digest is not None else None

    def _fallback(self, ref: ImageRef) -> Equivalent:
        with self._lock:
            self._fallbacks.add(str(ref))
        return self.catalog.answer(ref.path)

    def _note_failure(self, failures: dict[str, str], error: BaseException) -> None:
        if isinstance(error, TransportError):
            self._note(failures, error.host, error.reason)
        else:
            self._note(failures, "budget", self.budget.reason)

    def _note(self, failures: dict[str, str], host: str, reason: str) -> None:
        with self._lock:
            failures.setdefault(host, reason)

    def warnings(self) -> list[str]:
        """One line for each half of the look-ups that could not answer some image."""
        with self._lock:
            fallbacks, uncompared = len(self._fallbacks), len(self._uncompared)
            failures, hub_failures = dict(self._failures), dict(self._hub_failures)
        lines = []
        if fallbacks:
            lines.append(
                f"ECR Public look-ups failed ({_reasons(failures)}); answered {_images(fallbacks)} "
                "from the embedded catalog (tags not checked)"
            )
        if uncompared:
            lines.append(
                f"Docker Hub digest look-ups failed ({_reasons(hub_failures)}); "
                f"{_images(uncompared)} left 'verified', not compared with Docker Hub"
            )
        return lines

    def close(self) -> None:
        self.http.close()


def _tag(ref: ImageRef) -> str:
    return ref.pulled_tag or "latest"


def _compared(answer: Equivalent, hub_digest: str | None) -> Equivalent:
    """``answer`` with Docker Hub's digest: ``identical`` when it is ECR Public's."""
    same = hub_digest is not None and hub_digest == answer.ecr_digest
    evidence = Evidence.IDENTICAL if same else Evidence.VERIFIED
    return replace(answer, evidence=evidence, hub_digest=hub_digest)


def _reasons(failures: dict[str, str]) -> str:
    """``host: reason`` for each host, and the budget only when no host failed first."""
    parts = [f"{host}: {reason}" for host, reason in failures.items() if host != "budget"]
    budget = failures.get("budget")
    if budget is not None and not any(budget in part for part in parts):
        parts.append(budget)
    return "; ".join(parts) or "unknown error"


def _images(count: int) -> str:
    return f"{count} image{'s' if count != 1 else ''}"
