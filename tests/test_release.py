"""A release is one version: pyproject.toml's, which the Action installs by default and the README's
snippets name (RELEASING.md says how a release changes them all)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["version"]


def test_the_actions_default_version_is_the_release() -> None:
    action = yaml.safe_load((PROJECT / "action.yml").read_text())
    assert action["inputs"]["version"]["default"] == VERSION, (
        "action.yml's version input must default to pyproject.toml's version (RELEASING.md)"
    )


def test_the_readme_snippets_name_the_release() -> None:
    readme = (PROJECT / "README.md").read_text()
    action = re.findall(r"^\s*(?:- )?uses: ecs-lint/ecs-lint@(\S+)$", readme, re.MULTILINE)
    pre_commit = re.findall(r"^\s*rev: (\S+)", readme, re.MULTILINE)
    assert action and pre_commit, "the README shows the Action and pre-commit setups"
    assert set(action) == {f"v{VERSION}"}, "README's `uses: ecs-lint/ecs-lint@v...` (RELEASING.md)"
    assert set(pre_commit) == {f"v{VERSION}"}, "README's pre-commit `rev: v...` (RELEASING.md)"


def test_the_release_procedure_names_every_place_the_version_is() -> None:
    procedure = (PROJECT / "RELEASING.md").read_text()
    for place in ("pyproject.toml", "action.yml", "README.md", "action/constraints.txt"):
        assert place in procedure, place
    assert "git tag -a vX.Y.Z" in procedure and "git tag -fa v0" in procedure
