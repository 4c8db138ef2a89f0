"""Clients for the ECR Public Gallery API and for registries speaking the OCI distribution API.

The gallery API (used by gallery.ecr.aws, undocumented) is ``POST <base>/<operation>`` with JSON
in and out. Registries answer ``HEAD /v2/<repository>/manifests/<reference>`` with the manifest
digest in ``Docker-Content-Digest``, after an anonymous bearer token from their token endpoint.
A HEAD does not count as a pull on Docker Hub.

Every answer is classified before it is believed. Definitive: a well-formed 200 with every field
relied on; the gallery's 400 ``RepositoryNotFoundException`` (``None``: no such repository); a
registry's 404 ``MANIFEST_UNKNOWN`` / ``NAME_UNKNOWN`` (``None``: no such tag or repository; a
``HEAD`` carries no body, and by the distribution spec its 404 means just that). Anything else
(5xx and 429 after retries, throttling and every other 4xx, 401/403 even after a fresh token, a
200 without the fields relied on, malformed JSON, a wrong content type, a missing digest) is a
``TransportError`` (``ProtocolError``), so the caller falls back and caches nothing rather than
guess.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from ecs_lint.gallery.concurrency import SingleFlight
from ecs_lint.gallery.http import HttpClient, ProtocolError, Response

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

MANIFEST_MEDIA_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
DIGEST_RE = re.compile(r"sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128}")
ECR_PUBLIC_SERVICE = "public.ecr.aws"
DOCKER_HUB_SERVICE = "registry.docker.io"
TOKEN_SCOPES_PER_REQUEST = 25


@dataclass(frozen=True, slots=True)
class RepositoryListing:
    """The tags of an ECR Public repository with their digests (``None`` when not given)."""

    tags: dict[str, str | None]
    complete: bool
    """False when the listing stopped at the page limit: a missing tag may still exist."""


@dataclass(frozen=True, slots=True)
class SearchResult:
    repository_name: str
    registry_alias: str
    display_name: str
    registry_verified: bool
    download_count: int

    @property
    def path(self) -> str:
        return f"{self.registry_alias}/{self.repository_name}"


class GalleryClient:
    """The ECR Public Gallery API."""

    def __init__(self, http: HttpClient, base_url: str) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")
        self.host = urlsplit(self.base_url).hostname or self.base_url

    def describe_image_tags(
        self, alias: str, repository: str, *, page_size: int = 1000, max_pages: int = 20
    ) -> RepositoryListing | None:
        """Every tag of ``alias/repository``; ``None`` when the gallery does not know it."""
        tags: dict[str, str | None] = {}
        token: str | None = None
        for _ in range(max_pages):
            payload: dict[str, Any] = {
                "registryAliasName": alias,
                "repositoryName": repository,
                "maxResults": page_size,
            }
            if token:
                payload["nextToken"] = token
            page = self._call("describeImageTags", payload)
            if page is None:
                return None
            for item in _list(page, "imageTagDetails", self.host, "describeImageTags"):
                tag = item.get("imageTag") if isinstance(item, dict) else None
                if not isinstance(tag, str):
                    raise ProtocolError(self.host, "describeImageTags: an entry has no imageTag")
                detail = item.get("imageDetail")
                digest = detail.get("imageDigest") if isinstance(detail, dict) else None
                tags[tag] = (
                    digest if isinstance(digest, str) and DIGEST_RE.fullmatch(digest) else None
                )
            token = _next_token(page)
            if token is None:
                return RepositoryListing(tags, complete=True)
        return RepositoryListing(tags, complete=False)

    def search_repositories(
        self, term: str, *, page_size: int = 100, max_pages: int = 3
    ) -> Iterator[SearchResult]:
        """Search results for ``term``, page by page (stop iterating to stop asking)."""
        token: str | None = None
        for _ in range(max_pages):
            payload: dict[str, Any] = {"searchTerm": term, "maxResults": page_size}
            if token:
                payload["nextToken"] = token
            page = self._call("searchRepositoryCatalogData", payload)
            if page is None:
                return
            for item in _list(
                page, "repositoryCatalogSearchResultList", self.host, "searchRepositoryCatalogData"
            ):
                result = _search_result(item)
                if result is not None:
                    yield result
            token = _next_token(page)
            if token is None:
                return

    def get_repository_catalog_data(self, alias: str, repository: str) -> dict[str, Any] | None:
        """The catalog page data of a repository; ``None`` when the gallery does not know it."""
        return self._call(
            "getRepositoryCatalogData", {"registryAliasName": alias, "repositoryName": repository}
        )

    def _call(self, operation: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        response = self.http.request(
            "POST",
            f"{self.base_url}/{operation}",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            body=json.dumps(payload).encode(),
        )
        if response.status == 200:
            return _json_object(response, self.host, operation)
        kind = _error_kind(response)
        if response.status == 400 and kind == "RepositoryNotFoundException":
            return None
        raise ProtocolError(self.host, f"{operation}: HTTP {response.status} {kind}".rstrip())


class RegistryClient:
    """Manifest digests from a registry, with anonymous pull tokens shared across threads."""

    def __init__(
        self, http: HttpClient, *, registry_url: str, token_url: str, service: str
    ) -> None:
        self.http = http
        self.registry_url = registry_url.rstrip("/")
        self.token_url = token_url
        self.service = service
        self.host = urlsplit(self.registry_url).hostname or self.registry_url
        self._tokens: SingleFlight[str, str] = SingleFlight()

    def reserve_tokens(self, repositories: Sequence[str]) -> list[Callable[[], None]]:
        """Jobs that each fetch one token for many repositories (fewer round trips).

        Until a job finishes, ``manifest_digest`` for its repositories waits for it rather than
        asking for a token of its own.
        """
        claimed = self._tokens.claim(dict.fromkeys(repositories))
        chunks = [
            claimed[start : start + TOKEN_SCOPES_PER_REQUEST]
            for start in range(0, len(claimed), TOKEN_SCOPES_PER_REQUEST)
        ]
        return [self._token_job(chunk) for chunk in chunks]

    def _token_job(self, chunk: list[str]) -> Callable[[], None]:
        def job() -> None:
            values: dict[str, str] = {}
            try:
                token = self.fetch_token(chunk)
                values = dict.fromkeys(chunk, token)
            finally:
                self._tokens.settle(chunk, values)

        return job

    def fetch_token(self, repositories: Sequence[str], authorization: str | None = None) -> str:
        """A pull token for ``repositories`` (several scopes in one request): anonymous, or for
        the account ``authorization`` (``Basic ...``) names."""
        query = urlencode(
            [("service", self.service)]
            + [("scope", f"repository:{repository}:pull") for repository in repositories]
        )
        separator = "&" if "?" in self.token_url else "?"
        headers = {"Accept": "application/json"}
        if authorization is not None:
            headers["Authorization"] = authorization
        response = self.http.request("GET", f"{self.token_url}{separator}{query}", headers=headers)
        host = urlsplit(self.token_url).hostname or self.token_url
        if response.status != 200:
            raise ProtocolError(host, f"token endpoint answered HTTP {response.status}")
        body = _json_object(response, host, "token")
        token = body.get("token") or body.get("access_token")
        if not isinstance(token, str) or not token:
            raise ProtocolError(host, "token endpoint returned no token")
        return token

    def token(self, repository: str) -> str:
        return self._tokens.get(
            repository, lambda: self.fetch_token([repository]), self.http.budget.remaining()
        )

    def manifest_digest(self, repository: str, reference: str) -> str | None:
        """The digest of ``repository:reference`` (a tag or digest); ``None`` when unknown.

        Docker Hub answers 401 for a repository that does not exist, as for a private one: that
        is no answer (``ProtocolError``), as every 401 and 403 is.
        """
        response = self.head(repository, reference, self.token(repository))
        if response.status == 401:  # a stale or too narrow token: one fresh one
            response = self.head(repository, reference, self.fetch_token([repository]))
        if response.status == 404 and _unknown_manifest(response):
            return None
        if response.status != 200:
            kind = _error_kind(response)
            raise ProtocolError(
                self.host, f"manifest HEAD answered HTTP {response.status} {kind}".rstrip()
            )
        digest = response.header("docker-content-digest")
        if digest is None or not DIGEST_RE.fullmatch(digest.strip()):
            raise ProtocolError(self.host, "manifest HEAD gave no valid Docker-Content-Digest")
        return digest.strip()

    def head(
        self, repository: str, reference: str, token: str, answers: frozenset[int] = frozenset()
    ) -> Response:
        """The registry's answer to a manifest ``HEAD`` (``answers``: as for ``request``)."""
        url = f"{self.registry_url}/v2/{quote(repository)}/manifests/{quote(reference)}"
        accept = ", ".join(MANIFEST_MEDIA_TYPES)
        headers = {"Authorization": f"Bearer {token}", "Accept": accept}
        return self.http.request("HEAD", url, headers=headers, answers=answers)


