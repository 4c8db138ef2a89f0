"""SARIF 2.1.0, within the subset GitHub code scanning reads.

Paths are relative to the repository root (``%SRCROOT%``), so the log uploads from any working
directory; columns count Unicode code points (``columnKind``), as ecs-lint's spans do. A finding
on a live AWS resource has no file: it gets a logical location instead of a physical one.
"""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ecs_lint import __version__
from ecs_lint.findings import Severity
from ecs_lint.reporters._common import (
    absolute_path,
    fingerprints,
    logical_name,
    repository_path,
    repository_root,
)
from ecs_lint.reporters._jsontext import indented_json

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.findings import Finding, Fix
    from ecs_lint.model import Span
    from ecs_lint.rule import Rule

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "ecsLint/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def report(result: RunResult, out: TextIO, *, color: bool = False, quiet: bool = False) -> None:
    out.write(indented_json(sarif_log(result)))  # json.dump(..., indent=2), faster
    out.write("\n")


def sarif_log(result: RunResult) -> dict[str, Any]:
    from ecs_lint.docs import HOMEPAGE
    from ecs_lint.rules import RULES

    index = {rule.code: position for position, rule in enumerate(RULES)}
    prints = fingerprints(result)
    root = repository_root(Path.cwd())
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "ecs-lint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": HOMEPAGE,
                        "rules": [rule_descriptor(rule) for rule in RULES],
                    }
                },
                "originalUriBaseIds": {SRCROOT: {"uri": root.as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": [
                    sarif_result(finding, index.get(finding.rule), fingerprint)
                    for finding, fingerprint in zip(result.findings, prints, strict=True)
                ],
            }
        ],
    }


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    from ecs_lint.docs import help_uri, markdown, plain_text, section, sentence

    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": sentence(rule)},
        "fullDescription": {"text": section(rule, "What it does") or sentence(rule)},
        "help": {"text": plain_text(rule), "markdown": markdown(rule)},
        "helpUri": help_uri(rule),
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": ["ecs"], "precision": "very-high"},
    }


def sarif_result(finding: Finding, rule_index: int | None, fingerprint: str) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [location(finding.span)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    if finding.fix is not None and finding.fix.edits and finding.span.logical is None:
        result["fixes"] = [sarif_fix(finding.fix)]
    return result


def location(span: Span) -> dict[str, Any]:
    if span.logical is not None:
        return {
            "logicalLocations": [
                {"name": span.logical, "fullyQualifiedName": logical_name(span), "kind": "resource"}
            ]
        }
    return {"physicalLocation": {"artifactLocation": artifact(span.path), "region": region(span)}}


def artifact(path: str) -> dict[str, Any]:
    """Where a file is, as a URI: the path's bytes percent-encoded, those that are not UTF-8 too
    (``Path.as_uri`` encodes the same bytes)."""
    relative = repository_path(path)
    if relative is None:
        return {"uri": absolute_path(path).as_uri()}
    return {"uri": urllib.parse.quote(os.fsencode(relative)), "uriBaseId": SRCROOT}


def region(span: Span) -> dict[str, int]:
    return {
        "startLine": span.line,
        "startColumn": span.column,
        "endLine": span.end_line,
        "endColumn": span.end_column,
    }


def sarif_fix(fix: Fix) -> dict[str, Any]:
    by_path: dict[str, list[dict[str, Any]]] = {}
    for edit in fix.edits:
        by_path.setdefault(edit.span.path, []).append(
            {"deletedRegion": region(edit.span), "insertedContent": {"text": edit.new_text}}
        )
    return {
        "description": {"text": fix.description},
        "artifactChanges": [
            {"artifactLocation": artifact(path), "replacements": replacements}
            for path, replacements in by_path.items()
        ],
    }
