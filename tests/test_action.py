"""The composite GitHub Action, its steps run as a GitHub runner runs them.

A runner gives a composite action's ``run`` step only the environment the step declares: the
inputs reach the scripts as the ``env`` mapping of action.yml maps them (``INPUT_PATHS: ${{
inputs.paths }}``), and outputs go through ``$GITHUB_OUTPUT``. :class:`Runner` does the same:
it evaluates each step's ``env`` expressions (inputs with their defaults, ``github.action_path``,
``runner.*``, earlier steps' outputs), runs the step's script as ``bash --noprofile --norc -eo
pipefail`` does, and reads the outputs back. The ``actions/cache`` step is the runner's
temporary directory kept between two runs (a cache hit) or not (a miss).

The install tests build the virtualenv for real, offline: pip installs from a wheelhouse rebuilt
from the test virtualenv (tests/offline_wheels.py), as the pre-commit hook tests do.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

if TYPE_CHECKING:
    from types import ModuleType

PROJECT = Path(__file__).resolve().parents[1]
VERSION = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["version"]
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
NOWHERE = "http://127.0.0.1:9"  # the discard port: a request through this proxy fails at once


def load_action(root: Path = PROJECT) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((root / "action.yml").read_text())
    return loaded


def action_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "ecs_lint_action", PROJECT / "action" / "ecs_lint_action.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Runner:
    """Runs the action at ``action_path`` as a GitHub runner would, in ``workspace``."""

    def __init__(self, action_path: Path, workspace: Path, temp: Path) -> None:
        self.action_path = action_path
        self.action = load_action(action_path)
        self.workspace = workspace
        self.temp = temp
        self.outputs: dict[str, dict[str, str]] = {}
        self.environment = {
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin{os.pathsep}/bin",
            "HOME": str(temp),
            "ECS_LINT_OFFLINE": "1",
            "ECS_LINT_CACHE_DIR": str(temp / "lookups"),
            "NO_COLOR": "1",
        }

    def run(
        self, inputs: dict[str, str] | None = None, *, only: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Every step in order (or step ``only``), until one fails; the last step's process,
        with the output of every step run."""
        inputs = self._inputs(inputs or {})
        stdout, stderr = [], []
        run = None
        for step in self.action["runs"]["steps"]:
            if "uses" in step or (only is not None and step.get("id") != only):
                continue  # actions/cache: the runner's temporary directory is the cache
            run = self._run_step(step, inputs)
            stdout.append(run.stdout)
            stderr.append(run.stderr)
            if run.returncode != 0:
                break
        assert run is not None
        return subprocess.CompletedProcess(
            run.args, run.returncode, "".join(stdout), "".join(stderr)
        )

    def _inputs(self, given: dict[str, str]) -> dict[str, str]:
        declared = self.action["inputs"]
        unknown = given.keys() - declared.keys()
        assert not unknown, f"the action has no input {unknown}"
        return {name: given.get(name, spec.get("default", "")) for name, spec in declared.items()}

    def _run_step(
        self, step: dict[str, Any], inputs: dict[str, str]
    ) -> subprocess.CompletedProcess[str]:
        assert step["shell"] == "bash"
        output = self.temp / f"output-{step['id']}"
        output.write_text("")
        script = self.temp / f"step-{step['id']}.sh"
        script.write_text(step["run"])
        env = {
            **self.environment,
            "RUNNER_TEMP": str(self.temp),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_OUTPUT": str(output),
        }
        env.update(
            {name: self._evaluate(str(value), inputs) for name, value in step["env"].items()}
        )
        run = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        lines = output.read_text().splitlines()
        self.outputs[step["id"]] = dict(line.split("=", 1) for line in lines)
        return run

    def _evaluate(self, text: str, inputs: dict[str, str]) -> str:
        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("inputs."):
                return inputs[name.removeprefix("inputs.")]
            if name.startswith("steps."):
                step, _, output = name.removeprefix("steps.").partition(".outputs.")
                return self.outputs.get(step, {}).get(output, "")
            known = {
                "github.action_path": str(self.action_path),
                "runner.temp": str(self.temp),
                "runner.os": "Linux",
                "runner.arch": "X64",
            }
            return known[name]

        return EXPRESSION.sub(value, text)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A repository with a Docker Hub image (EL101, EL105) and a clean file."""
    root = tmp_path / "workspace"
    (root / "ok").mkdir(parents=True)
    (root / "Dockerfile").write_text("FROM nginx:1.25\n")
    (root / "ok" / "Dockerfile").write_text("FROM public.ecr.aws/docker/library/nginx:1.25\n")
    return root


@pytest.fixture
def runner(workspace: Path, tmp_path: Path) -> Runner:
    """The action of this checkout, with ecs-lint already installed: the test virtualenv's."""
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    runner = Runner(PROJECT, workspace, temp)
    runner.outputs["install"] = {"python": sys.executable}
    return runner


