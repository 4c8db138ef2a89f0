"""The BuildKit frontend image of a ``# syntax=`` directive, against the gallery: pinned to its
ECR Public mirror when the gallery has one, otherwise the other remedies and doing without."""

from __future__ import annotations

from typing import TYPE_CHECKING

from servers.gallery_server import GalleryServer, realistic_dataset

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

DIRECTIVE = "# syntax=docker/dockerfile:1.7\nFROM public.ecr.aws/docker/library/alpine:3.20\n"


def test_without_a_mirror_the_remedies_include_removing_the_directive(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    """The real gallery carries no docker/dockerfile: nothing to pin it to there."""
    path = tmp_path / "Dockerfile"
    path.write_text(DIRECTIVE, encoding="utf-8")
    run = run_cli("--select", "EL101", "--fix", str(path))
    assert run.status == 1
    assert "no ECR Public equivalent found" in run.stdout
    assert "remove the # syntax directive" in run.stdout
    assert path.read_text(encoding="utf-8") == DIRECTIVE


def test_with_a_mirror_the_directive_is_pinned_to_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    dataset = realistic_dataset()
    dataset.mirror("docker/dockerfile", "docker/dockerfile", ["1.6", "1.7"])
    path = tmp_path / "Dockerfile"
    path.write_text(DIRECTIVE, encoding="utf-8")
    with GalleryServer(dataset) as server:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("ECS_LINT_OFFLINE", raising=False)
        monkeypatch.setenv("ECS_LINT_CACHE_DIR", str(tmp_path / "cache"))
        run = run_cli("--select", "EL101", "--fix", str(path))
    assert run.status == 0, run.stdout
    pinned = DIRECTIVE.replace("syntax=docker/", "syntax=public.ecr.aws/docker/")
    assert path.read_text(encoding="utf-8") == pinned
    assert "Fixed 1 finding" in run.stderr
