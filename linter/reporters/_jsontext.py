"""JSON text laid out exactly as ``json.dumps(value, indent=2)`` lays it out, faster.

With ``indent`` the standard library encodes in pure Python, through one generator per nested
value, and ``json.dump`` writes every token separately: for a report of thousands of findings
that was a tenth of the run. Here each value is appended to one list of strings, strings are
escaped by the stdlib's C functions, and the caller writes the joined text once.

Only what reports hold is supported: strings, numbers, booleans, ``None``, lists, tuples and
dictionaries (keys as ``json.dumps`` converts them). Anything else is a ``TypeError``, as with
``json.dumps``.
"""

from __future__ import annotations

import json.encoder
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["indented_json"]

_STEP = "  "
# The C string encoders (pure-Python ones where the C module is missing).
_ESCAPE_ASCII: Callable[[str], str] = json.encoder.encode_basestring_ascii
_ESCAPE_UNICODE: Callable[[str], str] = json.encoder.encode_basestring


def indented_json(value: object, *, ensure_ascii: bool = True, level: int = 0) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=ensure_ascii)``; ``level`` starts the text
    that many indentation steps deep, as an element of an enclosing list would be written."""
    parts: list[str] = []
    _Writer(parts, _ESCAPE_ASCII if ensure_ascii else _ESCAPE_UNICODE).value(
        value, "\n" + _STEP * level
    )
    return "".join(parts)


class _Writer:
    __slots__ = ("escape", "parts")

    def __init__(self, parts: list[str], escape: Callable[[str], str]) -> None:
        self.parts = parts
        self.escape = escape

    def value(self, value: object, newline: str) -> None:
        """Append ``value``; ``newline`` is a line break plus the indentation of its line."""
        text = self.leaf(value)
        if text is not None:
            self.parts.append(text)
        elif isinstance(value, str):  # a subclass of str (an enumeration's value)
            self.parts.append(self.escape(value))
        elif isinstance(value, dict):
            self.mapping(value, newline)
        elif isinstance(value, (list, tuple)):
            self.sequence(value, newline)
        else:
            self.parts.append(_scalar(value))

    def leaf(self, value: object) -> str | None:
        """The text of a string, ``None``, boolean or plain integer; ``None`` for anything else.
        Most values of a report are one of these, written with the text before them in one
        string instead of through :meth:`value`."""
        kind = type(value)
        if kind is str:
            return self.escape(value)  # type: ignore[arg-type]  # a str by its type
        if value is None:
            return "null"
        if kind is bool:
            return "true" if value else "false"
        if kind is int:
            return int.__repr__(value)
        return None

    def sequence(self, items: list[object] | tuple[object, ...], newline: str) -> None:
        if not items:
            self.parts.append("[]")
            return
        inner = newline + _STEP
        separator = "," + inner
        parts = self.parts
        before = "[" + inner
        # Written out here and in mapping() alike: a method call per value would cost the
        # report about a tenth of its time.
        for item in items:
            text = self.leaf(item)
            if text is not None:
                parts.append(before + text)
            else:
                parts.append(before)
                self.value(item, inner)
            before = separator
        parts.append(newline + "]")

    def mapping(self, members: dict[object, object], newline: str) -> None:
        if not members:
            self.parts.append("{}")
            return
        inner = newline + _STEP
        separator = "," + inner
        parts = self.parts
        escape = self.escape
        before = "{" + inner
        for key, item in members.items():
            head = before + escape(key if isinstance(key, str) else _key(key)) + ": "
            text = self.leaf(item)
            if text is not None:
                parts.append(head + text)
            else:
                parts.append(head)
                self.value(item, inner)
            before = separator
        parts.append(newline + "}")


def _scalar(value: object) -> str:
    # The order of json.encoder's tests: bool before int (True is an int), int before float.
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _key(key: object) -> str:
    """A non-string key as ``json.dumps`` writes it (the quotes are added by the caller): the
    text of the same scalar as a value."""
    try:
        return _scalar(key)
    except TypeError:
        kind = type(key).__name__
        raise TypeError(f"keys must be str, int, float, bool or None, not {kind}") from None
