"""Every kind of fault at every look-up endpoint: no wrong answer, no cached failure.

One local server (tests/servers/gallery_server.py) serves the whole matrix. In each case one
endpoint (the gallery API, the ECR Public registry or its token service, Docker Hub's registry or
its token service) answers with one kind of fault for a whole run; then the same endpoint is
healthy again and a second run, with the same cache, must give exactly what a healthy run gives.
Each case checks the first run's findings, its one warning, and what it left in the cache (only
answers a service actually gave: a subset of what a healthy run caches).

The four images take every path: ``nginx:1.25`` (the gallery's tag listing, then Docker Hub's
digest: ``identical``), a digest-pinned ``nginx`` (the ECR Public registry alone),
``grafana/grafana`` (found through the gallery's search; not in the embedded catalog) and
``nginx:1.28.0`` (not mirrored: no equivalent, a definitive answer).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from servers.gallery_server import TASK_IMAGES, Canned, GalleryServer, digest_of

from support import run_cli

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

PINNED = digest_of("library/nginx:1.26")
NGINX, DIGEST_PINNED, GRAFANA, UNMIRRORED = IMAGES = (
    "nginx:1.25",
    f"nginx:1.26@{PINNED}",
    "grafana/grafana:11.2.0",
    "nginx:1.28.0",
)
IDENTICAL = {
    NGINX: ("public.ecr.aws/docker/library/nginx:1.25", "identical"),
    DIGEST_PINNED: (f"public.ecr.aws/docker/library/nginx:1.26@{PINNED}", "identical"),
    GRAFANA: ("public.ecr.aws/grafana/grafana:11.2.0", "identical"),
    UNMIRRORED: (None, None),
}
"""What a healthy run answers."""
TIMEOUT_BUDGET = 0.5


@dataclass(frozen=True)
class Fault:
    canned: Canned | None
    reason: tuple[str, ...]
    """What the warning may give as the reason (the words differ with the endpoint)."""
    delay: float = 0.0


FAULTS = {
    "HTTP 500": Fault(Canned.json(500, {"message": "Internal server error"}), ("HTTP 500",)),
    "HTTP 429": Fault(
        Canned.json(429, {"errors": [{"code": "TOOMANYREQUESTS"}]}, **{"Retry-After": "0"}),
        ("HTTP 429",),
    ),
    "400 throttling": Fault(
        Canned.json(400, {"__type": "ThrottlingException", "message": "Rate exceeded"}),
        ("HTTP 400",),
    ),
    "HTTP 401": Fault(Canned.json(401, {"errors": [{"code": "UNAUTHORIZED"}]}), ("HTTP 401",)),
    "HTTP 403": Fault(Canned.json(403, {"errors": [{"code": "DENIED"}]}), ("HTTP 403",)),
    "200 {}": Fault(
        Canned.json(200, {}),
        ("incomplete answer", "returned no token", "no valid Docker-Content-Digest"),
    ),
    "malformed 200": Fault(
        Canned(200, b'{"imageTagDetails": [{"imageTag": "1.25"'),
        ("malformed JSON", "no valid Docker-Content-Digest"),
    ),
    "timeout": Fault(None, (f"look-up budget of {TIMEOUT_BUDGET:g} s exhausted",), delay=1.0),
}


@dataclass(frozen=True)
class Endpoint:
    prefix: str
    answers: dict[str, tuple[str | None, str | None]]
    """The faulty run's (replacement, evidence) per image."""
    cached: set[str]
    """Images whose ECR Public answer the faulty run caches."""
    compared: set[str]
    """Images whose Docker Hub digest it caches."""
    warning: str


