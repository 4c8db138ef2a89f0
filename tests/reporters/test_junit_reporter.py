"""JUnit XML: a test case per checked file, a failure per finding, always well-formed."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from sample_results import SAMPLE_RULES, finding, live_finding, render, result_of, task_json

from ecs_lint.textio import SourceText
from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path


def test_one_testcase_per_checked_file_and_a_failure_per_finding(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text(task_json("nginx:1.25", "redis"))
    (tmp_path / "clean.json").write_text(task_json("public.ecr.aws/docker/library/nginx:1.25"))
    (tmp_path / "README.md").write_text("not checked")
    run = run_cli(*SAMPLE_RULES, "--output-format", "junit", str(tmp_path))
    assert run.status == 1
    assert run.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    suites = ET.fromstring(run.stdout)
    (suite,) = suites.findall("testsuite")
    cases = {case.get("name", ""): case for case in suite.findall("testcase")}
    assert sorted(cases) == [str(tmp_path / "bad.json"), str(tmp_path / "clean.json")]
    assert suite.get("tests") == "2"
    # One failed test case (bad.json) of two, however many findings it has.
    assert suite.get("failures") == suites.get("failures") == "1"
    assert cases[str(tmp_path / "clean.json")].findall("failure") == []
    failures = cases[str(tmp_path / "bad.json")].findall("failure")
    assert [failure.get("type") for failure in failures] == ["EL101", "EL101", "EL105"]
    assert failures[0].get("message", "").startswith("EL101 docker.io/library/nginx:1.25")
    assert f"{tmp_path / 'bad.json'}:4:30: EL101 (docker-hub-anonymous-pull)" in (
        failures[0].text or ""
    )


def test_control_and_non_ascii_characters_stay_well_formed() -> None:
    text = "FROM nginx:1.25\n"
    source = SourceText("Dockerfile\x01é", text)
    nasty = 'bell\x07 nul\x00 esc\x1b[2J <tag> & "quote" ü \ud800 \ufffe\nnext'
    xml = render("junit", result_of(source, finding(source, "nginx:1.25", message=nasty)))
    assert xml.isascii()
    suites = ET.fromstring(xml)
    (case,) = suites.iter("testcase")
    assert case.get("name") == "Dockerfile\\x01é"
    (failure,) = case.findall("failure")
    assert failure.get("message") == (
        'EL101 bell\\x07 nul\\x00 esc\\x1b[2J <tag> & "quote" ü \\ud800 \\ufffe\\x0anext'
    )
    # A line break is escaped too: the element text is printed raw into CI logs, where a line
    # of the file's choosing could start a workflow command.
    assert "\n" not in (failure.text or "")


def test_a_live_finding_gets_its_own_testcase() -> None:
    source = SourceText("Dockerfile", "FROM alpine:3.20\n")
    suites = ET.fromstring(render("junit", result_of(source, live_finding())))
    names = [case.get("name") for case in suites.iter("testcase")]
    assert names == ["Dockerfile", "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7"]
    (failure,) = suites.iter("failure")
    assert "#containerDefinitions[0].image:" in (failure.text or "")


def test_a_clean_run_is_all_passed(tmp_path: Path) -> None:
    (tmp_path / "task.json").write_text(task_json("public.ecr.aws/docker/library/nginx:1.25"))
    run = run_cli(*SAMPLE_RULES, "--output-format", "junit", str(tmp_path))
    suites = ET.fromstring(run.stdout)
    assert (run.status, suites.get("tests"), suites.get("failures")) == (0, "1", "0")
