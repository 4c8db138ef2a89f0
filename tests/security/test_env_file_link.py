"""A compose file's ``.env`` that is a symbolic link out of the project is not read, as a
linted file would not be: its values would reach the output in interpolated image names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

COMPOSE = "services:\n  web: {image: 'nginx:${TAG}'}\n"


def test_an_env_file_linking_out_of_the_project_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "elsewhere.env").write_text("TAG=secret-marker\n")
    (project / "compose.yaml").write_text(COMPOSE)
    (project / ".env").symlink_to(tmp_path / "elsewhere.env")
    monkeypatch.chdir(project)
    run = run_cli("-o", "concise", "compose.yaml")
    assert run.status == 2
    assert ".env:1:1: EL900 .env: symbolic link to a path outside the project" in run.stdout
    assert "secret-marker" not in run.stdout


def test_an_env_file_linking_inside_the_project_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "shared.env").write_text("TAG=1.25\n")
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / ".env").symlink_to(tmp_path / "shared.env")
    monkeypatch.chdir(tmp_path)
    run = run_cli("-o", "concise", "compose.yaml")
    assert "docker.io/library/nginx:1.25" in run.stdout
    assert "EL900" not in run.stdout
