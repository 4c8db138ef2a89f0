"""The composite GitHub Action: its interface, and its lint step run as a runner would run it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]
ECS_LINT = Path(sys.executable).parent / "ecs-lint"


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((PROJECT / "action.yml").read_text())
    return loaded


def step(action: dict[str, Any], step_id: str) -> dict[str, Any]:
    (found,) = [s for s in action["runs"]["steps"] if s.get("id") == step_id]
    return found


def test_action_interface(action: dict[str, Any]) -> None:
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"paths", "args", "sarif-file", "python"}
    assert action["inputs"]["paths"]["default"] == "."
    assert action["inputs"]["sarif-file"]["default"] == ""
    assert "exit-code" in action["outputs"]
    for each in action["runs"]["steps"]:
        assert each["shell"] == "bash"
        # Inputs reach scripts through env only: an expression in a script is an injection.
        assert "${{" not in each["run"]


def test_action_installs_from_its_own_checkout(action: dict[str, Any]) -> None:
    (install,) = [s for s in action["runs"]["steps"] if s["name"] == "Install ecs-lint"]
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert 'pip install --quiet --disable-pip-version-check "$ACTION_PATH"' in install["run"]


def run_lint_step(
    action: dict[str, Any], workdir: Path, *, paths: str = ".", args: str = "", sarif: str = ""
) -> tuple[subprocess.CompletedProcess[str], str]:
    lint = step(action, "lint")
    output = workdir / "github-output"
    output.write_text("")
    env = {
        "PATH": "/usr/bin:/bin",
        "ECS_LINT": str(ECS_LINT),
        "INPUT_PATHS": paths,
        "INPUT_ARGS": args,
        "SARIF_FILE": sarif,
        "GITHUB_OUTPUT": str(output),
        "ECS_LINT_OFFLINE": "1",
    }
    # GitHub runs a bash step as: bash --noprofile --norc -eo pipefail {0}
    run = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", lint["run"]],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return run, output.read_text()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "Dockerfile").write_text("FROM public.ecr.aws/docker/library/nginx:1.25\n")
    return tmp_path


def test_lint_step_annotates_and_fails(action: dict[str, Any], repo: Path) -> None:
    run, output = run_lint_step(action, repo)
    assert run.returncode == 1, run.stderr
    assert run.stdout.startswith("::error file=Dockerfile,line=1,col=6,")
    assert "title=EL101 (docker-hub-anonymous-pull)::" in run.stdout
    assert output == "exit-code=1\n"


def test_lint_step_passes_on_clean_paths(action: dict[str, Any], repo: Path) -> None:
    run, output = run_lint_step(action, repo, paths="ok", args="--select EL101")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "::error" not in run.stdout
    assert output == "exit-code=0\n"


def test_lint_step_passes_args_through(action: dict[str, Any], repo: Path) -> None:
    run, output = run_lint_step(
        action, repo, args="--select EL101,EL105 --ignore EL101 --fail-level error"
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert output == "exit-code=0\n"


def test_lint_step_writes_sarif_and_still_fails(action: dict[str, Any], repo: Path) -> None:
    run, output = run_lint_step(action, repo, args="--select EL101", sarif="reports/ecs-lint.sarif")
    assert run.returncode == 1
    assert output == "exit-code=1\n"
    sarif = json.loads((repo / "reports" / "ecs-lint.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "EL101"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"


def test_inputs_cannot_inject_shell_code(action: dict[str, Any], repo: Path) -> None:
    run, output = run_lint_step(
        action, repo, paths="$(touch pwned) ;touch pwned2", args="`touch pwned3`"
    )
    assert run.returncode == 2
    assert output == "exit-code=2\n"
    assert not list(repo.glob("pwned*"))