def lint(runner: Runner, **inputs: str) -> subprocess.CompletedProcess[str]:
    return runner.run(
        {name.replace("_", "-"): value for name, value in inputs.items()}, only="lint"
    )


def annotated_files(stdout: str) -> list[str]:
    return sorted(set(re.findall(r"^::\w+ file=([^,]+),", stdout, re.MULTILINE)))


# --- The interface -----------------------------------------------------------------------------


def test_action_interface() -> None:
    action = load_action()
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {
        "paths",
        "args",
        "fail-level",
        "config",
        "version",
        "working-directory",
        "sarif-file",
        "python",
    }
    assert action["inputs"]["paths"]["default"] == "."
    assert action["inputs"]["sarif-file"]["default"] == ""
    assert "exit-code" in action["outputs"]
    for each in action["runs"]["steps"]:
        if "uses" in each:
            continue
        assert each["shell"] == "bash"
        # Inputs reach scripts through env only: an expression in a script is an injection.
        assert "${{" not in each["run"]


def test_the_virtualenv_is_cached_by_os_python_and_version() -> None:
    (cache,) = [step for step in load_action()["runs"]["steps"] if "uses" in step]
    assert cache["uses"].startswith("actions/cache@v")
    assert cache["with"]["path"] == "${{ steps.setup.outputs.venv }}"
    key = cache["with"]["key"]
    assert "${{ runner.os }}" in key and "${{ runner.arch }}" in key
    assert "${{ steps.setup.outputs.key }}" in key


def test_what_the_action_installs_is_pinned() -> None:
    """Every package ecs-lint needs on some runner is pinned, each to a version every
    requirement on it accepts (scripts/pin_action.py --check)."""
    run = subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "pin_action.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    pins = (PROJECT / "action" / "constraints.txt").read_text()
    assert re.search(r"^typer==\S+$", pins, re.MULTILINE)
    assert re.search(r"^colorama==\S+$", pins, re.MULTILINE)  # typer's, on Windows runners only


# --- The lint step -------------------------------------------------------------------------------


def test_lint_step_annotates_and_fails(runner: Runner) -> None:
    run = lint(runner)
    assert run.returncode == 1, run.stderr
    assert run.stdout.startswith("::error file=Dockerfile,line=1,col=6,")
    assert "title=EL101 (docker-hub-anonymous-pull)::" in run.stdout
    assert runner.outputs["lint"] == {"exit-code": "1"}


def test_lint_step_passes_on_clean_paths(runner: Runner) -> None:
    run = lint(runner, paths="ok", args="--select EL101")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "::error" not in run.stdout
    assert runner.outputs["lint"] == {"exit-code": "0"}


def test_lint_step_passes_args_through(runner: Runner) -> None:
    run = lint(runner, args="--select EL101,EL105 --ignore EL101 --fail-level error")
    assert run.returncode == 0, run.stdout + run.stderr
    assert runner.outputs["lint"] == {"exit-code": "0"}


def test_every_line_of_paths_is_linted(runner: Runner, workspace: Path) -> None:
    for name in ("api", "web", "worker", "has space"):
        (workspace / name).mkdir()
        (workspace / name / "Dockerfile").write_text("FROM redis:7\n")
    paths = "api/Dockerfile\nweb/Dockerfile worker/Dockerfile\n\n  'has space/Dockerfile'\n"
    run = lint(runner, paths=paths, args="--select EL101")
    assert run.returncode == 1, run.stderr
    assert annotated_files(run.stdout) == [
        "api/Dockerfile",
        "has space/Dockerfile",
        "web/Dockerfile",
        "worker/Dockerfile",
    ]


