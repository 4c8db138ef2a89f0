"""Each file's configuration is the one nearest to it (as ruff finds it), so a monorepo's
sub-projects keep their own settings; ``--config`` names one for every file; run-wide keys come
from the run's configuration only; names close to ours get a hint."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

DOCKER_HUB = "FROM nginx:1.25\nFROM redis\n"  # EL101 twice, EL105 (no tag) on line 2


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def found(stdout: str) -> list[tuple[str, str, str]]:
    """(file, line, code) of each finding of a concise report."""
    rows = []
    for line in stdout.splitlines():
        if ": EL" in line:
            place, rest = line.split(": ", 1)
            path, number, _column = place.rsplit(":", 2)
            rows.append((path, number, rest.split(" ", 1)[0]))
    return sorted(rows)


@pytest.fixture
def monorepo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    write(
        tmp_path,
        {
            "pyproject.toml": '[tool.ecs-lint]\nselect = ["EL101", "EL105"]\n',
            "Dockerfile": DOCKER_HUB,
            # A sub-project of its own: another selection, a severity and per-file-ignores
            # relative to its own directory.
            "services/api/.ecs-lint.toml": (
                'select = ["EL105"]\n'
                '[severity]\nEL105 = "error"\n'
                '[per-file-ignores]\n"legacy/*" = ["EL105"]\n'
            ),
            "services/api/Dockerfile": DOCKER_HUB,
            "services/api/legacy/Dockerfile": DOCKER_HUB,
            # No configuration of its own: the nearest above it, the root's.
            "services/web/Dockerfile": DOCKER_HUB,
        },
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_each_file_takes_the_configuration_nearest_to_it(monorepo: Path) -> None:
    run = run_cli(".", "-o", "concise")
    assert found(run.stdout) == [
        ("Dockerfile", "1", "EL101"),
        ("Dockerfile", "2", "EL101"),
        ("Dockerfile", "2", "EL105"),
        ("services/api/Dockerfile", "2", "EL105"),
        ("services/web/Dockerfile", "1", "EL101"),
        ("services/web/Dockerfile", "2", "EL101"),
        ("services/web/Dockerfile", "2", "EL105"),
    ]
    severities = {
        (finding["file"], finding["rule"]): finding["severity"]
        for finding in json.loads(run_cli(".", "-o", "json").stdout)
    }
    assert severities[("services/api/Dockerfile", "EL105")] == "error"  # its own override
    assert severities[("Dockerfile", "EL105")] == "warning"


def test_the_same_from_the_sub_project_or_for_one_file(monorepo: Path) -> None:
    whole = found(run_cli(".", "-o", "concise").stdout)
    api = [row for row in whole if row[0].startswith("services/api/")]
    assert found(run_cli("services/api/Dockerfile", "-o", "concise").stdout) == api
    assert found(run_cli("services/api/legacy/Dockerfile", "-o", "concise").stdout) == []


def test_options_apply_over_every_files_configuration(monorepo: Path) -> None:
    run = run_cli(".", "--select", "EL101", "-o", "concise")
    assert {code for _, _, code in found(run.stdout)} == {"EL101"}
    assert ("services/api/Dockerfile", "1", "EL101") in found(run.stdout)


def test_config_names_one_configuration_for_every_file(monorepo: Path) -> None:
    run = run_cli(".", "--config", "pyproject.toml", "-o", "concise")
    assert ("services/api/Dockerfile", "1", "EL101") in found(run.stdout)
    assert ("services/api/legacy/Dockerfile", "2", "EL105") in found(run.stdout)


def test_a_run_wide_key_in_a_sub_project_is_said_and_not_used(
    monorepo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (monorepo / "services/api/.ecs-lint.toml").write_text(
        'select = ["EL105"]\nfail-level = "error"\n'
    )
    run = run_cli(".", "-o", "concise")
    assert run.status == 1  # the root's fail-level (any finding) decides
    assert (
        "ecs-lint: warning: services/api/.ecs-lint.toml: fail-level holds for the whole run, so "
        "it is read only from the configuration of the directory ecs-lint runs in (or --config)"
    ) in run.stderr
    # Run from the sub-project, its own fail-level decides: its EL105 is a warning there.
    monkeypatch.chdir(monorepo / "services" / "api")
    assert run_cli(".", "-o", "concise").status == 0


def test_a_bad_key_in_a_sub_project_names_its_file(monorepo: Path) -> None:
    (monorepo / "services/api/.ecs-lint.toml").write_text('selcet = ["EL105"]\n')
    run = run_cli(".", "-o", "concise")
    assert run.status == 2
    assert (
        "services/api/.ecs-lint.toml: unknown key 'selcet' (did you mean 'select'?)" in run.stderr
    )


@pytest.mark.parametrize("name", ["ecs-lint.toml", ".ecs-lint.yaml", ".ecs_lint.toml"])
def test_a_file_named_close_to_ours_gets_a_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    write(tmp_path, {name: 'select = ["EL105"]\n', "Dockerfile": DOCKER_HUB})
    monkeypatch.chdir(tmp_path)
    run = run_cli(".", "-o", "concise")
    assert (
        f"ecs-lint: warning: {name} is not read: ecs-lint reads .ecs-lint.toml or "
        "[tool.ecs-lint] in pyproject.toml"
    ) in run.stderr
    assert "EL101" in run.stdout  # not read: every rule still runs


def test_a_directory_named_like_a_configuration_is_not_one(monorepo: Path) -> None:
    # Named alone, each file's directories are looked up from the file upwards.
    (monorepo / "services/web/.ecs-lint.toml").mkdir()
    (monorepo / "services/web/ecs-lint.toml").mkdir()
    run = run_cli("services/web/Dockerfile", "-o", "concise")
    assert found(run.stdout) == [
        ("services/web/Dockerfile", "1", "EL101"),
        ("services/web/Dockerfile", "2", "EL101"),
        ("services/web/Dockerfile", "2", "EL105"),
    ]
    assert run.stderr == ""
