"""The default human output: ``path:line:col: CODE message``, a code frame, the message's
details (``= ...`` lines), and a summary.

Text from linted files is made safe before it reaches the terminal: control characters are
shown escaped, so a file cannot move the cursor, change colours or retitle the window.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from ecs_lint.findings import Severity
from ecs_lint.reporters._common import logical_name
from ecs_lint.textio import printable

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.findings import Finding
    from ecs_lint.textio import SourceText

_COLOURS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def report(result: RunResult, out: TextIO, *, color: bool = False, quiet: bool = False) -> None:
    paint = _painter(color)
    for finding in result.findings:
        span = finding.span
        location = where(finding)
        code = paint(finding.rule, _COLOURS[finding.severity] + ";1")
        out.write(f"{paint(location, '1')} {code} {printable(finding.headline)}\n")
        source = result.sources.get(span.path)
        if source is not None and span.logical is None:
            out.write(code_frame(source, finding, paint))
        for detail in finding.details:
            out.write(f"{paint(DETAIL, _COLOURS[finding.severity])}{printable(detail)}\n")
    if not quiet:
        out.write(summary(result) + "\n")


DETAIL = "      = "
"""Before each line of a finding's details, under the code frame's gutter."""


def where(finding: Finding) -> str:
    """``path:line:col:``, or ``resource#json.path:`` for a finding without a file position."""
    span = finding.span
    if span.logical is not None:
        return f"{printable(logical_name(span))}:"
    return f"{printable(span.path)}:{span.line}:{span.column}:"


def code_frame(source: SourceText, finding: Finding, paint: _Paint) -> str:
    """The finding's first line with a caret underline, as compilers print it."""
    span = finding.span
    start = source.offset(span.line)
    end = source.text.find("\n", start)
    line = source.text[start : len(source.text) if end == -1 else end].rstrip("\r")
    if len(line) > 200:
        return ""
    width = (
        span.end_column - span.column if span.end_line == span.line else len(line) - span.column + 1
    )
    gutter = f"{span.line:>5} | "
    marker = " " * (len(gutter) - 2) + "| " + " " * (span.column - 1) + "^" * max(width, 1)
    return f"{gutter}{printable(line)}\n{paint(marker, _COLOURS[finding.severity])}\n"


def summary(result: RunResult) -> str:
    counts = {severity: 0 for severity in Severity}
    for finding in result.findings:
        counts[finding.severity] += 1
    checked = result.checked_summary
    if not result.findings and result.nothing_found:
        return f"Nothing checked: {result.nothing_found}."
    if not result.findings:
        return f"All clear: no findings ({checked})."
    parts = [
        f"{count} {severity.value}{'s' if count != 1 else ''}"
        for severity, count in counts.items()
        if count
    ]
    return f"Found {', '.join(parts)} ({checked})."


def fix_hint(findings: list[Finding], *, unsafe_fixes: bool) -> str | None:
    """What ``--fix`` would do, after the summary, as ruff says it: ``[*] 3 fixable with
    --fix`` and the unsafe fixes it applies only with ``--unsafe-fixes``; ``None`` without
    any fix."""
    safe, unsafe = _fixable(findings)
    if unsafe_fixes:
        safe, unsafe = safe + unsafe, 0
    hidden = ""
    if unsafe:
        hidden = (
            f" ({unsafe} more with --unsafe-fixes)"
            if safe
            else f" ({unsafe} with --fix --unsafe-fixes)"
        )
    if safe:
        return f"[*] {safe} fixable with --fix{hidden}."
    if unsafe:
        return f"No fixes available{hidden}."
    return None


def fix_list(findings: list[Finding], *, unsafe_fixes: bool) -> str:
    """``--show-fixes`` without ``--fix``: each fix ``--fix`` would apply (``[*]``), and each it
    applies only with ``--unsafe-fixes``, with its description."""
    lines = []
    for finding in findings:
        fix = finding.fix
        if fix is None or not fix.edits:
            continue
        mark = "[*]" if fix.safe or unsafe_fixes else "[unsafe]"
        lines.append(f"  {where(finding)} {finding.rule} {mark} {printable(fix.description)}\n")
    return f"Fixes ({len(lines)}):\n{''.join(lines)}" if lines else "No fixes available.\n"


def _fixable(findings: list[Finding]) -> tuple[int, int]:
    """How many findings have a fix with edits: safe ones, unsafe ones."""
    fixes = [finding.fix for finding in findings if finding.fix is not None and finding.fix.edits]
    safe = sum(1 for fix in fixes if fix.safe)
    return safe, len(fixes) - safe


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, style: str) -> str:
        return f"\x1b[{style}m{text}\x1b[0m" if self.enabled else text


def _painter(color: bool) -> _Paint:
    return _Paint(color)
