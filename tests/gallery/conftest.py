"""The local gallery/registry server, and ecs-lint pointed at it (online, private cache)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from servers.gallery_server import GalleryServer

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def gallery(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[GalleryServer]:
    """A running server; the environment points every endpoint at it and allows look-ups."""
    with GalleryServer() as server:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("ECS_LINT_OFFLINE", raising=False)
        monkeypatch.setenv("ECS_LINT_CACHE_DIR", str(tmp_path / "cache"))
        yield server
