"""Terraform templates: heredocs and ``templatefile`` files, evaluated into mapped text.

A template's text is built piece by piece, each character mapped to where it is in the file
(:class:`~ecs_lint.sources._mapped.MappedText`), so JSON in it (a task's containers) has spans
into the file; a value put in by ``${...}`` maps to the interpolation that gives it. ``<<-``
leaves out the common indentation of the heredoc's lines. Directives are evaluated when what
they test or iterate is known: ``%{ if }``/``%{ else }``/``%{ endif }``, ``%{ for }``/
``%{ endfor }``, with ``~`` strip markers removing the white space beside them; an unknown one
makes the whole template unknown, never a guess.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, TypeAlias

from ecs_lint.sources._hcl import MAX_ITEMS, Evaluator, as_parts, concat_parts, iteration, truth
from ecs_lint.sources._mapped import MappedStr, MappedText
from ecs_lint.sources._values import Mapping, Opaque, Scalar, Sequence, Str

if TYPE_CHECKING:
    from tree_sitter import Node

    from ecs_lint.sources._hclsyntax import HclFile
    from ecs_lint.sources._values import Part, Text, Value, Where

__all__ = ["MappedBuilder", "heredoc", "json_text", "render"]

_ITEMS: Final = ("template_interpolation", "template_directive")
_BLANK: Final = frozenset(b" \t\r\n")


@dataclass(slots=True)
class _Text:
    """Literal text of the template: a byte range of its file."""

    start: int
    end: int


@dataclass(slots=True)
class _Put:
    """A value an interpolation puts in."""

    node: Node
    value: Value
    label: str


_STRIP_BEFORE: Final = "<"
_STRIP_AFTER: Final = ">"
_Piece: TypeAlias = "_Text | _Put | str"
"""The template as a flat list: text, values, and strip markers (``~``) removing the white
space before or after them."""


class _Unknown(Exception):
    """A directive whose condition or collection is not known."""


def heredoc(ev: Evaluator, node: Node, depth: int) -> Value:
    """A heredoc's text (``<<-`` without the common indentation of its lines)."""
    children = node.named_children
    identifiers = [c for c in children if c.type == "heredoc_identifier"]
    if len(identifiers) < 2:
        return ev.unknown(node)
    data = ev.file.data
    opening, closing = identifiers[0], identifiers[-1]
    start = data.find(b"\n", opening.end_byte) + 1
    if start <= 0:
        return ev.unknown(node)
    end = max(data.rfind(b"\n", 0, closing.start_byte) + 1, start)
    trim = ev.file.text(children[0]) == "<<-"
    indent = _common_indent(ev.file.slice(start, end)) if trim else 0
    items = [child for child in children if child.type in _ITEMS]
    return render(ev, start, end, items, depth, ev.where(node), indent)


def render(
    ev: Evaluator, start: int, end: int, items: list[Node], depth: int, at: Where, indent: int = 0
) -> Value:
    """The template text from byte ``start`` to ``end`` of the evaluator's file, whose
    interpolations and directives are ``items``."""
    pieces: list[_Piece] = []
    try:
        _pieces(ev, start, end, items, depth, pieces)
    except _Unknown:
        return Opaque(("template directive",), at, "template directive")
    builder = MappedBuilder(ev.file, indent)
    for piece in _stripped(pieces, ev.file.data):
        if isinstance(piece, _Text):
            builder.literal(piece.start, piece.end)
        elif isinstance(piece, _Put):
            builder.value(piece.node, piece.value, piece.label)
    return builder.build(at)


def _pieces(
    ev: Evaluator, start: int, end: int, items: list[Node], depth: int, out: list[_Piece]
) -> None:
    position = start
    for item in items:
        out.append(_Text(position, item.start_byte))
        if item.type == "template_interpolation":
            before, after = _markers(item)
            expression = next((c for c in item.named_children if c.type == "expression"), None)
            value = ev.unknown(item) if expression is None else ev.expression(expression, depth)
            label = ev.text_of(item)[2:-1].strip(" ~")
            out.extend([_STRIP_BEFORE] if before else [])
            out.append(_Put(item, value, label))
            out.extend([_STRIP_AFTER] if after else [])
        else:
            _directive(ev, item.named_children[0], depth, out)
        position = item.end_byte
    out.append(_Text(position, end))


