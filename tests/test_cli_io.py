"""What the command line reads and where it writes: stdin (``-``, ``--stdin-filename``),
``--output-file``, the fix count and ``--show-fixes``, ``--statistics`` with other formats, no
path, no files, help texts, and errors that name what failed."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from servers.gallery_server import GalleryServer

from support import run_cli

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

ECR = "public.ecr.aws/docker/library"
TASK = '{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.25"}]}\n'


def ecs_lint(
    *args: str, stdin: bytes = b"", cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """The console script as a shell runs it, ``stdin`` on its standard input."""
    return subprocess.run(
        [sys.executable, "-m", "ecs_lint", *args],
        input=stdin,
        capture_output=True,
        cwd=cwd,
        check=False,
        timeout=120,
    )


def with_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


@pytest.fixture
def gallery(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[GalleryServer]:
    """Look-ups answered by the local gallery, which mirrors nginx:1.25 identically: a safe
    fix, which --fix applies."""
    with GalleryServer() as server:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.delenv("ECS_LINT_OFFLINE", raising=False)
        monkeypatch.setenv("ECS_LINT_CACHE_DIR", str(tmp_path / "cache"))
        yield server


# --- stdin ----------------------------------------------------------------------------------


def test_dash_lints_stdin() -> None:
    run = ecs_lint("--select", "EL101", "-", stdin=b"FROM nginx:1.25\n")
    assert run.returncode == 1, run.stderr
    assert run.stdout.decode().startswith("-:1:6: EL101 docker.io/library/nginx:1.25 ")
    assert b"(1 file checked)" in run.stdout


def test_stdin_filename_names_the_findings_and_chooses_the_format(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with_stdin(monkeypatch, TASK.encode())
    run = run_cli("--select", "EL101", "-o", "json", "--stdin-filename", "ecs/web.json", "-")
    assert run.status == 1, run.stderr
    (finding,) = json.loads(run.stdout)
    assert (finding["file"], finding["line"], finding["rule"]) == ("ecs/web.json", 1, "EL101")
    # The name chooses among formats: FROM lines are no JSON format's.
    with_stdin(monkeypatch, b"FROM nginx:1.25\n")
    run = run_cli("--select", "EL101", "--stdin-filename", "web.json", "-")
    assert (run.status, run.stdout) == (0, "All clear: no findings (0 files checked).\n")
    assert run.stderr == "ecs-lint: warning: web.json: not a format ecs-lint checks\n"
    # A name no format claims leaves the choice to the content.
    with_stdin(monkeypatch, b"services:\n  web:\n    image: redis:7\n")
    run = run_cli("--select", "EL101", "--stdin-filename", "deploy/stack.conf", "-")
    assert run.status == 1
    assert run.stdout.startswith("deploy/stack.conf:3:12: EL101 docker.io/library/redis:7 ")


def test_text_of_no_format_on_stdin_is_a_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    with_stdin(monkeypatch, b"just some notes\n")
    run = run_cli("-")
    assert run.status == 0
    assert run.stderr == (
        "ecs-lint: warning: stdin: not a format ecs-lint checks (name it with --stdin-filename)\n"
    )


def test_fix_of_stdin_prints_the_fixed_text_and_reports_on_stderr() -> None:
    text = b"\xef\xbb\xbfARG TAG=1.25\r\nFROM nginx:${TAG} AS web\r\nRUN true"
    run = ecs_lint(
        "--select", "EL101", "--fix", "--unsafe-fixes", "--stdin-filename", "Dockerfile", "-",
        stdin=text,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    # Every other byte as it came: the byte-order mark, CRLF, no final newline.
    assert (
        run.stdout == f"\ufeffARG TAG=1.25\r\nFROM {ECR}/nginx:${{TAG}} AS web\r\nRUN true".encode()
    )
    stderr = run.stderr.decode()
    assert "Fixed 1 finding in 1 file." in stderr
    assert "All clear: no findings (1 file checked)." in stderr


def test_fix_of_stdin_with_nothing_to_fix_prints_it_unchanged() -> None:
    text = b"FROM public.ecr.aws/docker/library/nginx:1.25\n"
    run = ecs_lint("--fix", "--select", "EL101", "-", stdin=text)
    assert (run.returncode, run.stdout) == (0, text)
    run = ecs_lint(
        "--fix", "--select", "EL101,EL900", "--stdin-filename", "Dockerfile", "-", stdin=b"FROM\n"
    )
    assert (run.returncode, run.stdout) == (2, b"FROM\n")  # could not be checked, left alone
    assert b"Dockerfile:1:1: EL900 " in run.stderr


def test_diff_of_stdin_names_it() -> None:
    run = ecs_lint(
        "--diff", "--unsafe-fixes", "--stdin-filename", "web/Dockerfile", "-",
        stdin=b"FROM nginx:1.25\n",
    )  # fmt: skip
    assert run.returncode == 1
    assert run.stdout.decode().splitlines()[:2] == ["--- a/web/Dockerfile", "+++ b/web/Dockerfile"]
    assert f"+FROM {ECR}/nginx:1.25" in run.stdout.decode()


def test_stdin_and_files_do_not_mix(tmp_path: Path) -> None:
    run = run_cli("-", str(tmp_path))
    assert run.status == 2
    assert run.stderr == "ecs-lint: error: the path - (stdin) cannot be combined with other paths\n"
    run = run_cli("--stdin-filename", "Dockerfile", str(tmp_path))
    assert run.status == 2
    assert "give the path - too" in run.stderr


def test_stdin_over_the_size_limit_is_not_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no configuration file: the limit holds for it too
    with_stdin(monkeypatch, b"FROM nginx\n" + b"#" * 2000)
    run = run_cli("--max-file-size", "1KiB", "--select", "EL101,EL900", "-")
    assert run.status == 2
    assert run.stdout.startswith("-:1:1: EL900 input is over the 1 KiB limit")


# --- --output-file --------------------------------------------------------------------------


def test_output_file_holds_the_report_and_the_status_stays(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_text(TASK)
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    run = run_cli("--select", "EL101", "-o", "json", "--output-file", str(report), str(task))
    assert (run.status, run.stdout) == (1, "")
    assert [f["rule"] for f in json.loads(report.read_text())] == ["EL101"]
    assert sorted(report.parent.iterdir()) == [report]  # no temporary file left


def test_output_file_is_replaced_atomically_keeping_its_mode(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_text(TASK)
    report = tmp_path / "report.txt"
    report.write_text("an older report\n")
    report.chmod(0o640)
    inode = report.stat().st_ino
    run = run_cli("--select", "EL101", "--output-file", str(report), str(task))
    assert run.status == 1
    assert report.read_text().startswith(f"{task}:1:")
    assert report.read_text().endswith("Found 1 error (1 file checked).\n")
    assert report.stat().st_ino != inode  # a new file renamed over the old one
    assert stat.S_IMODE(report.stat().st_mode) == 0o640


def test_an_output_file_that_cannot_be_written_is_an_error(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_text(TASK)
    run = run_cli("--output-file", str(tmp_path / "no" / "such" / "report.txt"), str(task))
    assert run.status == 2
    assert run.stderr.startswith(f"ecs-lint: error: cannot write the output file {tmp_path}/no/")
    run = run_cli("--output-file", str(tmp_path), str(task))  # a directory
    assert run.status == 2
    assert "cannot write the output file" in run.stderr


def test_output_file_takes_the_diff_byte_for_byte(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_bytes(b"FROM nginx:1.25\r\n")
    diff = tmp_path / "fix.diff"
    run = ecs_lint("--diff", "--unsafe-fixes", "--output-file", str(diff), str(dockerfile))
    assert (run.returncode, run.stdout) == (1, b"")
    assert f"+FROM {ECR}/nginx:1.25\r\n".encode() in diff.read_bytes()
    assert dockerfile.read_bytes() == b"FROM nginx:1.25\r\n"


def test_output_file_of_statistics(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx\n")
    report = tmp_path / "stats.txt"
    run = run_cli(
        "--select", "EL101,EL105", "--statistics", "--output-file", str(report), str(tmp_path)
    )
    assert (run.status, run.stdout) == (1, "")
    assert report.read_text().splitlines()[:2] == [
        "1  EL101  docker-hub-anonymous-pull",
        "1  EL105  mutable-image-tag",
    ]


# --- fixes: the count and --show-fixes -------------------------------------------------------


def test_the_summary_counts_what_fix_would_fix(gallery: GalleryServer, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\nFROM someone/tool:1.0\n")
    (tmp_path / "task.json").write_text(TASK)
    run = run_cli("--select", "EL101", str(tmp_path))
    lines = run.stdout.splitlines()
    # nginx:1.25 is mirrored identically (safe fixes, twice); someone/tool has no equivalent.
    assert lines[-2:] == ["[*] 2 fixable with --fix.", "Found 3 errors (2 files checked)."]
    assert run_cli("--select", "EL101", "-q", str(tmp_path)).stdout.count("fixable") == 0
    assert "fixable" not in run_cli("--select", "EL101", "-o", "json", str(tmp_path)).stdout


def test_unsafe_fixes_are_counted_apart(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")  # offline: the catalog's answer
    run = run_cli("--select", "EL101", str(tmp_path))
    assert run.stdout.splitlines()[-2] == "No fixes available (1 with --fix --unsafe-fixes)."
    run = run_cli("--select", "EL101", "--unsafe-fixes", str(tmp_path))
    assert run.stdout.splitlines()[-2] == "[*] 1 fixable with --fix."
    run = run_cli("--select", "EL101", "-o", "concise", str(tmp_path))
    assert run.stdout.splitlines()[-2] == "No fixes available (1 with --fix --unsafe-fixes)."


def test_the_summary_hints_at_unsafe_fixes_beside_safe_ones(
    gallery: GalleryServer, tmp_path: Path
) -> None:
    (tmp_path / "Dockerfile").write_text("ARG PY=3.12\nFROM nginx:1.25\nFROM python:${PY}-slim\n")
    run = run_cli("--select", "EL101", str(tmp_path))
    # python:${PY}-slim keeps its variables: an unsafe fix, the tags were not checked.
    assert "[*] 1 fixable with --fix (1 more with --unsafe-fixes)." in run.stdout.splitlines()


def test_show_fixes_lists_what_fix_would_do(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM nginx:1.25\nFROM someone/tool:1.0\n")
    run = run_cli("--select", "EL101", "--show-fixes", "-o", "concise", str(tmp_path))
    lines = run.stdout.splitlines()
    start = lines.index("Fixes (1):")
    assert lines[start + 1].startswith(f"  {dockerfile}:1:6: EL101 [unsafe] ")
    assert f"{ECR}/nginx:1.25" in lines[start + 1]
    assert lines[start + 2] == "No fixes available (1 with --fix --unsafe-fixes)."


def test_show_fixes_with_fix_lists_what_was_fixed(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM nginx:1.25\nFROM redis:7\nFROM nginx:latest\n")
    run = run_cli("--select", "EL101", "--fix", "--unsafe-fixes", "--show-fixes", str(tmp_path))
    assert run.status == 0, run.stdout
    assert run.stderr.splitlines() == [
        "Fixed 3 findings in 1 file:",
        f"- {dockerfile}:",
        "    3 × EL101 (docker-hub-anonymous-pull)",
    ]


# --- --statistics ---------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["sarif", "github", "gitlab", "junit"])
def test_statistics_in_a_format_it_cannot_print_is_an_error(
    output_format: str, tmp_path: Path
) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx\n")
    for command in (["check", str(tmp_path)], ["aws"]):
        run = run_cli(*command, "--statistics", "-o", output_format)
        assert (run.status, run.stdout) == (2, "")
        assert run.stderr == (
            "ecs-lint: error: --statistics prints a table or JSON; it cannot be combined with "
            f"--output-format {output_format} (use text, concise or json)\n"
        )


def test_statistics_in_concise(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx\n")
    run = run_cli("--select", "EL105", "--statistics", "-o", "concise", str(tmp_path))
    assert run.stdout.splitlines() == [
        "1  EL105  mutable-image-tag",
        "Found 1 warning (1 file checked).",
    ]


# --- no path, no files ----------------------------------------------------------------------


def test_no_path_lints_the_current_directory(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text("FROM nginx:1.25\n")
    for args in (["check"], ["--select", "EL101"], ["check", "--select", "EL101"]):
        run = ecs_lint(*args, "-o", "concise", cwd=tmp_path)
        assert run.returncode == 1, (args, run.stderr)
        assert run.stdout.decode().startswith("svc/Dockerfile:1:6: EL101 "), args


def test_policy_without_a_path_reads_the_current_directory(tmp_path: Path) -> None:
    (tmp_path / "task-definition.json").write_text(
        '{"family": "web", "executionRoleArn": "arn:aws:iam::123456789012:role/exec",'
        ' "containerDefinitions": [{"name": "web", "image": "nginx:1.25",'
        ' "repositoryCredentials": {"credentialsParameter": '
        '"arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbCdEf"}}]}\n'
    )
    run = ecs_lint("policy", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "secretsmanager:GetSecretValue" in run.stdout.decode()


def test_bare_ecs_lint_prints_the_help() -> None:
    run = ecs_lint()  # as ruff: a command is missing, the help says which there are
    assert (run.returncode, run.stdout) == (2, b"")
    assert run.stderr.decode().startswith("Usage: ecs-lint [OPTIONS] COMMAND [ARGS]...")
    assert "ecs-lint PATH... is short for ecs-lint check PATH..." in run.stderr.decode()


def test_no_files_found_is_a_warning_and_exit_zero(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# nothing for ecs-lint\n")
    run = run_cli(str(tmp_path))
    assert run.status == 0
    assert run.stdout == "All clear: no findings (0 files checked).\n"
    assert run.stderr == (
        "ecs-lint: warning: no files found: no Dockerfile, task definition, template or "
        "manifest in the paths given\n"
    )


# --- help texts -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "policy", "aws", "rules", "rule", "ratelimit"])
def test_help_shows_no_internals(command: str) -> None:
    run = run_cli(command, "--help")
    assert run.status == 0
    for internal in ("{", "}", "<list", "<str>", "<int>", "<bool>"):
        assert internal not in run.stdout, (command, internal)


def test_help_lists_the_version_and_the_default_command() -> None:
    top = run_cli("--help").stdout
    assert "-V, --version" in top
    assert "ecs-lint PATH... is short for ecs-lint check PATH..." in top
    check = run_cli("check", "--help").stdout
    assert check.startswith("Usage: ecs-lint check [OPTIONS] [PATH]...\n")
    assert "reads stdin" in check
    assert run_cli("policy", "--help").stdout.startswith(
        "Usage: ecs-lint policy [OPTIONS] [PATH]..."
    )
    assert run_cli("rule", "--help").stdout.startswith("Usage: ecs-lint rule [OPTIONS] CODE\n")
    for option in ("--output-file", "--stdin-filename", "--show-fixes"):
        assert option in check


# --- errors say what failed -----------------------------------------------------------------


def test_an_error_of_the_system_names_what_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecs_lint.cli import check

    def refused(*_: object, **__: object) -> None:
        raise PermissionError(13, "Permission denied", str(tmp_path / "locked"))

    monkeypatch.setattr(check, "_lint", refused)
    run = run_cli("-o", "json", str(tmp_path))  # a line typer parses too
    assert (run.status, run.stdout) == (2, "")
    assert run.stderr == f"ecs-lint: error: '{tmp_path / 'locked'}': Permission denied\n"
    assert "cannot write the output" not in run_cli("-ojson", str(tmp_path)).stderr


def test_a_removed_working_directory_is_named(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx\n")
    gone = tmp_path / "gone"
    gone.mkdir()
    script = (
        "import os, sys\n"
        f"os.chdir({str(gone)!r}); os.rmdir({str(gone)!r})\n"
        "from ecs_lint.cli import main\n"
        f"main([{str(tmp_path / 'Dockerfile')!r}])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert run.returncode == 2
    assert run.stderr == (
        f"ecs-lint: error: the current directory does not exist any more ({os.strerror(2)})\n"
    )


# --- the end of the process -------------------------------------------------------------------

EXITING = (
    "import atexit, sys, threading, time\n"
    "from pathlib import Path\n"
    "atexit.register(lambda: print('at exit', file=sys.stderr))\n"
    "{thread}"
    "sys.argv = ['ecs-lint', *sys.argv[1:]]\n"
    "from ecs_lint.cli import main\n"
    "main()\n"
)


def test_a_large_report_through_a_pipe_is_whole_with_its_status(tmp_path: Path) -> None:
    for index in range(300):
        (tmp_path / f"{index:03}.Dockerfile").write_text(f"FROM nginx:1.{index}\n")
    run = ecs_lint("-o", "json", "--select", "EL101", str(tmp_path))
    assert run.returncode == 1
    findings = json.loads(run.stdout)
    assert len(findings) == 300
    assert findings[-1]["file"].endswith("299.Dockerfile")


def test_what_runs_at_exit_still_runs_after_the_report(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    script = EXITING.format(thread="")
    run = subprocess.run(
        [sys.executable, "-c", script, "-o", "concise", "--select", "EL101", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "Dockerfile:1:6: EL101" in run.stdout
    assert run.stderr.endswith("at exit\n")


def test_a_thread_still_running_at_the_end_is_waited_for(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM public.ecr.aws/docker/library/nginx:1.25\n")
    done = tmp_path / "done"
    # A thread an embedding program started: the process ends only when it has.
    thread = (
        f"threading.Thread(target=lambda: (time.sleep(0.3), Path({str(done)!r}).touch())).start()\n"
    )
    script = EXITING.format(thread=thread)
    run = subprocess.run(
        [sys.executable, "-c", script, "--select", "EL101", str(tmp_path / "Dockerfile")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0
    assert done.exists()
    assert run.stderr.endswith("at exit\n")
