"""Text from linted files never reaches a terminal or a CI log raw, in any output.

Image names, container names and file names are the attacker's text when ecs-lint runs on a pull
request. Every output format, the statistics table, ``--diff`` and the messages on stderr are run
over files holding terminal escape sequences (CSI colour, OSC 0 window title, OSC 52 clipboard),
BEL, C1 controls, Unicode line separators and bidirectional overrides, and lines forged to look
like GitHub workflow commands; none of those characters may come out raw, and no output line
other than the github format's own annotations may start a workflow command.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

if sys.platform != "win32":
    import pty
    import tty

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

ESC_SEQUENCES = "\x1b[31m\x1b]0;owned\x07\x1b]52;c;aGVsbG8=\x07\x9b2J\x85\u2028\u202e\u2066"
INJECTED = "\n::error file=x.py,line=1::forged\n::add-mask::x\n"
# What must never come out raw: C0 controls but tab and line feed, DEL, C1 controls, Unicode
# line and paragraph separators, and bidirectional marks, embeddings, overrides and isolates.
DANGEROUS = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
OUR_COLOURS = re.compile(r"\x1b\[[0-9;]*m")
FORMATS = ["text", "concise", "github", "json", "sarif", "gitlab", "junit"]
GITHUB_COMMAND = re.compile(r"::(error|warning|notice) [^\n]*::[^\n]*")


def hostile_tree(root: Path) -> None:
    """Files whose images, names and paths carry escape sequences and forged commands."""
    (root / "Dockerfile").write_text(
        f"# {ESC_SEQUENCES}\nFROM nginx{ESC_SEQUENCES}:1\nFROM node:20\nBOGUS {ESC_SEQUENCES}\n",
        encoding="utf-8",
    )
    task = {
        "family": f"web{ESC_SEQUENCES}",
        "containerDefinitions": [
            {"name": f"c{ESC_SEQUENCES}", "image": f"nginx{INJECTED}{ESC_SEQUENCES}"},
            {"name": "d", "image": "redis:7"},
        ],
    }
    (root / "task-definition.json").write_text(json.dumps(task), encoding="utf-8")
    (root / "compose.yaml").write_text(
        "services:\n  web:\n    image: " + json.dumps(f"nginx{INJECTED}{ESC_SEQUENCES}") + "\n",
        encoding="utf-8",
    )
    # File names are the attacker's text too: a name matching a Dockerfile pattern.
    (root / f"Dockerfile.{ESC_SEQUENCES}").write_text("FROM alpine\n", encoding="utf-8")
    (root / "x\n::warning::forged-by-name.Dockerfile").write_text(
        "FROM busybox\n", encoding="utf-8"
    )


def assert_safe(output: str, *, github: bool = False) -> None:
    raw = DANGEROUS.findall(OUR_COLOURS.sub("", output))
    assert not raw, f"raw control characters in the output: {raw!r}"
    for line in output.splitlines():
        if github:
            assert GITHUB_COMMAND.fullmatch(line), line
        else:
            # The runner reads a command at the start of a line, after leading whitespace.
            assert not line.lstrip().startswith("::"), line


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_output_format_lets_file_text_through_raw(fmt: str, tmp_path: Path) -> None:
    hostile_tree(tmp_path)
    run = run_cli(str(tmp_path), "-o", fmt)
    assert run.status == 1 or run.status == 2, run.stderr
    assert_safe(run.stdout, github=fmt == "github")
    assert_safe(run.stderr)
    assert "forged" in run.stdout or fmt in ("gitlab", "sarif")  # the text is shown, escaped


def test_github_annotations_are_one_line_each_and_cannot_be_split(tmp_path: Path) -> None:
    hostile_tree(tmp_path)
    run = run_cli(str(tmp_path), "-o", "github")
    lines = run.stdout.splitlines()
    for line in lines:
        command, properties_and_message = line[2:].split(" ", 1)
        assert command in {"error", "warning", "notice"}
        properties, _message = properties_and_message.split("::", 1)
        # Property values never hold a raw ',' or ':' that would end or forge a property.
        for item in properties.split(","):
            key, _, value = item.partition("=")
            assert key in {"file", "line", "col", "endLine", "endColumn", "title"}
            assert ":" not in value and "," not in value
    assert any("%0A::error file=x.py" in line for line in lines)  # shown, not obeyed


def test_colour_codes_are_only_ours(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hostile_tree(tmp_path)
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    for fmt in ("text", "concise"):
        run = run_cli(str(tmp_path), "-o", fmt)
        assert OUR_COLOURS.search(run.stdout)  # colour is on
        assert_safe(run.stdout)


def test_statistics_and_quiet_outputs_are_safe(tmp_path: Path) -> None:
    hostile_tree(tmp_path)
    for args in (["--statistics"], ["--statistics", "-o", "json"], ["-q"], ["-q", "-o", "junit"]):
        run = run_cli(str(tmp_path), *args)
        assert_safe(run.stdout)
        assert_safe(run.stderr)


def on_a_terminal(*args: str, cwd: Path) -> tuple[str, str]:
    """stdout and stderr of the real console run with stdout on a pseudo-terminal, as the
    terminal receives it (raw mode: no newline translation)."""
    main, terminal = pty.openpty()
    tty.setraw(terminal)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "ecs_lint", "--offline", *args],
            cwd=cwd,
            stdout=terminal,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(terminal)
    received = []
    with contextlib.suppress(OSError):  # EIO once the child has closed the terminal
        while chunk := os.read(main, 65536):
            received.append(chunk)
    os.close(main)
    _, stderr = process.communicate(timeout=60)
    return b"".join(received).decode(), stderr.decode()


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_diff_shows_context_lines_escaped_on_a_terminal(tmp_path: Path) -> None:
    # A pipe gets the file's bytes (tests/test_fixes.py: the diff applies); a terminal never.
    (tmp_path / "Dockerfile").write_text(
        f"# {ESC_SEQUENCES}\nFROM nginx:1.25\n# after {ESC_SEQUENCES}\n", encoding="utf-8"
    )
    stdout, stderr = on_a_terminal(str(tmp_path), "--diff", "--unsafe-fixes", cwd=tmp_path)
    assert "+FROM public.ecr.aws/docker/library/nginx:1.25" in stdout
    assert "\\x1b]52;c;" in stdout
    assert_safe(stdout)
    assert_safe(stderr)


def test_messages_on_stderr_are_escaped(tmp_path: Path) -> None:
    # A fix skipped because the file also has a parse error names the file on stderr.
    name = f"Dockerfile.{ESC_SEQUENCES}"
    (tmp_path / name).write_text("FROM nginx:1.25\nBOGUS x\n", encoding="utf-8")
    run = run_cli(str(tmp_path), "--fix", "--unsafe-fixes")
    assert "not fixed" in run.stderr
    assert_safe(run.stderr)
    assert_safe(run.stdout)


def test_configuration_errors_quote_file_text_escaped(tmp_path: Path) -> None:
    config = tmp_path / "ecs-lint.toml"
    config.write_text('select = ["EL1\\u001b]0;owned\\u0007\\n::error::x"]\n', encoding="utf-8")
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n", encoding="utf-8")
    run = run_cli(str(tmp_path), "--config", str(config))
    assert run.status == 2
    assert "error" in run.stderr
    assert_safe(run.stderr)
    assert_safe(run.stdout)


def test_a_missing_path_is_quoted_escaped(tmp_path: Path) -> None:
    run = run_cli(str(tmp_path / f"no{ESC_SEQUENCES}\n::error::x"))
    assert run.status == 2
    assert_safe(run.stderr)


def test_a_token_http_cannot_carry_is_a_clear_error_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The local token service puts the user name in the token it answers with: a token holding
    escape sequences and non-Latin-1 characters must be refused, and said so escaped."""
    from servers.dockerhub_ratelimit import RateLimitServer

    user = f"evil{ESC_SEQUENCES}"
    with RateLimitServer(users={user: "token"}) as server:
        monkeypatch.setenv("ECS_LINT_DOCKERHUB_AUTH_URL", server.auth_url)
        monkeypatch.setenv("ECS_LINT_DOCKERHUB_REGISTRY_URL", server.url)
        monkeypatch.setenv("DOCKER_CONFIG", str(tmp_path / "docker"))
        monkeypatch.setenv("DOCKERHUB_USERNAME", user)
        monkeypatch.setenv("DOCKERHUB_TOKEN", "token")
        run = run_cli("ratelimit")
    assert run.status == 2
    assert "not plain printable ASCII" in run.stderr
    assert "Traceback" not in run.stderr
    assert_safe(run.stdout)
    assert_safe(run.stderr)