CATALOG_ONLY = "answered 1 image from the embedded catalog (tags not checked)"
ECR_PUBLIC_DOWN = f"ECR Public look-ups failed ({{reason}}); {CATALOG_ONLY}"
DOCKER_HUB_DOWN = (
    "Docker Hub digest look-ups failed ({reason}); 2 images left 'verified', not "
    "compared with Docker Hub"
)
PINNED_FROM_CATALOG = {**IDENTICAL, DIGEST_PINNED: (IDENTICAL[DIGEST_PINNED][0], "catalog")}
NOT_COMPARED = {
    **IDENTICAL,
    NGINX: (IDENTICAL[NGINX][0], "verified"),
    GRAFANA: (IDENTICAL[GRAFANA][0], "verified"),
}
ENDPOINTS = {
    # The registry answers for the tags the listing would have given (and says nginx:1.28.0 is
    # not there); the search for grafana/grafana has only the catalog, which does not know it.
    "gallery API": Endpoint(
        "/gallery",
        {**IDENTICAL, GRAFANA: (None, None)},
        {NGINX, DIGEST_PINNED, UNMIRRORED},
        {NGINX},
        ECR_PUBLIC_DOWN,
    ),
    "ECR Public token": Endpoint(
        "/ecr/token",
        PINNED_FROM_CATALOG,
        {NGINX, GRAFANA, UNMIRRORED},
        {NGINX, GRAFANA},
        ECR_PUBLIC_DOWN,
    ),
    "ECR Public registry": Endpoint(
        "/ecr/v2",
        PINNED_FROM_CATALOG,
        {NGINX, GRAFANA, UNMIRRORED},
        {NGINX, GRAFANA},
        ECR_PUBLIC_DOWN,
    ),
    "Docker Hub token": Endpoint("/hub-auth", NOT_COMPARED, set(IMAGES), set(), DOCKER_HUB_DOWN),
    "Docker Hub registry": Endpoint("/hub/v2", NOT_COMPARED, set(IMAGES), set(), DOCKER_HUB_DOWN),
}
# A gallery that never answers uses up the whole budget: the registry cannot be asked after it.
GALLERY_TIMEOUT = Endpoint(
    "/gallery",
    {
        NGINX: (IDENTICAL[NGINX][0], "catalog"),
        DIGEST_PINNED: IDENTICAL[DIGEST_PINNED],
        GRAFANA: (None, None),
        UNMIRRORED: ("public.ecr.aws/docker/library/nginx:1.28.0", "catalog"),
    },
    {DIGEST_PINNED},
    set(),
    "ECR Public look-ups failed ({reason}); answered 3 images from the embedded "
    "catalog (tags not checked)",
)


# -- one server, one healthy reference ----------------------------------------------------------


@pytest.fixture(scope="module")
def server() -> Iterator[GalleryServer]:
    with GalleryServer() as running:
        yield running