def _directive(ev: Evaluator, node: Node, depth: int, out: list[_Piece]) -> None:
    children = node.named_children
    opening, closing = children[0], children[-1]
    out.extend([_STRIP_BEFORE] if _markers(opening)[0] else [])
    if node.type == "template_if":
        middle = next((c for c in children if c.type == "template_else_intro"), None)
        test = truth(ev.expression(_expression(opening), depth))
        if test is None:
            raise _Unknown
        if test:
            _branch(ev, node, opening, middle or closing, depth, out)
        elif middle is not None:
            _branch(ev, node, middle, closing, depth, out)
    else:
        pairs = iteration(ev.expression(_expression(opening), depth))
        if pairs is None or len(pairs) > MAX_ITEMS:
            raise _Unknown
        names = [ev.file.text(c) for c in opening.named_children if c.type == "identifier"]
        for key, value in pairs:
            env = dict(ev.env)
            if len(names) == 2:
                env[names[0]] = key
            env[names[-1]] = value
            _branch(Evaluator(ev.scope, ev.file, env), node, opening, closing, depth, out)
    out.extend([_STRIP_AFTER] if _markers(closing)[1] else [])


def _branch(
    ev: Evaluator, node: Node, first: Node, last: Node, depth: int, out: list[_Piece]
) -> None:
    """The text between two tags of a directive, with their inner strip markers."""
    out.extend([_STRIP_AFTER] if _markers(first)[1] else [])
    items = [
        child
        for child in node.named_children
        if child.type in _ITEMS and first.end_byte <= child.start_byte < last.start_byte
    ]
    _pieces(ev, first.end_byte, last.start_byte, items, depth + 1, out)
    out.extend([_STRIP_BEFORE] if _markers(last)[0] else [])


def _expression(tag: Node) -> Node:
    found = next((c for c in tag.named_children if c.type == "expression"), None)
    if found is None:
        raise _Unknown
    return found


def _markers(tag: Node) -> tuple[bool, bool]:
    """Whether a tag (``%{~ if x ~}``, ``${~ x}``) strips white space before and after it."""
    children = tag.children
    before = len(children) > 1 and children[1].type == "strip_marker"
    after = len(children) > 2 and children[-2].type == "strip_marker"
    return before, after


def _stripped(pieces: list[_Piece], data: bytes) -> list[_Piece]:
    """The pieces with each strip marker applied to the literal text beside it (across empty
    text, up to the next value)."""
    out: list[_Piece] = []
    strip_next = False
    for piece in pieces:
        if piece == _STRIP_BEFORE:
            for previous in reversed(out):
                if not isinstance(previous, _Text):
                    break
                while previous.end > previous.start and data[previous.end - 1] in _BLANK:
                    previous.end -= 1
                if previous.end > previous.start:
                    break
        elif piece == _STRIP_AFTER:
            strip_next = True
        elif isinstance(piece, _Text):
            while strip_next and piece.start < piece.end and data[piece.start] in _BLANK:
                piece.start += 1
            strip_next = strip_next and piece.start == piece.end
            out.append(piece)
        else:
            strip_next = False
            out.append(piece)
    return out


