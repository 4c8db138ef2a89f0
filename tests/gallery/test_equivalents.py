"""ECR Public equivalents end to end: evidence, replacements, fixes, cache, fallback, offline."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from servers.gallery_server import GalleryServer, digest_of

from ecs_lint.engine import lint_paths
from ecs_lint.gallery.service import EcrPublicEquivalents
from ecs_lint.rule import Services
from ecs_lint.settings import Settings
from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

    from ecs_lint.findings import Finding


@dataclass
class Run:
    findings: list[Finding]
    service: EcrPublicEquivalents

    def by_image(self, image: str) -> Finding:
        (finding,) = [f for f in self.findings if f.image == image]
        return finding


def lint_online(root: Path, files: dict[str, str], settings: Settings | None = None) -> Run:
    for name, text in files.items():
        path = root / "src" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    settings = settings or Settings()
    service = EcrPublicEquivalents(settings)
    result = lint_paths([str(root / "src")], settings, Services(ecr_public=service))
    docker_hub = [f for f in result.findings if f.rule in ("EL101", "EL102")]
    return Run(docker_hub, service)


HUB_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbCdEf"


def task(*images: str, credentials: bool = False) -> str:
    containers = []
    for index, image in enumerate(images):
        container: dict[str, object] = {"name": f"c{index}", "image": image}
        if credentials:
            container["repositoryCredentials"] = {"credentialsParameter": HUB_SECRET}
        containers.append(container)
    return json.dumps({"family": "app", "containerDefinitions": containers}, indent=2)


def dockerfile(*images: str) -> str:
    return "".join(f"FROM {image}\nRUN true\n" for image in images)


# -- evidence -----------------------------------------------------------------------------------


def test_same_digest_on_both_sides_is_identical_and_safe(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    run = lint_online(tmp_path, {"td.json": task("nginx:1.25")})
    finding = run.by_image("docker.io/library/nginx:1.25")
    assert finding.replacement == "public.ecr.aws/docker/library/nginx:1.25"
    assert finding.extra["evidence"] == "identical"
    assert "use public.ecr.aws/docker/library/nginx:1.25 (identical)" in finding.message
    assert finding.fix is not None and finding.fix.safe
    (edit,) = finding.fix.edits
    assert edit.new_text == "public.ecr.aws/docker/library/nginx:1.25"
    assert edit.span == finding.span


def test_a_tag_rebuilt_on_docker_hub_is_verified_not_identical(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    run = lint_online(tmp_path, {"Dockerfile": dockerfile("python:3.12-slim")})
    finding = run.by_image("docker.io/library/python:3.12-slim")
    assert finding.extra["evidence"] == "verified"
    assert finding.fix is not None and finding.fix.safe
    assert "(verified)" in finding.message


def test_a_tag_not_mirrored_yet_has_no_equivalent(gallery: GalleryServer, tmp_path: Path) -> None:
    run = lint_online(tmp_path, {"td.json": task("nginx:1.28.0")})
    finding = run.by_image("docker.io/library/nginx:1.28.0")
    assert finding.replacement is None and finding.fix is None
    assert finding.extra["evidence"] is None
    assert "no ECR Public equivalent found" in finding.message
    assert "pull-through cache" in finding.message and "ecr-pullthroughcache/" in finding.message
    assert "repositoryCredentials" in finding.message


def test_an_official_image_docker_does_not_mirror_has_none(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    run = lint_online(tmp_path, {"td.json": task("clearlinux:latest")})
    assert run.by_image("docker.io/library/clearlinux:latest").replacement is None


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("amazon/aws-cli:2.17.0", "public.ecr.aws/aws-cli/aws-cli:2.17.0"),
        ("amazon/aws-xray-daemon:3.3.12", "public.ecr.aws/xray/aws-xray-daemon:3.3.12"),
        (
            "amazon/dynamodb-local:2.5.2",
            "public.ecr.aws/aws-dynamodb-local/aws-dynamodb-local:2.5.2",
        ),
        ("hashicorp/terraform:1.9.3", "public.ecr.aws/hashicorp/terraform:1.9.3"),
        ("datadog/agent:7.58.1", "public.ecr.aws/datadog/agent:7.58.1"),
        ("nginx/nginx:stable", "public.ecr.aws/nginx/nginx:stable"),
        ("amazonlinux:2023", "public.ecr.aws/docker/library/amazonlinux:2023"),
    ],
)
def test_publisher_mirrors(
    gallery: GalleryServer, tmp_path: Path, image: str, expected: str
) -> None:
    (finding,) = lint_online(tmp_path, {"td.json": task(image)}).findings
    assert finding.replacement == expected
    assert finding.extra["evidence"] == "identical"


def test_search_matches_only_a_verified_exact_alias_and_name(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    run = lint_online(tmp_path, {"td.json": task("grafana/grafana:11.2.0", "acme/widget:1.0")})
    assert run.by_image("docker.io/grafana/grafana:11.2.0").replacement == (
        "public.ecr.aws/grafana/grafana:11.2.0"
    )
    # acme/widget is in the gallery, but not registryVerified: no match.
    assert run.by_image("docker.io/acme/widget:1.0").replacement is None


def test_bitnami_is_never_suggested_even_when_the_gallery_still_answers(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    run = lint_online(tmp_path, {"td.json": task("bitnami/redis:7.2")})
    assert run.by_image("docker.io/bitnami/redis:7.2").replacement is None
    assert not any("bitnami" in path for path in gallery.paths() if "/hub" not in path)


def test_a_digest_pinned_image_found_by_digest_is_identical(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    digest = digest_of("library/nginx:1.26")
    run = lint_online(tmp_path, {"td.json": task(f"nginx:1.26@{digest}")})
    finding = run.by_image(f"docker.io/library/nginx:1.26@{digest}")
    assert finding.replacement == f"public.ecr.aws/docker/library/nginx:1.26@{digest}"
    assert finding.extra["evidence"] == "identical"


def test_authenticated_docker_hub_pulls_get_the_same_advice(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    run = lint_online(tmp_path, {"td.json": task("redis:7.2.3", credentials=True)})
    (finding,) = run.findings
    assert finding.rule == "EL102"
    assert finding.replacement == "public.ecr.aws/docker/library/redis:7.2.3"
    assert finding.fix is not None and finding.fix.safe


# -- one batch, looked up once, cached ----------------------------------------------------------


def test_each_image_and_listing_is_looked_up_once_per_run(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    files = {
        "a/td.json": task("nginx:1.25", "nginx:1.26", "docker.io/library/nginx:1.25"),
        "b/Dockerfile": dockerfile("nginx:1.25", "index.docker.io/library/nginx:1.26"),
    }
    run = lint_online(tmp_path, files)
    assert len(run.findings) == 5
    assert all(f.extra["evidence"] == "identical" for f in run.findings)
    listings = [r for r in gallery.requests if r.path.endswith("/describeImageTags")]
    assert len(listings) == 2  # the two pages of docker/library/nginx, shared by both tags
    heads = [r.path for r in gallery.requests if r.method == "HEAD"]
    assert sorted(heads) == [
        "/hub/v2/library/nginx/manifests/1.25",
        "/hub/v2/library/nginx/manifests/1.26",
    ]


def test_a_warm_cache_answers_without_any_request(gallery: GalleryServer, tmp_path: Path) -> None:
    files = {
        "td.json": task("nginx:1.25", "grafana/grafana:11.2.0", "nginx:1.28.0", "acme/widget:1.0")
    }
    first = lint_online(tmp_path, files)
    assert gallery.request_count > 0
    gallery.reset()
    second = lint_online(tmp_path, files)
    assert gallery.request_count == 0
    assert [(f.replacement, f.extra["evidence"]) for f in second.findings] == [
        (f.replacement, f.extra["evidence"]) for f in first.findings
    ]


def test_expired_cache_entries_are_looked_up_again(gallery: GalleryServer, tmp_path: Path) -> None:
    files = {"td.json": task("alpine:3.19.1")}
    lint_online(tmp_path, files, Settings(cache_ttl=0.5))
    gallery.reset()
    time.sleep(0.6)
    lint_online(tmp_path, files, Settings(cache_ttl=0.5))
    assert gallery.request_count > 0


# -- failures fall back to the catalog, once --------------------------------------------------


def test_an_outage_falls_back_to_the_catalog_and_says_so_once(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    gallery.faults.errors = 10_000
    run = lint_online(
        tmp_path, {"td.json": task("nginx:1.25", "redis:7", "grafana/grafana:11.2.0")}
    )
    nginx = run.by_image("docker.io/library/nginx:1.25")
    assert nginx.extra["evidence"] == "catalog"
    assert nginx.fix is not None and not nginx.fix.safe
    assert "not checked" in nginx.message
    grafana = run.by_image("docker.io/grafana/grafana:11.2.0")
    assert grafana.replacement is None
    assert "no ECR Public equivalent known offline" in grafana.message
    assert len(run.service.warnings) == 1
    assert "embedded catalog" in run.service.warnings[0]


def test_fallback_answers_are_not_cached(gallery: GalleryServer, tmp_path: Path) -> None:
    files = {"td.json": task("nginx:1.25")}
    gallery.faults.errors = 10_000
    lint_online(tmp_path, files)
    gallery.reset()
    run = lint_online(tmp_path, files)
    assert run.by_image("docker.io/library/nginx:1.25").extra["evidence"] == "identical"


def test_the_registry_answers_when_the_gallery_api_is_down(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    gallery.faults.errors = 10_000
    gallery.faults.only = "/gallery"
    run = lint_online(tmp_path, {"td.json": task("nginx:1.25", "nginx:9.9.9")})
    assert run.by_image("docker.io/library/nginx:1.25").extra["evidence"] == "identical"
    assert run.by_image("docker.io/library/nginx:9.9.9").replacement is None
    assert run.service.warnings == []


def test_a_slow_network_ends_at_the_look_up_budget(gallery: GalleryServer, tmp_path: Path) -> None:
    gallery.faults.delay = 5.0
    started = time.monotonic()
    run = lint_online(tmp_path, {"td.json": task("nginx:1.25")}, Settings(lookup_budget=0.5))
    assert time.monotonic() - started < 2.0
    assert run.by_image("docker.io/library/nginx:1.25").extra["evidence"] == "catalog"
    assert "budget" in run.service.warnings[0]


@pytest.mark.usefixtures("dns_without_invalid")
def test_a_host_that_does_not_resolve_is_one_warning_and_the_catalog_answers(
    gallery: GalleryServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in gallery.environment():
        monkeypatch.setenv(name, "https://registry.invalid")
    (tmp_path / "td.json").write_text(task("nginx:1.25"), encoding="utf-8")
    started = time.monotonic()
    done = run_cli("--output-format", "json", str(tmp_path / "td.json"))
    assert time.monotonic() - started < 2.0
    assert done.status == 1  # the finding's, not the network's
    (finding,) = [f for f in json.loads(done.stdout) if f["rule"] == "EL101"]
    assert finding["evidence"] == "catalog"
    (warning,) = done.stderr.splitlines()
    assert warning.startswith("ecs-lint: warning: ")
    assert "registry.invalid" in warning and "cannot resolve host" in warning
    assert gallery.request_count == 0


def test_docker_hub_down_leaves_verified_answers(gallery: GalleryServer, tmp_path: Path) -> None:
    gallery.faults.errors = 10_000
    gallery.faults.only = "/hub"
    run = lint_online(tmp_path, {"td.json": task("nginx:1.25")})
    finding = run.by_image("docker.io/library/nginx:1.25")
    assert finding.extra["evidence"] == "verified"
    # Said once: "identical" could not be checked (the answer is still ECR Public's).
    (warning,) = run.service.warnings
    assert warning.startswith("Docker Hub digest look-ups failed (127.0.0.1: HTTP 503)")
    assert "1 image left 'verified'" in warning


# -- offline ------------------------------------------------------------------------------------


def test_offline_makes_no_request(gallery: GalleryServer, tmp_path: Path) -> None:
    run = lint_online(tmp_path, {"td.json": task("nginx:1.25")}, Settings(offline=True))
    assert run.by_image("docker.io/library/nginx:1.25").extra["evidence"] == "catalog"
    assert gallery.request_count == 0


def test_offline_from_the_environment(
    gallery: GalleryServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECS_LINT_OFFLINE", "1")
    (tmp_path / "td.json").write_text(task("nginx:1.25"), encoding="utf-8")
    done = run_cli("--output-format", "json", str(tmp_path / "td.json"))
    (finding,) = [f for f in json.loads(done.stdout) if f["rule"] == "EL101"]
    assert finding["evidence"] == "catalog"
    assert gallery.request_count == 0


def test_an_offline_run_imports_no_network_code(tmp_path: Path) -> None:
    (tmp_path / "td.json").write_text(task("nginx:1.25"), encoding="utf-8")
    script = (
        "import sys\n"
        "from ecs_lint.cli import main\n"
        "try:\n"
        f"    main(['--offline', '--output-format', 'json', {str(tmp_path / 'td.json')!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ecs_lint.gallery', 'http.client', "
        "'urllib.request', 'urllib3', 'ssl', 'concurrent'))), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    loaded = done.stderr.strip().splitlines()[-1]
    assert loaded == "['ecs_lint.gallery', 'ecs_lint.gallery.catalog', 'ecs_lint.gallery.service']"
    assert json.loads(done.stdout)[0]["evidence"] == "catalog"


# -- pull-through cache -------------------------------------------------------------------------


def test_a_configured_pull_through_cache_is_offered_when_no_equivalent_exists(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    settings = Settings(
        pull_through_cache={
            "account": "123456789012",
            "region": "eu-west-1",
            "prefix": "docker-hub",
        }
    )
    run = lint_online(
        tmp_path,
        {"td.json": task("someone/private-tool:1.0", "nginx:1.28.0", "nginx:1.25")},
        settings,
    )
    tool = run.by_image("docker.io/someone/private-tool:1.0")
    expected = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/someone/private-tool:1.0"
    assert tool.replacement == expected
    assert tool.fix is not None and not tool.fix.safe
    assert tool.extra["evidence"] is None
    official = run.by_image("docker.io/library/nginx:1.28.0")
    assert official.replacement == (
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:1.28.0"
    )
    # An image with an ECR Public equivalent keeps that suggestion.
    assert run.by_image("docker.io/library/nginx:1.25").replacement == (
        "public.ecr.aws/docker/library/nginx:1.25"
    )


# -- the command line ---------------------------------------------------------------------------


def test_cli_json_output_carries_replacement_evidence_and_fix(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    (tmp_path / "td.json").write_text(task("nginx:1.25"), encoding="utf-8")
    done = run_cli("--output-format", "json", "--select", "EL101", str(tmp_path / "td.json"))
    assert done.status == 1
    (finding,) = json.loads(done.stdout)
    assert finding["replacement"] == "public.ecr.aws/docker/library/nginx:1.25"
    assert finding["evidence"] == "identical"
    assert finding["fix"]["safe"] is True
    (edit,) = finding["fix"]["edits"]
    assert edit["new_text"] == "public.ecr.aws/docker/library/nginx:1.25"
    assert (edit["line"], edit["column"]) == (finding["line"], finding["column"])
    assert done.stderr == ""


def test_cli_warns_once_on_stderr_and_exit_status_reflects_findings_only(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    gallery.faults.errors = 10_000
    (tmp_path / "td.json").write_text(task("nginx:1.25", "redis:7", "node:20"), encoding="utf-8")
    done = run_cli("--select", "EL101", str(tmp_path / "td.json"))
    assert done.status == 1
    warnings = [line for line in done.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1
    assert "answered 3 images from the embedded catalog" in warnings[0]
    clean = tmp_path / "clean.json"
    clean.write_text(task("public.ecr.aws/docker/library/nginx:1.25"), encoding="utf-8")
    assert run_cli("--select", "EL101", str(clean)).status == 0


def test_cli_refuses_a_plain_http_endpoint(
    gallery: GalleryServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECS_LINT_GALLERY_URL", "http://gallery.example.com")
    (tmp_path / "td.json").write_text(task("nginx:1.25"), encoding="utf-8")
    done = run_cli(str(tmp_path / "td.json"))
    assert done.status == 2
    assert "ECS_LINT_GALLERY_URL" in done.stderr and "https" in done.stderr
    assert gallery.request_count == 0


# -- fixes from look-ups ------------------------------------------------------------------------


def test_verified_and_identical_fixes_are_safe_catalog_ones_are_not(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM nginx:1.25\nFROM python:3.12-slim\nFROM nginx:1.28.0\n", encoding="utf-8")
    done = run_cli("--fix", "--select", "EL101", str(path))
    assert path.read_text(encoding="utf-8") == (
        "FROM public.ecr.aws/docker/library/nginx:1.25\n"
        "FROM public.ecr.aws/docker/library/python:3.12-slim\n"
        "FROM nginx:1.28.0\n"
    )
    assert "Fixed 2 findings in 1 file." in done.stderr
    assert done.status == 1  # nginx:1.28.0 has no equivalent: it remains
    gallery.reset()
    again = run_cli("--fix", "--select", "EL101", str(path))
    assert gallery.request_count == 0  # the one remaining image is cached
    assert "Fixed" not in again.stderr


def test_during_an_outage_fixes_wait_for_unsafe_fixes(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    gallery.faults.errors = 10_000
    path = tmp_path / "Dockerfile"
    path.write_text("FROM nginx:1.25\n", encoding="utf-8")
    done = run_cli("--fix", str(path))
    assert path.read_text(encoding="utf-8") == "FROM nginx:1.25\n"
    assert "1 more fix available with --unsafe-fixes" in done.stderr
    run_cli("--fix", "--unsafe-fixes", str(path))
    assert path.read_text(encoding="utf-8") == "FROM public.ecr.aws/docker/library/nginx:1.25\n"
