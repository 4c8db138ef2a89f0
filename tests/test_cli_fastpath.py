"""The plain ``check`` command line is parsed without typer (``cli.fastpath``) to start faster.

It must hand ``check`` exactly what typer would hand ``check_command``, and leave every line it
does not fully understand to typer, so that help, usage errors and exit statuses stay typer's.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main

from ecs_lint.cli import COMMANDS
from ecs_lint.cli.commands import app, check_command
from ecs_lint.cli.fastpath import CHECK
from support import run_cli

PLAIN_LINES = [
    ["task.json"],
    ["a.json", "Dockerfile", "dir/"],
    ["-o", "json", "task.json"],
    ["--output-format=sarif", "task.json", "-q"],
    ["task.json", "--select", "EL1", "--select=EL2,EL3", "--ignore", "EL105"],
    ["--build-arg", "BASE=alpine", "--build-arg=TAG=1", "Dockerfile"],
    ["--env", "A=1", "--parameter", "Env=prod", "compose.yaml"],
    ["--fix", "--unsafe-fixes", "--exit-zero", "--statistics", "--offline", "x"],
    ["--diff", "--no-suppressions", "--aws", "--region", "eu-west-1", "--profile", "p", "x"],
    ["--iam", "auth.json", "--role-policy", "r=p.json", "--secret-kms-key", "s=k", "x"],
    ["--config", "ecs-lint.toml", "--fail-level", "warning", "--extend-select", "EL9", "x"],
    ["--docker-hub-limit", "200", "x"],
    ["--docker-hub-limit=1", "x"],
    ["--docker-hub-limit", "0", "x"],  # a text: its converter says what is wrong
    ["--docker-hub-limit", "100/6h", "--docker-hub-limit", "authenticated=200/6h", "x"],
    ["-o", "json", "-o", "text", "x"],  # the last value of a single option wins
    [],  # no path: the current directory
    ["--select", "EL1"],
    ["-"],  # stdin
    ["-", "task.json"],  # check says - cannot be mixed with files, as typer's line would
    ["--stdin-filename", "ecs/web.json", "--output-file", "report.txt", "--show-fixes", "-"],
]

LEFT_TO_TYPER = [
    ["--help"],
    ["-h"],
    ["task.json", "--no-such-option"],
    ["task.json", "-o"],  # a missing value
    ["task.json", "--select", "--fix"],  # a value that looks like an option
    ["--fix=yes", "task.json"],  # a flag given a value
    ["-ojson", "task.json"],  # a short option with its value attached
    ["-qo", "json", "task.json"],  # grouped short options
    ["--", "task.json"],
]


def typer_arguments(args: list[str]) -> dict[str, Any]:
    """The keyword arguments typer passes ``check_command`` for ``args``."""
    passed: dict[str, Any] = {}

    @functools.wraps(check_command)
    def record(**kwargs: Any) -> None:
        passed.update(kwargs)

    app = typer.Typer()
    app.command()(record)
    app(args, standalone_mode=False)
    return passed


def test_the_fast_parser_reads_the_options_typer_declares() -> None:
    """Both are made of the options declared on ``Settings``; they must read them alike: the
    same spellings, each for the same parameter, a flag or repeatable alike."""
    check = typer.main.get_command(app).commands["check"]  # type: ignore[attr-defined]
    declared = {
        spelling: (param.name, param.is_flag, param.multiple)
        for param in check.params
        if param.param_type_name == "option"
        for spelling in param.opts
    }
    fast = {
        spelling: (
            found.name,
            found.option.takes is bool,
            found.option.takes is list,
        )
        for spelling, found in CHECK.options.items()
    }
    assert fast == declared


def test_every_command_is_known_to_main() -> None:
    """``main`` tells a command from a path without importing typer's application."""
    registered = {command.name for command in app.registered_commands}
    assert registered | {"--help", "-h", "--version"} == COMMANDS


@pytest.mark.parametrize("args", PLAIN_LINES)
def test_a_plain_line_gives_what_typer_gives(args: list[str]) -> None:
    assert CHECK.parse(args) == typer_arguments(args)


def test_an_empty_value_is_passed_as_typer_passes_it() -> None:
    args = ["--select=", "x"]
    assert CHECK.parse(args) == typer_arguments(args)


