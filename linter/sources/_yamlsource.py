"""What the YAML sources (Kubernetes, Compose, GitHub Actions, CloudFormation) share: loading a
file into position-tracking nodes, turning an image scalar into an ``ImageUse`` with exact spans,
and the ``# ecs-lint:`` comments before the entries they cover.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ecs_lint import yamlpos
from ecs_lint.model import Document, ImageUse, Problem, ProblemKind, UnresolvedRef
from ecs_lint.references import resolve_reference
from ecs_lint.sources import DEPLOY_TIME_VALUES
from ecs_lint.textio import comments

if TYPE_CHECKING:
    import re

    from yaml.nodes import Node

    from ecs_lint.model import Comment, PullIdentity, Reference, UseKind
    from ecs_lint.textio import SourceText
    from ecs_lint.yamlpos import Entry, YamlDocument


def load(source: SourceText, document: Document) -> list[YamlDocument] | None:
    """The YAML documents of ``source``; ``None`` (and a parse problem) when it is not YAML."""
    try:
        return yamlpos.load_documents(source.text)
    except yamlpos.YamlError as error:
        document.problems.append(yaml_problem(source, error))
        return None


def yaml_problem(source: SourceText, error: yamlpos.YamlError) -> Problem:
    start = min(error.offset, len(source.text))
    end = min(start + 1, len(source.text))
    return Problem(ProblemKind.PARSE, f"invalid YAML: {error.message}", source.span(start, end))


def expression_reference(text: str, pattern: re.Pattern[str]) -> UnresolvedRef | None:
    """An unresolved reference when ``text`` holds template expressions (``${{ x }}``...)."""
    found = [match.group(1).strip() for match in pattern.finditer(text)]
    if not found:
        return None
    return UnresolvedRef(text, tuple(dict.fromkeys(name or "(empty expression)" for name in found)))


@dataclass(slots=True)
class ImageCollector:
    """Builds a document's image uses, each once."""

    source: SourceText
    document: Document
    _seen: set[ImageUse] = field(default_factory=set)

    def add(
        self,
        ydoc: YamlDocument,
        entry: Entry,
        kind: UseKind,
        credentials_hint: str,
        *,
        values_hint: str = DEPLOY_TIME_VALUES,
        avoid_hint: str = "",
        reference: Reference | None = None,
        prefix: int = 0,
        editable: bool = True,
        authenticated: bool = False,
        container: str | None = None,
        pulls_as: PullIdentity | None = None,
    ) -> ImageUse | None:
        """Record the image in the entry's value as a use; ``None`` when it repeats one.

        ``prefix`` skips leading characters of the value that are not the reference
        (``docker://``). ``reference`` replaces the one parsed from the text (after
        interpolation, or for an expression). A fix may rewrite the text only when it is exactly
        the value (no escapes, no folding), ``editable`` is true, and no alias shares the node.
        The hints say, in the format's terms, how the pull gets credentials, its variables
        values and how to do without it (``ImageUse``).
        """
        value_node = entry.value
        value = yamlpos.text(value_node)
        if value is None:
            return None
        text = self.source.text
        exact = yamlpos.value_span(value_node, text)
        if exact is not None:
            start, end = exact[0] + min(prefix, exact[1] - exact[0]), exact[1]
        else:
            start, end = yamlpos.node_span(value_node, text)
        span = self.source.span(start, end)
        shared = ydoc.is_shared(value_node)
        use = ImageUse(
            reference=reference if reference is not None else resolve_reference(value[prefix:]),
            span=span,
            kind=kind,
            authenticated=authenticated,
            edit_span=span if exact is not None and editable and not shared else None,
            container=container,
            pulls_as=pulls_as,
            shared_text=shared,
            credentials_hint=credentials_hint,
            values_hint=values_hint,
            avoid_hint=avoid_hint,
        )
        # An alias or merge key repeats the same text for several containers: one use is enough
        # (one finding where the text is), unless the pulls differ in what decides the rules.
        key = replace(use, container=None)
        if key in self._seen:
            return None
        self._seen.add(key)
        self.document.images.append(use)
        return use

    def finish(self, documents: list[YamlDocument]) -> Document:
        """Attach the file's statements and its ``# ecs-lint:`` comments (``yaml_comments``)."""
        self.document.statements, self.document.comments = yaml_comments(self.source, documents)
        return self.document


def yaml_comments(
    source: SourceText, documents: list[YamlDocument]
) -> tuple[list[tuple[int, int]] | None, list[Comment]]:
    """The file's statements and its ``#`` comments that mention ecs-lint, each covering the
    longest statement that starts on the line after it (comment lines between them aside). A
    file without such comments leaves its statements to :func:`file_statements` (``None``):
    finding them walks every node, and only the language server asks for them then."""
    if "ecs-lint" not in source.text.lower():
        return None, []
    statements, opaque = yaml_statements(source, documents)
    return statements, comments(source, statements, opaque=opaque)


def file_statements(source: SourceText) -> list[tuple[int, int]]:
    """The statements of a YAML file's documents: a YAML source's ``statements``. There are none
    in a file written as JSON (JSON has no comments) or one that is not YAML."""
    if source.text.lstrip().startswith(("{", "[")):
        return []
    try:
        documents = yamlpos.load_documents(source.text)
    except yamlpos.YamlError:
        return []
    return yaml_statements(source, documents)[0]


def yaml_statements(
    source: SourceText, documents: list[YamlDocument]
) -> tuple[list[tuple[int, int]], set[int]]:
    """The statements (``Document.statements``: each mapping entry, a key with its value, and
    each sequence item, as first and last lines) and the lines where a ``#`` is text, not a
    comment (inside a block or multi-line scalar)."""
    statements: list[tuple[int, int]] = []
    opaque: set[int] = set()
    seen: set[int] = set()
    text = source.text

    def first_line(node: Node) -> int:
        return source.position(node.start_mark.index)[0]

    def last_line(node: Node) -> int:
        start, end = yamlpos.node_span(node, text)
        return source.position(max(start, end - 1))[0]

    pending: list[Node] = [ydoc.root for ydoc in documents]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue  # an alias: its text is where its anchor is
        seen.add(id(node))
        if yamlpos.is_scalar(node):
            # Most scalars hold one line (their marks say so at once) and hide no comment.
            if node.start_mark.line != node.end_mark.line:
                opaque.update(range(first_line(node) + 1, last_line(node) + 1))
        elif yamlpos.is_mapping(node):
            for key, value in node.value:
                statements.append((first_line(key), last_line(value)))
                pending += (key, value)
        elif yamlpos.is_sequence(node):
            for item in node.value:
                statements.append((first_line(item), last_line(item)))
                pending.append(item)
    statements.sort()
    return statements, opaque
