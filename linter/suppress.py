"""Suppressions: in-file ``ecs-lint`` directives and ``per-file-ignores``, applied after rules run.

Sources record what a file asks to suppress as neutral ``Suppression`` values, or the comments
that mention ecs-lint (``Comment``), whose directives :func:`read_comments` reads when the file is
loaded; the engine then calls :func:`apply` once with every finding. Nothing here knows a file
format.

Comment syntax (every source with comments: a Dockerfile, the YAML formats (Compose, GitHub
Actions, Kubernetes, CloudFormation), Terraform's ``.tf`` files, where ``//`` works too)::

    # ecs-lint: ignore=EL101,EL105 -- reason      (what starts on the next line)
    # ecs-lint: ignore-file=EL105 -- reason       (the whole file, anywhere in it)

A directive names rules as the configuration does: codes, prefixes (``EL1``), ``ALL`` or rule
names (``docker-hub-anonymous-pull``). The reason after ``--`` is free text, for reviewers.
A directive naming a rule that suppressed nothing is reported by the unused-suppression rule
(unless that rule did not run), as is a malformed one.
"""

from __future__ import annotations

import fnmatch
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint.model import Problem, ProblemKind, Suppression

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable, Sequence

    from ecs_lint.findings import Finding
    from ecs_lint.model import Document, Model, Span
    from ecs_lint.settings import PerFileIgnore, Settings

_MARKER = r"(?i)(?:#|//)\s*ecs-lint\s*:"
_DIRECTIVE = (
    r"(?i)(?:#|//)\s*ecs-lint\s*:\s*(?P<kind>ignore-file|ignore)\s*=\s*"
    r"(?P<codes>[A-Za-z][A-Za-z0-9-]*(?:\s*,\s*[A-Za-z][A-Za-z0-9-]*)*)\s*,?\s*"
    r"(?:--.*)?$"
)
_CODE_LIKE = r"[A-Za-z]+[0-9]*"
SYNTAX_HELP = (
    "expected '# ecs-lint: ignore=EL101,EL105 -- reason' or '# ecs-lint: ignore-file=EL105'"
)
_MISPLACED = (
    "ecs-lint: ignore= must be on the line right before what it applies to (a Dockerfile "
    "instruction, a YAML entry, a Terraform block or attribute; use ignore-file= for the whole "
    "file)"
)


@dataclass(frozen=True, slots=True)
class Directive:
    """A parsed ``ecs-lint: ignore`` directive: for the whole file or the next statement."""

    whole_file: bool
    codes: tuple[str, ...]


def parse_directive(comment: str) -> Directive | str | None:
    """A directive from one comment's text; an error message if malformed; ``None`` if none."""
    text = comment.strip()
    if not re.compile(_MARKER).match(text):
        return None
    match = re.compile(_DIRECTIVE).match(text)
    if match is None:
        return f"malformed ecs-lint directive: {SYNTAX_HELP}"
    codes = tuple(_selector(code.strip()) for code in match["codes"].split(","))
    return Directive(match["kind"].lower() == "ignore-file", codes)


def _selector(text: str) -> str:
    """A directive's rule selector as the configuration takes it: a code (``EL101``), a prefix
    (``EL1``), ``ALL``, or a rule's name (``docker-hub-anonymous-pull``: its code)."""
    if re.compile(_CODE_LIKE).fullmatch(text) is None:
        from ecs_lint.rules import RULES

        for rule in RULES:
            if rule.name == text.lower():
                return rule.code
        return text.lower()
    return text.upper()


def covers(selector: str, code: str) -> bool:
    """Whether a selector (a code, a prefix or ``ALL``) names the rule ``code``."""
    return selector == "ALL" or code.startswith(selector)


def directive_text(codes: Sequence[str], *, whole_file: bool = False) -> str:
    """The comment asking not to report ``codes`` in the statement after it (or in the whole
    file), as :func:`parse_directive` reads it."""
    return f"# ecs-lint: {'ignore-file' if whole_file else 'ignore'}={','.join(codes)}"


def read_comments(document: Document) -> None:
    """Turn the ``# ecs-lint:`` comments a source found into the document's suppressions, and
    the malformed or misplaced ones into directive problems. A line-scoped directive covers the
    statement right after it; ``ignore-file`` the whole file. Suppressions a source made itself
    (CloudFormation's ``Metadata``) get their selectors read the same way."""
    document.suppressions = [
        replace(found, codes=tuple(_selector(code) for code in found.codes))
        for found in document.suppressions
    ]
    for comment in document.comments:
        parsed = parse_directive(comment.text)
        if isinstance(parsed, Directive) and (parsed.whole_file or comment.statement is not None):
            scope = None if parsed.whole_file else comment.statement
            document.suppressions.append(Suppression(parsed.codes, scope, comment.span))
        elif parsed is not None:
            message = parsed if isinstance(parsed, str) else _MISPLACED
            document.problems.append(Problem(ProblemKind.DIRECTIVE, message, comment.span))


# ---------------------------------------------------------------------------------------------
# Applying suppressions to a run's findings.


@dataclass(slots=True)
class Outcome:
    """The findings that remain after suppressions, and those suppressed."""

    findings: list[Finding]
    suppressed: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class _Tracked:
    """A suppression and the codes it was used for, to report the unused ones."""

    suppression: Suppression
    used: set[str] = field(default_factory=set)


