"""Rule documentation: ``ecs-lint rule``, ``ecs-lint rules`` and the generated docs/rules.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ecs_lint.docs import parse, rules_page
from ecs_lint.rules import RULES
from support import run_cli

if TYPE_CHECKING:
    from ecs_lint.rule import Rule

REPOSITORY = Path(__file__).resolve().parents[1]
SECTIONS = ["What it does", "Why is this bad?", "Example", "How to fix"]


@pytest.fixture(autouse=True)
def _no_colour_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


def test_rule_prints_the_documentation() -> None:
    run = run_cli("rule", "EL101")
    assert run.status == 0
    lines = run.stdout.splitlines()
    assert lines[0] == "EL101 docker-hub-anonymous-pull: image pulled anonymously from Docker Hub."
    assert lines[1] == "Severity: error. Fix available: yes."
    for heading in SECTIONS:
        assert heading in lines
    assert '    {"name": "web", "image": "nginx:1.25"}' in lines  # the example, indented
    assert "```" not in run.stdout
    assert "``" not in run.stdout
    assert "`docker.io`" in run.stdout
    assert "\x1b[" not in run.stdout  # not a terminal


def test_rule_accepts_lowercase_codes_and_names() -> None:
    expected = run_cli("rule", "EL105").stdout
    assert run_cli("rule", "el105").stdout == expected
    assert run_cli("rule", "mutable-image-tag").stdout == expected


def test_rule_in_colour_has_bold_headings_and_dim_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    out = run_cli("rule", "EL101").stdout
    assert "\x1b[1mWhat it does\x1b[0m" in out
    assert '\x1b[2m    {"name": "web", "image": "nginx:1.25"}\x1b[0m' in out
    assert "\x1b[36mdocker.io\x1b[0m" in out
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in run_cli("rule", "EL101").stdout


def test_unknown_rule_is_a_usage_error() -> None:
    run = run_cli("rule", "EL999")
    assert run.status == 2
    assert run.stdout == ""
    assert "unknown rule 'EL999'" in run.stderr
    assert "Traceback" not in run.stderr


def test_rules_lists_every_rule() -> None:
    run = run_cli("rules")
    assert run.status == 0
    header, *rows = run.stdout.splitlines()
    assert header.split() == ["Code", "Name", "Severity", "Fix"]
    assert [row.split()[:3] for row in rows] == [
        [rule.code, rule.name, rule.severity.value] for rule in RULES
    ]


def test_rules_as_json() -> None:
    entries = json.loads(run_cli("rules", "--output-format", "json").stdout)
    assert [(e["code"], e["name"], e["severity"], e["fixable"]) for e in entries] == [
        (rule.code, rule.name, rule.severity.value, rule.fixable) for rule in RULES
    ]
    assert all(entry["summary"] and entry["url"].startswith("https://") for entry in entries)
    assert run_cli("rules", "--output-format", "sarif").status == 2


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_every_rule_documents_the_four_sections(rule: Rule) -> None:
    assert rule.doc.startswith(f"{rule.code} {rule.name}: ")
    headings = [block.lines[0] for block in parse(rule.body) if block.kind == "heading"]
    assert headings == SECTIONS


def test_docs_rules_md_is_up_to_date() -> None:
    current = (REPOSITORY / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == rules_page(RULES), "docs/rules.md is stale: run python -m ecs_lint.docs"


def test_rules_md_has_every_rule_and_its_sections() -> None:
    page = rules_page(RULES)
    for rule in RULES:
        assert f"\n## {rule.code} {rule.name}\n" in page
        assert f"| [{rule.code}](#{rule.code.lower()}-{rule.name}) |" in page
    assert page.count("\n### How to fix\n") == len(RULES)


def test_generator_writes_and_checks(tmp_path: Path) -> None:
    output = tmp_path / "docs" / "rules.md"

    def generator(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "ecs_lint.docs", *args, str(output)]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    assert generator("--check").returncode == 1  # missing
    assert generator().returncode == 0
    assert output.read_text(encoding="utf-8") == rules_page(RULES)
    assert generator("--check").returncode == 0
    output.write_text(rules_page(RULES).replace("EL101", "EL1O1"), encoding="utf-8")
    stale = generator("--check")
    assert stale.returncode == 1
    assert "out of date" in stale.stderr
