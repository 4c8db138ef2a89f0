"""A local stand-in for the ECR Public Gallery API, the ECR Public registry and Docker Hub.

``ThreadingHTTPServer``s on 127.0.0.1 (one random port per service, as they are separate hosts in
real life) speak the real protocols under four prefixes, so a test points ecs-lint at them through
the usual endpoint settings (``environment()``):

- ``/gallery/<operation>``: ``POST`` JSON ``describeImageTags`` (pages through ``nextToken``; HTTP
  400 ``RepositoryNotFoundException`` for unknown repositories), ``searchRepositoryCatalogData``
  and ``getRepositoryCatalogData``;
- ``/ecr/token/`` and ``/ecr/v2/<repository>/manifests/<reference>``: the ECR Public registry's
  anonymous token (for any repository) and manifest ``HEAD``/``GET`` (bearer token required,
  ``Docker-Content-Digest``, 404 ``NAME_UNKNOWN``/``MANIFEST_UNKNOWN`` for unknown repositories and
  tags, a manifest only for an ``Accept`` that allows its type);
- ``/hub-auth/token`` and ``/hub/v2/...``: Docker Hub's token service and registry (a token
  grants only repositories that exist, so unknown ones answer 401, as Docker Hub does).

``faults`` switches on what networks do to clients: 5xx, 429 with ``Retry-After``, added latency,
malformed or truncated JSON, a wrong content type, a slow drip of body bytes, and any canned
answer in place of the real one (``Canned``: a throttling 400, a 403, ``200 {}``...), on every
service or only under a path prefix; ``requests`` counts and records every request.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, unquote, urlsplit

from servers.tls import TlsHTTPServer

if TYPE_CHECKING:
    import ssl
    from collections.abc import Iterable

INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json"
LIST_MEDIA_TYPE = "application/vnd.docker.distribution.manifest.list.v2+json"
PUSHED_AT = "2026-10-01T12:00:00.000Z"


def digest_of(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Repository:
    """A repository's tags, each with its manifest digest and media type."""

    tags: dict[str, str] = field(default_factory=dict)
    media_type: str = INDEX_MEDIA_TYPE

    def digest_for(self, reference: str) -> str | None:
        if reference.startswith("sha256:"):
            return reference if reference in self.tags.values() else None
        return self.tags.get(reference)


@dataclass
class CatalogEntry:
    alias: str
    repository: str
    display_name: str
    verified: bool
    downloads: int
    description: str = ""

    def search_item(self) -> dict[str, Any]:
        return {
            "repositoryName": self.repository,
            "primaryRegistryAliasName": self.alias,
            "displayName": self.display_name,
            "registryVerified": self.verified,
            "downloadCount": self.downloads,
            "architectures": ["x86-64", "ARM 64"],
            "operatingSystems": ["Linux"],
            "logoUrl": f"https://d2q5h1qtalpvj5.cloudfront.net/{self.alias}.png",
        }


@dataclass
class Dataset:
    ecr: dict[str, Repository] = field(default_factory=dict)
    """ECR Public repositories by path (``docker/library/nginx``)."""
    hub: dict[str, Repository] = field(default_factory=dict)
    """Docker Hub repositories by path (``library/nginx``)."""
    catalog: list[CatalogEntry] = field(default_factory=list)

    def mirror(
        self,
        hub_path: str,
        ecr_path: str,
        tags: Iterable[str],
        *,
        hub_only: Iterable[str] = (),
        rebuilt_on_hub: Iterable[str] = (),
        verified: bool = True,
        downloads: int = 1000,
        display: str | None = None,
    ) -> None:
        """A Docker Hub repository mirrored at ECR Public with the same digests, except for
        ``hub_only`` tags (not mirrored yet) and ``rebuilt_on_hub`` ones (digests differ)."""
        tags = list(tags)
        ecr = Repository({tag: digest_of(f"{hub_path}:{tag}") for tag in tags})
        hub = Repository(dict(ecr.tags))
        for tag in hub_only:
            hub.tags[tag] = digest_of(f"{hub_path}:{tag}")
        for tag in rebuilt_on_hub:
            hub.tags[tag] = digest_of(f"{hub_path}:{tag}:rebuilt")
        self.ecr[ecr_path] = ecr
        self.hub.setdefault(hub_path, Repository()).tags.update(hub.tags)
        alias, _, name = ecr_path.partition("/")
        self.catalog.append(
            CatalogEntry(alias, name, display or name.rpartition("/")[2], verified, downloads)
        )

    def hub_only(self, hub_path: str, tags: Iterable[str]) -> None:
        self.hub[hub_path] = Repository({tag: digest_of(f"{hub_path}:{tag}") for tag in tags})


