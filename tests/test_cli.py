"""The command line as a user meets it: output, exit status, options, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

TASK = (
    '{\n  "family": "web",\n  "containerDefinitions": [\n'
    '    {"name": "web", "image": "nginx:1.25"}\n  ]\n}\n'
)


@pytest.fixture
def task_file(tmp_path: Path) -> Path:
    path = tmp_path / "task.json"
    path.write_text(TASK)
    return path


def test_text_output_has_location_code_frame_and_summary(task_file: Path) -> None:
    run = run_cli(str(task_file))
    assert run.status == 1
    first = run.stdout.splitlines()[0]
    assert first.startswith(f"{task_file}:4:31: EL101 ")
    assert '    4 |     {"name": "web", "image": "nginx:1.25"}' in run.stdout
    assert "^^^^^^^^^^" in run.stdout
    assert run.stdout.rstrip().endswith("(1 file checked).")
    assert "\x1b[" not in run.stdout  # not a TTY: no colour


def test_check_subcommand_is_the_default(task_file: Path) -> None:
    assert run_cli("check", str(task_file)).stdout == run_cli(str(task_file)).stdout


def test_json_output_follows_the_contract(task_file: Path) -> None:
    run = run_cli("--output-format", "json", str(task_file))
    findings = json.loads(run.stdout)
    assert run.status == 1
    assert findings[0] == {
        "rule": "EL101",
        "name": "docker-hub-anonymous-pull",
        "severity": "error",
        "file": str(task_file),
        "line": 4,
        "column": 31,
        "end_line": 4,
        "end_column": 41,
        "message": findings[0]["message"],
        "image": "docker.io/library/nginx:1.25",
        "replacement": findings[0]["replacement"],
        "fix": findings[0]["fix"],
        **{
            k: v
            for k, v in findings[0].items()
            if k
            not in {
                "rule",
                "name",
                "severity",
                "file",
                "line",
                "column",
                "end_line",
                "end_column",
                "message",
                "image",
                "replacement",
                "fix",
            }
        },
    }


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM public.ecr.aws/docker/library/alpine:3.20\n")
    run = run_cli("--select", "EL101,EL102,EL103,EL104,EL105", str(tmp_path))
    assert run.status == 0
    assert "All clear" in run.stdout


def test_exit_zero_with_findings(task_file: Path) -> None:
    assert run_cli("--exit-zero", str(task_file)).status == 0


def test_select_and_ignore_prefixes(task_file: Path) -> None:
    assert run_cli("--select", "EL105", str(task_file)).status == 0
    assert run_cli("--ignore", "EL1", str(task_file)).status == 0
    assert run_cli("--select", "EL1", "--ignore", "EL105", str(task_file)).status == 1


def test_a_blank_item_of_a_code_list_is_skipped(task_file: Path) -> None:
    for codes in ("EL105,", "EL105, ", " ,EL105"):
        run = run_cli("--select", codes, "-o", "json", str(task_file))
        assert (run.status, run.stdout, run.stderr) == (0, "[]\n", ""), codes


def test_h_is_help_anywhere(task_file: Path) -> None:
    assert run_cli("-h").stdout.startswith("Usage: ecs-lint [OPTIONS] COMMAND")
    for args in (["check", "-h"], [str(task_file), "-h"], ["-q", "-h", str(task_file)]):
        run = run_cli(*args)
        assert run.status == 0, run.stderr
        assert run.stdout.startswith("Usage: ecs-lint check [OPTIONS]"), args
        assert "--output-format" in run.stdout
    assert run_cli("rules", "-h").stdout.startswith("Usage: ecs-lint rules [OPTIONS]")


def test_a_nonexistent_path_is_an_error_finding_and_the_others_are_linted(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "nope.json"
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    run = run_cli("--select", "EL101", str(missing), str(tmp_path / "Dockerfile"))
    assert run.status == 2
    assert f"{missing}:1:1: EL900 path '{missing}' does not exist" in run.stdout.splitlines()
    assert f"{tmp_path / 'Dockerfile'}:1:6: EL101 " in run.stdout
    assert "Traceback" not in run.stderr
    found = json.loads(run_cli("-o", "json", str(missing)).stdout)
    assert [(f["rule"], f["severity"], f["file"]) for f in found] == [
        ("EL900", "error", str(missing))
    ]


def test_bad_build_arg_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\n")
    run = run_cli("--build-arg", "NOVALUE", str(tmp_path))
    assert run.status == 2
    assert "NAME=VALUE" in run.stderr


def test_build_arg_resolves_a_from_line(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("ARG BASE\nFROM ${BASE}\n")
    run = run_cli(
        "-o", "json", "--select", "EL101,EL103", "--build-arg", "BASE=nginx:1.25", str(tmp_path)
    )
    assert [f["rule"] for f in json.loads(run.stdout)] == ["EL101"]


def test_unknown_output_format(task_file: Path) -> None:
    run = run_cli("--output-format", "yaml", str(task_file))
    assert run.status == 2
    assert "unknown output format 'yaml'" in run.stderr


def test_directory_walk_skips_git_and_non_task_json(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "Dockerfile").write_text("FROM nginx\n")
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.0.0"}')
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "api.Dockerfile").write_text("FROM nginx:1.25\n")
    (tmp_path / "svc" / "deploy.json").write_text(TASK)
    run = run_cli("-o", "json", str(tmp_path))
    files = sorted({f["file"] for f in json.loads(run.stdout)})
    assert files == [
        str(tmp_path / "svc" / "api.Dockerfile"),
        str(tmp_path / "svc" / "deploy.json"),
    ]


def test_console_entry_points(task_file: Path) -> None:
    """``python -m ecs_lint`` behaves as the console script."""
    proc = subprocess.run(
        [sys.executable, "-m", "ecs_lint", "--output-format", "json", str(task_file)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert json.loads(proc.stdout)[0]["rule"] == "EL101"


def test_version() -> None:
    run = run_cli("--version")
    assert run.status == 0
    assert run.stdout.startswith("ecs-lint ")


@pytest.mark.parametrize("args", [["--version"], ["-V"], ["version"]])
def test_the_version_is_printed_without_typer_or_pydantic(args: list[str]) -> None:
    script = (
        "import atexit, sys\n"
        "heavy = ('typer', 'click', 'pydantic')\n"
        "atexit.register(lambda: print(sorted(m for m in sys.modules if m in heavy)))\n"
        "from ecs_lint.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=False
    )
    assert run.returncode == 0, run.stderr
    version, modules = run.stdout.splitlines()
    assert version == run_cli("--version").stdout.rstrip()
    assert modules == "[]"


def test_a_bare_from_is_reported_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM\nRUN true\n")
    run = run_cli("-o", "json", str(tmp_path))
    assert run.status == 2
    assert [(f["rule"], f["line"]) for f in json.loads(run.stdout)] == [("EL900", 1)]


def test_every_finding_has_every_contract_key(task_file: Path) -> None:
    contract = {"rule", "name", "severity", "file", "line", "column", "end_line", "end_column"}
    contract |= {"message", "image", "replacement", "fix", "evidence", "logical"}
    (task_file.parent / "Dockerfile").write_text("ARG V\nFROM ${V}\n")
    findings = json.loads(run_cli("-o", "json", str(task_file.parent)).stdout)
    assert {f["rule"] for f in findings} >= {"EL101", "EL103"}
    assert all(contract <= set(finding) for finding in findings)
