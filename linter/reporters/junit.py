"""JUnit XML: one test case per checked file, one failure per finding in it.

CI systems that read test reports (GitLab, Jenkins, Azure Pipelines) then list clean files as
passed tests. XML 1.0 cannot carry most control characters even escaped, so text from linted
files is made printable first; non-ASCII text is written as character references, so the report
is valid whatever the output stream's encoding.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, TextIO

from ecs_lint.reporters.text import where
from ecs_lint.textio import printable

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.findings import Finding

SUITE = "ecs-lint"
# What printable() leaves that XML 1.0 still forbids: two non-characters.
_NOT_XML = re.compile(r"[\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\u{ord(match.group()):04x}", printable(text))


def report(result: RunResult, out: TextIO, *, color: bool = False, quiet: bool = False) -> None:
    by_path: dict[str, list[Finding]] = {path: [] for path in result.checked_paths}
    for finding in result.findings:
        by_path.setdefault(finding.span.path, []).append(finding)
    # Counted per test case, as JUnit viewers compute passed = tests - failures.
    failures = sum(1 for findings in by_path.values() if findings)
    suites = ET.Element(
        "testsuites", name=SUITE, tests=str(len(by_path)), failures=str(failures), errors="0"
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=SUITE,
        tests=str(len(by_path)),
        failures=str(failures),
        errors="0",
        skipped="0",
    )
    for path, findings in by_path.items():
        case = ET.SubElement(
            suite, "testcase", name=xml_text(path), classname=SUITE, file=xml_text(path)
        )
        for finding in findings:
            failure = ET.SubElement(
                case,
                "failure",
                message=xml_text(f"{finding.rule} {finding.message}"),
                type=finding.rule,
            )
            failure.text = xml_text(
                f"{where(finding)} {finding.rule} ({finding.name}) {finding.message}"
            )
    ET.indent(suites)
    body = ET.tostring(suites, encoding="us-ascii", xml_declaration=False).decode("ascii")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n")
