"""A document's lint in the protocol's terms: diagnostics, code actions and hovers.

Spans become ranges through their text offsets (or their line and column when a source gave no
offsets), counted in the code units the session agreed on (:mod:`ecs_lint.server.text`). A code
action offers each fix of a finding as a quick fix (safe ones preferred; unsafe ones offered,
never preferred), writes a ``# ecs-lint: ignore=CODE`` comment before the statement holding the
finding where the format has comments, and applies every safe fix of the file
(:data:`FIX_ALL`), as ``ecs-lint --fix`` would.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

from lsprotocol import types

from ecs_lint.docs import help_uri
from ecs_lint.engine import RunResult
from ecs_lint.findings import Edit, Severity
from ecs_lint.fixes import plan_fixes
from ecs_lint.gallery.catalog import Evidence
from ecs_lint.model import ImageRef, InvalidRef, RegistryKind, UnresolvedRef
from ecs_lint.rules import BY_CODE
from ecs_lint.server.text import LineIndex
from ecs_lint.suppress import directive_text
from ecs_lint.textio import SourceText

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ecs_lint.findings import Finding
    from ecs_lint.gallery.catalog import Equivalent
    from ecs_lint.model import ImageUse, Span
    from ecs_lint.server.linting import DocumentLint

SOURCE: Final = "ecs-lint"
FIX_ALL: Final = f"{types.CodeActionKind.SourceFixAll.value}.ecs-lint"
"""The kind of the action applying every safe fix of the file (``codeActionsOnSave``)."""

_SEVERITY: Final = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
_REGISTRY: Final = {
    RegistryKind.DOCKER_HUB: "Docker Hub",
    RegistryKind.ECR_PUBLIC: "Amazon ECR Public",
    RegistryKind.ECR_PRIVATE: "Amazon ECR (private)",
    RegistryKind.OTHER: "another registry",
}


class Placer:
    """Ranges of the spans of one file's text as the editor holds it (``text``, which has
    ``shift`` characters before the offsets of ``source``: a byte-order mark), and text offsets
    of positions, in ``encoding``'s units."""

    def __init__(self, text: str, source: SourceText, encoding: str, shift: int = 0) -> None:
        self.index = LineIndex(text, encoding)
        self.source = source
        self.shift = shift

    @classmethod
    def of(cls, lint: DocumentLint, encoding: str) -> Placer:
        """The placer of the linted document."""
        return cls(lint.text, lint.source or SourceText("", lint.text), encoding, lint.bom)

    def range(self, span: Span) -> types.Range:
        start, end = self.offsets(span)
        return types.Range(self._position(start), self._position(end))

    def offsets(self, span: Span) -> tuple[int, int]:
        """The span's text offsets (in the sources' text, without a byte-order mark)."""
        if span.start or span.end or (span.line, span.column) == (1, 1):
            return span.start, max(span.start, span.end)
        start = self.source.offset(span.line, span.column)
        return start, max(start, self.source.offset(span.end_line, span.end_column))

    def offset(self, position: types.Position) -> int:
        return max(self.index.offset((position.line, position.character)) - self.shift, 0)

    def _position(self, offset: int) -> types.Position:
        line, character = self.index.position(offset + self.shift)
        return types.Position(line, character)


def diagnostics(lint: DocumentLint, placer: Placer) -> list[types.Diagnostic]:
    found = [diagnostic(finding, placer) for finding in lint.findings]
    if lint.problem is not None:  # on the first character: the whole file is concerned
        start = types.Position(0, 0)
        where = types.Range(start, types.Position(0, 1 if lint.text else 0))
        severity = types.DiagnosticSeverity.Error
        found.append(types.Diagnostic(where, lint.problem, severity, source=SOURCE))
    return found


def diagnostic(finding: Finding, placer: Placer) -> types.Diagnostic:
    rule = BY_CODE.get(finding.rule)
    return types.Diagnostic(
        range=placer.range(finding.span),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.rule,
        code_description=types.CodeDescription(help_uri(rule)) if rule is not None else None,
        source=SOURCE,
    )


# --- Code actions ------------------------------------------------------------------------------


