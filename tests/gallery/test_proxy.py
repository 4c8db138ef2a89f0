"""Look-ups through an https proxy (HTTPS_PROXY, NO_PROXY), end to end.

The real pieces: the local gallery/registry server on TLS (a throw-away CA from trustme, trusted
through SSL_CERT_FILE) under ``.test`` names that only the local CONNECT proxy resolves, as a
corporate proxy resolves names the machine behind it cannot. Resolving a ``.test`` name on this
side fails (an audit hook refuses it, so no test sends a DNS query), so a look-up that went around
the proxy shows as "cannot resolve host". ``ecs-lint ratelimit`` goes through the same client.
"""

from __future__ import annotations

import socket
import sys
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from servers.connect_proxy import ConnectProxy
from servers.dockerhub_ratelimit import RateLimitServer
from servers.gallery_server import GalleryServer
from servers.tls import LocalPki

from support import run_cli

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

PROXY_VARIABLES = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY")
NO_PROXY_VARIABLES = ("NO_PROXY", "no_proxy")
SECRET = "s3cr3t:p@ss/w%rd"
IMAGES = ("nginx:1.25", "python:3.12-slim", "grafana/grafana:11.2.0", "nginx:1.28.0")

# --- Name resolution on this side: recorded, and refused for the proxy's .test names -----------

_resolved: list[str] | None = None


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _resolved is not None and event == "socket.getaddrinfo":
        host = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
        _resolved.append(host)
        if host.endswith(".test"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


sys.addaudithook(_audit)


@pytest.fixture
def resolved() -> Iterator[list[str]]:
    """Host names this process resolves during the test."""
    global _resolved
    _resolved = []
    try:
        yield _resolved
    finally:
        _resolved = None


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> LocalPki:
    return LocalPki.create(tmp_path_factory.mktemp("pki"))


@pytest.fixture(autouse=True)
def _clean_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pki: LocalPki, resolved: list[str]
) -> None:
    """Online, a private cache, the test CA trusted, and no proxy but the test's own."""
    for name in PROXY_VARIABLES + NO_PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("ECS_LINT_OFFLINE", raising=False)
    monkeypatch.setenv("ECS_LINT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SSL_CERT_FILE", str(pki.ca_file))


@pytest.fixture
def gallery(monkeypatch: pytest.MonkeyPatch, pki: LocalPki) -> Iterator[GalleryServer]:
    """The gallery, registries and Docker Hub on https, named gallery.test, ecr.test..."""
    with GalleryServer(tls=pki.server, domain="test") as server:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        yield server


@pytest.fixture
def proxy() -> Iterator[ConnectProxy]:
    with ConnectProxy() as server:
        yield server


def project(root: Path, budget: float | None = None) -> str:
    """A Dockerfile of Docker Hub images (and a configuration with a look-up budget)."""
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "src" / "Dockerfile").write_text("".join(f"FROM {image}\n" for image in IMAGES))
    if budget is not None:
        (root / ".ecs-lint.toml").write_text(f"lookup-budget = {budget}\n")
    return str(root / "src")


def lint(root: Path, budget: float | None = None) -> tuple[Any, float]:
    args = ["-o", "concise", "--select", "EL101", project(root, budget)]
    if budget is not None:
        args += ["--config", str(root / ".ecs-lint.toml")]
    started = time.monotonic()
    run = run_cli(*args)
    return run, time.monotonic() - started


def warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("ecs-lint: warning:")]


def answered_online(stdout: str) -> bool:
    """The findings carry the network's evidence (a catalog-only run would say ``catalog``)."""
    return "(identical)" in stdout and "no ECR Public equivalent found" in stdout


# --- Through the proxy ----------------------------------------------------------------------


