"""Rule documentation: each rule's docstring rendered for a terminal, SARIF and docs/rules.md.

The docstring is the single source. It is a small Markdown subset: ``## Heading`` lines, fenced
code blocks, paragraphs and ``- `` list items, with inline code in single or double backticks.

``python -m ecs_lint.docs`` writes ``docs/rules.md``; ``--check`` exits 1 when the file on disk is
out of date instead.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ecs_lint.rule import Rule

HOMEPAGE = "https://github.com/ecs-lint/ecs-lint"
RULES_PAGE = f"{HOMEPAGE}/blob/main/docs/rules.md"
DEFAULT_OUTPUT = Path("docs/rules.md")

_INLINE_CODE = re.compile(r"``(.+?)``|`([^`]+)`")
_ANCHOR_DROP = re.compile(r"[^a-z0-9 _-]")


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of a docstring: a heading, a paragraph (its lines) or a fenced code block."""

    kind: str  # "heading" | "paragraph" | "code"
    lines: tuple[str, ...]
    language: str = ""


def parse(body: str) -> list[Block]:
    """Split a docstring body into headings, paragraphs and code blocks."""
    blocks: list[Block] = []
    lines = body.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if stripped.startswith("```"):
            end = index + 1
            while end < len(lines) and not lines[end].strip().startswith("```"):
                end += 1
            blocks.append(Block("code", tuple(lines[index + 1 : end]), stripped[3:].strip()))
            index = end + 1
        elif stripped.startswith("#"):
            blocks.append(Block("heading", (stripped.lstrip("#").strip(),)))
            index += 1
        elif stripped:
            end = index
            while end < len(lines) and _continues_paragraph(lines[end]):
                end += 1
            blocks.append(Block("paragraph", tuple(lines[index:end])))
            index = end
        else:
            index += 1
    return blocks