def json_text(value: Value) -> tuple[list[Part], dict[tuple[int, int], Text]] | None:
    """The JSON text Terraform's ``jsonencode`` writes of a structure (object keys in order),
    with the strings in it by the characters they fill; ``None`` when a part's shape is not
    known (the text would be a guess)."""
    parts: list[Part] = []
    put: dict[tuple[int, int], Text] = {}
    length = 0

    def emit(text: str) -> None:
        nonlocal length
        parts.append(text)
        length += len(text)

    pending: list[Value | str] = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, str):
            emit(current)
        elif isinstance(current, Mapping):
            members = sorted(current.members.items())
            chunks: list[Value | str] = ["{"]
            for index, (key, member) in enumerate(members):
                chunks.extend(["," if index else "", json.dumps(key, ensure_ascii=False) + ":"])
                chunks.append(member.value)
            pending.extend(reversed([*chunks, "}"]))
        elif isinstance(current, Sequence):
            chunks = ["["]
            for index, item in enumerate(current.items):
                chunks.extend(["," if index else "", item])
            pending.extend(reversed([*chunks, "]"]))
        elif isinstance(current, Scalar):
            emit(json.dumps(current.value))
        elif isinstance(current, Str) and current.typed:
            emit('"')
            start = length
            for part in current.parts:
                if isinstance(part, str):
                    emit(json.dumps(part, ensure_ascii=False)[1:-1])
                else:
                    parts.append(part)
                    length += len(part.display)
            if current.is_known and not isinstance(current, MappedStr):
                put[(start, length)] = current.text()
            emit('"')
        else:
            return None
    return parts, put


def _common_indent(body: str) -> int:
    """The indentation ``<<-`` removes: the least of its non-blank lines."""
    widths = [len(line) - len(line.lstrip(" \t")) for line in body.split("\n") if line.strip()]
    return min(widths) if widths else 0


@dataclass(slots=True)
class MappedBuilder:
    """A template's text, built piece by piece, each character mapped to the file; a value put
    in maps to the interpolation that gives it. ``indent`` is the indentation left out at the
    start of each line (``<<-``)."""

    file: HclFile
    indent: int = 0
    parts: list[Part] = field(default_factory=list)
    chars: list[str] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    put: dict[tuple[int, int], Text] = field(default_factory=dict)
    verbatim: bool = True
    _skip: int = -1

    def literal(self, start: int, end: int) -> None:
        if self._skip < 0:
            self._skip = self.indent
        text = self.file.slice(start, end)
        base = self.file.offset(start)
        kept: list[str] = []
        index = 0
        while index < len(text):
            char = text[index]
            if self._skip and char in " \t":
                self._skip -= 1
                index += 1
                continue
            self._skip = self.indent if char == "\n" else 0
            if char in "$%" and text.startswith(char * 2 + "{", index):
                kept.append(char + "{")
                self.offsets.extend((base + index + 1, base + index + 2))
                self.verbatim = False
                index += 3
                continue
            kept.append(char)
            self.offsets.append(base + index)
            index += 1
        piece = "".join(kept)
        self.parts.append(piece)
        self.chars.append(piece)

    def value(self, node: Node, value: Value, label: str) -> None:
        """What an interpolation puts in; a known string is kept as written where it comes
        from, for whatever reads it out of the text."""
        self.verbatim = False
        self._skip = 0
        start = self.file.offset(node.start_byte)
        last = self.file.offset(node.end_byte) - 1
        position = len(self.offsets)
        rendered = json_text(value) if isinstance(value, Mapping | Sequence) else None
        parts: tuple[Part, ...] = as_parts(value, label)
        if rendered is not None:  # jsonencode(...) put in a template: its JSON text
            parts, put = tuple(rendered[0]), rendered[1]
            self.put.update(((position + a, position + b), t) for (a, b), t in put.items())
        text = "".join(part if isinstance(part, str) else part.display for part in parts)
        if isinstance(value, Str) and not isinstance(value, MappedStr) and value.is_known:
            self.put[(position, position + len(text))] = value.text()
        self.parts.extend(parts)
        self.chars.append(text)
        if text:
            self.offsets.append(start)
            self.offsets.extend([last] * (len(text) - 1))

    def build(self, at: Where) -> Value:
        text = "".join(self.chars)
        mapped = MappedText(
            text, self.offsets, self.file.source, verbatim=self.verbatim, put=self.put
        )
        return MappedStr(concat_parts(self.parts), at, mapped=mapped)