def test_look_ups_go_through_the_proxy_and_find_what_a_direct_run_finds(
    pki: LocalPki,
    proxy: ConnectProxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    resolved: list[str],
) -> None:
    # Direct, over TLS to 127.0.0.1: the reference answer (and SSL_CERT_FILE is honoured).
    with GalleryServer(tls=pki.server) as direct:
        for name, value in direct.environment().items():
            monkeypatch.setenv(name, value)
        reference, _ = lint(tmp_path / "direct")
    assert reference.status == 1, reference.stderr
    assert warnings(reference.stderr) == []
    assert answered_online(reference.stdout)

    with GalleryServer(tls=pki.server, domain="test") as server:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        run, _ = lint(tmp_path / "proxied")
        assert server.request_count > 0
    assert run.status == 1, run.stderr
    assert warnings(run.stderr) == []
    assert run.stdout == reference.stdout.replace(
        str(tmp_path / "direct"), str(tmp_path / "proxied")
    )
    assert len(proxy.tunnels) > 0
    assert {target.split(":")[0] for target in proxy.tunnels} <= {
        "gallery.test",
        "ecr.test",
        "hub.test",
        "hub-auth.test",
    }
    # Only the proxy resolved the servers' names: this side resolved the proxy's address alone.
    assert set(resolved) == {"127.0.0.1"}


