"""The schema the SARIF tests validate with (sarif_subset.schema.json) is strict: it accepts what
ecs-lint writes and rejects each way a log can be wrong, naming the place."""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

import pytest
from sample_results import enter_repository, finding, live_finding, render, result_of
from sarif_check import assert_valid_sarif, sarif_errors

from ecs_lint.textio import SourceText

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

Log = dict[str, Any]


@pytest.fixture
def log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Log:
    """A log of every kind of result: in a file with a fix, in a file, on a live resource."""
    enter_repository(tmp_path, monkeypatch)
    source = SourceText("Dockerfile", "FROM nginx:1.25\nFROM redis:7\n")
    fixed = finding(source, "nginx:1.25", fix_text="public.ecr.aws/docker/library/nginx:1.25")
    result = result_of(source, fixed, finding(source, "redis:7", "EL105"), live_finding())
    parsed: Log = json.loads(render("sarif", result))
    return parsed


def run_of(log: Log) -> Log:
    run: Log = log["runs"][0]
    return run


def first_result(log: Log) -> Log:
    result: Log = run_of(log)["results"][0]
    return result


def first_place(log: Log) -> Log:
    place: Log = first_result(log)["locations"][0]["physicalLocation"]
    return place


def first_rule(log: Log) -> Log:
    rule: Log = run_of(log)["tool"]["driver"]["rules"][0]
    return rule


def first_fix(log: Log) -> Log:
    fix: Log = first_result(log)["fixes"][0]
    return fix


def test_what_ecs_lint_writes_is_valid(log: Log) -> None:
    assert_valid_sarif(log)
    kinds = [set(result["locations"][0]) for result in run_of(log)["results"]]
    assert kinds == [{"physicalLocation"}, {"physicalLocation"}, {"logicalLocations"}]
    assert "fixes" in first_result(log)