class ActionContext:
    """What every action of one request needs: the document, where it is, how to write edits
    (of its own text, or of another file the lint read, which a fix may edit)."""

    def __init__(
        self, lint: DocumentLint, placer: Placer, uri: str, *, versioned_edits: bool
    ) -> None:
        self.lint = lint
        self.placer = placer
        self.uri = uri
        self.versioned_edits = versioned_edits

    def workspace_edit(self, edits: Sequence[Edit]) -> types.WorkspaceEdit | None:
        """The edits, each file's tied to the version they were computed on when the client
        can check it (it then refuses them once the text has changed); ``None`` when one is in
        a file that could not be checked or whose text the lint did not keep."""
        by_file: dict[str, list[types.TextEdit]] = {}
        for edit in edits:
            placer = self._placer(edit.span.path)
            if placer is None or edit.span.logical is not None:
                return None
            text_edit = types.TextEdit(placer.range(edit.span), edit.new_text)
            by_file.setdefault(edit.span.path, []).append(text_edit)
        uris = {path: self._uri(path) for path in by_file}
        if not self.versioned_edits:
            return types.WorkspaceEdit(
                changes={uris[path]: found for path, found in by_file.items()}
            )
        changes: list[
            types.TextDocumentEdit | types.CreateFile | types.RenameFile | types.DeleteFile
        ] = []
        for path, found in by_file.items():
            version = self.lint.versions.get(uris[path])  # None: the file on disk
            document = types.OptionalVersionedTextDocumentIdentifier(uris[path], version)
            changes.append(types.TextDocumentEdit(document, list(found)))
        return types.WorkspaceEdit(document_changes=changes)

    def _placer(self, path: str) -> Placer | None:
        lint = self.lint
        if path in lint.unchecked:
            return None
        if lint.source is not None and path == lint.source.path:
            return self.placer
        source = lint.sources.get(path)
        return Placer(source.text, source, self.placer.index.encoding) if source else None

    def _uri(self, path: str) -> str:
        if self.lint.source is not None and path == self.lint.source.path:
            return self.uri
        return Path(path).absolute().as_uri()


def code_actions(
    context: ActionContext, wanted: types.Range, only: Sequence[str] | None
) -> list[types.CodeAction]:
    """The quick fixes for the findings touching ``wanted``, then the file's fix-all action,
    each when ``only`` (the kinds the client asks for) allows it."""
    actions: list[types.CodeAction] = []
    if _allows(only, types.CodeActionKind.QuickFix):
        ignored: set[tuple[str, int]] = set()
        for finding in context.lint.findings:
            found = diagnostic(finding, context.placer)
            if not _touches(found.range, wanted):
                continue
            fix = _quick_fix(context, finding, found)
            if fix is not None:
                actions.append(fix)
            ignore = _ignore_here(context, finding, found, ignored)
            if ignore is not None:
                actions.append(ignore)
    if _allows(only, FIX_ALL):
        fix_all = _fix_all(context)
        if fix_all is not None:
            actions.append(fix_all)
    return actions


def _allows(only: Sequence[str] | None, kind: str) -> bool:
    """Whether a client asking for ``only`` kinds wants an action of ``kind``: kinds are
    hierarchical, so ``source`` asks for ``source.fixAll.ecs-lint`` too."""
    return only is None or any(kind == asked or kind.startswith(f"{asked}.") for asked in only)


def _touches(found: types.Range, wanted: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return position.line, position.character

    return key(found.start) <= key(wanted.end) and key(wanted.start) <= key(found.end)


def _quick_fix(
    context: ActionContext, finding: Finding, found: types.Diagnostic
) -> types.CodeAction | None:
    fix = finding.fix
    if fix is None or not fix.edits or not context.lint.fixable:
        return None
    edit = context.workspace_edit(fix.edits)
    if edit is None:
        return None
    title = fix.description if fix.safe else f"{fix.description} [unsafe]"
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[found],
        is_preferred=fix.safe,
        edit=edit,
    )


def _ignore_here(
    context: ActionContext, finding: Finding, found: types.Diagnostic, done: set[tuple[str, int]]
) -> types.CodeAction | None:
    """A comment ignoring the finding's rule for the statement that holds the finding, written
    on the line before it (with the statement's indentation); ``None`` where the format has no
    comments or no statement holds the finding, and for a rule and statement already offered."""
    span = finding.span
    holding = [(first, last) for first, last in context.lint.statements if first <= span.line]
    holding = [(first, last) for first, last in holding if span.end_line <= last]
    if not holding or span.path == "":
        return None
    first, _ = max(holding)  # the innermost: the one starting last
    if (finding.rule, first) in done:
        return None
    done.add((finding.rule, first))
    placer = context.placer
    start = placer.source.offset(first)
    line = placer.index.position(start + placer.shift)[0]
    text = placer.index.line_text(line)
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    comment = f"{indent}{directive_text((finding.rule,))}{placer.index.line_break(line)}"
    at = placer.source.span(start, start)
    return types.CodeAction(
        title=f"Ignore {finding.rule} here ({directive_text((finding.rule,))})",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[found],
        is_preferred=False,
        edit=context.workspace_edit([Edit(at, comment)]),
    )


