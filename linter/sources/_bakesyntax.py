"""The syntax of Docker Bake files: their blocks, whose attributes the Bake source evaluates.

A Bake file is HCL (``docker-bake.hcl``) or its JSON form (``docker-bake.json``); both become
:class:`Block` values (``target "app" { ... }``, ``variable``, ``group``, ``function``, and a
top-level attribute as a block of no kind) whose attributes keep their expression unevaluated:
a node of the HCL syntax tree, or a JSON value.

HCL is read with the tree-sitter parser the Terraform source uses
(:mod:`ecs_lint.sources._hclsyntax`), and a syntax error is reported the same way (the first
error, its line and what was expected).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeAlias

from ecs_lint import jsonpos
from ecs_lint.sources._hcl import block_parts
from ecs_lint.sources._hclsyntax import parse_hcl, syntax_error

if TYPE_CHECKING:
    from tree_sitter import Node

    from ecs_lint.model import Span
    from ecs_lint.sources._hclsyntax import HclFile
    from ecs_lint.textio import SourceText

__all__ = ["Attribute", "BakeFile", "Block", "SyntaxProblem", "Written", "read_hcl", "read_json"]

Written: TypeAlias = "Node | jsonpos.JsonNode"
"""An attribute's expression as written: an HCL expression node, or a JSON value."""


class SyntaxProblem(ValueError):
    """Text that is not a Bake file, and where."""

    def __init__(self, message: str, span: Span) -> None:
        super().__init__(message)
        self.message = message
        self.span = span


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    written: Written
    start: int
    """Where the attribute's name is."""
    end: int
    """Where its expression ends."""


@dataclass(frozen=True, slots=True)
class Block:
    """``kind "label" { name = expr ... }``; ``start``/``end`` span the header (kind and
    labels), where messages about the block point."""

    kind: str
    labels: tuple[str, ...]
    attributes: tuple[Attribute, ...]
    start: int
    end: int

    def get(self, name: str) -> Attribute | None:
        return next((a for a in reversed(self.attributes) if a.name == name), None)


@dataclass(frozen=True, slots=True, eq=False)
class BakeFile:
    """A parsed Bake file; ``hcl`` is its syntax tree (``None`` for the JSON form)."""

    source: SourceText
    blocks: tuple[Block, ...]
    hcl: HclFile | None


# --- HCL ---------------------------------------------------------------------------------------


def read_hcl(source: SourceText) -> BakeFile:
    """The top-level blocks of a ``docker-bake.hcl``; raises :class:`SyntaxProblem`."""
    hcl = parse_hcl(source)
    error = syntax_error(hcl)
    if error is not None:
        span, message = error
        raise SyntaxProblem(message, span)
    blocks = []
    for node in hcl.body:
        if node.type == "attribute":  # a top-level attribute: a constant of the file
            attribute = _attribute(hcl, node)
            blocks.append(Block("", (), (attribute,), attribute.start, attribute.end))
        elif node.type == "block":
            kind, labels, body = block_parts(hcl, node)
            members = body.named_children if body is not None and body is not node else []
            attributes = tuple(_attribute(hcl, c) for c in members if c.type == "attribute")
            start = hcl.offset(node.start_byte)
            blocks.append(Block(kind, tuple(labels), attributes, start, _header_end(hcl, node)))
    return BakeFile(source, tuple(blocks), hcl)


def _attribute(hcl: HclFile, node: Node) -> Attribute:
    name, expression = node.named_children[0], node.named_children[-1]
    start, end = hcl.offset(name.start_byte), hcl.offset(expression.end_byte)
    return Attribute(hcl.text(name), expression, start, end)


def _header_end(hcl: HclFile, node: Node) -> int:
    """Where a block's kind and labels end (before its ``{``)."""
    header = [child for child in node.children if child.type in ("identifier", "string_lit")]
    return hcl.offset(header[-1].end_byte if header else node.start_byte)


# --- JSON ---------------------------------------------------------------------------------------

_KINDS: Final = ("variable", "target", "group", "function")


def read_json(source: SourceText) -> BakeFile:
    """The blocks of a ``docker-bake.json``: ``{"target": {"app": {...}}, ...}``."""
    text = source.text
    try:
        root = jsonpos.parse(text).root
    except jsonpos.JsonError as error:
        raise SyntaxProblem(f"invalid JSON: {error.message}", _at(source, error.offset)) from None
    if not isinstance(root, jsonpos.JsonObject):
        raise SyntaxProblem("a Bake file in JSON is an object", _at(source, root.start))
    blocks = []
    for kind_member in root.members:
        kinds = kind_member.value
        if kind_member.key not in _KINDS or not isinstance(kinds, jsonpos.JsonObject):
            continue
        for member in kinds.members:
            body = member.value
            if not isinstance(body, jsonpos.JsonObject):
                message = f"{kind_member.key} {member.key!r} is not an object"
                raise SyntaxProblem(message, _at(source, body.start))
            attributes = tuple(
                Attribute(a.key, a.value, a.key_start, a.value.end) for a in body.members
            )
            labels = (member.key,)
            blocks.append(
                Block(kind_member.key, labels, attributes, member.key_start, member.key_end)
            )
    return BakeFile(source, tuple(blocks), None)


def _at(source: SourceText, offset: int) -> Span:
    offset = min(max(offset, 0), len(source.text))
    return source.span(offset, min(offset + 1, len(source.text)))