@pytest.fixture(scope="module")
def healthy_cache(
    server: GalleryServer, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """What a healthy run caches: key → stored answer."""
    directory = tmp_path_factory.mktemp("healthy")
    with pytest.MonkeyPatch.context() as patch:
        point_at(server, directory, patch)
        assert answers(lint(directory)) == IDENTICAL
    return cache_entries(directory)


@pytest.fixture
def online(server: GalleryServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GalleryServer:
    server.reset()
    point_at(server, tmp_path, monkeypatch)
    return server


def point_at(
    server: GalleryServer,
    root: Path,
    monkeypatch: pytest.MonkeyPatch,
    images: tuple[str, ...] = IMAGES,
) -> None:
    """ecs-lint online against ``server``, with a cache under ``root`` and a task definition of
    ``images`` in ``root/td.json``."""
    for name, value in server.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ECS_LINT_OFFLINE", raising=False)
    monkeypatch.setenv("ECS_LINT_CACHE_DIR", str(root / "cache"))
    containers = [{"name": f"c{index}", "image": image} for index, image in enumerate(images)]
    (root / "td.json").write_text(json.dumps({"family": "app", "containerDefinitions": containers}))
    (root / "budget.toml").write_text(f"lookup-budget = {TIMEOUT_BUDGET}\n")


def lint(root: Path, *, budget: bool = False) -> Any:
    config = ["--config", str(root / "budget.toml")] if budget else []
    return run_cli("-o", "json", "--select", "EL101", *config, str(root / "td.json"))


def answers(run: Any, images: tuple[str, ...] = IMAGES) -> dict[str, tuple[Any, Any]]:
    """(replacement, evidence) per image, from the JSON report."""
    assert run.status == 1, run.stderr
    found = {f["image"]: (f["replacement"], f["evidence"]) for f in json.loads(run.stdout)}
    return {image: found[f"docker.io/{hub_path(image)}"] for image in images}


def hub_path(image: str) -> str:
    return image if "/" in image else f"library/{image}"


def warnings(run: Any) -> list[str]:
    return [
        line.removeprefix("ecs-lint: warning: ")
        for line in run.stderr.splitlines()
        if line.startswith("ecs-lint: warning: ")
    ]


def cache_entries(root: Path) -> dict[str, Any]:
    entries = (json.loads(path.read_bytes()) for path in (root / "cache").rglob("*.json"))
    return {entry["key"]: entry["answer"] for entry in entries}


def cached_images(entries: dict[str, Any], kind: str) -> set[str]:
    """The images with an entry of ``kind``: ``answer`` (ECR Public's, keyed by the reference)
    or ``hub-digest`` (Docker Hub's, keyed by repository and tag)."""
    named = {key.rpartition("|")[2] for key in entries if key.startswith(f"{kind}|")}
    prefix = "docker.io/" if kind == "answer" else ""
    return {image for image in IMAGES if f"{prefix}{hub_path(image)}" in named}


# -- the matrix ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
@pytest.mark.parametrize("endpoint", ENDPOINTS.values(), ids=ENDPOINTS.keys())
def test_a_fault_falls_back_says_so_once_and_caches_nothing_wrong(
    endpoint: Endpoint,
    fault: Fault,
    online: GalleryServer,
    healthy_cache: dict[str, Any],
    tmp_path: Path,
) -> None:
    timed_out = fault.delay > 0
    if timed_out and endpoint.prefix == "/gallery":
        endpoint = GALLERY_TIMEOUT
    online.faults.only = endpoint.prefix
    online.faults.delay = fault.delay
    online.faults.canned = {endpoint.prefix: fault.canned} if fault.canned else {}

    faulty = lint(tmp_path, budget=timed_out)
    assert answers(faulty) == endpoint.answers
    (warning,) = warnings(faulty)
    prefix, _, suffix = endpoint.warning.partition("{reason}")
    assert warning.startswith(prefix) and warning.endswith(suffix), warning
    reasons = warning.removeprefix(prefix).removesuffix(suffix)
    assert any(reason in reasons for reason in fault.reason), warning
    entries = cache_entries(tmp_path)
    assert cached_images(entries, "answer") == endpoint.cached
    assert cached_images(entries, "hub-digest") == endpoint.compared
    assert entries.items() <= healthy_cache.items()  # nothing a healthy service would not say

    online.reset()
    healthy = lint(tmp_path)
    assert answers(healthy) == IDENTICAL
    assert warnings(healthy) == []
    assert cache_entries(tmp_path) == healthy_cache
    if endpoint.prefix.startswith("/hub"):  # the gallery's answers were kept: only the digests
        assert {path.split("/")[1] for path in online.paths()} == {"hub-auth", "hub"}


# -- the answers that used to be cached wrongly -------------------------------------------------
# Each looks only at what a user sees: the findings, the warning, and the next healthy run.


def services_asked(server: GalleryServer) -> set[str]:
    """``gallery``, ``ecr``, ``hub-auth``, ``hub``: which services the requests went to."""
    return {path.split("/")[1] for path in server.paths()}


def messages(run: Any) -> dict[str, str]:
    return {f["image"]: f["message"] for f in json.loads(run.stdout)}


@pytest.mark.parametrize(
    "registry_fault",
    [Canned.json(500, {"message": "Internal error"}), Canned.json(403, {"errors": []})],
    ids=["registry 500", "registry 403"],
)
def test_gallery_and_registry_failing_fall_back_to_the_catalog_and_cache_nothing(
    registry_fault: Canned, online: GalleryServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    images = ("nginx:1.25", "redis:7.2.3")
    point_at(online, tmp_path, monkeypatch, images)
    online.faults.canned = {
        "/gallery": Canned.json(500, {"message": "Internal error"}),
        "/ecr/v2": registry_fault,
    }
    faulty = lint(tmp_path)
    assert answers(faulty, images) == {
        "nginx:1.25": ("public.ecr.aws/docker/library/nginx:1.25", "catalog"),
        "redis:7.2.3": ("public.ecr.aws/docker/library/redis:7.2.3", "catalog"),
    }
    (warning,) = warnings(faulty)
    assert "HTTP 500" in warning and "answered 2 images from the embedded catalog" in warning
    online.reset()
    healthy = lint(tmp_path)
    assert answers(healthy, images) == {
        "nginx:1.25": ("public.ecr.aws/docker/library/nginx:1.25", "identical"),
        "redis:7.2.3": ("public.ecr.aws/docker/library/redis:7.2.3", "identical"),
    }
    assert warnings(healthy) == []
    assert "gallery" in services_asked(online)  # nothing of the faulty run was kept


@pytest.mark.parametrize(
    ("gallery_fault", "reason"),
    [
        (
            Canned.json(400, {"__type": "ThrottlingException", "message": "Rate exceeded"}),
            "searchRepositoryCatalogData: HTTP 400 ThrottlingException",
        ),
        (Canned.json(200, {}), "incomplete answer"),
    ],
    ids=["400 ThrottlingException", "200 {}"],
)
def test_a_throttled_or_incomplete_gallery_answer_is_no_answer(
    gallery_fault: Canned,
    reason: str,
    online: GalleryServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    images = ("nginx:1.25", "grafana/grafana:11.2.0")
    point_at(online, tmp_path, monkeypatch, images)
    online.faults.canned = {"/gallery": gallery_fault}
    faulty = lint(tmp_path)
    # Not "no such repository" nor "no such tag": the registry answers for nginx's tag, and
    # grafana/grafana, found only through the gallery's search, is not known offline.
    assert answers(faulty, images) == {
        "nginx:1.25": ("public.ecr.aws/docker/library/nginx:1.25", "identical"),
        "grafana/grafana:11.2.0": (None, None),
    }
    assert (
        "no ECR Public equivalent known offline"
        in messages(faulty)["docker.io/grafana/grafana:11.2.0"]
    )
    (warning,) = warnings(faulty)
    assert reason in warning and "answered 1 image from the embedded catalog" in warning
    online.reset()
    assert answers(lint(tmp_path), images)["grafana/grafana:11.2.0"] == (
        "public.ecr.aws/grafana/grafana:11.2.0",
        "identical",
    )


@pytest.mark.parametrize("status", [401, 403])
def test_a_registry_refusing_a_manifest_head_is_no_answer(
    status: int, online: GalleryServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    images = (DIGEST_PINNED,)
    point_at(online, tmp_path, monkeypatch, images)
    online.faults.canned = {"/ecr/v2": Canned.json(status, {"errors": [{"code": "DENIED"}]})}
    faulty = lint(tmp_path)
    assert answers(faulty, images) == {DIGEST_PINNED: (IDENTICAL[DIGEST_PINNED][0], "catalog")}
    (warning,) = warnings(faulty)
    assert f"manifest HEAD answered HTTP {status}" in warning
    online.reset()
    assert answers(lint(tmp_path), images) == {DIGEST_PINNED: IDENTICAL[DIGEST_PINNED]}


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("fault", ["registry 403", "token endpoint unreachable"])
def test_a_docker_hub_failure_costs_only_its_digests_next_time(
    fault: str, online: GalleryServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    point_at(online, tmp_path, monkeypatch, TASK_IMAGES)

    def evidence(warned: bool) -> list[str | None]:
        run = run_cli("-o", "json", "--select", "EL101", str(tmp_path / "td.json"))
        assert run.status == 1, run.stderr
        assert len(warnings(run)) == warned, run.stderr
        return [finding["evidence"] for finding in json.loads(run.stdout)]

    if fault == "registry 403":
        online.faults.canned = {"/hub/v2": Canned.json(403, {"errors": [{"code": "DENIED"}]})}
    else:
        monkeypatch.setenv("ECS_LINT_DOCKERHUB_AUTH_URL", f"http://127.0.0.1:{closed_port()}")
    assert evidence(warned=True) == ["verified"] * 5 + [None]
    online.requests.clear()
    assert evidence(warned=True) == ["verified"] * 5 + [None]  # Docker Hub still failing
    assert services_asked(online) <= {"hub-auth", "hub"}  # the gallery's answers were kept
    online.reset()
    monkeypatch.setenv("ECS_LINT_DOCKERHUB_AUTH_URL", online.dockerhub_auth_url)
    # python:3.12-slim was rebuilt on Docker Hub: its digests differ, it stays "verified".
    expected = ["identical", "verified", "identical", "identical", "identical", None]
    assert evidence(warned=False) == expected
    assert services_asked(online) == {"hub-auth", "hub"}
    online.reset()
    assert evidence(warned=False) == expected
    assert online.paths() == []


def loaded_urllib3(root: Path) -> bool:
    """Whether ``ecs-lint`` on ``root/td.json``, in a fresh process, loaded urllib3."""
    script = (
        "import sys\n"
        "from ecs_lint.cli import main\n"
        "try:\n"
        f"    main(['-o', 'json', {str(root / 'td.json')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('urllib3' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert json.loads(done.stdout), done.stderr
    return json.loads(done.stderr.splitlines()[-1].lower())


def test_urllib3_is_loaded_only_when_a_look_up_is_made(
    online: GalleryServer, tmp_path: Path
) -> None:
    assert loaded_urllib3(tmp_path)  # cold cache: the network answers
    assert online.request_count > 0
    online.reset()
    assert not loaded_urllib3(tmp_path)  # every answer from the cache
    assert online.request_count == 0
