"""``ecs-lint ratelimit`` against a local Docker Hub token service and registry."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING

import pytest
from servers.dockerhub_ratelimit import ADDRESS, MANIFEST_PATH, Quota, RateLimitServer

from ecs_lint.ratelimit import Quota as ParsedQuota
from ecs_lint.ratelimit import parse_quota
from support import run_cli

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[RateLimitServer]:
    """The local server, ecs-lint pointed at it, and no credentials in the environment."""
    with RateLimitServer() as server:
        monkeypatch.setenv("ECS_LINT_DOCKERHUB_AUTH_URL", server.auth_url)
        monkeypatch.setenv("ECS_LINT_DOCKERHUB_REGISTRY_URL", server.url)
        monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
        monkeypatch.delenv("DOCKERHUB_USERNAME", raising=False)
        monkeypatch.delenv("DOCKERHUB_TOKEN", raising=False)
        yield server


def docker_config(tmp_path: Path, config: object) -> None:
    directory = tmp_path / "docker"
    directory.mkdir(exist_ok=True)
    (directory / "config.json").write_text(json.dumps(config))


def test_anonymous_limit_and_remaining(hub: RateLimitServer) -> None:
    run = run_cli("ratelimit")
    assert run.status == 0, run.stderr
    assert run.stdout == (
        "Docker Hub pulls (for this address, anonymous): 100 per 6 hours, 76 left; counted "
        f"against {ADDRESS}.\n"
        "ecs-lint assumes 100 pulls per 6 hours per IPv4 address or IPv6 /64 subnet (Docker's "
        "documented limit), as Docker Hub measured.\n"
    )
    token, head = hub.requests
    assert (token.method, token.path) == ("GET", "/token")
    assert "authorization" not in token.headers
    assert (head.method, head.path) == ("HEAD", MANIFEST_PATH)
    assert head.headers["authorization"] == "Bearer anonymous"


def test_json_output(hub: RateLimitServer) -> None:
    run = run_cli("ratelimit", "--output-format", "json")
    assert json.loads(run.stdout) == {
        "authenticated": False,
        "user": None,
        "credentials_from": None,
        "unlimited": False,
        "limit": 100,
        "remaining": 76,
        "window_seconds": 21600,
        "source": ADDRESS,
        "configured": {"limit": 100, "window_seconds": 21600, "from": "documented"},
    }


def test_the_configured_limit_is_shown_beside_the_measured_one(
    hub: RateLimitServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.anonymous = Quota(limit="10;w=3600", remaining="7;w=3600")
    run = run_cli("ratelimit", "--docker-hub-limit", "100/6h")
    assert run.stdout.splitlines() == [
        f"Docker Hub pulls (for this address, anonymous): 10 per 1 hour, 7 left; counted against "
        f"{ADDRESS}.",
        "ecs-lint assumes 100 pulls per 6 hours per IPv4 address or IPv6 /64 subnet "
        "(docker-hub-limit); Docker Hub measured 10 pulls per 1 hour: to use that, set "
        "--docker-hub-limit 10/1h.",
    ]
    # From the configuration file too, and in JSON.
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".ecs-lint.toml").write_text('docker-hub-limit = "10/1h"\n')
    answer = json.loads(run_cli("ratelimit", "-o", "json").stdout)
    assert (answer["limit"], answer["window_seconds"]) == (10, 3600)
    assert answer["configured"] == {"limit": 10, "window_seconds": 3600, "from": "docker-hub-limit"}
    assert (
        run_cli("ratelimit")
        .stdout.splitlines()[1]
        .endswith("(docker-hub-limit), as Docker Hub measured.")
    )


def test_environment_credentials_authenticate(
    hub: RateLimitServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.users["alice"] = "dckr_pat_secret"
    monkeypatch.setenv("DOCKERHUB_USERNAME", "alice")
    monkeypatch.setenv("DOCKERHUB_TOKEN", "dckr_pat_secret")
    run = run_cli("ratelimit")
    assert run.status == 0, run.stderr
    assert run.stdout.startswith(
        "Docker Hub pulls (for alice, credentials from DOCKERHUB_USERNAME/DOCKERHUB_TOKEN): "
        "200 per 6 hours, 180 left; counted against alice-id."
    )
    assert "180 left" in run.stdout
    assert "dckr_pat_secret" not in run.stdout + run.stderr
    expected = "Basic " + base64.b64encode(b"alice:dckr_pat_secret").decode()
    assert hub.requests[0].headers["authorization"] == expected


def test_wrong_credentials_are_a_clear_error(
    hub: RateLimitServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.users["alice"] = "right"
    monkeypatch.setenv("DOCKERHUB_USERNAME", "alice")
    monkeypatch.setenv("DOCKERHUB_TOKEN", "wrong")
    run = run_cli("ratelimit")
    assert run.status == 2
    assert "rejected the credentials from DOCKERHUB_USERNAME/DOCKERHUB_TOKEN" in run.stderr
    assert "Traceback" not in run.stderr and "wrong" not in run.stderr


def test_half_the_credentials_is_a_usage_error(
    hub: RateLimitServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKERHUB_USERNAME", "alice")
    run = run_cli("ratelimit")
    assert run.status == 2
    assert "DOCKERHUB_USERNAME is set but DOCKERHUB_TOKEN is not" in run.stderr
    assert hub.requests == []


def test_docker_config_auth_authenticates(hub: RateLimitServer, tmp_path: Path) -> None:
    hub.users["bob"] = "hunter2"
    auth = base64.b64encode(b"bob:hunter2").decode()
    docker_config(tmp_path, {"auths": {"https://index.docker.io/v1/": {"auth": auth}}})
    run = run_cli("ratelimit", "-o", "json")
    answer = json.loads(run.stdout)
    assert (answer["authenticated"], answer["user"], answer["limit"]) == (True, "bob", 200)
    assert answer["credentials_from"].endswith("config.json")
    assert answer["configured"] == {"limit": 200, "window_seconds": 21600, "from": "documented"}
    run = run_cli("ratelimit", "--docker-hub-limit", "authenticated=5000/1d")
    assert run.stdout.splitlines()[1] == (
        "ecs-lint assumes 5000 pulls per 1 day per account (docker-hub-limit); Docker Hub "
        "measured 200 pulls per 6 hours: to use that, set --docker-hub-limit authenticated=200/6h."
    )


def test_a_credential_helper_is_not_run_and_says_so(hub: RateLimitServer, tmp_path: Path) -> None:
    docker_config(tmp_path, {"auths": {"https://index.docker.io/v1/": {}}, "credsStore": "desktop"})
    run = run_cli("ratelimit")
    assert run.status == 0
    assert "docker-credential-desktop, which ecs-lint does not run (not supported)" in run.stderr
    assert "(for this address, anonymous)" in run.stdout


def test_a_broken_docker_config_falls_back_to_anonymous(
    hub: RateLimitServer, tmp_path: Path
) -> None:
    (tmp_path / "docker").mkdir()
    (tmp_path / "docker" / "config.json").write_text("{not json")
    run = run_cli("ratelimit")
    assert run.status == 0
    assert "cannot be read" in run.stderr and "checking anonymously" in run.stderr
    assert "(for this address, anonymous)" in run.stdout


def test_no_headers_means_unlimited(hub: RateLimitServer) -> None:
    hub.anonymous = Quota(limit=None, remaining=None)
    run = run_cli("ratelimit", "-o", "json")
    assert run.status == 0
    answer = json.loads(run.stdout)
    assert answer["unlimited"] is True and answer["limit"] is None
    assert "not limited" in run_cli("ratelimit").stdout
    assert run_cli("ratelimit").stdout.splitlines()[1] == (
        "ecs-lint assumes 100 pulls per 6 hours per IPv4 address or IPv6 /64 subnet (Docker's "
        "documented limit); Docker Hub sets no limit on these pulls."
    )


def test_an_exhausted_limit_exits_one(hub: RateLimitServer) -> None:
    hub.anonymous = Quota(remaining="0;w=21600", status=429)
    run = run_cli("ratelimit")
    assert run.status == 1
    assert "100 per 6 hours, 0 left" in run.stdout
    assert len(hub.requests) == 2  # a 429 is the answer here, not retried


def test_plain_http_to_a_remote_host_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECS_LINT_DOCKERHUB_AUTH_URL", "http://auth.example.com/token")
    run = run_cli("ratelimit")
    assert run.status == 2
    assert "ECS_LINT_DOCKERHUB_AUTH_URL" in run.stderr and "must use https" in run.stderr


def test_an_unreachable_registry_is_a_clear_error(
    hub: RateLimitServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ECS_LINT_DOCKERHUB_REGISTRY_URL", "http://127.0.0.1:9")
    run = run_cli("ratelimit")
    assert run.status == 2
    assert run.stderr.startswith("ecs-lint: error: cannot reach 127.0.0.1")
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("100;w=21600", ParsedQuota(100, 21600)),
        ("76", ParsedQuota(76, None)),
        (" 200 ; w = 3600", ParsedQuota(200, 3600)),
        ("garbage", None),
        (None, None),
    ],
)
def test_quota_headers(header: str | None, expected: ParsedQuota | None) -> None:
    assert parse_quota(header) == expected
