"""Every bad input named in the core issue: a clear finding or message, never a traceback."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path


def lint_json(path: Path, *options: str) -> tuple[int, list[dict[str, object]], str]:
    run = run_cli("-o", "json", *options, str(path))
    assert "Traceback" not in run.stderr + run.stdout
    return run.status, json.loads(run.stdout), run.stderr


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM nginx\x00\x01\x02")
    status, findings, _ = lint_json(path)
    assert status == 2
    assert findings[0]["rule"] == "EL900"
    assert "binary" in str(findings[0]["message"])


def test_invalid_utf8_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "task.json"
    path.write_bytes(b'{"containerDefinitions": [\n  {"name": "\xff"}]}')
    status, findings, _ = lint_json(path)
    assert status == 2
    assert (findings[0]["rule"], findings[0]["line"], findings[0]["column"]) == ("EL900", 2, 13)
    assert "UTF-8" in str(findings[0]["message"])


def test_empty_files_are_fine(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("")
    (tmp_path / "task.json").write_text("")
    run = run_cli(str(tmp_path))
    assert run.status == 0


EMPTY_TASK_DEFINITION = "EL900 empty file, though its name says it is in the task-definition format"


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("task-definition.json", b"", f"1:1: {EMPTY_TASK_DEFINITION}"),
        ("web.taskdef.json", b"  \n\t", f"1:1: {EMPTY_TASK_DEFINITION}"),
        ("Container-Definitions.json", b"", f"1:1: {EMPTY_TASK_DEFINITION}"),
        ("prod-task-definition.json", b'{"family": "web", "contai', "1:19: EL900 invalid JSON"),
        ("taskdef.json", b'{"family": "web"', "1:17: EL900 invalid JSON"),
    ],
)
def test_an_empty_or_truncated_task_definition_is_reported(
    tmp_path: Path, name: str, data: bytes, expected: str
) -> None:
    (tmp_path / name).write_bytes(data)
    (tmp_path / "package.json").write_bytes(data)  # not named like a task definition: skipped
    run = run_cli(str(tmp_path), "-o", "concise", "--select", "EL900")
    assert run.status == 2
    (line, summary) = run.stdout.splitlines()
    assert line.startswith(f"{tmp_path / name}:{expected}")
    assert summary == "Found 1 error (1 file checked)."


def test_json_without_a_task_definition_in_a_file_named_like_one_is_checked(
    tmp_path: Path,
) -> None:
    (tmp_path / "task-definition.json").write_text("{}")
    run = run_cli(str(tmp_path), "-o", "concise")
    assert (run.status, run.stdout) == (0, "All clear: no findings (1 file checked).\n")


def test_file_over_10_mib_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    with path.open("wb") as handle:
        handle.write(b"FROM nginx:1.25\n")
        handle.truncate(10 * 1024 * 1024 + 1)
    status, findings, _ = lint_json(path)
    assert status == 2
    assert findings[0]["rule"] == "EL900"
    assert "10 MiB" in str(findings[0]["message"])


def test_deeply_nested_json(tmp_path: Path) -> None:
    path = tmp_path / "task.json"
    path.write_text('{"containerDefinitions": ' + "[" * 100_000 + "]" * 100_000 + "}")
    status, findings, _ = lint_json(path)
    assert status in (0, 1, 2)
    assert all(f["rule"] in {"EL900", "EL902"} for f in findings)


def test_utf8_bom_is_accepted_and_columns_ignore_it(tmp_path: Path) -> None:
    path = tmp_path / "task.json"
    path.write_bytes(
        b'\xef\xbb\xbf{"containerDefinitions": [{"name": "w", "image": "nginx:1.25"}]}'
    )
    status, findings, _ = lint_json(path)
    assert status == 1
    assert (findings[0]["rule"], findings[0]["line"], findings[0]["column"]) == ("EL101", 1, 51)


def test_crlf_line_endings_keep_positions(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"# build\r\nFROM alpine:3.20 AS a\r\nFROM nginx:1.25\r\n")
    status, findings, _ = lint_json(path, "--select", "EL101")
    assert status == 1
    assert [(f["line"], f["column"], f["end_column"]) for f in findings] == [(2, 6, 17), (3, 6, 16)]


def test_duplicate_keys_last_wins_and_is_said(tmp_path: Path) -> None:
    path = tmp_path / "task.json"
    path.write_text(
        '{"containerDefinitions": [{"name": "w", "image": "ghcr.io/a/b:1", "image": "nginx:1.25"}]}'
    )
    _, findings, _ = lint_json(path, "--select", "EL101,EL903")
    assert sorted(str(f["rule"]) for f in findings) == ["EL101", "EL903"]
    duplicate = next(f for f in findings if f["rule"] == "EL903")
    assert "last" in str(duplicate["message"])
