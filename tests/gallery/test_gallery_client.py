"""The gallery API and registry clients, against the local server speaking the real protocols."""

from __future__ import annotations

import socket
import time

import pytest
from servers.gallery_server import GalleryServer, digest_of

from ecs_lint.gallery.client import (
    GalleryClient,
    RegistryClient,
    docker_hub_registry,
    ecr_public_registry,
)
from ecs_lint.gallery.endpoints import EndpointError, checked_url
from ecs_lint.gallery.http import Budget, HttpClient, ProtocolError, TransportError


def http(budget: float = 5.0) -> HttpClient:
    return HttpClient(Budget(budget))


def gallery_client(server: GalleryServer, budget: float = 5.0) -> GalleryClient:
    return GalleryClient(http(budget), server.gallery_url)


def ecr(server: GalleryServer, client: HttpClient | None = None) -> RegistryClient:
    return ecr_public_registry(
        client or http(), server.registry_url, f"{server.registry_url}/token/"
    )


def hub(server: GalleryServer, client: HttpClient | None = None) -> RegistryClient:
    return docker_hub_registry(
        client or http(), server.dockerhub_registry_url, server.dockerhub_auth_url
    )


def operations(server: GalleryServer, name: str) -> int:
    return sum(1 for path in server.paths() if path.endswith(name))


# -- gallery API --------------------------------------------------------------------------------


def test_describe_image_tags_follows_next_token_to_the_last_page(gallery: GalleryServer) -> None:
    listing = gallery_client(gallery).describe_image_tags("docker", "library/nginx")
    assert listing is not None and listing.complete
    assert len(listing.tags) > 1000  # more than one page of 1000
    assert listing.tags["1.25"] == digest_of("library/nginx:1.25")
    assert listing.tags["1.27.12-alpine-otel"] == digest_of("library/nginx:1.27.12-alpine-otel")
    assert operations(gallery, "/describeImageTags") == 2


def test_describe_image_tags_stops_at_the_page_limit_and_says_so(gallery: GalleryServer) -> None:
    listing = gallery_client(gallery).describe_image_tags(
        "docker", "library/nginx", page_size=100, max_pages=3
    )
    assert listing is not None and not listing.complete
    assert len(listing.tags) == 300
    assert operations(gallery, "/describeImageTags") == 3


def test_unknown_repository_is_none_not_an_error(gallery: GalleryServer) -> None:
    assert gallery_client(gallery).describe_image_tags("docker", "library/clearlinux") is None
    assert gallery_client(gallery).get_repository_catalog_data("docker", "library/nope") is None


def test_search_pages_through_results(gallery: GalleryServer) -> None:
    results = list(gallery_client(gallery).search_repositories("grafana", page_size=50))
    assert operations(gallery, "/searchRepositoryCatalogData") == 3  # the page limit
    assert len(results) == 150
    first = results[0]
    assert (first.path, first.registry_verified) == ("grafana/grafana", True)
    assert any(r.path == "grafana-mirror/grafana" for r in results)


def test_catalog_data_of_a_known_repository(gallery: GalleryServer) -> None:
    data = gallery_client(gallery).get_repository_catalog_data("docker", "library/nginx")
    assert data is not None
    assert data["insightData"]["downloadCount"] == 900_000_000
    assert "ARM 64" in data["catalogData"]["architectures"]


# -- registries ---------------------------------------------------------------------------------


def test_ecr_public_head_gives_the_digest_and_none_for_unknown(gallery: GalleryServer) -> None:
    registry = ecr(gallery)
    assert registry.manifest_digest("docker/library/nginx", "1.25") == digest_of(
        "library/nginx:1.25"
    )
    assert registry.manifest_digest("docker/library/nginx", "9.9.9") is None
    assert registry.manifest_digest("docker/library/nope", "1.0") is None
    by_digest = digest_of("library/nginx:1.26")
    assert registry.manifest_digest("docker/library/nginx", by_digest) == by_digest
    heads = [r for r in gallery.requests if r.method == "HEAD"]
    assert heads and all(r.path.startswith("/ecr/v2/") for r in heads)


def test_docker_hub_tokens_for_many_repositories_come_in_one_request(
    gallery: GalleryServer,
) -> None:
    registry = hub(gallery)
    jobs = registry.reserve_tokens(["library/nginx", "library/python", "grafana/grafana"])
    assert len(jobs) == 1
    jobs[0]()
    assert registry.manifest_digest("library/nginx", "1.25") == digest_of("library/nginx:1.25")
    assert registry.manifest_digest("grafana/grafana", "11.2.0") == digest_of(
        "grafana/grafana:11.2.0"
    )
    assert operations(gallery, "") == 3  # one token, two HEADs
    assert sum(1 for path in gallery.paths() if path.startswith("/hub-auth/token")) == 1


def test_docker_hub_denying_access_is_no_answer(gallery: GalleryServer) -> None:
    # Docker Hub grants no access to a repository that does not exist, as to a private one: 401,
    # fresh token, 401. Not "no such tag": nothing is known.
    with pytest.raises(ProtocolError, match=r"manifest HEAD answered HTTP 401$"):
        hub(gallery).manifest_digest("nobody/nothing", "latest")
    assert operations(gallery, "/manifests/latest") == 2


# -- failures -----------------------------------------------------------------------------------