def apply(
    findings: Iterable[Finding],
    model: Model,
    settings: Settings,
    paths: Collection[str] | None = None,
) -> Outcome:
    """Drop suppressed findings, and report unused directives as EL901 findings: those of the
    documents at ``paths`` (every document when ``None``)."""
    if not settings.use_suppressions:
        return Outcome(list(findings))
    documents = {
        document.path: document
        for document in model.documents
        if paths is None or document.path in paths
    }
    tracked = {
        path: [_Tracked(suppression) for suppression in document.suppressions]
        for path, document in documents.items()
    }
    matcher = _PerFileMatcher(settings.per_file_ignores)

    def hidden(finding: Finding, *, count: bool = True) -> bool:
        path = finding.span.path
        in_file = _suppressed_in_file(finding, tracked.get(path, ()), count=count)
        return in_file or matcher.ignores(finding, documents.get(path))

    outcome = Outcome([])
    for finding in findings:
        (outcome.suppressed if hidden(finding) else outcome.findings).append(finding)
    reported = len(outcome.findings)
    for unused in _unused_findings(tracked, settings):
        (outcome.suppressed if hidden(unused, count=False) else outcome.findings).append(unused)
    if len(outcome.findings) > reported:
        outcome.findings.sort(key=lambda finding: finding.sort_key)
    return outcome


def _suppressed_in_file(
    finding: Finding, suppressions: Iterable[_Tracked], *, count: bool = True
) -> bool:
    hit = False
    for entry in suppressions:
        suppression = entry.suppression
        selectors = [code for code in suppression.codes if covers(code, finding.rule)]
        if not selectors:
            continue
        if suppression.scope is None or contains(suppression.scope, finding.span):
            if count:
                entry.used.update(selectors)
            hit = True
    return hit


def contains(outer: Span, inner: Span) -> bool:
    """Whether ``inner`` lies within ``outer`` (same file, by line and column)."""
    return (
        outer.path == inner.path
        and (outer.line, outer.column) <= (inner.line, inner.column)
        and (inner.end_line, inner.end_column) <= (outer.end_line, outer.end_column)
    )


def _unused_findings(tracked: dict[str, list[_Tracked]], settings: Settings) -> list[Finding]:
    from ecs_lint.rule import RuleContext, Services
    from ecs_lint.rules import BY_CODE
    from ecs_lint.rules.el901_unused_suppression import RULE, unused_suppression

    if not settings.is_selected(RULE.code):
        return []
    ctx = RuleContext(RULE, settings, Services())
    found: list[Finding] = []
    for entries in tracked.values():
        for entry in entries:
            codes = entry.suppression.codes
            named = {code: [rule for rule in BY_CODE if covers(code, rule)] for code in codes}
            unknown = [code for code in codes if not named[code]]
            unused = [
                code
                for code in codes
                if named[code]
                and code not in entry.used
                # A directive that also silences EL901 is never unused (it could not say so).
                and not covers(code, RULE.code)
                and any(settings.is_selected(rule) for rule in named[code])
            ]
            if unknown or unused:
                found.append(unused_suppression(ctx, entry.suppression, unused, unknown))
    return found


class _PerFileMatcher:
    """``per-file-ignores`` matching; each path is made relative and matched to each glob once."""

    def __init__(self, entries: Sequence[PerFileIgnore]) -> None:
        self.entries = tuple(entries)
        self._cwd = str(Path.cwd())
        self._by_rule: dict[str, list[int]] = {}
        self._applicable: dict[tuple[str, str], list[PerFileIgnore]] = {}
        self._path_match: dict[tuple[int, str], bool] = {}
        self._relative: dict[tuple[str, str], str] = {}

    def ignores(self, finding: Finding, document: Document | None) -> bool:
        if not self.entries:
            return False
        key = (finding.rule, finding.span.path)
        applicable = self._applicable.get(key)
        if applicable is None:
            applicable = [
                self.entries[index]
                for index in self._naming(finding.rule)
                if self._matches(index, finding.span.path)
            ]
            self._applicable[key] = applicable
        return any(
            entry.container is None or _in_container(finding, document, entry.container)
            for entry in applicable
        )

    def _naming(self, rule: str) -> list[int]:
        indexes = self._by_rule.get(rule)
        if indexes is None:
            indexes = [
                index
                for index, entry in enumerate(self.entries)
                if any(code == "ALL" or rule.startswith(code) for code in entry.codes)
            ]
            self._by_rule[rule] = indexes
        return indexes

    def _matches(self, index: int, path: str) -> bool:
        known = self._path_match.get((index, path))
        if known is None:
            entry = self.entries[index]
            relative = self._relative_path(entry.base, path)
            known = fnmatch.fnmatchcase(relative, entry.pattern) or (
                "/" not in entry.pattern
                and fnmatch.fnmatchcase(relative.rsplit("/", 1)[-1], entry.pattern)
            )
            self._path_match[(index, path)] = known
        return known

    def _relative_path(self, base: str, path: str) -> str:
        relative = self._relative.get((base, path))
        if relative is None:
            # os.path, not pathlib: this runs once per file and pathlib is several times slower.
            absolute = os.path.normpath(os.path.join(self._cwd, path))  # noqa: PTH118
            relative = os.path.relpath(absolute, base).replace(os.sep, "/")
            self._relative[(base, path)] = relative
        return relative


def _in_container(finding: Finding, document: Document | None, pattern: str) -> bool:
    if document is None:
        return False
    return any(
        fnmatch.fnmatchcase(container.name, pattern) and contains(container.span, finding.span)
        for task in document.tasks
        for container in task.containers
    )


def with_severity(findings: Iterable[Finding], settings: Settings) -> list[Finding]:
    """Findings with the configured ``severity`` overrides applied (the one place they are)."""
    if not settings.severity_overrides:
        return list(findings)
    return [
        replace(finding, severity=settings.severity_for(finding.rule, finding.severity))
        for finding in findings
    ]
