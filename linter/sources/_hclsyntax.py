"""HCL syntax: tree-sitter's HCL grammar, built once per process, and what a tree means.

tree-sitter (``tree-sitter`` and ``tree-sitter-hcl``, C parsers in binary wheels) reads a ``.tf``
file into a concrete syntax tree whose every node knows its byte offsets, about a hundred times
faster than a parser written in Python, and nothing is written anywhere (no grammar cache). The
tree keeps every token, comments included, so spans are exact and a fix can rewrite one literal.

tree-sitter recovers from errors; ecs-lint does not guess what a broken file meant, so a tree with
an error is reported (:func:`syntax_error`: the first error, its line and what was expected) and
the file is not evaluated. Offsets are bytes of the UTF-8 text; :class:`HclFile` turns them into
offsets of the decoded text, which spans and fixes use.
"""

from __future__ import annotations

import bisect
import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from tree_sitter import Node, Parser, Tree

    from ecs_lint.model import Comment, Span
    from ecs_lint.textio import SourceText

__all__ = ["HclFile", "hcl_comments", "parse_hcl", "parse_template", "syntax_error"]

_NON_ASCII: Final = re.compile(r"[^\x00-\x7f]")
_PARSER: list[Parser] = []


def _parser() -> Parser:
    """The process's one parser (building the language costs about 10 ms, once)."""
    if not _PARSER:
        import tree_sitter
        import tree_sitter_hcl

        _PARSER.append(tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language())))
    return _PARSER[0]


