"""What the YAML sources (Kubernetes, Compose, GitHub Actions) share: loading a file into
position-tracking nodes, turning an image scalar into an ``ImageUse`` with exact spans, and
``# ecs-lint:`` comment directives.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final

from ecs_lint import yamlpos
from ecs_lint.model import Document, ImageUse, Problem, UnresolvedRef
from ecs_lint.references import resolve_reference
from ecs_lint.suppress import comment_suppressions

if TYPE_CHECKING:
    import re

    from ecs_lint.model import PullIdentity, Reference, UseKind
    from ecs_lint.textio import SourceText
    from ecs_lint.yamlpos import Entry, YamlDocument

PARSE_ERROR: Final = "EL900"


def load(source: SourceText, document: Document) -> list[YamlDocument] | None:
    """The YAML documents of ``source``; ``None`` (and an EL900 problem) when it is not YAML."""
    try:
        return yamlpos.load_documents(source.text)
    except yamlpos.YamlError as error:
        document.problems.append(yaml_problem(source, error))
        return None


def yaml_problem(source: SourceText, error: yamlpos.YamlError) -> Problem:
    start = min(error.offset, len(source.text))
    end = min(start + 1, len(source.text))
    return Problem(PARSE_ERROR, f"invalid YAML: {error.message}", source.span(start, end))


def expression_reference(text: str, pattern: re.Pattern[str]) -> UnresolvedRef | None:
    """An unresolved reference when ``text`` holds template expressions (``${{ x }}``...)."""
    found = [match.group(1).strip() for match in pattern.finditer(text)]
    if not found:
        return None
    return UnresolvedRef(text, tuple(dict.fromkeys(name or "(empty expression)" for name in found)))


@dataclass(slots=True)
class ImageCollector:
    """Builds a document's image uses, each once, and the suppressions that can cover them."""

    source: SourceText
    document: Document
    _seen: set[ImageUse] = field(default_factory=set)
    _lines: list[tuple[int, int]] = field(default_factory=list)

    def add(
        self,
        ydoc: YamlDocument,
        entry: Entry,
        kind: UseKind,
        *,
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
        )
        # An alias or merge key repeats the same text for several containers: one use is enough
        # (one finding where the text is), unless the pulls differ in what decides the rules.
        key = replace(use, container=None)
        if key in self._seen:
            return None
        self._seen.add(key)
        self.document.images.append(use)
        key_line = self.source.position(entry.key.start_mark.index)[0]
        self._lines.append((min(key_line, span.line), span.end_line))
        return use

    def finish(self) -> Document:
        """Attach the ``# ecs-lint:`` directives written on the lines before image entries."""
        if "ecs-lint" in self.source.text:
            lines = sorted(set(self._lines))
            suppressions, problems = comment_suppressions(self.source, lines)
            self.document.suppressions.extend(suppressions)
            self.document.problems.extend(problems)
        return self.document