def test_kept_alive_tunnels_carry_many_requests(
    gallery: GalleryServer, proxy: ConnectProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("https_proxy", proxy.url)  # the lower-case name works too
    run, _ = lint(tmp_path)
    assert answered_online(run.stdout)
    assert 0 < len(proxy.tunnels) < gallery.request_count


def test_the_certificate_is_still_checked_through_the_tunnel(
    gallery: GalleryServer,
    proxy: ConnectProxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    other = LocalPki.create(tmp_path)  # a CA that did not sign the servers' certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(other.ca_file))
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    run, _ = lint(tmp_path)
    assert run.status == 1
    (warning,) = warnings(run.stderr)
    assert "CERTIFICATE_VERIFY_FAILED" in warning and f"proxy 127.0.0.1:{proxy.port}" in warning
    assert "from the embedded catalog" in warning
    assert len(proxy.tunnels) > 0
    assert gallery.request_count == 0


def test_loopback_endpoints_are_never_proxied(
    proxy: ConnectProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with GalleryServer() as server:  # plain http on 127.0.0.1, as in the other tests
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        for name in PROXY_VARIABLES:
            monkeypatch.setenv(name, proxy.url)
        run, _ = lint(tmp_path)
        assert server.request_count > 0
    assert answered_online(run.stdout)
    assert warnings(run.stderr) == []
    assert proxy.attempts == []


# --- NO_PROXY -------------------------------------------------------------------------------


PROXIED = {"gallery.test", "ecr.test"}


@pytest.mark.parametrize(
    ("no_proxy", "proxied"),
    [
        ("hub.test, .hub-auth.test", PROXIED),
        ("*.hub.test,hub-auth.test:{hub-auth}", PROXIED),
        ("ecr.test:1,HUB.TEST,hub-auth.test", PROXIED),  # ecr.test on another port only
        (".test", set()),
        ("*", set()),
    ],
)
def test_no_proxy_hosts_are_reached_directly(
    no_proxy: str,
    proxied: set[str],
    gallery: GalleryServer,
    proxy: ConnectProxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    resolved: list[str],
) -> None:
    port = gallery.url_of("hub-auth").rsplit(":", 1)[1]
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", no_proxy.replace("{hub-auth}", port))
    run, _ = lint(tmp_path)
    assert run.status == 1
    tunnelled = {attempt.target.split(":")[0] for attempt in proxy.attempts}
    looked_up_here = {name for name in resolved if name.endswith(".test")}
    # Hosts NO_PROXY names were looked up directly (and are unknown on this side); the others
    # went through the proxy.
    assert tunnelled <= proxied and looked_up_here.isdisjoint(proxied)
    assert ("gallery.test" in tunnelled) == ("gallery.test" in proxied)
    assert looked_up_here, "every case bypasses the proxy for some host the run asks"
    if not proxied:
        (warning,) = warnings(run.stderr)
        assert "gallery.test: cannot resolve host" in warning


# --- Credentials ----------------------------------------------------------------------------


def test_proxy_credentials_from_the_url_are_sent_and_never_printed(
    gallery: GalleryServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ConnectProxy(credentials=("corp\\alice", SECRET)) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url_with("corp\\alice", SECRET))
        run, _ = lint(tmp_path)
    assert run.status == 1, run.stderr
    assert answered_online(run.stdout)
    assert warnings(run.stderr) == []
    assert proxy.tunnels and all(attempt.authorization for attempt in proxy.attempts)
    assert SECRET not in run.stdout + run.stderr


@pytest.mark.parametrize("given", [True, False])
def test_a_proxy_that_wants_other_credentials_is_one_warning(
    given: bool, gallery: GalleryServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ConnectProxy(credentials=("alice", "right")) as proxy:
        url = proxy.url_with("alice", SECRET) if given else proxy.url
        monkeypatch.setenv("HTTPS_PROXY", url)
        run, elapsed = lint(tmp_path, budget=5)
    assert run.status == 1  # the findings decide, not the failed look-ups
    (warning,) = warnings(run.stderr)
    wanted = "rejected the credentials" if given else "asks for credentials"
    assert f"proxy 127.0.0.1:{proxy.port}: {wanted} (HTTP 407" in warning
    assert "answered 4 images from the embedded catalog" in warning
    assert SECRET not in run.stdout + run.stderr
    assert proxy.tunnels == []
    assert gallery.request_count == 0
    assert elapsed < 5


# --- A proxy that fails -----------------------------------------------------------------------


@pytest.mark.parametrize(("status", "phrase"), [(403, "Forbidden"), (502, "Bad Gateway")])
def test_a_proxy_refusing_the_tunnel_is_one_warning_within_the_budget(
    status: int,
    phrase: str,
    gallery: GalleryServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with ConnectProxy(refuse=status) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url_with("alice", SECRET))
        run, elapsed = lint(tmp_path, budget=3)
    assert run.status == 1
    (warning,) = warnings(run.stderr)
    assert f"proxy 127.0.0.1:{proxy.port} refused the tunnel (HTTP {status} {phrase})" in warning
    assert SECRET not in run.stdout + run.stderr
    assert gallery.request_count == 0
    assert elapsed < 3


def test_a_proxy_that_never_answers_costs_no_more_than_the_budget(
    gallery: GalleryServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ConnectProxy(hang=True) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        run, elapsed = lint(tmp_path, budget=1)
    assert run.status == 1
    (warning,) = warnings(run.stderr)
    assert "look-up budget of 1 s exhausted" in warning
    assert proxy.attempts
    assert elapsed < 2.5


@pytest.mark.usefixtures("gallery")
def test_a_proxy_dripping_its_connect_answer_costs_no_more_than_the_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ConnectProxy(drip=0.05) as proxy:  # each byte well within every socket timeout
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        run, elapsed = lint(tmp_path, budget=1)
    assert run.status == 1
    (warning,) = warnings(run.stderr)
    assert "look-up budget of 1 s exhausted" in warning
    assert "answered 4 images from the embedded catalog" in warning
    assert elapsed < 2.5


def test_an_unreachable_proxy_is_one_warning_naming_it_without_credentials(
    gallery: GalleryServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as unused:  # a port where nothing listens
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    monkeypatch.setenv("HTTPS_PROXY", f"http://alice:{quote(SECRET, safe='')}@127.0.0.1:{port}")
    run, elapsed = lint(tmp_path, budget=3)
    assert run.status == 1
    (warning,) = warnings(run.stderr)
    assert f"(proxy 127.0.0.1:{port}: connection refused)" in warning
    assert "alice" not in warning and SECRET not in run.stdout + run.stderr
    assert elapsed < 3


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (f"socks5://alice:{SECRET}@127.0.0.1:1080", "names a socks5:// proxy"),
        (f"https://alice:{SECRET}@127.0.0.1:3128", "names a https:// proxy"),
        (f"http://alice:{quote(SECRET, safe='')}@127.0.0.1:notaport", "is not a valid proxy URL"),
        (f"http://alice:{quote(SECRET, safe='')}@:3128", "is not a valid proxy URL"),
        (f"http://alice:{SECRET}@127.0.0.1:3128", "percent-encode the user name and password"),
    ],
)
def test_an_unusable_proxy_variable_means_no_look_ups_and_one_warning(
    value: str,
    reason: str,
    gallery: GalleryServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    resolved: list[str],
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", value)
    run, _ = lint(tmp_path)
    assert run.status == 1
    (warning,) = warnings(run.stderr)
    assert "(HTTPS_PROXY: " in warning and reason in warning and "no look-ups made" in warning
    assert SECRET not in run.stdout + run.stderr
    assert gallery.request_count == 0
    assert resolved == []  # not even a name looked up


# --- ecs-lint ratelimit -------------------------------------------------------------------------


@pytest.fixture
def hub(
    pki: LocalPki, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[RateLimitServer]:
    with RateLimitServer(tls=pki.server, host_name="ratelimit.test") as server:
        monkeypatch.setenv("ECS_LINT_DOCKERHUB_AUTH_URL", server.auth_url)
        monkeypatch.setenv("ECS_LINT_DOCKERHUB_REGISTRY_URL", server.url)
        monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
        monkeypatch.delenv("DOCKERHUB_USERNAME", raising=False)
        monkeypatch.delenv("DOCKERHUB_TOKEN", raising=False)
        yield server


def test_ratelimit_goes_through_the_proxy(
    hub: RateLimitServer, proxy: ConnectProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    run = run_cli("ratelimit")
    assert run.status == 0, run.stderr
    assert "100 per 6 hours, 76 left" in run.stdout
    assert proxy.tunnels and {t.split(":")[0] for t in proxy.tunnels} == {"ratelimit.test"}
    assert len(hub.requests) == 2


@pytest.mark.parametrize(
    ("proxy_kind", "expected"),
    [
        ("refusing", "refused the tunnel (HTTP 403 Forbidden)"),
        ("wants-credentials", "rejected the credentials (HTTP 407"),
        ("socks", "cannot reach Docker Hub (HTTPS_PROXY: names a socks5:// proxy"),
    ],
)
def test_ratelimit_through_a_failing_proxy_is_an_error_without_credentials(
    proxy_kind: str, expected: str, hub: RateLimitServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    refuse = 403 if proxy_kind == "refusing" else None
    credentials = ("alice", "right") if proxy_kind == "wants-credentials" else None
    with ConnectProxy(refuse=refuse, credentials=credentials) as proxy:
        url = proxy.url_with("alice", SECRET)
        if proxy_kind == "socks":
            url = url.replace("http://", "socks5://")
        monkeypatch.setenv("HTTPS_PROXY", url)
        run = run_cli("ratelimit")
    assert run.status == 2
    assert expected in run.stderr
    assert "127.0.0.1" in run.stderr or proxy_kind == "socks"
    assert SECRET not in run.stdout + run.stderr
    assert hub.requests == []


def test_ratelimit_through_a_proxy_dripping_its_connect_answer_ends_at_the_budget(
    hub: RateLimitServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "budget.toml").write_text("lookup-budget = 1\n")
    with ConnectProxy(drip=0.05) as proxy:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        started = time.monotonic()
        run = run_cli("ratelimit", "--config", str(tmp_path / "budget.toml"))
        elapsed = time.monotonic() - started
    assert run.status == 2
    assert run.stderr == (
        "ecs-lint: error: cannot reach Docker Hub: look-up budget of 1 s exhausted\n"
    )
    assert proxy.attempts and hub.requests == []
    assert elapsed < 2.5
