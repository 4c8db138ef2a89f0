"""Fixtures shared by every test; plain helpers live in support.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from support import lint

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from servers.faulty_aws import FaultyAws
    from servers.gallery_server import GalleryServer
    from servers.moto_server import MotoServer

__all__ = ["lint"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that share one worker (an ``xdist_group``: the pre-commit hook tests, the longest
    run of the suite) go first, so the other workers share the rest meanwhile."""
    items.sort(key=lambda item: item.get_closest_marker("xdist_group") is None)


@pytest.fixture(autouse=True)
def _no_network_lookups(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test reaches the internet: runs are offline and use a private cache unless a test
    (tests/gallery) points ecs-lint at its local server."""
    monkeypatch.setenv("ECS_LINT_OFFLINE", "1")
    monkeypatch.setenv("ECS_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("ecs-lint-cache")))


@pytest.fixture(autouse=True)
def _no_user_git_configuration(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test reads the machine's git configuration (ecs-lint reads git's global excludes file
    from it, and the tests' git commands would read it too): an empty global configuration, no
    system one, and a configuration home of the test's own."""
    home = tmp_path_factory.mktemp("git-config-home")
    (home / "gitconfig").write_text("")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))


@pytest.fixture
def gallery(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[GalleryServer]:
    """The local gallery and registries (tests/servers/gallery_server.py) running, and an
    environment pointing every look-up endpoint at them, look-ups allowed, a private cache."""
    from servers.gallery_server import GalleryServer

    with GalleryServer() as server:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("ECS_LINT_OFFLINE", raising=False)
        monkeypatch.setenv("ECS_LINT_CACHE_DIR", str(tmp_path / "cache"))
        yield server


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheels of everything ``pip install`` of the project needs, rebuilt offline from this
    virtualenv (tests/offline_wheels.py): the pre-commit hook and the GitHub Action install from
    it. Their tests share one xdist worker (their ``xdist_group``), so it is built once."""
    from offline_wheels import MissingDistribution, build_wheelhouse

    directory = tmp_path_factory.mktemp("wheelhouse")
    try:
        build_wheelhouse(directory)
    except MissingDistribution as missing:
        pytest.fail(str(missing))
    return directory


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """One local AWS (moto's server mode on 127.0.0.1) for the whole session; moto is imported
    only by the tests that use it."""
    from servers.moto_server import MotoServer

    with MotoServer() as server:
        yield server


@pytest.fixture
def aws(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> MotoServer:
    """An empty local AWS, and an environment where boto3 finds only it (live ``--aws`` and
    ``ecs-lint aws`` tests)."""
    # Before the reset, so the IAM backend it rebuilds holds the AWS managed policies.
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    moto_server.reset()
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in moto_server.environment(tmp_path).items():
        monkeypatch.setenv(name, value)
    return moto_server


@pytest.fixture
def faulty_aws(aws: MotoServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultyAws]:
    """A misbehaving AWS on 127.0.0.1 in front of the local moto server, with boto3 pointed at
    it: calls a test gives a fault (``faulty_aws.faults[...] = hang()``) misbehave, the others
    reach moto (tests/servers/faulty_aws.py)."""
    from servers.faulty_aws import FaultyAws

    with FaultyAws(upstream=aws.url) as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        yield server


@pytest.fixture
def dns_without_invalid(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names under ``.invalid`` fail to resolve the way a resolver without the name answers,
    without any query leaving the machine; other names resolve as usual."""
    import socket

    real_getaddrinfo = socket.getaddrinfo

    def resolve(host: object, *args: object, **kwargs: object) -> object:
        if isinstance(host, str) and host.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
