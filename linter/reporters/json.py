"""The JSON contract: an array with one object per finding (documented in the README).

Keys are stable; later versions only add keys.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, TextIO

from ecs_lint.reporters._jsontext import indented_json

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.findings import Finding, Fix


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    span = finding.span
    return {
        "rule": finding.rule,
        "name": finding.name,
        "severity": finding.severity.value,
        "file": span.path,
        "line": span.line,
        "column": span.column,
        "end_line": span.end_line,
        "end_column": span.end_column,
        "logical": span.logical,
        "message": finding.message,
        "image": finding.image,
        "replacement": finding.replacement,
        "fix": fix_to_dict(finding.fix),
        "evidence": None,
        **finding.extra,
    }


def fix_to_dict(fix: Fix | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    suggestion = {"suggestion": fix.suggestion} if fix.suggestion is not None else {}
    return {
        "description": fix.description,
        "safe": fix.safe,
        "edits": [
            {
                "line": edit.span.line,
                "column": edit.span.column,
                "end_line": edit.span.end_line,
                "end_column": edit.span.end_column,
                "new_text": edit.new_text,
            }
            for edit in fix.edits
        ],
        **suggestion,
    }


# Characters ``ensure_ascii=False`` would write raw that a terminal acts on (C1 controls such as
# CSI), that reorder or break the text shown (line separators, bidirectional controls), or that
# no encoding can write: lone surrogates, which stand for the bytes of a path that are not UTF-8
# (``"\udce9"`` is the byte 0xE9; ``os.fsencode`` of the value read back gives the path's bytes).
# JSON text holds non-ASCII characters only inside strings, so escaping them keeps every value.
_UNSAFE_RAW = re.compile(
    r"[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def report(result: RunResult, out: TextIO, *, color: bool = False, quiet: bool = False) -> None:
    """The text of ``json.dumps(findings, indent=2, ensure_ascii=False)``, written one finding
    at a time: no dictionary for every finding at once, nor a copy of the whole text."""
    separator = "[\n  "
    for finding in result.findings:
        text = indented_json(finding_to_dict(finding), ensure_ascii=False, level=1)
        # ASCII text holds no unsafe character but DEL: most reports need no scan (isascii()
        # is a flag of the string, the test for DEL a memchr).
        if not text.isascii() or "\x7f" in text:
            text = _UNSAFE_RAW.sub(_escaped, text)
        out.write(separator + text)
        separator = ",\n  "
    out.write("\n]\n" if result.findings else "[]\n")


def _escaped(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"
