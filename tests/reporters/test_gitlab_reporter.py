"""GitLab Code Quality JSON: the fields GitLab reads, paths from the repository root."""

from __future__ import annotations

import json
import re
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


def test_code_quality_issues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = enter_repository(tmp_path, monkeypatch)
    (root / "deploy" / "task.json").write_text(task_json("nginx:1.25", "nginx:1.25", "redis"))
    as_json = json.loads(run_cli(*SAMPLE_RULES, "-o", "json", "task.json").stdout)
    run = run_cli(*SAMPLE_RULES, "--output-format", "gitlab", "task.json")
    assert run.status == 1
    issues = json.loads(run.stdout)
    assert len(issues) == len(as_json) == 4
    first = issues[0]
    assert first["check_name"] == "EL101"
    assert first["description"] == f"EL101 {as_json[0]['message']}"
    assert first["severity"] == "major"
    assert first["location"] == {"path": "deploy/task.json", "lines": {"begin": 4, "end": 4}}
    assert [issue["location"]["lines"]["begin"] for issue in issues] == [4, 5, 6, 6]
    assert [issue["severity"] for issue in issues] == ["major", "major", "major", "minor"]
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == 4  # GitLab drops issues with a repeated fingerprint
    assert all(re.fullmatch(r"[0-9a-f]{32}", print_) for print_ in fingerprints)


def test_info_severity_and_live_findings() -> None:
    source = SourceText("Dockerfile", "FROM nginx:1.25\n")
    info = finding(source, "nginx:1.25", severity=Severity.INFO)
    issues = json.loads(render("gitlab", result_of(source, info, live_finding())))
    assert issues[0]["severity"] == "info"
    live = issues[1]
    assert live["location"]["path"] == "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7"
    assert "containerDefinitions[0].image" in live["description"]


def test_no_findings_is_an_empty_array(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = enter_repository(tmp_path, monkeypatch)
    (root / "deploy" / "task.json").write_text(
        task_json("public.ecr.aws/docker/library/nginx:1.25")
    )
    run = run_cli(*SAMPLE_RULES, "--output-format", "gitlab", ".")
    assert (run.status, json.loads(run.stdout)) == (0, [])
