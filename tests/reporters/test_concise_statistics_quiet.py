"""The human-facing extras: concise lines, --statistics, --quiet."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from sample_results import SAMPLE_RULES, finding, live_finding, render, result_of, task_json

from ecs_lint.textio import SourceText
from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def task(tmp_path: Path) -> Path:
    path = tmp_path / "task.json"
    path.write_text(task_json("nginx:1.25", "redis", "busybox:1.36"))
    return path


def test_concise_is_one_line_per_finding_and_a_summary(task: Path) -> None:
    run = run_cli(*SAMPLE_RULES, "--output-format", "concise", str(task))
    lines = run.stdout.splitlines()
    assert run.status == 1
    assert lines[0].startswith(f"{task}:4:30: EL101 docker.io/library/nginx:1.25 ")
    assert [line.split(" ")[1] for line in lines[:-2]] == ["EL101", "EL101", "EL105", "EL101"]
    # Offline, the ECR Public equivalents are the catalog's: unsafe fixes.
    assert lines[-2] == "No fixes available (3 with --fix --unsafe-fixes)."
    assert lines[-1] == "Found 3 errors, 1 warning (1 file checked)."


def test_concise_names_live_resources_and_escapes_control_characters() -> None:
    source = SourceText("Dockerfile", "FROM nginx:1.25\n")
    odd = finding(source, "nginx:1.25", message="evil\x1b]0;title\x07 text")
    lines = render("concise", result_of(source, odd, live_finding()), quiet=True).splitlines()
    assert lines[0] == "Dockerfile:1:6: EL101 evil\\x1b]0;title\\x07 text"
    assert lines[1].startswith(
        "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7#containerDefinitions[0].image: "
        "EL101 "
    )


def test_quiet_prints_only_findings(task: Path) -> None:
    loud = run_cli(*SAMPLE_RULES, str(task)).stdout
    quiet = run_cli(*SAMPLE_RULES, "--quiet", str(task))
    assert quiet.status == 1
    assert loud.startswith(quiet.stdout)
    assert "Found " in loud
    assert "Found " not in quiet.stdout
    assert run_cli(*SAMPLE_RULES, "-q", "-o", "concise", str(task)).stdout.count("\n") == 4


def test_quiet_clean_run_prints_nothing(tmp_path: Path) -> None:
    (tmp_path / "task.json").write_text(task_json("public.ecr.aws/docker/library/nginx:1.25"))
    run = run_cli(*SAMPLE_RULES, "--quiet", str(tmp_path))
    assert (run.status, run.stdout) == (0, "")


def test_statistics_counts_per_rule_most_frequent_first(task: Path) -> None:
    run = run_cli(*SAMPLE_RULES, "--statistics", str(task))
    assert run.status == 1
    assert run.stdout.splitlines() == [
        "3  EL101  docker-hub-anonymous-pull",
        "1  EL105  mutable-image-tag",
        "No fixes available (3 with --fix --unsafe-fixes).",
        "Found 3 errors, 1 warning (1 file checked).",
    ]


def test_statistics_quiet_is_just_the_table(task: Path) -> None:
    run = run_cli(*SAMPLE_RULES, "--statistics", "--quiet", str(task))
    assert run.stdout.splitlines() == [
        "3  EL101  docker-hub-anonymous-pull",
        "1  EL105  mutable-image-tag",
    ]


def test_statistics_as_json(task: Path) -> None:
    run = run_cli(*SAMPLE_RULES, "--statistics", "--output-format", "json", str(task))
    assert json.loads(run.stdout) == [
        {"code": "EL101", "name": "docker-hub-anonymous-pull", "count": 3, "fixable": False},
        {"code": "EL105", "name": "mutable-image-tag", "count": 1, "fixable": False},
    ]


def test_statistics_marks_rules_with_fixes() -> None:
    from ecs_lint.reporters.statistics import table

    source = SourceText("Dockerfile", "FROM nginx:1.25\nFROM redis:7\n")
    fixed = finding(source, "nginx:1.25", fix_text="public.ecr.aws/docker/library/nginx:1.25")
    result = result_of(
        source, fixed, finding(source, "redis:7"), finding(source, "redis:7", "EL105")
    )
    assert table(result).splitlines() == [
        "2  EL101  docker-hub-anonymous-pull  [*]",
        "1  EL105  mutable-image-tag",
    ]
