"""HCL expressions, evaluated as Terraform and Docker Bake would where the file says enough.

The syntax tree comes from :mod:`ecs_lint.sources._hclsyntax`. What a name means and which
functions there are belong to the configuration the file is part of, its :class:`Scope`: a
Terraform module instance (:class:`ecs_lint.sources._tfinstance.Instance`: ``var.``, ``local.``,
``module.``, resources, and the functions of :mod:`ecs_lint.sources._tffunctions`) or a Bake
definition (:class:`ecs_lint.sources.bake.Definition`: variables by bare name). The rest is
the same HCL in both, and evaluated here:

* literals, tuples, objects, strings and heredocs with ``${...}`` (a value not known statically
  becomes a hole labelled with its expression: ``${aws_iam_role.exec.arn}``), ``$${`` escapes;
* names a block or a ``for`` expression adds (``each``, ``count``, iteration symbols, a Bake
  ``matrix``), and what the scope says the other names are; attributes and indexes of known
  values, splats, ``for`` expressions over known collections, conditionals and operators whose
  operands are known;
* the functions of the scope's table.

Anything else (a template directive, a resource attribute known after apply, an unknown
condition) is unknown, never guessed: an unknown value keeps the text of the expression that
would give it. A string taken from elsewhere (a variable's default) is placed at the expression
that uses it, with an :class:`~ecs_lint.sources._values.Origin` naming where it is written.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Protocol, cast

from ecs_lint.sources._mapped import MappedStr
from ecs_lint.sources._values import (
    Hole,
    Mapping,
    Member,
    Opaque,
    Origin,
    Scalar,
    Sequence,
    Str,
    Where,
    any_within,
    label_text,
    unknown_labels,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from collections.abc import Mapping as Table

    from tree_sitter import Node

    from ecs_lint.model import Span
    from ecs_lint.sources._hclsyntax import HclFile
    from ecs_lint.sources._values import Part, Value

    Function = Callable[["Evaluator", Node, list[Node], int], Value]
    """A function of the table: the evaluator, the call's node, its argument nodes, the depth."""

__all__ = [
    "Env",
    "Evaluator",
    "Failed",
    "Scope",
    "as_number",
    "as_parts",
    "binary_operation",
    "concat_parts",
    "is_known",
    "is_null",
    "iteration",
    "known_text",
    "number_text",
    "plain_known",
    "relocated",
    "truth",
    "unary_operation",
    "unknown_labels",
]

MAX_DEPTH: Final = 100
"""Expression nesting evaluated; deeper values are unknown (Python's recursion stays safe)."""
MAX_LABEL: Final = 60
"""Characters of an expression's text used to name an unknown value."""
MAX_ITEMS: Final = 10_000
"""Elements a ``for`` expression or a splat builds; a larger result is unknown."""

Env = dict[str, "Value"]
"""Names a block or a ``for`` expression adds: ``each``, ``count``, iteration symbols."""

_SIMPLE_ESCAPES: Final = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}
_META_ARGUMENTS: Final = frozenset({"count", "for_each", "depends_on", "lifecycle", "provisioner"})


class Failed(Opaque):
    """An expression Terraform rejects (a missing attribute, an index out of range): unknown to
    everything but ``try`` and ``can``, which turn to their next choice."""


# --- Values ------------------------------------------------------------------------------------


def is_null(value: Value | None) -> bool:
    return isinstance(value, Scalar) and value.value is None


def is_known(value: Value) -> bool:
    """Whether the whole value is known: no hole and no unknown part anywhere in it."""
    return not any_within(value, _is_unknown)


def _is_unknown(value: Value) -> bool:
    return isinstance(value, Opaque) or (isinstance(value, Str) and not value.is_known)


def known_text(value: Value | None) -> str | None:
    """The text of a known string (a known number or boolean as Terraform writes it)."""
    if isinstance(value, Str):
        return value.value if value.is_known else None
    if isinstance(value, Scalar) and value.value is not None:
        return _scalar_text(value.value)
    return None


def number_text(number: float) -> str:
    if isinstance(number, float) and number.is_integer() and math.isfinite(number):
        return str(int(number))
    return str(number)


