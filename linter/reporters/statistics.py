"""``--statistics``: how many findings each rule produced, most frequent first.

Printed instead of the findings: a table (``count  code  name  [*]``, ``[*]`` when some of the
rule's findings have a safe fix, which ``--fix`` applies), or with ``--output-format json`` an
array of ``{"code", "name", "count", "fixable"}`` objects.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult


@dataclass(slots=True)
class RuleCount:
    code: str
    name: str
    count: int = 0
    fixable: int = 0


def counts(result: RunResult) -> list[RuleCount]:
    by_code: dict[str, RuleCount] = {}
    for finding in result.findings:
        entry = by_code.setdefault(finding.rule, RuleCount(finding.rule, finding.name))
        entry.count += 1
        # As ruff's [*]: what --fix applies (safe fixes), not what needs --unsafe-fixes.
        entry.fixable += finding.fix is not None and finding.fix.safe
    return sorted(by_code.values(), key=lambda entry: (-entry.count, entry.code))


def table(result: RunResult) -> str:
    rows = counts(result)
    if not rows:
        return ""
    count_width = max(len(str(row.count)) for row in rows)
    code_width = max(len(row.code) for row in rows)
    name_width = max(len(row.name) for row in rows)
    lines = [
        f"{row.count:>{count_width}}  {row.code:<{code_width}}  "
        f"{row.name:<{name_width}}  {'[*]' if row.fixable else ''}".rstrip()
        for row in rows
    ]
    return "\n".join(lines) + "\n"


def report(result: RunResult, out: TextIO, *, as_json: bool, quiet: bool = False) -> None:
    if as_json:
        entries = [
            {"code": row.code, "name": row.name, "count": row.count, "fixable": bool(row.fixable)}
            for row in counts(result)
        ]
        json.dump(entries, out, indent=2)
        out.write("\n")
        return
    out.write(table(result))
    if not quiet:
        from ecs_lint.reporters.text import summary

        out.write(summary(result) + "\n")