def _fix_all(context: ActionContext) -> types.CodeAction | None:
    """Every safe fix of the file that does not overlap another, as ``ecs-lint --fix``
    applies them (:func:`ecs_lint.fixes.plan_fixes`); ``None`` when there is none."""
    lint = context.lint
    if not lint.fixable or lint.source is None:
        return None
    # The file's own edits only: saving one file (codeActionsOnSave) never edits another.
    path = lint.source.path
    run = RunResult(lint.findings, 1, {path: lint.source})
    plan = plan_fixes(run, unsafe=False)
    edits = [edit for change in plan.files if change.path == path for edit in change.edits]
    if not edits:
        return None
    return types.CodeAction(
        title="Fix all safely fixable ecs-lint findings",
        kind=FIX_ALL,
        edit=context.workspace_edit(edits),
    )


# --- Hover -------------------------------------------------------------------------------------


def hover(
    lint: DocumentLint, placer: Placer, at: types.Position, markdown: bool
) -> types.Hover | None:
    """What ecs-lint knows of the image reference at ``at``; ``None`` elsewhere."""
    offset = placer.offset(at)
    under = [
        use
        for use in lint.images
        if placer.offsets(use.span)[0] <= offset <= placer.offsets(use.span)[1]
    ]
    if not under:
        return None
    use = min(under, key=lambda use: placer.offsets(use.span)[1] - placer.offsets(use.span)[0])
    lines = _described(use, lint)
    text = "\n".join(lines) if markdown else "\n".join(_plain(line) for line in lines)
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText
    return types.Hover(types.MarkupContent(kind, text), placer.range(use.span))


def _described(use: ImageUse, lint: DocumentLint) -> list[str]:
    ref = use.reference
    if isinstance(ref, InvalidRef):
        return [f"**ecs-lint**: `{ref.original}` is not a valid image reference: {ref.reason}"]
    if isinstance(ref, UnresolvedRef):
        names = ", ".join(f"`{name}`" for name in ref.variables)
        hint = f" ({use.values_hint})" if use.values_hint else ""
        return [f"**ecs-lint**: `{ref.original}` depends on {names}, unknown here{hint}"]
    lines = [
        f"**ecs-lint**: `{ref.original}` ({use.kind.value})",
        "",
        f"- Registry: {_REGISTRY[ref.registry]} (`{ref.domain}`)",
        f"- Normalized: `{ref}`",
    ]
    settings = lint.settings
    if settings is not None and settings.is_trusted(ref.domain, ref.path):
        lines.append("- Trusted registry (`trusted-registries`)")
    elif ref.registry is RegistryKind.DOCKER_HUB:
        pull = "with credentials" if use.authenticated else "anonymously"
        lines.append(f"- Pulled {pull}: it counts against Docker Hub's pull limit")
        if lint.equivalents is not None:
            lines.append(f"- ECR Public: {_equivalent(lint.equivalents.lookup(ref), ref)}")
    return lines


def _equivalent(answer: Equivalent, ref: ImageRef) -> str:
    replacement = answer.reference(ref)
    if replacement is None or answer.evidence is None:
        return "no equivalent found" if answer.checked else "no equivalent known offline"
    evidence = answer.evidence
    if evidence is Evidence.IDENTICAL:
        why = "the same image (digests equal on Docker Hub and ECR Public)"
    elif evidence is Evidence.VERIFIED and answer.hub_digest is not None:
        why = "the tag exists at ECR Public, with another digest than Docker Hub's"
    elif evidence is Evidence.VERIFIED:
        why = "the tag exists at ECR Public (digests not compared)"
    else:
        why = "the embedded catalog: the repository is mirrored, this tag was not checked"
    return f"`{replacement}`, {evidence.value}: {why}"


def _plain(line: str) -> str:
    return line.replace("**", "").replace("`", "")