def test_429_is_retried_after_the_retry_after_delay(gallery: GalleryServer) -> None:
    gallery.faults.rate_limited = 1
    gallery.faults.retry_after = "1"
    started = time.monotonic()
    listing = gallery_client(gallery).describe_image_tags("docker", "library/alpine")
    assert listing is not None
    assert time.monotonic() - started >= 1.0
    assert operations(gallery, "/describeImageTags") == 2


def test_retry_after_beyond_the_budget_gives_up_at_once(gallery: GalleryServer) -> None:
    gallery.faults.rate_limited = 10
    gallery.faults.retry_after = "60"
    started = time.monotonic()
    with pytest.raises(TransportError, match="HTTP 429"):
        gallery_client(gallery, budget=3.0).describe_image_tags("docker", "library/alpine")
    assert time.monotonic() - started < 1.0
    assert operations(gallery, "/describeImageTags") == 1


def test_5xx_is_retried_with_backoff(gallery: GalleryServer) -> None:
    gallery.faults.errors = 2
    listing = gallery_client(gallery).describe_image_tags("docker", "library/alpine")
    assert listing is not None
    assert operations(gallery, "/describeImageTags") == 3


def test_persistent_5xx_fails_and_the_host_is_not_asked_again(gallery: GalleryServer) -> None:
    gallery.faults.errors = 100
    gallery.faults.error_status = 502
    client = gallery_client(gallery)
    with pytest.raises(TransportError, match="HTTP 502"):
        client.describe_image_tags("docker", "library/alpine")
    assert operations(gallery, "/describeImageTags") == 3
    with pytest.raises(TransportError):
        client.describe_image_tags("docker", "library/nginx")
    assert operations(gallery, "/describeImageTags") == 3  # no new request


def test_slow_responses_end_at_the_budget(gallery: GalleryServer) -> None:
    gallery.faults.delay = 3.0
    started = time.monotonic()
    with pytest.raises(TransportError):
        gallery_client(gallery, budget=0.5).describe_image_tags("docker", "library/alpine")
    assert time.monotonic() - started < 1.5


def test_a_slow_drip_of_bytes_cannot_outlast_the_budget(gallery: GalleryServer) -> None:
    gallery.faults.drip = 0.02  # the nginx listing would take minutes at this pace
    started = time.monotonic()
    with pytest.raises(TransportError):
        gallery_client(gallery, budget=1.0).describe_image_tags("docker", "library/nginx")
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize(
    ("fault", "message"),
    [("malformed_json", "malformed JSON"), ("wrong_content_type", "content type text/html")],
)
def test_bad_bodies_are_protocol_errors(gallery: GalleryServer, fault: str, message: str) -> None:
    setattr(gallery.faults, fault, True)
    with pytest.raises(ProtocolError, match=message):
        gallery_client(gallery).describe_image_tags("docker", "library/alpine")


def test_truncated_responses_are_retried_then_fail(gallery: GalleryServer) -> None:
    gallery.faults.truncated = True
    with pytest.raises(TransportError, match="truncated"):
        gallery_client(gallery).describe_image_tags("docker", "library/alpine")
    assert operations(gallery, "/describeImageTags") == 3


def test_a_malformed_token_answer_is_a_protocol_error(gallery: GalleryServer) -> None:
    gallery.faults.only = "/ecr/token"
    gallery.faults.malformed_json = True
    with pytest.raises(ProtocolError, match="token: malformed JSON"):
        ecr(gallery).manifest_digest("docker/library/nginx", "1.25")


def test_a_manifest_answer_without_digest_is_a_protocol_error(gallery: GalleryServer) -> None:
    gallery.faults.digest_header = False
    with pytest.raises(ProtocolError, match="Docker-Content-Digest"):
        ecr(gallery).manifest_digest("docker/library/nginx", "1.25")


def test_connection_refused_fails_fast_without_retries() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = GalleryClient(http(), f"http://127.0.0.1:{port}")
    started = time.monotonic()
    with pytest.raises(TransportError, match="connection refused"):
        client.describe_image_tags("docker", "library/nginx")
    assert time.monotonic() - started < 0.5


def test_keep_alive_connections_carry_many_requests(gallery: GalleryServer) -> None:
    client = gallery_client(gallery)
    for name in ("alpine", "busybox", "ubuntu", "redis"):
        assert client.describe_image_tags("docker", f"library/{name}") is not None
    assert client.http.requests_sent == 4
    assert operations(gallery, "/describeImageTags") == 4


# -- endpoints ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://api.us-east-1.gallery.ecr.aws",
        "https://mirror.example.com/gallery/",
        "http://127.0.0.1:8080/gallery",
        "http://localhost:9000",
        "http://[::1]:9000",
    ],
)
def test_acceptable_endpoints(url: str) -> None:
    assert checked_url(url, "test") == url.rstrip("/")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://api.us-east-1.gallery.ecr.aws", "must use https"),
        ("http://10.0.0.8:8080", "must use https"),
        ("ftp://example.com", "must be an https:// URL"),
        ("https://user:secret@example.com", "must not contain credentials"),
        ("https://example.com/?a=b", "query"),
        ("not a url", "must be an https:// URL"),
    ],
)
def test_unacceptable_endpoints_are_refused(url: str, reason: str) -> None:
    with pytest.raises(EndpointError, match=reason):
        checked_url(url, "environment variable ECS_LINT_GALLERY_URL")
