"""The syntax of Docker Bake files, read into a few plain values the Bake source evaluates.

A Bake file is HCL (``docker-bake.hcl``) or its JSON form (``docker-bake.json``); both become
:class:`Block` values (``target "app" { ... }``, ``variable``, ``group``, ``function``) whose
attributes are :class:`Expr` trees with source offsets. Only what Bake values need is kept
apart: literals, strings with ``${...}`` interpolation, lists, objects, variable references,
comparisons, ``!``, ``&&``/``||`` and conditionals; any other expression (a function call, a
``for`` expression, an attribute or index of something) is :class:`Opaque`, which the
evaluator treats as unknown.

The HCL parser is behind one function, :func:`read_hcl`: it is python-hcl2's Lark grammar (not
the tree-sitter one Terraform files are read with), imported only when a Bake file is read.
Switching parsers means rewriting that function's walk, nothing else.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeAlias, cast

from ecs_lint import jsonpos

if TYPE_CHECKING:
    from lark import Token, Tree

__all__ = [
    "Binary",
    "Block",
    "Conditional",
    "Constant",
    "Expr",
    "ListExpr",
    "Not",
    "ObjectExpr",
    "Opaque",
    "Ref",
    "SyntaxProblem",
    "Template",
    "read_hcl",
    "read_json",
]


class SyntaxProblem(ValueError):
    """Text that is not a Bake file; ``offset`` is where the problem was found."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Constant:
    """``true``, ``false``, ``null``, or a number (its text)."""

    value: str | bool | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Ref:
    """A variable by name (``TAG``, or ``${TAG}`` in a string)."""

    name: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Template:
    """A string: literal text and interpolated expressions, in order."""

    parts: tuple[str | Expr, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ListExpr:
    items: tuple[Expr, ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    """An object; a key is text, or ``None`` when an expression computes it."""

    members: tuple[tuple[str | None, Expr], ...]
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Binary:
    """``a == b``, ``a != b``, ``a && b``, ``a || b``; other operators are :class:`Opaque`."""

    operator: str
    left: Expr
    right: Expr
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Conditional:
    condition: Expr
    if_true: Expr
    if_false: Expr
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Opaque:
    """An expression the evaluator does not compute; ``text`` names it in messages."""

    text: str
    start: int
    end: int


Expr: TypeAlias = (
    Constant | Ref | Template | ListExpr | ObjectExpr | Binary | Not | Conditional | Opaque
)


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    expr: Expr
    start: int
    """Where the attribute's name is."""


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


# --- JSON ---------------------------------------------------------------------------------------

_KINDS: Final = ("variable", "target", "group", "function")


def read_json(text: str) -> list[Block]:
    """The blocks of a ``docker-bake.json``: ``{"target": {"app": {...}}, ...}``."""
    try:
        root = jsonpos.parse(text).root
    except jsonpos.JsonError as error:
        raise SyntaxProblem(f"invalid JSON: {error.message}", error.offset) from None
    if not isinstance(root, jsonpos.JsonObject):
        raise SyntaxProblem("a Bake file in JSON is an object", root.start)
    blocks = []
    for kind_member in root.members:
        kinds = kind_member.value
        if kind_member.key not in _KINDS or not isinstance(kinds, jsonpos.JsonObject):
            continue
        for member in kinds.members:
            body = member.value
            if not isinstance(body, jsonpos.JsonObject):
                raise SyntaxProblem(
                    f"{kind_member.key} {member.key!r} is not an object", body.start
                )
            attributes = tuple(
                Attribute(a.key, _json_expr(a.value), a.key_start) for a in body.members
            )
            labels = (member.key,)
            blocks.append(
                Block(kind_member.key, labels, attributes, member.key_start, member.key_end)
            )
    return blocks


def _json_expr(node: jsonpos.JsonNode) -> Expr:
    if isinstance(node, jsonpos.JsonObject):
        members = tuple((m.key, _json_expr(m.value)) for m in node.members)
        return ObjectExpr(members, node.start, node.end)
    if isinstance(node, jsonpos.JsonArray):
        return ListExpr(tuple(_json_expr(item) for item in node.items), node.start, node.end)
    if isinstance(node.value, str):
        return template(node.value, node.start, node.end)
    value = node.value
    if isinstance(value, bool) or value is None:
        return Constant(value, node.start, node.end)
    return Constant(json.dumps(value), node.start, node.end)


_INTERPOLATION: Final = re.compile(r"\$\$\{|%%\{|\$\{\s*([A-Za-z_][A-Za-z0-9_-]*)?\s*\}|\$\{|%\{")


def template(text: str, start: int, end: int) -> Template:
    """A string of the JSON form, with ``${NAME}`` references; any other ``${...}`` or
    ``%{...}`` is opaque to the end of the string, ``$${`` and ``%%{`` are escapes."""
    parts: list[str | Expr] = []
    index = 0
    for match in _INTERPOLATION.finditer(text):
        parts.append(text[index : match.start()])
        token = match.group()
        if token in ("$${", "%%{"):
            parts.append(token[1:])
        elif match.group(1) is not None:
            parts.append(Ref(match.group(1), start, end))
        else:
            parts.append(Opaque(text[match.start() :], start, end))
            index = len(text)
            break
        index = match.end()
    parts.append(text[index:])
    return Template(tuple(part for part in parts if part != ""), start, end)


# --- HCL ---------------------------------------------------------------------------------------


def read_hcl(text: str) -> list[Block]:
    """The top-level blocks of a ``docker-bake.hcl``; raises :class:`SyntaxProblem`."""
    import hcl2  # a Lark grammar, imported only when a Bake file is read
    from lark.exceptions import LarkError, UnexpectedInput

    try:
        tree = hcl2.parses_to_tree(text)
    except UnexpectedInput as error:
        position = error.pos_in_stream
        offset = len(text) if position is None or position < 0 else min(position, len(text))
        raise SyntaxProblem(f"invalid HCL: {_lark_message(error)}", offset) from None
    except (LarkError, RecursionError, RuntimeError, ValueError) as error:
        raise SyntaxProblem(f"invalid HCL: {type(error).__name__}", 0) from None
    return _Walk(text).blocks(tree)


def _lark_message(error: Any) -> str:
    token = getattr(error, "token", None)
    if token is not None and getattr(token, "type", "") == "$END":
        return "unexpected end of input"
    if token is not None:
        return f"unexpected {str(token)[:40]!r}"
    char = getattr(error, "char", None)
    return f"unexpected character {char!r}" if char is not None else "unexpected input"


_ESCAPES: Final = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)|\$\$\{|%%\{", re.DOTALL)
_SIMPLE_ESCAPES: Final = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_COMPARISONS: Final = frozenset({"==", "!=", "&&", "||"})


def _unescape(match: re.Match[str]) -> str:
    token = match.group()
    if token in ("$${", "%%{"):
        return token[1:]
    escaped = match.group(1)
    if escaped[0] in "uU" and len(escaped) > 1:
        return chr(int(escaped[1:], 16))
    return _SIMPLE_ESCAPES.get(escaped, token)


class _Walk:
    """Lark tree → :class:`Block` values (python-hcl2's grammar)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def blocks(self, tree: Tree[Token]) -> list[Block]:
        body = next((c for c in _trees(tree) if c.data == "body"), None)
        found = []
        for node in _trees(body) if body is not None else []:
            if node.data == "attribute":  # a top-level attribute: a constant of the file
                attribute = self._attribute(node)
                start, end = _offsets(node)
                found.append(Block("", (), (attribute,), start, end))
            if node.data != "block":
                continue
            kind, labels, header_end = "", [], 0
            attributes: list[Attribute] = []
            for child in _trees(node):
                if child.data == "body":
                    attributes = [
                        self._attribute(a) for a in _trees(child) if a.data == "attribute"
                    ]
                    break
                if child.data == "string":
                    labels.append("".join(_token(p) for p in _trees(child)))
                elif not kind:
                    kind = _token(child)
                else:
                    labels.append(_token(child))
                header_end = _offsets(child)[1]
            start = _offsets(node)[0]
            found.append(Block(kind, tuple(labels), tuple(attributes), start, header_end))
        return found

    def _attribute(self, node: Tree[Token]) -> Attribute:
        name_node, *_rest = _trees(node)
        return Attribute(_token(name_node), self.expr(_trees(node)[-1]), _offsets(name_node)[0])

    def expr(self, node: Tree[Token]) -> Expr:
        start, end = _offsets(node)
        data = node.data
        children = _trees(node)
        if data == "expr_term" and len(children) == 1:  # a term, or one in parentheses
            return self.expr(children[0])
        if data == "identifier":
            return Ref(_token(node), start, end)
        if data in ("int_lit", "float_lit"):
            return Constant(_token(node), start, end)  # as text: what a build arg gets
        if data == "literal_value":
            word = _token(node)
            return Constant({"true": True, "false": False}.get(word), start, end)
        if data == "string":
            return self._string(node, start, end)
        if data == "tuple":
            return ListExpr(tuple(self.expr(child) for child in children), start, end)
        if data == "object":
            return self._object(node, start, end)
        if data == "conditional" and len(children) == 3:
            test, if_true, if_false = (self.expr(child) for child in children)
            return Conditional(test, if_true, if_false, start, end)
        if data == "binary_op" and len(children) == 2 and children[1].data == "binary_term":
            operator_node, right = _trees(children[1])
            operator = _token(operator_node)
            if operator in _COMPARISONS:
                return Binary(operator, self.expr(children[0]), self.expr(right), start, end)
        if data == "unary_op" and _tokens(node) == ["!"] and len(children) == 1:
            return Not(self.expr(children[0]), start, end)
        return Opaque(self.text[start:end], start, end)

    def _string(self, node: Tree[Token], start: int, end: int) -> Template:
        parts: list[str | Expr] = []
        for part in _trees(node):
            inner = _trees(part)
            if not inner:
                parts.append(_ESCAPES.sub(_unescape, _token(part)))
            elif inner[0].data == "interpolation" and _trees(inner[0]):
                parts.append(self.expr(_trees(inner[0])[0]))
            else:  # a template directive (%{ if }...): the rest of the string is unknown
                part_start = _offsets(part)[0]
                parts.append(Opaque(self.text[part_start:end], part_start, end))
                break
        return Template(tuple(p for p in parts if p != ""), start, end)

    def _object(self, node: Tree[Token], start: int, end: int) -> ObjectExpr:
        members: list[tuple[str | None, Expr]] = []
        for element in _trees(node):
            if element.data != "object_elem":
                continue
            key_node, value_node = _trees(element)[0], _trees(element)[-1]
            key = self.expr(_trees(key_node)[0]) if _trees(key_node) else None
            if isinstance(key, Ref):
                name: str | None = key.name
            elif isinstance(key, Template) and all(isinstance(p, str) for p in key.parts):
                name = "".join(str(p) for p in key.parts)
            else:
                name = None
            members.append((name, self.expr(value_node)))
        return ObjectExpr(tuple(members), start, end)


def _trees(node: Tree[Token]) -> list[Tree[Token]]:
    return [cast("Tree[Token]", child) for child in node.children if hasattr(child, "data")]


def _tokens(node: Tree[Token]) -> list[str]:
    return [str(child) for child in node.children if not hasattr(child, "data")]


def _token(node: Tree[Token]) -> str:
    """The text of a rule holding one token (``identifier``, ``int_lit``...)."""
    return next(iter(_tokens(node)), "")


def _offsets(node: Tree[Token] | Token) -> tuple[int, int]:
    if not hasattr(node, "data"):
        return getattr(node, "start_pos", 0) or 0, getattr(node, "end_pos", 0) or 0
    node = cast("Tree[Token]", node)
    meta = node.meta
    if not getattr(meta, "empty", True):
        return meta.start_pos, meta.end_pos
    children = [child for child in node.children if child is not None]
    if children:
        return _offsets(children[0])[0], _offsets(children[-1])[1]
    return 0, 0