def _versions(
    prefix: str, minors: Iterable[int], patches: int, variants: Iterable[str]
) -> list[str]:
    variants = list(variants)
    tags = []
    for minor in minors:
        for patch in range(patches):
            tags += [f"{prefix}{minor}.{patch}{variant}" for variant in variants]
        tags += [f"{prefix}{minor}{variant}" for variant in variants]
    return tags


def realistic_dataset() -> Dataset:
    """Official images, publisher mirrors, search decoys and a withdrawn bitnami repository."""
    data = Dataset()
    nginx_variants = [
        "",
        "-alpine",
        "-perl",
        "-alpine-perl",
        "-bookworm",
        "-alpine-slim",
        "-otel",
        "-alpine-otel",
    ]
    nginx = _versions("1.", range(19, 28), 13, nginx_variants)
    nginx += ["latest", "stable", "mainline", "alpine", "perl", "bookworm"]
    data.mirror(
        "library/nginx",
        "docker/library/nginx",
        nginx,
        hub_only=["1.28.0", "1.28.0-alpine"],
        downloads=900_000_000,
        display="nginx",
    )
    python = _versions(
        "3.", range(8, 14), 11, ["", "-slim", "-alpine", "-bookworm", "-slim-bookworm"]
    )
    data.mirror(
        "library/python",
        "docker/library/python",
        [*python, "latest", "3", "slim"],
        hub_only=["3.14.0", "3.14.0-slim"],
        rebuilt_on_hub=["latest", "3.12-slim"],
    )
    node = _versions("", [18, 20, 22], 6, ["", "-alpine", "-slim", "-bookworm"])
    data.mirror("library/node", "docker/library/node", [*node, "lts", "latest", "22", "20", "18"])
    redis = _versions("7.", range(5), 11, ["", "-alpine"]) + _versions(
        "6.", [2], 16, ["", "-alpine"]
    )
    data.mirror("library/redis", "docker/library/redis", [*redis, "latest", "7", "alpine"])
    postgres = _versions("", range(13, 18), 6, ["", "-alpine", "-bookworm"])
    data.mirror("library/postgres", "docker/library/postgres", [*postgres, "latest"])
    alpine = _versions("3.", range(15, 21), 6, [""])
    data.mirror("library/alpine", "docker/library/alpine", [*alpine, "latest", "3", "edge"])
    data.mirror(
        "library/ubuntu",
        "docker/library/ubuntu",
        ["20.04", "22.04", "24.04", "focal", "jammy", "noble", "latest", "rolling"],
    )
    data.mirror(
        "library/busybox", "docker/library/busybox", ["1.36", "1.37", "latest", "musl", "glibc"]
    )
    golang = _versions("1.", range(21, 24), 6, ["", "-alpine", "-bookworm"])
    data.mirror("library/golang", "docker/library/golang", [*golang, "latest", "alpine"])
    data.mirror("library/amazonlinux", "docker/library/amazonlinux", ["2", "2023", "latest"])
    data.mirror("library/amazonlinux", "amazonlinux/amazonlinux", ["2", "2023", "latest"])
    # An official image Docker does not mirror: only on Docker Hub.
    data.hub_only("library/clearlinux", ["latest", "base"])
    # Publishers mirroring under their own alias.
    data.mirror("nginx/nginx", "nginx/nginx", ["1.27-alpine", "stable", "latest", "mainline"])
    data.mirror(
        "hashicorp/terraform", "hashicorp/terraform", [*_versions("1.", [9], 9, [""]), "latest"]
    )
    data.mirror("hashicorp/vault", "hashicorp/vault", [*_versions("1.", [17], 6, [""]), "latest"])
    data.mirror("datadog/agent", "datadog/agent", ["7", "7.58.0", "7.58.1", "latest"])
    data.mirror("amazon/aws-cli", "aws-cli/aws-cli", ["2.17.0", "2.17.1", "latest"])
    data.mirror("amazon/aws-xray-daemon", "xray/aws-xray-daemon", ["3.3.12", "latest"])
    data.mirror(
        "amazon/cloudwatch-agent", "cloudwatch-agent/cloudwatch-agent", ["1.300044.0b732", "latest"]
    )
    data.mirror(
        "amazon/dynamodb-local", "aws-dynamodb-local/aws-dynamodb-local", ["2.5.2", "latest"]
    )
    # Found only through search: a verified publisher, plus decoys that must not match.
    data.mirror(
        "grafana/grafana", "grafana/grafana", ["11.2.0", "11.3.0", "latest"], downloads=50_000_000
    )
    data.mirror("grafana/loki", "grafana/loki", ["3.1.0", "latest"], rebuilt_on_hub=["latest"])
    data.ecr["grafana-mirror/grafana"] = Repository({"11.2.0": digest_of("decoy")})
    data.catalog.append(CatalogEntry("grafana-mirror", "grafana", "grafana", True, 10))
    data.mirror("acme/widget", "acme/widget", ["1.0", "latest"], verified=False)
    # Withdrawn from ECR Public in June 2026, yet still answering here: must never be suggested.
    data.mirror("bitnami/redis", "bitnami/redis", ["7.2", "latest"])
    data.hub_only("someone/private-tool", ["1.0", "latest"])
    # Search noise: many repositories matching common terms, to need more than one page.
    for index in range(150):
        data.catalog.append(
            CatalogEntry(f"team{index}", f"grafana-dashboards-{index}", "grafana", False, index)
        )
    return data


