"""SARIF output: valid (sarif_check.py; CI adds the OASIS schema), and what GitHub code scanning
needs."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sample_results import (
    SAMPLE_RULES,
    enter_repository,
    finding,
    live_finding,
    render,
    result_of,
    task_json,
)
from sarif_check import assert_valid_sarif

from ecs_lint import __version__
from ecs_lint.rules import RULES
from ecs_lint.textio import SourceText
from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def sarif_of_cli(*args: str) -> dict[str, Any]:
    run = run_cli("--output-format", "sarif", *SAMPLE_RULES, *args)
    assert run.status in (0, 1), run.stderr
    log: dict[str, Any] = json.loads(run.stdout)
    return log


def test_cli_sarif_is_valid_and_locates_findings_from_the_repository_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = enter_repository(tmp_path, monkeypatch)
    (root / "deploy" / "web task.json").write_text(task_json("nginx:1.25", "redis"))
    log = sarif_of_cli(".")
    assert_valid_sarif(log)

    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("ecs-lint", __version__)
    assert driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == [rule.code for rule in RULES]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == root.as_uri() + "/"

    results = run["results"]
    assert [r["ruleId"] for r in results] == ["EL101", "EL101", "EL105"]
    first = results[0]
    assert driver["rules"][first["ruleIndex"]]["id"] == "EL101"
    assert first["level"] == "error"
    assert "nginx" in first["message"]["text"]
    physical = first["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {
        "uri": "deploy/web%20task.json",
        "uriBaseId": "%SRCROOT%",
    }
    assert physical["region"] == {"startLine": 4, "startColumn": 30, "endLine": 4, "endColumn": 40}
    assert results[2]["level"] == "warning"


def test_every_rule_descriptor_has_what_code_scanning_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_repository(tmp_path, monkeypatch)
    (tmp_path / "repo" / "deploy" / "task.json").write_text(task_json("nginx:1.25"))
    for descriptor, rule in zip(
        sarif_of_cli(".")["runs"][0]["tool"]["driver"]["rules"], RULES, strict=True
    ):
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"]
        assert descriptor["fullDescription"]["text"]
        assert descriptor["fullDescription"]["text"] != descriptor["shortDescription"]["text"]
        assert "## How to fix" in descriptor["help"]["markdown"]
        assert "How to fix" in descriptor["help"]["text"]
        assert descriptor["helpUri"].endswith(f"#{rule.code.lower()}-{rule.name}")
        assert descriptor["defaultConfiguration"]["level"] in ("error", "warning", "note")


def test_fingerprints_survive_lines_moving_and_tell_duplicates_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = enter_repository(tmp_path, monkeypatch)
    task = root / "deploy" / "task.json"
    task.write_text(task_json("nginx:1.25", "nginx:1.25", "redis:7"))
    before = sarif_of_cli("task.json")["runs"][0]["results"]
    task.write_text(
        "\n\n\n" + task_json("redis:7", "nginx:1.25", "nginx:1.25").replace("  ", "    ")
    )
    after = sarif_of_cli("task.json")["runs"][0]["results"]

    def by_fingerprint(results: list[dict[str, Any]]) -> dict[str, int]:
        return {
            r["partialFingerprints"]["ecsLint/v1"]: r["locations"][0]["physicalLocation"]["region"][
                "startLine"
            ]
            for r in results
        }

    old, new = by_fingerprint(before), by_fingerprint(after)
    assert len(old) == len(before) == 3  # the two nginx uses differ
    assert old.keys() == new.keys()
    assert old != new  # the same findings, on other lines


def test_fingerprint_changes_when_the_image_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = enter_repository(tmp_path, monkeypatch)
    task = root / "deploy" / "task.json"
    task.write_text(task_json("nginx:1.25"))
    before = sarif_of_cli("task.json")["runs"][0]["results"][0]["partialFingerprints"]
    task.write_text(task_json("nginx:1.26"))
    after = sarif_of_cli("task.json")["runs"][0]["results"][0]["partialFingerprints"]
    assert before != after


def test_a_fix_becomes_a_sarif_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    enter_repository(tmp_path, monkeypatch)
    source = SourceText("Dockerfile", "FROM alpine:3.20\nFROM nginx:1.25 AS web\n")
    replacement = "public.ecr.aws/docker/library/nginx:1.25"
    log = json.loads(
        render("sarif", result_of(source, finding(source, "nginx:1.25", fix_text=replacement)))
    )
    assert_valid_sarif(log)
    (fix,) = log["runs"][0]["results"][0]["fixes"]
    assert fix["description"]["text"] == f"replace with {replacement}"
    (change,) = fix["artifactChanges"]
    assert change["artifactLocation"] == {"uri": "deploy/Dockerfile", "uriBaseId": "%SRCROOT%"}
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 2, "startColumn": 6, "endLine": 2, "endColumn": 16},
            "insertedContent": {"text": replacement},
        }
    ]


def test_a_live_resource_finding_gets_a_logical_location(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_repository(tmp_path, monkeypatch)
    source = SourceText("Dockerfile", "FROM nginx:1.25\n")
    result = result_of(source, finding(source, "nginx:1.25"), live_finding())
    log = json.loads(render("sarif", result))
    assert_valid_sarif(log)
    live = log["runs"][0]["results"][1]
    (location,) = live["locations"]
    assert "physicalLocation" not in location
    (logical,) = location["logicalLocations"]
    assert logical["name"] == "containerDefinitions[0].image"
    assert logical["fullyQualifiedName"] == (
        "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7#containerDefinitions[0].image"
    )
    fingerprints = {r["partialFingerprints"]["ecsLint/v1"] for r in log["runs"][0]["results"]}
    assert len(fingerprints) == 2


def test_a_file_outside_the_repository_gets_an_absolute_uri(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enter_repository(tmp_path, monkeypatch)
    outside = tmp_path / "elsewhere" / "task.json"
    outside.parent.mkdir()
    outside.write_text(task_json("nginx:1.25"))
    log = sarif_of_cli(str(outside))
    assert_valid_sarif(log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": outside.as_uri()}


def test_no_findings_is_still_a_valid_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = enter_repository(tmp_path, monkeypatch)
    (root / "deploy" / "task.json").write_text(
        task_json("public.ecr.aws/docker/library/nginx:1.25")
    )
    log = sarif_of_cli(".")
    assert_valid_sarif(log)
    assert log["runs"][0]["results"] == []