BROKEN: dict[str, tuple[Callable[[Log], None], str]] = {
    "a wrong version": (lambda log: log.update(version="2.0.0"), "version: '2.1.0' was expected"),
    "no version": (lambda log: log.pop("version"), "'version' is a required property"),
    "no run": (lambda log: log.update(runs=[]), "runs: [] should be non-empty"),
    "an unknown member of the log": (lambda log: log.update(extra=1), "'extra' was unexpected"),
    "a driver without a name": (
        lambda log: run_of(log)["tool"]["driver"].pop("name"),
        "runs/0/tool/driver: 'name' is a required property",
    ),
    "columns counted in an unknown unit": (
        lambda log: run_of(log).update(columnKind="bytes"),
        "runs/0/columnKind: 'bytes' is not one of",
    ),
    "a base URI without its final slash": (
        lambda log: run_of(log)["originalUriBaseIds"]["%SRCROOT%"].update(uri="file:///repo"),
        "runs/0/originalUriBaseIds/%SRCROOT%/uri: 'file:///repo' does not match",
    ),
    "a result without a message": (
        lambda log: first_result(log).pop("message"),
        "runs/0/results/0: 'message' is a required property",
    ),
    "a message without text": (
        lambda log: first_result(log).update(message={}),
        "runs/0/results/0/message: 'text' is a required property",
    ),
    "a result without its rule": (
        lambda log: first_result(log).pop("ruleId"),
        "runs/0/results/0: 'ruleId' is a required property",
    ),
    "an unknown level": (
        lambda log: first_result(log).update(level="critical"),
        "runs/0/results/0/level: 'critical' is not one of ['none', 'note', 'warning', 'error']",
    ),
    "a negative rule index": (
        lambda log: first_result(log).update(ruleIndex=-2),
        "runs/0/results/0/ruleIndex: -2 is less than the minimum of 0",
    ),
    "an unknown member of a result": (
        lambda log: first_result(log).update(severity="error"),
        "runs/0/results/0: Additional properties are not allowed ('severity' was unexpected)",
    ),
    "a result without a location": (
        lambda log: first_result(log).update(locations=[]),
        "runs/0/results/0/locations: [] should be non-empty",
    ),
    "an empty location": (
        lambda log: first_result(log).update(locations=[{}]),
        "runs/0/results/0/locations/0: {} should be non-empty",
    ),
    "a fingerprint that is not a string": (
        lambda log: first_result(log)["partialFingerprints"].update({"ecsLint/v1": 5}),
        "runs/0/results/0/partialFingerprints/ecsLint/v1: 5 is not of type 'string'",
    ),
    "a line 0": (
        lambda log: first_place(log)["region"].update(startLine=0),
        "runs/0/results/0/locations/0/physicalLocation/region/startLine: 0 is less than",
    ),
    "a line number in a string": (
        lambda log: first_place(log)["region"].update(startLine="2"),
        "physicalLocation/region/startLine: '2' is not of type 'integer'",
    ),
    "a misspelt region member": (
        lambda log: first_place(log)["region"].update(startLin=2),
        "physicalLocation/region: Additional properties are not allowed ('startLin'",
    ),
    "a URI with a space": (
        lambda log: first_place(log)["artifactLocation"].update(uri="deploy/web task.json"),
        "physicalLocation/artifactLocation/uri: 'deploy/web task.json' does not match",
    ),
    "a URI with a broken percent escape": (
        lambda log: first_place(log)["artifactLocation"].update(uri="deploy/%zz.json"),
        "physicalLocation/artifactLocation/uri: 'deploy/%zz.json' does not match",
    ),
    "a URI with a character RFC 3986 does not allow": (
        lambda log: first_place(log)["artifactLocation"].update(uri="deploy/tâche.json"),
        "physicalLocation/artifactLocation/uri: 'deploy/tâche.json' does not match",
    ),
    "a help URI without a scheme": (
        lambda log: first_rule(log).update(helpUri="docs/rules.md#el101"),
        "runs/0/tool/driver/rules/0/helpUri: 'docs/rules.md#el101' does not match",
    ),
    "a rule without an id": (
        lambda log: first_rule(log).pop("id"),
        "runs/0/tool/driver/rules/0: 'id' is a required property",
    ),
    "an unknown default level": (
        lambda log: first_rule(log)["defaultConfiguration"].update(level="fatal"),
        "runs/0/tool/driver/rules/0/defaultConfiguration/level: 'fatal' is not one of",
    ),
    "a tag twice": (
        lambda log: first_rule(log)["properties"].update(tags=["ecs", "ecs"]),
        "runs/0/tool/driver/rules/0/properties/tags: ['ecs', 'ecs'] has non-unique elements",
    ),
    "a fix without changes": (
        lambda log: first_fix(log).pop("artifactChanges"),
        "runs/0/results/0/fixes/0: 'artifactChanges' is a required property",
    ),
    "a replacement without the region it deletes": (
        lambda log: first_fix(log)["artifactChanges"][0]["replacements"][0].pop("deletedRegion"),
        "fixes/0/artifactChanges/0/replacements/0: 'deletedRegion' is a required property",
    ),
    "a logical location without its name": (
        lambda log: run_of(log)["results"][2]["locations"][0]["logicalLocations"][0].pop("name"),
        "runs/0/results/2/locations/0/logicalLocations/0: 'name' is a required property",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_log_is_rejected_at_its_place(log: Log, case: str) -> None:
    breaks, expected = BROKEN[case]
    broken = copy.deepcopy(log)
    breaks(broken)
    errors = sarif_errors(broken)
    assert any(expected in error for error in errors), errors


@pytest.mark.parametrize(
    "uri",
    [
        "deploy/web%20task.json",
        "deploy/t%C3%A2che.json",
        "file:///tmp/elsewhere/task.json",
        "../outside/Dockerfile",
        "https://github.com/ecs-lint/ecs-lint/blob/main/docs/rules.md#el101-docker-hub",
    ],
)
def test_uris_ecs_lint_writes_are_accepted(log: Log, uri: str) -> None:
    first_place(log)["artifactLocation"]["uri"] = uri
    assert_valid_sarif(log)
