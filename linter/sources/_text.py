"""What every source of task definitions hands the task reader, computed or read as written.

:class:`Text` is a string found in a file: its value, where it is, what is unknown in it. The
template sources build it from their value tree (:mod:`ecs_lint.sources._values`, which a run of
JSON task definitions never imports); ``UNKNOWN`` is what shape checks see of a value whose very
shape is unknown (:func:`shape_of`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ecs_lint.model import Located

if TYPE_CHECKING:
    from ecs_lint.model import Span
    from ecs_lint.sources._values import Origin, Part

__all__ = ["UNKNOWN", "Text", "shape_of"]


class _Unknown:
    """The plain form of a value whose shape is unknown; shape checks accept it anywhere."""

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Final = _Unknown()


@dataclass(frozen=True, slots=True)
class Text:
    """A string a source found: its (display) value, where it is, and what is unknown in it.

    ``editable`` is true when the text at ``span`` is exactly the value, so a fix may rewrite it.
    ``unresolved`` names the holes (empty for a fully known string).
    """

    value: str
    span: Span
    editable: bool = False
    unresolved: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()
    """The value as known text and holes (empty: the value is all known text)."""
    origin: Origin | None = None
    """Where the value came from when ``span`` is an expression that uses it."""

    @property
    def edit_span(self) -> Span | None:
        """Where a fix rewrites the value: its literal, wherever that is written."""
        if self.origin is not None:
            return self.origin.literal
        return self.span if self.editable else None

    def located(self) -> Located:
        return Located(self.value, self.span, self.unresolved)


def shape_of(value: object) -> object:
    """What shape checks see of a value: what its ``shape()`` says (a computed string whose very
    type is unknown says ``UNKNOWN``), else its plain form."""
    shape = getattr(value, "shape", None)
    if shape is not None:
        return shape()
    plain = getattr(value, "plain", None)
    return plain() if plain is not None else value
