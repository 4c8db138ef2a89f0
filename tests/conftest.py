"""Fixtures shared by every test; plain helpers live in support.py."""

import pytest

from support import lint

__all__ = ["lint"]


@pytest.fixture(autouse=True)
def _no_network_lookups(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test reaches the internet: runs are offline and use a private cache unless a test
    (tests/gallery) points ecs-lint at its local server."""
    monkeypatch.setenv("ECS_LINT_OFFLINE", "1")
    monkeypatch.setenv("ECS_LINT_CACHE_DIR", str(tmp_path_factory.mktemp("ecs-lint-cache")))
