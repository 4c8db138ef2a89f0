"""GitHub workflow-command annotations, read back the way the Actions runner reads them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sample_results import (
    SAMPLE_RULES,
    enter_repository,
    finding,
    live_finding,
    render,
    result_of,
    task_json,
)

from ecs_lint.findings import Severity
from ecs_lint.textio import SourceText
from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

PAYLOAD = "%0A::error::pwned"


@dataclass
class Command:
    name: str
    properties: dict[str, str]
    message: str


def _unescape(text: str, *, property_value: bool) -> str:
    # The runner's order: CR, LF (then ':' and ',' in property values), and '%' last.
    pairs = [("%0D", "\r"), ("%0A", "\n")]
    if property_value:
        pairs += [("%3A", ":"), ("%2C", ",")]
    for escaped, plain in [*pairs, ("%25", "%")]:
        text = text.replace(escaped, plain)
    return text


def parse_commands(output: str) -> list[Command]:
    """Every workflow command the runner would act on, one per line of output, decoded."""
    commands = []
    for line in output.splitlines():
        stripped = line.strip()
        if not stripped.startswith("::"):
            continue
        head, separator, data = stripped[2:].partition("::")
        assert separator, f"unterminated command: {line!r}"
        name, _, raw_properties = head.partition(" ")
        properties = {}
        for pair in filter(None, raw_properties.split(",")):
            key, _, value = pair.partition("=")
            properties[key] = _unescape(value, property_value=True)
        commands.append(Command(name, properties, _unescape(data, property_value=False)))
    return commands


def test_annotations_carry_position_title_and_severity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = enter_repository(tmp_path, monkeypatch)
    (root / "deploy" / "task.json").write_text(task_json("nginx:1.25", "redis"))
    run = run_cli(*SAMPLE_RULES, "--output-format", "github", ".")
    assert run.status == 1
    error, error2, warning = parse_commands(run.stdout)
    assert error.name == "error"
    assert error.properties == {
        "file": "deploy/task.json",
        "line": "4",
        "col": "30",
        "endLine": "4",
        "endColumn": "40",
        "title": "EL101 (docker-hub-anonymous-pull)",
    }
    assert "nginx:1.25" in error.message
    assert (error2.name, warning.name) == ("error", "warning")
    assert warning.properties["title"] == "EL105 (mutable-image-tag)"
    assert len(run.stdout.splitlines()) == 3  # nothing but the annotations


def test_linted_content_cannot_inject_workflow_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Image text and file names come back verbatim as data, never as commands."""
    root = enter_repository(tmp_path, monkeypatch)
    images = [
        f"nginx{PAYLOAD}",
        "evil\\n::error file=x.py,line=1::pwned",
        "a\\r\\n::warning::pwned,b:c",
        "x::add-mask::y",
    ]
    name = "ta,sk:1\n::error::pwned.json"
    (root / "deploy" / name).write_text(task_json(*images))
    as_json = json.loads(run_cli("--output-format", "json", name).stdout)
    run = run_cli("--output-format", "github", name)

    lines = run.stdout.splitlines()
    assert len(lines) == len(as_json) >= len(images)
    assert all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines)
    commands = parse_commands(run.stdout)
    assert [c.message for c in commands] == [f["message"] for f in as_json]
    assert {c.properties["file"] for c in commands} == {f"deploy/{name}"}
    assert any(PAYLOAD in c.message for c in commands)
    assert any("\n::error file=x.py" in c.message for c in commands)
    assert PAYLOAD not in run.stdout  # written as %250A, which the runner decodes to %0A


def test_dockerfile_content_cannot_inject_workflow_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = enter_repository(tmp_path, monkeypatch)
    dockerfile = root / "deploy" / "Dockerfile"
    dockerfile.write_text(
        f"FROM nginx{PAYLOAD}\n"
        "FROM busybox::error::pwned,a:b\n"
        'ARG BASE="x::error::pwned"\n'
        "FROM ${BASE}\n"
    )
    invalid_and_unparsable = ("--select", "EL104,EL900")
    run = run_cli(*invalid_and_unparsable, "--output-format", "github", str(dockerfile))
    commands = parse_commands(run.stdout)
    assert len(commands) == len(run.stdout.splitlines()) == 3
    assert [c.properties["line"] for c in commands] == ["1", "2", "4"]
    assert {c.name for c in commands} <= {"error", "warning", "notice"}
    assert any(PAYLOAD in c.message for c in commands)
    assert all(c.properties["file"] == "deploy/Dockerfile" for c in commands)


def test_a_multi_line_finding_has_no_columns() -> None:
    source = SourceText("Dockerfile", "FROM \\\n  nginx:1.25\n")
    single = finding(source, "nginx:1.25")
    multi = finding(source, "FROM \\\n  nginx:1.25")
    (first, second) = parse_commands(render("github", result_of(source, single, multi)))
    assert {"col", "endColumn"} <= first.properties.keys()
    assert second.properties["line"] == "1"
    assert second.properties["endLine"] == "2"
    assert "col" not in second.properties
    assert "endColumn" not in second.properties


def test_info_findings_are_notices_and_live_findings_have_no_file() -> None:
    source = SourceText("Dockerfile", "FROM nginx:1.25\n")
    info = finding(source, "nginx:1.25", severity=Severity.INFO)
    notice, live = parse_commands(render("github", result_of(source, info, live_finding())))
    assert notice.name == "notice"
    assert "file" not in live.properties
    assert live.message.startswith(
        "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7#containerDefinitions[0].image: "
    )


def test_control_characters_in_messages_are_shown_escaped() -> None:
    source = SourceText("Dockerfile", "FROM nginx:1.25\n")
    noisy = finding(source, "nginx:1.25", message="bad \x1b[31mred\x1b[0m \u202eevil\r\nnext")
    (command,) = parse_commands(render("github", result_of(source, noisy)))
    assert command.message == "bad \\x1b[31mred\\x1b[0m \\u202eevil\r\nnext"


def test_paths_are_relative_to_the_repository_root_from_its_top_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = enter_repository(tmp_path, monkeypatch)
    (root / "deploy" / "task.json").write_text(task_json("nginx:1.25"))
    monkeypatch.chdir(root)
    (command,) = parse_commands(run_cli(*SAMPLE_RULES, "-o", "github", "deploy/task.json").stdout)
    assert command.properties["file"] == "deploy/task.json"