def _scalar_text(value: int | float | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return number_text(value)


def as_parts(value: Value | None, label: str) -> tuple[Part, ...]:
    """A value as parts of a string: its text, or one hole."""
    if isinstance(value, Str):
        return value.parts
    if isinstance(value, Scalar) and value.value is not None:
        return (_scalar_text(value.value),)
    if isinstance(value, Opaque):
        if value.display and value.labels != (label_text(value.display),):
            return tuple(Hole(label) for label in value.labels)  # what it comes from
        return (Hole(value.display or ", ".join(value.labels)),)
    return (Hole(label_text(label)),)


def concat_parts(parts: list[Part] | tuple[Part, ...]) -> tuple[Part, ...]:
    merged: list[Part] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += part
                continue
        merged.append(part)
    return tuple(merged)


def plain_known(value: Value) -> tuple[bool, object]:
    """``(True, plain value)`` for a wholly known value, ``(False, None)`` otherwise."""
    if not is_known(value):
        return False, None
    return True, value.plain()


def relocated(value: Value, at: Span | Where, origin: Origin) -> Value:
    """A string written elsewhere, as the expression at ``at`` uses it; other values as they are
    (their parts keep their own places)."""
    if not isinstance(value, Str) or isinstance(value, MappedStr):
        return value
    if value.origin is None:
        literal = value.span if value.editable and value.is_known else None
        origin = Origin(origin.note, literal)
    else:
        origin = value.origin
    return Str(value.parts, at, value.editable, origin, value.typed)


def truth(value: Value) -> bool | None:
    if isinstance(value, Scalar) and isinstance(value.value, bool):
        return value.value
    if isinstance(value, Str) and value.is_known and value.value in ("true", "false"):
        return value.value == "true"
    return None


def as_number(value: Value) -> int | float | None:
    if isinstance(value, Scalar) and not isinstance(value.value, bool):
        return value.value
    if isinstance(value, Str) and value.is_known:
        try:
            return int(value.value)
        except ValueError:
            try:
                return float(value.value)
            except ValueError:
                return None
    return None


# --- The evaluator -----------------------------------------------------------------------------


class Scope(Protocol):
    """The configuration an evaluated file belongs to: what its names and functions are."""

    @property
    def functions(self) -> Table[str, Function]:
        """The functions evaluated, by name; a call of any other is unknown."""
        ...

    def reference(
        self, ev: Evaluator, node: Node, root: str, rest: list[Node], depth: int
    ) -> Value:
        """The value of the reference ``node``: the name ``root``, then the attribute, index
        and splat steps ``rest`` (:meth:`Evaluator.named` and :meth:`Evaluator.postfix` apply
        them)."""
        ...

    def owns(self, value: Str) -> bool:
        """Whether a string is written in the scope's own files, so an expression that uses it
        is where to report it (:meth:`Evaluator.named`)."""
        ...


@dataclass(slots=True)
class Evaluator:
    """Evaluates the expressions of one file of a scope."""

    scope: Scope
    file: HclFile
    env: Env = field(default_factory=dict)

    # --- Places and unknowns ---------------------------------------------------------------

    def where(self, node: Node) -> Where:
        file = self.file
        return Where(file.source, file.offset(node.start_byte), file.offset(node.end_byte))

    def span(self, node: Node) -> Span:
        return self.file.span(node)

    def text_of(self, node: Node) -> str:
        return " ".join(self.file.text(node).split())

    def unknown(
        self, node: Node, label: str | None = None, depends: Iterable[Value] = ()
    ) -> Opaque:
        """An unknown value shown as ``label``, else its (shortened) expression text; its labels
        are the unknown values of ``depends`` it comes from (``var.image``), else that text."""
        text = label or self.text_of(node)
        if len(text) > MAX_LABEL:
            text = text[: MAX_LABEL - 1] + "…"
        return Opaque(unknown_labels(depends) or (label_text(text),), self.where(node), text)

    def hole(self, node: Node, label: str) -> Str:
        """A value of unknown type written as one reference (``var.x``, ``aws_iam_role.r.arn``)."""
        return Str((Hole(label_text(label)),), self.where(node), typed=False)

    def failed(self, node: Node, why: str) -> Failed:
        return Failed((label_text(self.text_of(node)[:MAX_LABEL]),), self.where(node), why)

    # --- Bodies ----------------------------------------------------------------------------

    def body(self, node: Node, depth: int, *, skip: frozenset[str] = _META_ARGUMENTS) -> Mapping:
        """A block body: attributes (a null one is left out, as Terraform does), and nested
        blocks as lists of objects by block type (``dynamic`` ones generated from a known
        ``for_each``, else unknown)."""
        members: dict[str, Member] = {}
        for child in node.named_children:
            if child.type == "attribute":
                name_node, value_node = child.named_children[0], child.named_children[-1]
                key = self.file.text(name_node)
                if key in skip:
                    continue
                value = self.expression(value_node, depth)
                if isinstance(value, Failed):
                    value = Opaque(value.labels, value.at, value.display)
                if not is_null(value):
                    members[key] = Member(key, self.where(name_node), value)
            elif child.type == "block":
                self._nested_block(child, members, depth)
        return Mapping(members, self.where(node))

    def _nested_block(self, node: Node, members: dict[str, Member], depth: int) -> None:
        kind, labels, inner = block_parts(self.file, node)
        if inner is None or kind in _SKIP_BLOCKS:
            return
        if kind == "dynamic" and labels:
            self._dynamic_blocks(labels[0], node, inner, members, depth)
            return
        value = self.body(inner, depth + 1)
        value.at = self.where(node)
        _add_block(members, kind, value, self.where(node))

    def _dynamic_blocks(
        self, kind: str, node: Node, inner: Node, members: dict[str, Member], depth: int
    ) -> None:
        """``dynamic "kind"``: a ``kind`` block per element of ``for_each``, its ``content``
        evaluated with the iterator (``kind`` unless ``iterator`` names another) holding the
        element's ``key`` and ``value``; all unknown when ``for_each`` is."""
        parts = {
            self.file.text(child.named_children[0]): child
            for child in inner.named_children
            if child.type in ("attribute", "block")
        }
        for_each, content = parts.get("for_each"), parts.get("content")
        iterator = parts.get("iterator")
        name = self.file.text(iterator.named_children[-1]) if iterator is not None else kind
        collection = self.expression(for_each.named_children[-1], depth + 1) if for_each else None
        pairs = iteration(collection) if collection is not None else None
        content_body = block_parts(self.file, content)[2] if content is not None else None
        if pairs is None or content is None or content_body is None or len(pairs) > MAX_ITEMS:
            # Generated blocks: their number and content are not known.
            depends = [collection] if collection is not None else []
            unknown = self.unknown(node, depends=depends)
            members[kind] = Member(kind, self.where(node), unknown)
            return
        at = self.where(content)
        for key, element in pairs:
            each = {"key": Member("key", at, key), "value": Member("value", at, element)}
            env = {**self.env, name: Mapping(each, at)}
            value = Evaluator(self.scope, self.file, env).body(content_body, depth + 1)
            value.at = at
            _add_block(members, kind, value, self.where(node))

    # --- Expressions -----------------------------------------------------------------------

    def expression(self, node: Node, depth: int, env: Env | None = None) -> Value:
        if depth > MAX_DEPTH:
            return self.unknown(node, "nesting too deep")
        if env is not None and env is not self.env:
            return Evaluator(self.scope, self.file, env).expression(node, depth)
        kind = node.type
        if kind == "expression":
            return self._chain(node, node.children, depth + 1)
        handler = _HANDLERS.get(kind)
        if handler is None:
            return self.unknown(node)
        return handler(self, node, depth + 1)

    def _chain(self, node: Node, children: list[Node], depth: int) -> Value:
        """A term and what follows it: ``.attr``, ``[index]``, splats."""
        if not children:
            return self.unknown(node)
        if children[0].type == "(":
            term, rest = children[1], children[3:]
        else:
            term, rest = children[0], children[1:]
        if term.type == "variable_expr":
            return self._reference(node, term, rest, depth)
        value = self.expression(term, depth)
        return self.postfix(node, value, rest, depth)

    def postfix(self, node: Node, value: Value, rest: list[Node], depth: int) -> Value:
        """``value`` after the steps ``rest`` of the expression ``node`` (``.attr``,
        ``[index]``, splats)."""
        for index, step in enumerate(rest):
            if isinstance(value, Failed):
                return value
            if isinstance(value, Opaque):
                # A part of a computed unknown value: unknown, from what that value came from.
                return self.unknown(node, depends=[value])
            if isinstance(value, Str) and not value.typed:
                return self.hole(node, self.text_of(node))  # a reference: named by its text
            if step.type == "get_attr":
                value = self._attribute(step, value, self.file.text(step.named_children[-1]))
            elif step.type == "index":
                value = self._index(step, value, depth)
            elif step.type == "splat":
                return self._splat(node, step, value, rest[index + 1 :], depth)
            else:
                return self.unknown(node)
        return value

    def _attribute(self, step: Node, value: Value, name: str) -> Value:
        if isinstance(value, Mapping):
            found = value.get(name)
            return found if found is not None else self.failed(step, f"no attribute {name}")
        if is_null(value):
            return self.failed(step, "attribute of null")
        return self.failed(step, f"attribute {name} of a value that has none")

    def _index(self, step: Node, value: Value, depth: int) -> Value:
        inner = step.named_children[0] if step.named_children else None
        if inner is None:
            return self.unknown(step)
        if inner.type == "legacy_index":
            key: Value = Scalar(int(self.file.text(inner).lstrip(".")), self.where(inner))
        else:
            key = self.expression(inner.named_children[0], depth)
        if isinstance(value, Sequence):
            number = as_number(key)
            if number is None:
                return self.unknown(step)
            if not float(number).is_integer() or not 0 <= number < len(value.items):
                return self.failed(step, "index out of range")
            return value.items[int(number)]
        if isinstance(value, Mapping):
            name = known_text(key)
            if name is None:
                return self.unknown(step)
            found = value.get(name)
            return found if found is not None else self.failed(step, f"no key {name}")
        return self.failed(step, "index of a value that has none")

    def _splat(self, node: Node, step: Node, value: Value, rest: list[Node], depth: int) -> Value:
        splat = step.named_children[0]
        inner = [child for child in splat.children if child.is_named]
        if is_null(value):
            return Sequence([], self.where(node))
        items = value.items if isinstance(value, Sequence) else [value]
        # [*] applies what follows to each element; .* only its own attributes.
        steps = inner + rest if splat.type == "full_splat" else inner
        results = [self.postfix(node, item, steps, depth) for item in items[:MAX_ITEMS]]
        if len(items) > MAX_ITEMS:
            return self.unknown(node)
        result: Value = Sequence(results, self.where(node))
        if splat.type == "attr_splat" and rest:
            result = self.postfix(node, result, rest, depth)
        return result

    # --- References ------------------------------------------------------------------------

    def _reference(self, node: Node, term: Node, rest: list[Node], depth: int) -> Value:
        """A name and what follows it: a name the evaluator was given (an iteration symbol,
        ``each``), else what the scope says the name is."""
        root = self.file.text(term)
        if root in self.env:
            return self.named(node, self.env[root], rest, depth)
        return self.scope.reference(self, node, root, rest, depth)

    def reference_text(self, node: Node) -> str:
        """A reference as written, blank space left out (``var.a [0]`` is ``var.a[0]``)."""
        return "".join(self.file.text(node).split())

    def named(self, node: Node, value: Value | None, rest: list[Node], depth: int) -> Value:
        """A named value (``None``: unknown), then what follows it; a string the scope owns
        (written in its files) is placed here, with where it came from."""
        if value is None:
            return self.hole(node, self.reference_text(node))
        result = self.postfix(node, value, rest, depth)
        if isinstance(result, Failed):
            return result
        plain = isinstance(result, Str) and not isinstance(result, MappedStr)
        if plain and result.typed and self.scope.owns(result):  # type: ignore[union-attr,arg-type]
            span = result.span
            return relocated(result, self.where(node), Origin(f"{span.path}:{span.line}"))
        return result

    # --- Terms -----------------------------------------------------------------------------

    def _literal(self, node: Node, depth: int) -> Value:
        inner = node.named_children[0] if node.named_children else node
        kind = inner.type
        if kind == "numeric_lit":
            text = self.file.text(inner)
            try:
                number: int | float = int(text)
            except ValueError:
                number = float(text)
            return Scalar(number, self.where(node))
        if kind == "bool_lit":
            return Scalar(self.file.text(inner) == "true", self.where(node))
        if kind == "null_lit":
            return Scalar(None, self.where(node))
        if kind == "string_lit":
            return self._quoted(inner, depth)
        return self.unknown(node)

    def _collection(self, node: Node, depth: int) -> Value:
        inner = node.named_children[0]
        if inner.type == "tuple":
            items = [
                self.expression(child, depth + 1)
                for child in inner.named_children
                if child.type == "expression"
            ]
            return Sequence(items, self.where(node))
        return self._object(inner, depth)

    def _object(self, node: Node, depth: int) -> Value:
        members: dict[str, Member] = {}
        for element in node.named_children:
            if element.type != "object_elem":
                continue
            parts = [child for child in element.named_children if child.type == "expression"]
            if len(parts) != 2:
                continue
            key = self._object_key(parts[0], depth)
            if key is None:
                return self.unknown(node)
            members[key] = Member(key, self.where(parts[0]), self.expression(parts[1], depth + 1))
        return Mapping(members, self.where(node))

    def _object_key(self, node: Node, depth: int) -> str | None:
        children = node.children
        if len(children) == 1 and children[0].type == "variable_expr":
            return self.file.text(children[0])  # a bare name is the key itself
        return known_text(self.expression(node, depth + 1))

    def _template(self, node: Node, depth: int) -> Value:
        inner = node.named_children[0]
        if inner.type == "heredoc_template":
            return self._heredoc(inner, depth)
        return self._quoted(inner, depth)

    def _function(self, node: Node, depth: int) -> Value:
        name = self.file.text(node.named_children[0])
        arguments = next((c for c in node.named_children if c.type == "function_arguments"), None)
        if arguments is not None and any(c.type == "ellipsis" for c in arguments.children):
            return self.unknown(node)
        nodes = [c for c in arguments.named_children if c.type == "expression"] if arguments else []
        handler = self.scope.functions.get(name)
        if handler is None:
            return self.unknown(node, f"{name}(...)")
        return handler(self, node, nodes, depth)

    def _conditional(self, node: Node, depth: int) -> Value:
        parts = [child for child in node.named_children if child.type == "expression"]
        if len(parts) != 3:
            return self.unknown(node)
        condition = self.expression(parts[0], depth + 1)
        test = truth(condition)
        if test is None:
            return self.unknown(node, depends=[condition])
        return self.expression(parts[1] if test else parts[2], depth + 1)

    def _operation(self, node: Node, depth: int) -> Value:
        inner = node.named_children[0]
        children = inner.children
        if inner.type == "unary_operation":
            symbol = children[0].type
            operand = self._chain(_terms(children[1:], inner), children[1:], depth + 1)
            return unary_operation(self, node, symbol, operand)
        at = next(
            (i for i, c in enumerate(children) if not c.is_named and c.type not in "()"), None
        )
        if at is None:
            return self.unknown(node)
        symbol = children[at].type
        left = self._chain(_terms(children[:at], inner), children[:at], depth + 1)
        if symbol in ("&&", "||") and truth(left) is (symbol == "||"):
            return Scalar(symbol == "||", self.where(node))  # decided whatever the right is
        right = self._chain(_terms(children[at + 1 :], inner), children[at + 1 :], depth + 1)
        return binary_operation(self, node, symbol, left, right)

    def _for(self, node: Node, depth: int) -> Value:
        inner = node.named_children[0]
        intro = inner.named_children[1]
        names = [self.file.text(c) for c in intro.named_children if c.type == "identifier"]
        collection_node = next(c for c in intro.named_children if c.type == "expression")
        collection = self.expression(collection_node, depth + 1)
        expressions = [c for c in inner.named_children if c.type == "expression"]
        condition = next((c for c in inner.named_children if c.type == "for_cond"), None)
        grouping = any(c.type == "ellipsis" for c in inner.children)
        pairs = iteration(collection)
        if pairs is None or grouping or len(pairs) > MAX_ITEMS or not names:
            return self.unknown(node, depends=[collection])
        results: list[tuple[Value, Value | None]] = []
        for key, value in pairs:
            env = dict(self.env)
            if len(names) == 2:
                env[names[0]] = key
            env[names[-1]] = value
            if condition is not None:
                tested = self.expression(condition.named_children[-1], depth + 1, env)
                test = truth(tested)
                if test is None:
                    return self.unknown(node, depends=[tested])
                if not test:
                    continue
            first = self.expression(expressions[0], depth + 1, env)
            second = (
                self.expression(expressions[1], depth + 1, env) if len(expressions) > 1 else None
            )
            results.append((first, second))
        if inner.type == "for_tuple_expr":
            return Sequence([first for first, _ in results], self.where(node))
        members: dict[str, Member] = {}
        for first, second in results:
            key_text = known_text(first)
            if key_text is None or second is None:
                return self.unknown(node)
            members[key_text] = Member(key_text, first.at, second)
        return Mapping(members, self.where(node))

    # --- Strings ---------------------------------------------------------------------------

    def _quoted(self, node: Node, depth: int) -> Value:
        """A quoted string: escapes decoded, interpolations evaluated; one lone interpolation
        is its value unconverted, as in Terraform."""
        children = node.children
        start = children[0].end_byte if children else node.start_byte
        end = children[-1].start_byte if len(children) > 1 else node.end_byte
        inner = [c for c in children if c.type in ("template_interpolation", "template_directive")]
        if any(c.type == "template_directive" for c in inner):
            return self.unknown(node)
        text = self.file.slice(start, end)
        at = Where(self.file.source, self.file.offset(start), self.file.offset(end))
        if not inner:
            decoded = _unescape(text)
            return Str.known(decoded, at, editable=decoded == text)
        if len(inner) == 1 and inner[0].start_byte == start and inner[0].end_byte == end:
            return self._interpolation(inner[0], depth)
        values = [self._interpolation(child, depth) for child in inner]
        if "\\" not in text and any(isinstance(v, Mapping | Sequence) for v in values):
            from ecs_lint.sources._hcltemplate import render

            # JSON text built around jsonencode(...) ("[${local.json}]"): mapped, so what is
            # read out of it is found where it is written.
            return render(self, start, end, inner, depth, at)
        parts: list[Part] = []
        position = start
        for child, value in zip(inner, values, strict=True):
            parts.append(_unescape(self.file.slice(position, child.start_byte)))
            parts.extend(as_parts(value, self.text_of(child)[2:-1].strip()))
            position = child.end_byte
        parts.append(_unescape(self.file.slice(position, end)))
        return Str(concat_parts(parts), at)

    def _interpolation(self, node: Node, depth: int) -> Value:
        expression = next((c for c in node.named_children if c.type == "expression"), None)
        return self.unknown(node) if expression is None else self.expression(expression, depth)

    def _heredoc(self, node: Node, depth: int) -> Value:
        from ecs_lint.sources._hcltemplate import heredoc

        return heredoc(self, node, depth)


@dataclass(frozen=True, slots=True)
class _Terms:
    """Where an operand of an operation is written: the grammar gives its terms (``var``,
    ``.image``) no node of their own, and what the evaluator asks of a node is where it is and
    its text, so an operand's references are named by their own text (``var.image``)."""

    start_byte: int
    end_byte: int


def _terms(children: list[Node], operation: Node) -> Node:
    if not children:
        return operation
    return cast("Node", _Terms(children[0].start_byte, children[-1].end_byte))


def iteration(collection: Value) -> list[tuple[Value, Value]] | None:
    """The key and value pairs a ``for`` expression visits: a list's indexes, an object's keys
    in lexical order (as Terraform iterates maps); ``None`` when the collection is unknown."""
    if isinstance(collection, Sequence):
        return [(Scalar(index, item.at), item) for index, item in enumerate(collection.items)]
    if isinstance(collection, Mapping):
        return [
            (Str.known(key, member.key_at), member.value)
            for key, member in sorted(collection.members.items())
        ]
    return None


def _maybe_null(value: Value) -> bool:
    """Whether a value may be null: one of unknown shape. A list, an object or a string is not,
    whatever unknown parts it holds."""
    return isinstance(value, Opaque) or (isinstance(value, Str) and not value.typed)


def unary_operation(ev: Evaluator, node: Node, symbol: str, operand: Value) -> Value:
    if symbol == "!":
        value = truth(operand)
        if value is None:
            return ev.unknown(node, depends=[operand])
        return Scalar(not value, ev.where(node))
    number = as_number(operand)
    if number is None:
        return ev.unknown(node, depends=[operand])
    return Scalar(-number, ev.where(node))


def binary_operation(ev: Evaluator, node: Node, symbol: str, left: Value, right: Value) -> Value:
    at = ev.where(node)
    if isinstance(left, Failed) or isinstance(right, Failed):
        return left if isinstance(left, Failed) else right
    if symbol in ("==", "!="):
        if is_null(left) or is_null(right):
            other = right if is_null(left) else left
            if is_null(other) or not _maybe_null(other):
                return Scalar(is_null(other) == (symbol == "=="), at)
        known_left, plain_left = plain_known(left)
        known_right, plain_right = plain_known(right)
        if not (known_left and known_right):
            return ev.unknown(node, depends=[left, right])
        equal = plain_left == plain_right and type(plain_left) is type(plain_right)
        return Scalar(equal == (symbol == "=="), at)
    if symbol in ("&&", "||"):
        a, b = truth(left), truth(right)
        if a is None or b is None:
            return ev.unknown(node, depends=[left, right])
        return Scalar(a and b if symbol == "&&" else a or b, at)
    x, y = as_number(left), as_number(right)
    if x is None or y is None:
        return ev.unknown(node, depends=[left, right])
    if symbol in _COMPARISONS:
        return Scalar(_COMPARISONS[symbol](x, y), at)
    if symbol in ("/", "%") and y == 0:
        return ev.failed(node, "division by zero")
    result = _ARITHMETIC[symbol](x, y) if symbol in _ARITHMETIC else None
    return ev.unknown(node) if result is None else Scalar(result, at)


_COMPARISONS: Final[dict[str, Callable[[float, float], bool]]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_ARITHMETIC: Final[dict[str, Callable[[float, float], float]]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": math.fmod,
}

_HANDLERS: Final = {
    "literal_value": Evaluator._literal,
    "collection_value": Evaluator._collection,
    "template_expr": Evaluator._template,
    "string_lit": Evaluator._quoted,
    "quoted_template": Evaluator._quoted,
    "heredoc_template": Evaluator._heredoc,
    "function_call": Evaluator._function,
    "conditional": Evaluator._conditional,
    "operation": Evaluator._operation,
    "for_expr": Evaluator._for,
}


# --- Blocks ------------------------------------------------------------------------------------

_SKIP_BLOCKS: Final = frozenset({"lifecycle", "provisioner", "connection"})


def _add_block(members: dict[str, Member], kind: str, value: Mapping, at: Where) -> None:
    """One more ``kind`` block in a body: blocks of a type are a list of objects."""
    existing = members.get(kind)
    if existing is not None and isinstance(existing.value, Sequence):
        existing.value.items.append(value)
    else:
        members[kind] = Member(kind, at, Sequence([value], value.at))


def block_parts(file: HclFile, node: Node) -> tuple[str, list[str], Node | None]:
    """A block's type, labels and body."""
    kind = ""
    labels: list[str] = []
    body = None
    for child in node.named_children:
        if child.type == "identifier":
            if not kind:
                kind = file.text(child)
            else:
                labels.append(file.text(child))
        elif child.type == "string_lit":
            inner = child.children
            start = inner[0].end_byte if inner else child.start_byte
            end = inner[-1].start_byte if len(inner) > 1 else child.end_byte
            labels.append(_unescape(file.slice(start, end)))
        elif child.type == "body":
            body = child
    if body is None and any(c.type == "block_end" for c in node.named_children):
        body = node  # an empty block: no body node, no members
    return kind, labels, body


# --- Strings -----------------------------------------------------------------------------------


def _unescape(text: str) -> str:
    """A quoted string's escapes decoded, and ``$${``/``%%{`` as the ``${``/``%{`` they mean."""
    if "\\" not in text and "$${" not in text and "%%{" not in text:
        return text
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char in "$%" and text.startswith(char * 2 + "{", index):
            out.append(char + "{")
            index += 3
            continue
        if char != "\\" or index + 1 >= len(text):
            out.append(char)
            index += 1
            continue
        code = text[index + 1]
        if code in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[code])
            index += 2
        elif code in "uU":
            width = 4 if code == "u" else 8
            digits = text[index + 2 : index + 2 + width]
            try:
                out.append(chr(int(digits, 16)))
                index += 2 + width
            except ValueError:
                out.append(text[index : index + 2])
                index += 2
        else:
            out.append(text[index : index + 2])
            index += 2
    return "".join(out)
