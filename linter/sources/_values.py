"""A neutral tree of values with spans, for sources whose values are computed, not just read.

Task-definition JSON is read as written, but a CloudFormation template or a Terraform file holds
values that a source works out first (an ``Fn::Sub``, a ``jsonencode``...). Those sources build
this tree, and :mod:`ecs_lint.sources._tasks` reads task definitions from it exactly as it reads
JSON (through the same :class:`~ecs_lint.sources._tasks.Node` protocol).

A string may be partly unknown: its parts are known text and :class:`Hole` values, each named by
a label (``AWS::AccountId``, ``TaskExecutionRole.Arn``, ``var.tag``). Its display form writes a
hole as ``${label}``, the convention the IAM evaluator reads as "an unknown value, equal to the
same label elsewhere in the run". A value whose very shape is unknown (a list from an unresolved
parameter) is :class:`Opaque`.

A value an expression takes from elsewhere (a Terraform variable's default, a ``.tfvars`` file)
keeps the span of the expression that uses it, and its :class:`Origin` says where it came from;
a fix rewrites the literal there, never the expression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeAlias

from ecs_lint.sources._text import UNKNOWN, Text, shape_of

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ecs_lint.model import Span
    from ecs_lint.textio import SourceText

__all__ = [
    "UNKNOWN",
    "Hole",
    "Mapping",
    "Member",
    "Opaque",
    "Origin",
    "Part",
    "Scalar",
    "Sequence",
    "Str",
    "Text",
    "Value",
    "Where",
    "any_within",
    "has_opaque",
    "label_text",
    "shape_of",
    "span_of",
    "unknown_labels",
]


class Where:
    """A span worked out only when asked for: most values a source computes are never reported,
    and a ``Span`` costs two line look-ups."""

    __slots__ = ("_span", "end", "source", "start", "trim")

    def __init__(self, source: SourceText, start: int, end: int, *, trim: bool = False) -> None:
        """``trim``: the span ends before trailing blank space (a YAML block's end mark)."""
        self.source = source
        self.start = start
        self.end = end
        self.trim = trim
        self._span: Span | None = None

    @property
    def span(self) -> Span:
        if self._span is None:
            end = self.end
            if self.trim:
                text = self.source.text
                while end > self.start and text[end - 1] in " \t\r\n":
                    end -= 1
                self.end = end
                self.trim = False
            self._span = self.source.span(self.start, end)
        return self._span


def span_of(at: Span | Where) -> Span:
    return at.span if isinstance(at, Where) else at


def label_text(label: str) -> str:
    """A label made safe to write inside ``${...}`` (no braces)."""
    return label.replace("{", "(").replace("}", ")")


@dataclass(frozen=True, slots=True)
class Hole:
    """An unknown part of a string, named by what it stands for."""

    label: str

    @property
    def display(self) -> str:
        return "${" + label_text(self.label) + "}"


Part: TypeAlias = str | Hole


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a value used elsewhere is written: ``note`` in words (``variables.tf:64 default``,
    ``--var image``), ``literal`` the span of its text when that text is exactly the value (so a
    fix may rewrite it there), else ``None``."""

    note: str
    literal: Span | None = None

    @property
    def phrase(self) -> str:
        """What a message says of it (``value from variables.tf:64 default``)."""
        return f"value from {self.note}"


@dataclass(slots=True, eq=False)
class Str:
    """A string, possibly with unknown parts.

    ``origin`` is set when the string was written elsewhere and ``at`` is the expression that
    uses it (``editable`` then says whether the text at the origin is exactly the value).
    ``typed`` is false for a value whose very type is unknown but that is written as one hole
    (Terraform's ``var.log_config`` with no known value): a string to whoever reads it as one
    (a policy's ``Resource``), an unknown value to shape checks (:meth:`shape`).
    """

    parts: tuple[Part, ...]
    at: Span | Where
    editable: bool = False
    origin: Origin | None = None
    typed: bool = True

    @classmethod
    def known(cls, text: str, at: Span | Where, editable: bool = False) -> Str:
        return cls((text,) if text else (), at, editable)

    @property
    def span(self) -> Span:
        return span_of(self.at)

    @property
    def is_known(self) -> bool:
        return all(isinstance(part, str) for part in self.parts)

    @property
    def value(self) -> str:
        """The display form: holes written as ``${label}``."""
        parts = self.parts
        if len(parts) == 1 and isinstance(parts[0], str):
            return parts[0]  # nearly every string: no join
        return "".join(part if isinstance(part, str) else part.display for part in parts)

    @property
    def holes(self) -> tuple[str, ...]:
        labels = (part.label for part in self.parts if isinstance(part, Hole))
        return tuple(dict.fromkeys(labels))

    # The Node protocol (see ecs_lint.sources._tasks).
    def get(self, key: str) -> Value | None:
        return None

    def entries(self) -> list[tuple[str, Value]] | None:
        return None

    def elements(self) -> list[Value] | None:
        return None

    def text(self) -> Text:
        known = self.is_known
        origin = self.origin
        if origin is not None and origin.literal is not None and not (self.editable and known):
            origin = Origin(origin.note)
        return Text(
            self.value,
            self.span,
            self.editable and known and origin is None,
            () if known else self.holes,
            () if known else self.parts,
            origin,
        )

    def unknown(self) -> tuple[str, ...] | None:
        return None

    def plain(self) -> object:
        return self.value

    def shape(self) -> object:
        """What shape checks see of it (:func:`shape_of`): ``UNKNOWN`` when its very type is."""
        return self.plain() if self.typed else UNKNOWN


@dataclass(slots=True, eq=False)
class Scalar:
    """A known number, boolean or null."""

    value: int | float | bool | None
    at: Span | Where

    @property
    def span(self) -> Span:
        return span_of(self.at)

    def get(self, key: str) -> Value | None:
        return None

    def entries(self) -> list[tuple[str, Value]] | None:
        return None

    def elements(self) -> list[Value] | None:
        return None

    def text(self) -> Text | None:
        return None

    def unknown(self) -> tuple[str, ...] | None:
        return None

    def plain(self) -> object:
        return self.value


@dataclass(slots=True, eq=False)
class Member:
    """A mapping's member: its key, where the key is written, and its value."""

    key: str
    key_at: Span | Where
    value: Value

    @property
    def key_span(self) -> Span:
        return span_of(self.key_at)


@dataclass(slots=True, eq=False)
class Mapping:
    """A mapping; ``members`` by key (the last of duplicates)."""

    members: dict[str, Member]
    at: Span | Where

    @property
    def span(self) -> Span:
        return span_of(self.at)

    def get(self, key: str) -> Value | None:
        member = self.members.get(key)
        return None if member is None else member.value

    def entries(self) -> list[tuple[str, Value]]:
        return [(key, member.value) for key, member in self.members.items()]

    def elements(self) -> list[Value] | None:
        return None

    def text(self) -> Text | None:
        return None

    def unknown(self) -> tuple[str, ...] | None:
        return None

    def plain(self) -> object:
        return {key: member.value.plain() for key, member in self.members.items()}


@dataclass(slots=True, eq=False)
class Sequence:
    """A sequence of values, and where it is written."""

    items: list[Value]
    at: Span | Where

    @property
    def span(self) -> Span:
        return span_of(self.at)

    def get(self, key: str) -> Value | None:
        return None

    def entries(self) -> list[tuple[str, Value]] | None:
        return None

    def elements(self) -> list[Value]:
        return self.items

    def text(self) -> Text | None:
        return None

    def unknown(self) -> tuple[str, ...] | None:
        return None

    def plain(self) -> object:
        return [item.plain() for item in self.items]


@dataclass(slots=True, eq=False)
class Opaque:
    """A value that could not be worked out, not even its shape; ``labels`` say what it needs."""

    labels: tuple[str, ...]
    at: Span | Where
    display: str = field(default="")

    @property
    def span(self) -> Span:
        return span_of(self.at)

    @property
    def value(self) -> str:
        return self.display or "".join(Hole(label).display for label in self.labels)

    def get(self, key: str) -> Value | None:
        return None

    def entries(self) -> list[tuple[str, Value]] | None:
        return None

    def elements(self) -> list[Value] | None:
        return None

    def text(self) -> Text | None:
        return None

    def unknown(self) -> tuple[str, ...]:
        return self.labels

    def plain(self) -> object:
        return UNKNOWN


Value: TypeAlias = Str | Scalar | Mapping | Sequence | Opaque


def any_within(value: Value, test: Callable[[Value], bool]) -> bool:
    """Whether ``test`` holds for ``value`` or for any value nested in it."""
    pending: list[Value] = [value]
    while pending:
        current = pending.pop()
        if test(current):
            return True
        if isinstance(current, Sequence):
            pending.extend(current.items)
        elif isinstance(current, Mapping):
            pending.extend(member.value for member in current.members.values())
    return False


def has_opaque(value: Value) -> bool:
    """Whether a value whose shape is unknown is in ``value`` (a policy document built from
    one is unknown as a whole, never read in part)."""
    return any_within(value, _is_opaque)


def _is_opaque(value: Value) -> bool:
    return isinstance(value, Opaque)


def unknown_labels(values: Iterable[Value], limit: int = 8) -> tuple[str, ...]:
    """The labels of the unknown parts of ``values`` (``var.image``, ``aws_iam_role.r.arn``),
    at most ``limit`` of them."""
    found: dict[str, None] = {}
    pending = list(values)
    while pending and len(found) < limit:
        current = pending.pop(0)
        if isinstance(current, Opaque):
            found.update(dict.fromkeys(current.labels))
        elif isinstance(current, Str) and not current.is_known:
            found.update(dict.fromkeys(current.holes))
        elif isinstance(current, Sequence):
            pending.extend(current.items)
        elif isinstance(current, Mapping):
            pending.extend(member.value for member in current.members.values())
    return tuple(found)[:limit]