def ecr_public_registry(http: HttpClient, registry_url: str, token_url: str) -> RegistryClient:
    return RegistryClient(
        http, registry_url=registry_url, token_url=token_url, service=ECR_PUBLIC_SERVICE
    )


def docker_hub_registry(http: HttpClient, registry_url: str, auth_url: str) -> RegistryClient:
    return RegistryClient(
        http, registry_url=registry_url, token_url=auth_url, service=DOCKER_HUB_SERVICE
    )


def _json_object(response: Response, host: str, what: str) -> dict[str, Any]:
    content_type = (response.header("content-type") or "").lower()
    if "json" not in content_type:
        shown = content_type or "none"
        raise ProtocolError(host, f"{what}: expected JSON, got content type {shown}")
    try:
        data = json.loads(response.body)
    except (ValueError, RecursionError):
        raise ProtocolError(host, f"{what}: malformed JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError(host, f"{what}: expected a JSON object")
    return data


def _list(page: dict[str, Any], key: str, host: str, operation: str) -> list[Any]:
    """``page[key]``, which a complete answer always has (an empty list when there is nothing)."""
    items = page.get(key)
    if not isinstance(items, list):
        raise ProtocolError(host, f"{operation}: incomplete answer (no '{key}' list)")
    return items


def _next_token(page: dict[str, Any]) -> str | None:
    token = page.get("nextToken")
    return token if isinstance(token, str) and token else None


def _search_result(item: Any) -> SearchResult | None:
    if not isinstance(item, dict):
        return None
    name, alias = item.get("repositoryName"), item.get("primaryRegistryAliasName")
    if not isinstance(name, str) or not isinstance(alias, str):
        return None
    count = item.get("downloadCount")
    return SearchResult(
        repository_name=name,
        registry_alias=alias,
        display_name=str(item.get("displayName") or ""),
        registry_verified=item.get("registryVerified") is True,
        download_count=count if isinstance(count, int) else 0,
    )


def _error_kind(response: Response) -> str:
    """The error an AWS or registry answer names (``ThrottlingException``, ``DENIED``...), or
    "" (only a plain identifier: it goes into a warning)."""
    try:
        body = json.loads(response.body) if response.body else {}
    except (ValueError, RecursionError):
        body = {}
    body = body if isinstance(body, dict) else {}
    errors = body.get("errors")
    first = errors[0] if isinstance(errors, list) and errors else {}
    kind = (
        response.header("x-amzn-errortype")
        or body.get("__type")
        or body.get("code")
        or (first.get("code") if isinstance(first, dict) else None)
    )
    # "com.amazonaws...#ThrottlingException", "ThrottlingException:http://internal..."
    name = str(kind or "").partition(":")[0].rpartition("#")[2]
    return name if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,63}", name) else ""


def _unknown_manifest(response: Response) -> bool:
    """A 404 that says the manifest or repository is unknown (a ``HEAD``'s has no body)."""
    return not response.body or _error_kind(response) in ("MANIFEST_UNKNOWN", "NAME_UNKNOWN")