class HclFile:
    """A parsed HCL file: its text, tree, and byte offsets turned into offsets of ``source``.

    ``shift`` is where ``source``'s text starts in the parsed text: a template file is parsed
    inside a heredoc written around it (see :func:`parse_template`).
    """

    __slots__ = ("_extra", "_starts", "data", "shift", "source", "tree")

    def __init__(
        self, source: SourceText, data: bytes, tree: Tree, text: str, shift: int = 0
    ) -> None:
        self.source = source
        self.data = data
        self.tree = tree
        self.shift = shift
        # Byte offsets of the non-ASCII characters, and how many more bytes than characters
        # come before the end of each: empty for an ASCII file, where offsets are equal.
        self._starts: list[int] = []
        self._extra: list[int] = []
        if len(data) != len(text):
            extra = 0
            for found in _NON_ASCII.finditer(text):
                self._starts.append(found.start() + extra)
                extra += len(found.group().encode("utf-8")) - 1
                self._extra.append(extra)

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def root(self) -> Node:
        return self.tree.root_node

    @property
    def body(self) -> list[Node]:
        """The top-level attributes and blocks."""
        body = next((c for c in self.tree.root_node.named_children if c.type == "body"), None)
        return body.named_children if body is not None else []

    def offset(self, byte: int) -> int:
        """The offset in ``source``'s text of a byte offset."""
        if not self._starts:
            return byte - self.shift
        index = bisect.bisect_left(self._starts, byte)
        return byte - (self._extra[index - 1] if index else 0) - self.shift

    def span(self, node: Node) -> Span:
        return self.source.span(self.offset(node.start_byte), self.offset(node.end_byte))

    def text(self, node: Node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def slice(self, start: int, end: int) -> str:
        """The text between two byte offsets."""
        return self.data[start:end].decode("utf-8", "replace")


def hcl_comments(file: HclFile) -> tuple[list[tuple[int, int]], list[Comment]]:
    """The file's statements (``Document.statements``: blocks, attributes, objects' elements and
    tuples' items, such as a container of ``jsonencode([...])``, as first and last lines) and its
    ``#`` and ``//`` comments that mention ecs-lint, each covering the longest statement that
    starts on the line after it (comment lines between them aside). A ``#`` inside a heredoc is
    text, not a comment."""
    from ecs_lint.textio import comments

    statements: list[tuple[int, int]] = []
    opaque: set[int] = set()
    pending = [file.root]
    while pending:
        node = pending.pop()
        first, last = node.start_point[0] + 1, node.end_point[0] + 1
        if node.type in ("block", "attribute", "object_elem") or (
            node.type == "expression" and node.parent is not None and node.parent.type == "tuple"
        ):
            statements.append((first, last))
        elif node.type == "heredoc_template":
            opaque.update(range(first + 1, last + 1))
        pending.extend(node.children)
    statements.sort()
    if "ecs-lint" not in file.source.text:
        return statements, []
    return statements, comments(file.source, statements, opaque=opaque, markers=("#", "//"))


def parse_hcl(source: SourceText) -> HclFile:
    data = source.text.encode("utf-8", "surrogatepass")
    return HclFile(source, data, _parser().parse(data), source.text)


def parse_expression(source: SourceText) -> tuple[HclFile, Node | None]:
    """``source``'s text parsed as one HCL expression (a ``-var`` value), with offsets into it:
    the file and the expression, ``None`` when the text is not one expression (the file's
    :func:`syntax_error` says why, if it is a syntax error)."""
    prefix = "x = "
    text = prefix + source.text
    data = text.encode("utf-8", "surrogatepass")
    file = HclFile(source, data, _parser().parse(data), text, len(prefix))
    body = file.body
    if file.root.has_error or len(body) != 1 or body[0].type != "attribute":
        return file, None
    return file, body[0].named_children[-1]


def parse_template(source: SourceText) -> tuple[HclFile, Node, int, int] | None:
    """A template file (``templatefile``) parsed as the heredoc it is the body of: the file,
    the heredoc node, and the bytes where the template's text starts and ends in it; ``None``
    when the text is not a valid template."""
    marker = "ECSLINTEOT"
    while marker in source.text:
        marker += "X"
    prefix, suffix = f"x = <<{marker}\n", f"\n{marker}\n"
    text = prefix + source.text + suffix
    data = text.encode("utf-8", "surrogatepass")
    tree = _parser().parse(data)
    if tree.root_node.has_error:
        return None
    file = HclFile(source, data, tree, text, len(prefix))
    found = _first_of_type(tree.root_node, "heredoc_template")
    if found is None:
        return None
    return file, found, len(prefix), len(data) - len(suffix)


def _first_of_type(root: Node, kind: str) -> Node | None:
    pending = [root]
    while pending:
        node = pending.pop()
        if node.type == kind:
            return node
        pending.extend(reversed(node.children))
    return None


def syntax_error(hcl: HclFile) -> tuple[Span, str] | None:
    """Where the first syntax error of the file is, and what it is; ``None`` for a good file."""
    root = hcl.root
    if not root.has_error:
        return None
    node = _first_error(root)
    if node is None:  # has_error promised one; say so at the start rather than not at all
        return hcl.source.span(0, min(1, len(hcl.source.text))), "invalid HCL"
    if node.is_missing and node.type == "heredoc_identifier" and node.parent is not None:
        opening = node.parent  # the heredoc: say where it starts
        start, end = hcl.offset(opening.start_byte), hcl.offset(opening.end_byte)
        marker = hcl.source.text[start:end].split("\n", 1)[0].strip()
        return hcl.source.span(start, start + len(marker)), f"invalid HCL: {marker} is not closed"
    start = hcl.offset(node.start_byte)
    if node.is_missing:
        span = hcl.source.span(start, start)
        what = "a value" if node.type == "identifier" else repr(node.type)
        return span, f"invalid HCL: expected {what}"
    if node.children:
        node = node.children[-1]  # where the parser gave up, in what it could not place
        start = hcl.offset(node.start_byte)
    end = hcl.offset(node.end_byte)
    if node.type == "=":
        # Where the value is missing: after the '=' and the blanks that follow it on its line.
        text = hcl.source.text
        while end < len(text) and text[end] in " \t":
            end += 1
        return hcl.source.span(end, end), "invalid HCL: expected a value after '='"
    text = " ".join(hcl.source.text[start:end].split())
    if not text:
        return hcl.source.span(start, start), "invalid HCL: unexpected end of input"
    shown = text if len(text) <= 40 else text[:39] + "…"
    span = hcl.source.span(start, min(end, start + len(text.split()[0])))
    return span, f"invalid HCL: unexpected {shown!r}"


def _first_error(root: Node) -> Node | None:
    """The first error or missing node in text order (iteratively: trees can be deep)."""
    pending = [root]
    while pending:
        node = pending.pop()
        if node.is_error or node.is_missing:
            return node
        if node.has_error:
            pending.extend(reversed(node.children))
    return None
