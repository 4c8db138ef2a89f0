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

Everything runs on a bounded pool of threads within one wall-clock budget. A look-up the network
could not finish falls back to the catalog (``catalog`` evidence or none) and is not cached.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
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
        self.failures: dict[str, str] = {}
        """First failure reason per host (or ``budget``) in this run."""
        self.fallbacks = 0
        """Images answered from the catalog because the network could not answer."""
        self._lock = threading.Lock()

    @property
    def requests_sent(self) -> int:
        return self.http.requests_sent

    def cache_key(self, ref: ImageRef) -> str:
        return f"answer|{self.endpoints.gallery}|{self.endpoints.registry}|{ref}"

    def resolve(self, refs: Sequence[ImageRef]) -> dict[str, Equivalent]:
        """Answers keyed by ``str(ref)``, each distinct image looked up once."""
        unique = {str(ref): ref for ref in refs}
        answers: dict[str, Equivalent] = {}
        todo: list[ImageRef] = []
        for key, ref in unique.items():
            cached = self.cache.get(self.cache_key(ref)) if self.cache is not None else None
            if cached is not None:
                answers[key] = cached
            else:
                todo.append(ref)
        if not todo:
            return answers
        results: dict[str, Equivalent] = {}
        jobs: list[Callable[[], None]] = []
        if self.identity_check:
            jobs += self.hub.reserve_tokens([ref.path for ref in todo if ref.digest is None])
        # Longest chains first: an image found only through search needs one more round trip.
        todo.sort(key=lambda ref: bool(self.catalog.candidates(ref.path)))
        jobs += [self._job(ref, results) for ref in todo]
        if not run_bounded(jobs, self.workers, self.budget.remaining()):
            self.http.abort_all()
            self._note(NotReady("budget"))
        for ref in todo:
            answer = results.get(str(ref))
            answers[str(ref)] = answer if answer is not None else self._fallback(ref)
        return answers

    def _job(self, ref: ImageRef, results: dict[str, Equivalent]) -> Callable[[], None]:
        def job() -> None:
            try:
                answer, definitive = self.lookup(ref)
            except _LookupFailure as error:
                self._note(error)
                results[str(ref)] = self._fallback(ref)
                return
            if definitive and self.cache is not None:
                self.cache.put(self.cache_key(ref), answer)
            results[str(ref)] = answer

        return job

    def lookup(self, ref: ImageRef) -> tuple[Equivalent, bool]:
        """The network's answer, and whether it is definitive (worth caching)."""
        for repository in self._candidates(ref.path):
            found = self._at_ecr_public(repository, ref)
            if found is None:
                continue
            if ref.digest is not None:
                return Equivalent(repository, Evidence.IDENTICAL, True, ref.digest), True
            return self._with_identity(ref, repository, found.digest)
        return Equivalent(None, None, checked=True), True

    def _with_identity(
        self, ref: ImageRef, repository: str, ecr_digest: str | None
    ) -> tuple[Equivalent, bool]:
        verified = Equivalent(repository, Evidence.VERIFIED, True, ecr_digest)
        if not self.identity_check or ecr_digest is None:
            return verified, True
        try:
            hub_digest = self.hub.manifest_digest(ref.path, ref.pulled_tag or "latest")
        except _LookupFailure as error:
            self._note(error)
            return verified, False  # still verified; ask again next run
        evidence = Evidence.IDENTICAL if hub_digest == ecr_digest else Evidence.VERIFIED
        return Equivalent(repository, evidence, True, ecr_digest, hub_digest), True

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
        tag = ref.pulled_tag or "latest"
        alias, _, name = repository.partition("/")
        try:
            listing = self._listings.get(
                repository,
                lambda: self.gallery.describe_image_tags(alias, name),
                self.budget.remaining(),
            )
        except _LookupFailure as gallery_failure:
            self._note(gallery_failure)
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
            self.fallbacks += 1
        return self.catalog.answer(ref.path)

    def _note(self, error: BaseException) -> None:
        if isinstance(error, TransportError):
            host, reason = error.host, error.reason
        else:
            host, reason = "budget", f"look-up budget of {self.budget.seconds:g} s exhausted"
        with self._lock:
            self.failures.setdefault(host, reason)

    def warning(self) -> str | None:
        """One line for the run when some answers had to come from the catalog."""
        if not self.fallbacks:
            return None
        parts: dict[str, None] = {}
        for host, reason in self.failures.items():
            if host != "budget":
                parts[f"{host}: {reason}"] = None
            elif not any(reason in part for part in parts):
                parts[reason] = None
        reasons = "; ".join(parts)
        images = f"{self.fallbacks} image{'s' if self.fallbacks != 1 else ''}"
        return (
            f"ECR Public look-ups failed ({reasons or 'unknown error'}); answered {images} "
            "from the embedded catalog (tags not checked)"
        )

    def close(self) -> None:
        self.http.abort_all()
