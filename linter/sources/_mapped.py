"""Text computed from a file (a JSON string's decoded value, a heredoc's body) that still knows
where each of its characters came from, so JSON parsed out of it has spans into the file."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ecs_lint.sources._values import Str

if TYPE_CHECKING:
    from ecs_lint.model import Span
    from ecs_lint.sources._values import Part, Text
    from ecs_lint.textio import SourceText

__all__ = ["MappedStr", "MappedText", "decoded_json_string"]


@dataclass(slots=True, eq=False)
class MappedText:
    """``text`` and, for each of its characters, the offset in ``source`` it came from.

    ``verbatim`` is true when every character of ``text`` is the file's own character at its
    offset (a slice of the file, or one with indentation left out), so a fix may rewrite a run
    of it that sits on one line.
    """

    text: str
    offsets: list[int]
    source: SourceText
    verbatim: bool = False
    put: dict[tuple[int, int], Text] = field(default_factory=dict)
    """Strings a template put in (``"${var.image}"``), by the characters of ``text`` they
    fill: each as written where it comes from (its span, origin, whether a fix may rewrite it),
    so a string read out of the text is reported and fixed there."""

    def put_at(self, start: int, end: int) -> Text | None:
        return self.put.get((start, end))

    def span(self, start: int, end: int) -> Span:
        if not self.offsets:
            return self.source.span(0, 0)
        last = len(self.offsets) - 1
        first = self.offsets[min(max(start, 0), last)]
        if end <= start:
            return self.source.span(first, first)
        final = self.offsets[min(end - 1, last)] + 1
        return self.source.span(first, max(final, first))

    @classmethod
    def verbatim_slice(cls, source: SourceText, start: int, end: int) -> MappedText:
        return cls(source.text[start:end], list(range(start, end)), source, verbatim=True)

    @classmethod
    def whole_file(cls, source: SourceText) -> MappedText:
        return cls.verbatim_slice(source, 0, len(source.text))


@dataclass(slots=True, eq=False)
class MappedStr(Str):
    """A string value whose text is mapped back to its file: JSON inside it can be located."""

    mapped: MappedText | None = None

    @classmethod
    def of(cls, parts: tuple[Part, ...], span: Span, mapped: MappedText) -> MappedStr:
        return cls(parts, span, mapped=mapped)


_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def decoded_json_string(source: SourceText, start: int, end: int) -> MappedText | None:
    """The value of the JSON string literal at ``start:end`` (quotes included), each character
    mapped to the offset of its text; ``None`` if the literal is not what JSON allows."""
    text = source.text
    if end - start < 2 or text[start] != '"' or text[end - 1] != '"':
        return None
    chars: list[str] = []
    offsets: list[int] = []
    pos, stop = start + 1, end - 1
    while pos < stop:
        char = text[pos]
        if char != "\\":
            chars.append(char)
            offsets.append(pos)
            pos += 1
            continue
        code = text[pos + 1 : pos + 2]
        if code in _ESCAPES:
            chars.append(_ESCAPES[code])
            offsets.append(pos)
            pos += 2
        elif code == "u" and pos + 6 <= stop:
            try:
                value = int(text[pos + 2 : pos + 6], 16)
            except ValueError:
                return None
            chars.append(chr(value))
            offsets.append(pos)
            pos += 6
        else:
            return None
    decoded = "".join(chars)
    try:  # surrogate pairs and the like: trust the stdlib's reading, or give up
        if json.loads(text[start:end]) != decoded:
            return None
    except ValueError:
        return None
    return MappedText(decoded, offsets, source)
