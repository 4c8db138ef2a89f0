"""GitLab Code Quality: a JSON array of issues for ``artifacts:reports:codequality``.

Severities map to GitLab's scale: error → major, warning → minor, info → info (critical and
blocker are left for problems worse than a failed pull). Paths are relative to the repository
root, as GitLab expects; fingerprints are the ones SARIF uses, stable when lines move.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from ecs_lint.findings import Severity
from ecs_lint.reporters._common import fingerprints, logical_name, repository_path
from ecs_lint.reporters._jsontext import indented_json

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.findings import Finding

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def issue(finding: Finding, fingerprint: str) -> dict[str, Any]:
    span = finding.span
    description = f"{finding.rule} {finding.message}"
    if span.logical is not None:
        path = span.path
        description = f"{finding.rule} {logical_name(span)}: {finding.message}"
    else:
        path = repository_path(span.path) or span.path
    return {
        "type": "issue",
        "description": description,
        "check_name": finding.rule,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[finding.severity],
        "categories": ["Bug Risk"],
        "location": {"path": path, "lines": {"begin": span.line, "end": span.end_line}},
    }


def report(result: RunResult, out: TextIO, *, color: bool = False, quiet: bool = False) -> None:
    issues = [
        issue(finding, fingerprint)
        for finding, fingerprint in zip(result.findings, fingerprints(result), strict=True)
    ]
    out.write(indented_json(issues))  # json.dump(..., indent=2), faster
    out.write("\n")