def _continues_paragraph(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith(("```", "#"))


def section(rule: Rule, heading: str) -> str:
    """The plain text of one ``## heading`` section of a rule's documentation."""
    blocks = parse(rule.body)
    text: list[str] = []
    inside = False
    for block in blocks:
        if block.kind == "heading":
            inside = block.lines[0].lower() == heading.lower()
        elif inside:
            text.append(plain_block(block))
    return "\n\n".join(text)


def plain_block(block: Block) -> str:
    if block.kind == "code":
        return "\n".join("    " + line for line in block.lines)
    return "\n".join(_INLINE_CODE.sub(_plain_code, line) for line in block.lines)


def _plain_code(match: re.Match[str]) -> str:
    return f"`{match.group(1) or match.group(2)}`"


def anchor(rule: Rule) -> str:
    """The anchor GitHub gives the rule's heading in docs/rules.md."""
    return _ANCHOR_DROP.sub("", f"{rule.code} {rule.name}".lower()).replace(" ", "-")


def help_uri(rule: Rule) -> str:
    return f"{RULES_PAGE}#{anchor(rule)}"


def sentence(rule: Rule) -> str:
    """The rule's summary as a sentence: capitalised, inline code in single backticks."""
    summary = _INLINE_CODE.sub(_markdown_code, rule.summary)
    return summary[:1].upper() + summary[1:]


def facts(rule: Rule) -> str:
    return f"Severity: {rule.severity.value}. Fix available: {'yes' if rule.fixable else 'no'}."


def find_rule(rules: Iterable[Rule], wanted: str) -> Rule | None:
    """The rule with this code or name (any case)."""
    wanted = wanted.strip().lower()
    return next((rule for rule in rules if wanted in (rule.code.lower(), rule.name.lower())), None)


# Rule list ----------------------------------------------------------------------------------


def rules_table(rules: Iterable[Rule]) -> str:
    """``ecs-lint rules``: one aligned row per rule."""
    header = ("Code", "Name", "Severity", "Fix")
    rows = [header] + [
        (rule.code, rule.name, rule.severity.value, "yes" if rule.fixable else "") for rule in rules
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        + "\n"
        for row in rows
    )


def rules_json(rules: Iterable[Rule]) -> str:
    """``ecs-lint rules --output-format json``: code, name, severity, fixable, summary, URL."""
    import json

    entries = [
        {
            "code": rule.code,
            "name": rule.name,
            "severity": rule.severity.value,
            "fixable": rule.fixable,
            "summary": rule.summary,
            "url": help_uri(rule),
        }
        for rule in rules
    ]
    return json.dumps(entries, indent=2) + "\n"


# Terminal -----------------------------------------------------------------------------------

_BOLD, _DIM, _CODE = "1", "2", "36"


def terminal(rule: Rule, *, color: bool) -> str:
    """The rule's documentation for ``ecs-lint rule``: bold headings, indented dim code."""

    def paint(text: str, style: str) -> str:
        return f"\x1b[{style}m{text}\x1b[0m" if color and text else text

    def inline(match: re.Match[str]) -> str:
        code = match.group(1) or match.group(2)
        return paint(code, _CODE) if color else f"`{code}`"

    summary = _INLINE_CODE.sub(inline, rule.summary)
    out = [f"{paint(f'{rule.code} {rule.name}', _BOLD)}: {summary}", facts(rule)]
    after_heading = False
    for block in parse(rule.body):
        if not after_heading:
            out.append("")
        after_heading = block.kind == "heading"
        if block.kind == "heading":
            out.append(paint(block.lines[0], _BOLD))
        elif block.kind == "code":
            out.extend(paint("    " + line, _DIM) for line in block.lines)
        else:
            out.extend(_INLINE_CODE.sub(inline, line.strip()) for line in block.lines)
    return "\n".join(out) + "\n"


def plain_text(rule: Rule) -> str:
    """The whole documentation as plain text (SARIF ``help.text``)."""
    return terminal(rule, color=False)


# Markdown -----------------------------------------------------------------------------------


def markdown(rule: Rule, *, heading_level: int = 2) -> str:
    """The documentation as Markdown, headings nested under ``heading_level``."""
    out = [sentence(rule), "", facts(rule)]
    for block in parse(rule.body):
        out.append("")
        if block.kind == "heading":
            out.append(f"{'#' * heading_level} {block.lines[0]}")
        elif block.kind == "code":
            out.extend([f"```{block.language}", *block.lines, "```"])
        else:
            out.extend(_INLINE_CODE.sub(_markdown_code, line.strip()) for line in block.lines)
    return "\n".join(out) + "\n"


def _markdown_code(match: re.Match[str]) -> str:
    code = match.group(1) or match.group(2)
    return f"`` {code} ``" if "`" in code else f"`{code}`"


def rules_page(rules: Iterable[Rule]) -> str:
    """The text of docs/rules.md."""
    rules = tuple(rules)
    out = [
        "# Rules",
        "",
        "<!-- Generated from the rule docstrings by `python -m ecs_lint.docs`; do not edit. -->",
        "",
        "`ecs-lint rule CODE` prints the same documentation in a terminal.",
        "",
        "| Code | Name | Severity | Fix | Summary |",
        "| --- | --- | --- | --- | --- |",
    ]
    out.extend(
        f"| [{rule.code}](#{anchor(rule)}) | {rule.name} | {rule.severity.value} | "
        f"{'yes' if rule.fixable else ''} | {_table_cell(sentence(rule))} |"
        for rule in rules
    )
    for rule in rules:
        out.extend(
            ["", f"## {rule.code} {rule.name}", "", markdown(rule, heading_level=3).rstrip()]
        )
    return "\n".join(out) + "\n"


def _table_cell(text: str) -> str:
    return text.replace("|", "\\|")


# Generator ----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ecs_lint.docs", description="Write docs/rules.md from the rule docstrings."
    )
    parser.add_argument("output", nargs="?", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the file is out of date; write nothing"
    )
    args = parser.parse_args(argv)
    from ecs_lint.rules import RULES

    text = rules_page(RULES)
    output: Path = args.output
    current = output.read_text(encoding="utf-8") if output.exists() else None
    if args.check:
        if current != text:
            print(f"{output} is out of date: run python -m ecs_lint.docs", file=sys.stderr)
            return 1
        return 0
    if current != text:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