TASK_IMAGES = (
    "nginx:1.25",
    "python:3.12-slim",
    "redis:7.2.3",
    "node:20",
    "grafana/grafana:11.2.0",
    "nginx:1.28.0",
)
"""A task definition's six images (nginx twice), found directly and by search: the look-ups
the cache tests count requests on."""


@dataclass(frozen=True)
class Canned:
    """An answer given in place of the real one (JSON unless ``content_type`` says otherwise)."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, data: Any, **headers: str) -> Canned:
        return cls(status, json.dumps(data).encode(), headers)


@dataclass
class Faults:
    """Switches a test flips; counters count down one per request they affect."""

    errors: int = 0
    error_status: int = 503
    rate_limited: int = 0
    retry_after: str | None = "1"
    delay: float = 0.0
    malformed_json: bool = False
    wrong_content_type: bool = False
    truncated: bool = False
    drip: float = 0.0
    """Seconds between single body bytes."""
    digest_header: bool = True
    """False: manifest answers leave out Docker-Content-Digest."""
    canned: dict[str, Canned] = field(default_factory=dict)
    """Answers given in place of the real ones, by path prefix (persistent; ``only`` aside)."""
    only: str | None = None
    """Apply the faults above only to paths starting with this prefix (``/gallery``...)."""


@dataclass
class Recorded:
    method: str
    path: str
    body: bytes


class _Listener(ThreadingHTTPServer):
    # As a real service's: a burst of new connections is queued, not dropped (with the default
    # of 5 the kernel drops SYNs beyond it, and each dropped client waits 1 s to try again).
    request_queue_size = 128


class GalleryServer:
    """The four services, each on its own port (as they are separate hosts in real life, so a
    client's per-host limits apply as they would), sharing one dataset, faults and request log."""

    SERVICES = ("gallery", "ecr", "hub", "hub-auth")

    def __init__(
        self,
        dataset: Dataset | None = None,
        *,
        tls: ssl.SSLContext | None = None,
        domain: str | None = None,
    ) -> None:
        """``tls``: serve https with this context (tests/servers/tls.py); ``domain``: name each
        service ``<service>.<domain>`` in its URL instead of 127.0.0.1 (a name only the test
        proxy resolves, tests/servers/connect_proxy.py)."""
        self.dataset = dataset or realistic_dataset()
        self.faults = Faults()
        self.requests: list[Recorded] = []
        self.tls = tls
        self.domain = domain
        self._lock = threading.Lock()
        self._servers: dict[str, ThreadingHTTPServer] = {}
        for service in self.SERVICES:
            listener = (
                _Listener(("127.0.0.1", 0), _handler_for(self))
                if tls is None
                else TlsHTTPServer(("127.0.0.1", 0), _handler_for(self), tls)
            )
            listener.daemon_threads = True
            listener.block_on_close = False  # kept-alive client connections must not hold stop()
            self._servers[service] = listener

    def url_of(self, service: str) -> str:
        host, port = self._servers[service].server_address[:2]
        if self.domain is not None:
            host = f"{service}.{self.domain}"
        return f"{'http' if self.tls is None else 'https'}://{host}:{port}"

    @property
    def base_url(self) -> str:
        return self.url_of("gallery")

    @property
    def gallery_url(self) -> str:
        return f"{self.url_of('gallery')}/gallery"

    @property
    def registry_url(self) -> str:
        return f"{self.url_of('ecr')}/ecr"

    @property
    def dockerhub_registry_url(self) -> str:
        return f"{self.url_of('hub')}/hub"

    @property
    def dockerhub_auth_url(self) -> str:
        return f"{self.url_of('hub-auth')}/hub-auth/token"

    def environment(self) -> dict[str, str]:
        """Environment variables that point ecs-lint at this server."""
        return {
            "ECS_LINT_GALLERY_URL": self.gallery_url,
            "ECS_LINT_REGISTRY_URL": self.registry_url,
            "ECS_LINT_DOCKERHUB_REGISTRY_URL": self.dockerhub_registry_url,
            "ECS_LINT_DOCKERHUB_AUTH_URL": self.dockerhub_auth_url,
        }

    @property
    def request_count(self) -> int:
        with self._lock:
            return len(self.requests)

    def paths(self) -> list[str]:
        with self._lock:
            return [request.path for request in self.requests]

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
        self.faults = Faults()

    def record(self, method: str, path: str, body: bytes) -> None:
        with self._lock:
            self.requests.append(Recorded(method, path, body))

    def take(self, counter: str) -> bool:
        """Use up one unit of a fault counter; True when the fault applies to this request."""
        with self._lock:
            value = getattr(self.faults, counter)
            if value <= 0:
                return False
            setattr(self.faults, counter, value - 1)
            return True

    def start(self) -> GalleryServer:
        for listener in self._servers.values():
            threading.Thread(target=listener.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def stop(self) -> None:
        for listener in self._servers.values():
            listener.shutdown()
            listener.server_close()

    def __enter__(self) -> GalleryServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _encode_token(scopes: list[str], service: str) -> str:
    return base64.urlsafe_b64encode(
        json.dumps({"svc": service, "access": scopes}).encode()
    ).decode()


def _decode_token(header: str | None) -> tuple[str, list[str]] | None:
    if not header or not header.startswith("Bearer "):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(header[7:].encode()))
        return str(data["svc"]), list(data["access"])
    except (ValueError, KeyError, TypeError):
        return None


def _page_token(offset: int) -> str:
    return base64.b64encode(json.dumps({"offset": offset}).encode()).decode()


def _page_offset(token: Any) -> int | None:
    if token is None:
        return 0
    try:
        return int(json.loads(base64.b64decode(str(token)))["offset"])
    except (ValueError, KeyError, TypeError):
        return None


def _handler_for(server: GalleryServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "gallery-test/1.0"
        # Headers and body go out in two writes: with Nagle's algorithm the body would wait for
        # the client's delayed ACK of the headers (40 ms a request), which real services avoid.
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            return

        # -- plumbing ----------------------------------------------------------------------

        def do_POST(self) -> None:
            self._handle("POST")

        def do_GET(self) -> None:
            self._handle("GET")

        def do_HEAD(self) -> None:
            self._handle("HEAD")

        def _handle(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = urlsplit(self.path).path
            server.record(method, self.path, body)
            faults = server.faults
            applies = faults.only is None or path.startswith(faults.only)
            if applies and faults.delay:
                time.sleep(faults.delay)
            canned = next((c for p, c in faults.canned.items() if path.startswith(p)), None)
            if canned is not None:
                return self._send(canned.status, canned.body, "application/json", canned.headers)
            if applies and server.take("errors"):
                return self._json(faults.error_status, {"message": "Service Unavailable"})
            if applies and server.take("rate_limited"):
                headers = {"Retry-After": faults.retry_after} if faults.retry_after else {}
                error = {"errors": [{"code": "TOOMANYREQUESTS", "message": "Rate exceeded"}]}
                return self._json(429, error, headers)
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._route(method, path, body)

        def _route(self, method: str, path: str, body: bytes) -> None:
            if path.startswith("/gallery/") and method == "POST":
                return self._gallery(path.removeprefix("/gallery/"), body)
            if path.rstrip("/") == "/ecr/token":
                return self._token("public.ecr.aws", None)
            if path == "/hub-auth/token":
                return self._token("registry.docker.io", server.dataset.hub)
            if path.startswith("/ecr/v2/") and method in ("HEAD", "GET"):
                return self._manifest(
                    path.removeprefix("/ecr/v2/"),
                    server.dataset.ecr,
                    "public.ecr.aws",
                    f"{server.registry_url}/token/",
                )
            if path.startswith("/hub/v2/") and method in ("HEAD", "GET"):
                return self._manifest(
                    path.removeprefix("/hub/v2/"),
                    server.dataset.hub,
                    "registry.docker.io",
                    server.dockerhub_auth_url,
                )
            self._json(404, {"message": f"no route for {method} {path}"})

        def _send(
            self,
            status: int,
            payload: bytes,
            content_type: str,
            headers: dict[str, str] | None = None,
        ) -> None:
            faults = server.faults
            applies = faults.only is None or self.path.startswith(faults.only)
            if applies and content_type == "application/json" and faults.wrong_content_type:
                payload, content_type = (
                    b"<html><body>Sign in to the network</body></html>",
                    "text/html",
                )
            if applies and content_type == "application/json" and faults.malformed_json:
                payload = payload[: max(1, len(payload) // 2)]
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            declared = len(payload) + (100 if applies and faults.truncated else 0)
            self.send_header("Content-Length", str(declared))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if applies and faults.truncated:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            if self.command == "HEAD":
                return
            if applies and faults.drip:
                for index in range(len(payload)):
                    self.wfile.write(payload[index : index + 1])
                    self.wfile.flush()
                    time.sleep(faults.drip)
            else:
                self.wfile.write(payload)

        def _json(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
            self._send(status, json.dumps(data).encode(), "application/json", headers)

        # -- the gallery API ---------------------------------------------------------------

        def _gallery(self, operation: str, body: bytes) -> None:
            try:
                request = json.loads(body or b"{}")
            except ValueError:
                return self._json(
                    400, {"__type": "InvalidParameterException", "message": "bad JSON"}
                )
            if not isinstance(request, dict):
                return self._json(
                    400, {"__type": "InvalidParameterException", "message": "not an object"}
                )
            handlers = {
                "describeImageTags": self._describe_image_tags,
                "searchRepositoryCatalogData": self._search,
                "getRepositoryCatalogData": self._catalog_data,
            }
            handler = handlers.get(operation)
            if handler is None:
                return self._json(404, {"__type": "UnknownOperationException"})
            handler(request)

        def _repository_arguments(self, request: dict[str, Any]) -> str | None:
            alias, name = request.get("registryAliasName"), request.get("repositoryName")
            if not isinstance(alias, str) or not isinstance(name, str):
                self._json(
                    400,
                    {
                        "__type": "InvalidParameterException",
                        "message": "registryAliasName and repositoryName are required",
                    },
                )
                return None
            return f"{alias}/{name}"

        def _not_found(self, path: str) -> None:
            self._json(
                400,
                {
                    "__type": "RepositoryNotFoundException",
                    "message": f"The repository with name '{path}' does not exist in the registry",
                },
            )

        def _describe_image_tags(self, request: dict[str, Any]) -> None:
            path = self._repository_arguments(request)
            if path is None:
                return
            repository = server.dataset.ecr.get(path)
            if repository is None:
                return self._not_found(path)
            size = request.get("maxResults", 100)
            offset = _page_offset(request.get("nextToken"))
            if not isinstance(size, int) or not 1 <= size <= 1000 or offset is None:
                return self._json(
                    400,
                    {
                        "__type": "InvalidParameterException",
                        "message": "bad maxResults or nextToken",
                    },
                )
            tags = sorted(repository.tags)
            page = tags[offset : offset + size]
            details = [
                {
                    "imageTag": tag,
                    "createdAt": PUSHED_AT,
                    "imageDetail": {
                        "imageDigest": repository.tags[tag],
                        "imageSizeInBytes": 40_000_000 + len(tag),
                        "imagePushedAt": PUSHED_AT,
                        "imageManifestMediaType": repository.media_type,
                        "artifactMediaType": "application/vnd.oci.image.config.v1+json",
                    },
                }
                for tag in page
            ]
            response: dict[str, Any] = {"imageTagDetails": details}
            if offset + size < len(tags):
                response["nextToken"] = _page_token(offset + size)
            self._json(200, response)

        def _search(self, request: dict[str, Any]) -> None:
            term = request.get("searchTerm")
            size = request.get("maxResults", 50)
            offset = _page_offset(request.get("nextToken"))
            if (
                not isinstance(term, str)
                or not isinstance(size, int)
                or not 1 <= size <= 100
                or offset is None
            ):
                return self._json(
                    400, {"__type": "InvalidParameterException", "message": "bad search request"}
                )
            needle = term.lower()
            hits = [
                entry
                for entry in server.dataset.catalog
                if needle in entry.repository.lower() or needle in entry.display_name.lower()
            ]
            hits.sort(key=lambda entry: (-entry.downloads, entry.alias, entry.repository))
            page = hits[offset : offset + size]
            response: dict[str, Any] = {
                "repositoryCatalogSearchResultList": [entry.search_item() for entry in page],
                "totalResults": len(hits),
            }
            if offset + size < len(hits):
                response["nextToken"] = _page_token(offset + size)
            self._json(200, response)

        def _catalog_data(self, request: dict[str, Any]) -> None:
            path = self._repository_arguments(request)
            if path is None:
                return
            entry = next(
                (e for e in server.dataset.catalog if f"{e.alias}/{e.repository}" == path), None
            )
            if entry is None or path not in server.dataset.ecr:
                return self._not_found(path)
            self._json(
                200,
                {
                    "catalogData": {
                        "description": entry.description or f"{entry.display_name} image",
                        "architectures": ["x86-64", "ARM 64"],
                        "operatingSystems": ["Linux"],
                        "aboutText": f"# {entry.display_name}",
                        "usageText": f"docker pull public.ecr.aws/{path}:latest",
                    },
                    "insightData": {"downloadCount": entry.downloads, "lastUpdated": PUSHED_AT},
                },
            )

        # -- registries --------------------------------------------------------------------

        def _token(self, service: str, repositories: dict[str, Repository] | None) -> None:
            """A token for the repositories asked for (``repositories``: only those)."""
            query = parse_qs(urlsplit(self.path).query)
            if query.get("service") != [service]:
                return self._json(
                    400, {"errors": [{"code": "UNSUPPORTED", "message": "unknown service"}]}
                )
            granted = []
            for scope in query.get("scope", []):
                kind, _, rest = scope.partition(":")
                name, _, actions = rest.rpartition(":")
                known = repositories is None or name in repositories
                if kind == "repository" and "pull" in actions.split(",") and known:
                    granted.append(name)
            token = _encode_token(granted, service)
            self._json(
                200,
                {"token": token, "access_token": token, "expires_in": 300, "issued_at": PUSHED_AT},
            )

        def _manifest(
            self, rest: str, repositories: dict[str, Repository], service: str, realm: str
        ) -> None:
            name, marker, reference = unquote(rest).rpartition("/manifests/")
            if not marker:
                return self._json(404, {"errors": [{"code": "NOT_FOUND"}]})
            token = _decode_token(self.headers.get("Authorization"))
            if token is None or token[0] != service or name not in token[1]:
                challenge = (
                    f'Bearer realm="{realm}",service="{service}",scope="repository:{name}:pull"'
                )
                return self._json(
                    401,
                    {"errors": [{"code": "UNAUTHORIZED", "message": "authentication required"}]},
                    {"WWW-Authenticate": challenge},
                )
            repository = repositories.get(name)
            if repository is None:
                return self._json(404, {"errors": [{"code": "NAME_UNKNOWN"}]})
            digest = repository.digest_for(reference)
            accepted = self.headers.get("Accept", "")
            if digest is None or repository.media_type not in accepted:
                return self._json(
                    404, {"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown"}]}
                )
            manifest = json.dumps(
                {"schemaVersion": 2, "mediaType": repository.media_type, "manifests": []}
            ).encode()
            self._send(
                200,
                manifest,
                repository.media_type,
                {
                    **({"Docker-Content-Digest": digest} if server.faults.digest_header else {}),
                    "ratelimit-limit": "100;w=21600",
                    "ratelimit-remaining": "98;w=21600",
                },
            )

    return Handler