def test_every_line_of_args_is_kept(runner: Runner, workspace: Path) -> None:
    (workspace / "svc").mkdir()
    (workspace / "svc" / "Dockerfile").write_text("FROM nginx:latest\n")  # EL101, EL105
    # Each line changes the outcome: without the second, EL101 fails the run; without the
    # third, the EL105 warning does.
    args = "--select EL101,EL105\n--ignore EL101\n--fail-level error\n"
    run = lint(runner, paths="svc", args=args)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "::warning file=svc/Dockerfile," in run.stdout
    assert "title=EL105" in run.stdout and "title=EL101" not in run.stdout
    run = lint(runner, paths="svc", args="--select EL101,EL105\n--ignore EL101\n")
    assert run.returncode == 1, run.stdout
    run = lint(runner, paths="svc", args="--select\nEL101\n")  # an option, its value below
    assert run.returncode == 1
    assert "title=EL101" in run.stdout and "title=EL105" not in run.stdout


def test_fail_level_config_and_working_directory_inputs(runner: Runner, workspace: Path) -> None:
    subprocess.run(["git", "init", "-q", str(workspace)], check=True)
    service = workspace / "services" / "api"
    service.mkdir(parents=True)
    (service / "Dockerfile").write_text("FROM nginx:latest\n")  # EL101 error, EL105 warning
    (service / "lint.toml").write_text('select = ["EL105"]\n')
    run = lint(runner, working_directory="services/api", config="lint.toml")
    assert run.returncode == 1, run.stderr
    assert annotated_files(run.stdout) == ["services/api/Dockerfile"]  # from the repository
    assert "title=EL105" in run.stdout and "title=EL101" not in run.stdout
    run = lint(runner, working_directory="services/api", config="lint.toml", fail_level="error")
    assert run.returncode == 0, run.stdout
    assert runner.outputs["lint"] == {"exit-code": "0"}


def test_a_missing_working_directory_is_an_error(runner: Runner) -> None:
    run = lint(runner, working_directory="nowhere")
    assert run.returncode == 2
    assert (
        "::error title=ecs-lint action::working-directory: nowhere is not a directory" in run.stdout
    )
    assert runner.outputs["lint"] == {"exit-code": "2"}


def test_lint_step_writes_sarif_and_still_fails(runner: Runner, workspace: Path) -> None:
    run = lint(runner, args="--select EL101", sarif_file="reports/ecs-lint.sarif")
    assert run.returncode == 1
    assert runner.outputs["lint"] == {"exit-code": "1"}
    sarif = json.loads((workspace / "reports" / "ecs-lint.sarif").read_text())
    assert sarif["version"] == "2.1.0"
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "EL101"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "Dockerfile"


def test_sarif_holds_sarif_only_whatever_args_print(runner: Runner, workspace: Path) -> None:
    service = workspace / "svc"
    service.mkdir()
    (service / "Dockerfile").write_text("FROM nginx\n")
    run = lint(
        runner,
        paths="svc",
        args="--statistics\n--select EL101,EL105 --quiet",
        sarif_file="ecs-lint.sarif",
        working_directory=".",
    )
    assert run.returncode == 1, run.stderr
    sarif = json.loads((workspace / "ecs-lint.sarif").read_text())  # nothing but the log
    assert sorted(result["ruleId"] for result in sarif["runs"][0]["results"]) == ["EL101", "EL105"]
    assert "title=EL101" in run.stdout and "title=EL105" in run.stdout
    # The statistics, asked for, are in the log apart from the annotations.
    assert re.search(r"^1\s+EL101\s+docker-hub-anonymous-pull", run.stdout, re.MULTILINE)


def test_inputs_cannot_inject_shell_code(runner: Runner, workspace: Path) -> None:
    run = lint(runner, paths="$(touch pwned) ;touch pwned2", args="`touch pwned3`")
    assert run.returncode == 2
    assert runner.outputs["lint"] == {"exit-code": "2"}
    assert not list(workspace.glob("pwned*"))


def test_an_unclosed_quote_is_an_error_annotation(runner: Runner) -> None:
    run = lint(runner, args="--select 'EL101")
    assert run.returncode == 2
    assert run.stdout.startswith("::error title=ecs-lint action::args: No closing quotation")