@pytest.mark.parametrize("args", LEFT_TO_TYPER)
def test_anything_else_is_left_to_typer(args: list[str]) -> None:
    assert CHECK.parse(args) is None


def test_a_plain_line_runs_without_typer(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_text('{"containerDefinitions": [{"name": "a", "image": "nginx:1.25"}]}')
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted({'typer', 'click'} & set(sys.modules))))\n"
        "from ecs_lint.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, "-o", "concise", str(task)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    assert "EL101" in run.stdout
    assert run.stdout.rstrip().endswith("[]")


def test_a_line_left_to_typer_lints_as_the_plain_line_does(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_text('{"containerDefinitions": [{"name": "a", "image": "nginx:1.25"}]}')
    plain = run_cli("--output-format", "json", "--select", "EL1", str(task))
    through_typer = run_cli("-ojson", "--select", "EL1", str(task))  # attached value: typer's
    assert CHECK.parse(["-ojson", str(task)]) is None
    assert (through_typer.status, through_typer.stdout) == (plain.status, plain.stdout)
    assert plain.status == 1
    assert {finding["rule"] for finding in json.loads(plain.stdout)} >= {"EL101"}


def test_usage_errors_are_still_typers(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_text('{"containerDefinitions": [{"name": "a", "image": "nginx:1.25"}]}')
    unknown = run_cli(str(task), "--no-such-option")
    assert unknown.status == 2
    assert "No such option" in unknown.stderr
    below = run_cli("--docker-hub-limit", "0", str(task))
    assert below.status == 2
    assert "--docker-hub-limit" in below.stderr


# The same check written as a plain line (fastpath) and as one left to typer (an attached value).
DEV_FULL = Path("/dev/full")  # every write fails with ENOSPC
BOTH_PATHS = pytest.mark.parametrize(
    "output_option", ["--output-format=text", "-otext"], ids=["plain line", "left to typer"]
)


def pipe_without_reader() -> int:
    """The write end of a pipe whose reader went away (``ecs-lint ... | head -0``)."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    return write_end


def ecs_lint_process(args: list[str], **streams: Any) -> subprocess.CompletedProcess[bytes]:
    # Output buffered as a user's is: PYTHONUNBUFFERED would write each line at once and hide a
    # report still buffered at exit.
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-m", "ecs_lint", *args], env=environment, check=False, **streams
    )


@BOTH_PATHS
def test_a_reader_gone_before_the_report_is_no_error(output_option: str, tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_text('{"containerDefinitions": [{"name": "a", "image": "nginx:1.25"}]}')
    assert (CHECK.parse([output_option, str(task)]) is None) == (output_option == "-otext")
    stdout = pipe_without_reader()
    try:
        run = ecs_lint_process([output_option, str(task)], stdout=stdout, stderr=subprocess.PIPE)
    finally:
        os.close(stdout)
    # Not "Exception ignored ... BrokenPipeError" and status 120 from the flush at exit.
    assert (run.returncode, run.stderr) == (1, b"")


@BOTH_PATHS
def test_a_report_to_a_file_is_whole_when_stderr_has_no_reader(
    output_option: str, tmp_path: Path
) -> None:
    task = tmp_path / "task.json"
    task.write_text('{"containerDefinitions": [{"name": "a", "image": "nginx:1.25"}]}')
    args = [output_option, "--diff", "--unsafe-fixes", str(task)]
    expected = ecs_lint_process(args, capture_output=True)
    assert expected.stdout.startswith(b"--- ")
    assert b"Would fix 1 finding" in expected.stderr  # written after the diff: the pipe fails
    report = tmp_path / "fix.diff"
    stderr = pipe_without_reader()
    try:
        with report.open("wb") as stdout:
            run = ecs_lint_process(args, stdout=stdout, stderr=stderr)
    finally:
        os.close(stderr)
    assert run.returncode == 1
    assert report.read_bytes() == expected.stdout


@BOTH_PATHS
@pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full")
def test_a_full_disk_is_one_error_line_not_a_traceback(output_option: str, tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_text('{"containerDefinitions": [{"name": "a", "image": "nginx:1.25"}]}')
    with DEV_FULL.open("wb") as full:
        run = ecs_lint_process([output_option, str(task)], stdout=full, stderr=subprocess.PIPE)
    assert run.returncode == 2
    assert run.stderr == b"ecs-lint: error: cannot write the output: No space left on device\n"
