"""One line per finding, ``path:line:col: CODE message`` (its headline: the text format and the
others carry its details too), then the summary (not with ``--quiet``).

A finding without a file position (a live AWS resource) is located as ``resource#json.path:``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from ecs_lint.reporters.text import _COLOURS, summary, where
from ecs_lint.textio import printable

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult


def report(result: RunResult, out: TextIO, *, color: bool = False, quiet: bool = False) -> None:
    for finding in result.findings:
        location, code = where(finding), finding.rule
        if color:
            location = f"\x1b[1m{location}\x1b[0m"
            code = f"\x1b[{_COLOURS[finding.severity]};1m{code}\x1b[0m"
        out.write(f"{location} {code} {printable(finding.headline)}\n")
    if not quiet:
        out.write(summary(result) + "\n")
