"""Run results for reporter tests: real lint runs in a temporary git repository, and hand-made
findings for what no rule produces yet (fixes, live-resource findings without a file position).
"""

from __future__ import annotations

import io
import subprocess
from typing import TYPE_CHECKING

from ecs_lint.engine import RunResult
from ecs_lint.findings import Edit, Finding, Fix, Severity
from ecs_lint.model import Span
from ecs_lint.reporters import reporter
from ecs_lint.rules import BY_CODE

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

    from ecs_lint.textio import SourceText


# The rules the sample files below are about, for tests that lint them (--select).
SAMPLE_RULES = ("--select", "EL101,EL103,EL104,EL105")


def task_json(*images: str) -> str:
    """A task definition, one container per image, one container per line."""
    containers = ",\n".join(
        f'    {{"name": "c{index}", "image": "{image}"}}' for index, image in enumerate(images)
    )
    return f'{{\n  "family": "web",\n  "containerDefinitions": [\n{containers}\n  ]\n}}\n'


def git_repository(path: Path) -> Path:
    """``path`` made the top of a real git work tree."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    return path


def render(format_name: str, result: RunResult, *, quiet: bool = False) -> str:
    out = io.StringIO()
    reporter(format_name)(result, out, color=False, quiet=quiet)
    return out.getvalue()


def finding(
    source: SourceText,
    needle: str,
    code: str = "EL101",
    *,
    message: str | None = None,
    severity: Severity | None = None,
    fix_text: str | None = None,
) -> Finding:
    """A finding of rule ``code`` on the first occurrence of ``needle`` in ``source``."""
    start = source.text.index(needle)
    span = source.span(start, start + len(needle))
    rule = BY_CODE[code]
    fix = None
    if fix_text is not None:
        fix = Fix(f"replace with {fix_text}", (Edit(span, fix_text),), safe=True)
    return Finding(
        rule=code,
        name=rule.name,
        severity=severity or rule.severity,
        span=span,
        message=message or f"{needle} is a problem",
        image=needle,
        fix=fix,
    )


def live_finding(message: str = "nginx:1.25 is pulled anonymously from Docker Hub") -> Finding:
    """A finding on a live task definition: a resource and a JSON path, no file position."""
    arn = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7"
    span = Span(arn, 1, 1, 1, 1, logical="containerDefinitions[0].image")
    rule = BY_CODE["EL101"]
    return Finding("EL101", rule.name, rule.severity, span, message, image="nginx:1.25")


def result_of(source: SourceText, *findings: Finding) -> RunResult:
    return RunResult(list(findings), 1, {source.path: source}, [source.path])


def enter_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository, with the current directory in its ``deploy`` subdirectory."""
    root = git_repository(tmp_path / "repo")
    (root / "deploy").mkdir()
    monkeypatch.chdir(root / "deploy")
    return root