def test_the_virtualenv_interpreter_on_windows_and_posix(tmp_path: Path) -> None:
    script = action_script()
    assert script.venv_python(tmp_path / "no-venv") is None
    windows = tmp_path / "windows"
    (windows / "Scripts").mkdir(parents=True)
    (windows / "Scripts" / "python.exe").write_text("")
    assert script.venv_python(windows) == windows / "Scripts" / "python.exe"
    posix = tmp_path / "posix"
    (posix / "bin").mkdir(parents=True)
    (posix / "bin" / "python").write_text("")
    assert script.venv_python(posix) == posix / "bin" / "python"


def test_setup_outputs_the_version_asked_for(runner: Runner) -> None:
    run = runner.run({"version": "v0.0.9"}, only="setup")
    assert run.returncode == 0, run.stdout + run.stderr
    outputs = runner.outputs["setup"]
    assert outputs["version"] == "0.0.9"
    assert outputs["key"].startswith("ecs-lint-0.0.9-py")
    assert Path(outputs["venv"]).parent == runner.temp
    run = runner.run({"version": "1.0; rm -rf /"}, only="setup")
    assert run.returncode == 2
    assert "version: expected a release such as" in run.stdout


def test_a_python_that_is_not_there_is_an_error(runner: Runner) -> None:
    run = runner.run({"python": "no-such-python3"}, only="setup")
    assert run.returncode == 2
    assert "::error title=ecs-lint action::no Python 3.11 or later among: no-such-python3" in (
        run.stdout
    )


# --- Installing --------------------------------------------------------------------------------


def action_checkout(root: Path) -> Path:
    """A copy of what a workflow's ``uses: ecs-lint/ecs-lint@v…`` checks out, with the pins set
    to the versions the wheelhouse holds (the test virtualenv's, which may be newer than the
    release's pins: test_what_the_action_installs_is_pinned checks those)."""
    for name in ("action.yml", "pyproject.toml", "README.md", "action", "linter", "rules"):
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            root.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    script = action_script()
    pins = []
    for line in (root / "action" / "constraints.txt").read_text().splitlines():
        name = line.partition("==")[0]
        if line and not line.startswith("#"):
            try:
                pins.append(f"{name}=={metadata.version(name)}")
            except metadata.PackageNotFoundError:
                continue  # needed on another platform only
    (root / "action" / "constraints.txt").write_text("\n".join(pins) + "\n")
    assert script.CONSTRAINTS.name == "constraints.txt"
    return root


@pytest.mark.xdist_group("pre-commit")  # the long installs share one worker
def test_the_action_installs_itself_then_reuses_the_cached_virtualenv(
    wheelhouse: Path, workspace: Path, tmp_path: Path
) -> None:
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    runner = Runner(action_checkout(tmp_path / "action"), workspace, temp)
    runner.environment.update(
        {
            "PIP_NO_INDEX": "1",
            "PIP_FIND_LINKS": str(wheelhouse),
            **{
                name: NOWHERE for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")
            },
        }
    )
    run = runner.run({"args": "--select EL101"})
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"ecs-lint {VERSION}: installed" in run.stdout
    venv = Path(runner.outputs["setup"]["venv"])
    assert Path(runner.outputs["install"]["python"]) == venv / "bin" / "python"
    assert "title=EL101" in run.stdout
    assert runner.outputs["lint"] == {"exit-code": "1"}
    key = runner.outputs["setup"]["key"]
    assert key.startswith(f"ecs-lint-{VERSION}-py{sys.version_info[0]}.{sys.version_info[1]}.")

    # The next job restores the virtualenv (the same key): nothing is installed again.
    runner.environment["PIP_FIND_LINKS"] = str(tmp_path / "no-wheels")
    again = runner.run({"args": "--select EL101", "paths": "ok"})
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"ecs-lint {VERSION}: the cached virtualenv" in again.stdout
    assert runner.outputs["setup"]["key"] == key

    # A change to the action's sources (a branch moving) is another key.
    (runner.action_path / "linter" / "engine.py").write_text(
        (runner.action_path / "linter" / "engine.py").read_text() + "\n# changed\n"
    )
    runner.run({"paths": "ok"}, only="setup")
    assert runner.outputs["setup"]["key"] != key
