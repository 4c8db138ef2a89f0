"""An open document's text as the editor holds it, and LSP positions in it.

The protocol counts lines as the editor does (ended by ``\\n``, ``\\r\\n`` or ``\\r``, nothing
else) and characters in the code units the client and server agreed on at start-up: UTF-16 unless
both say otherwise, so ``😀`` is two characters wide, ``é`` one. ecs-lint's spans are offsets
into the decoded text, in code points; :class:`LineIndex` converts between the two, and
:func:`apply_change` applies an incremental edit the client sends. Nothing here knows the protocol
library: positions are plain ``(line, character)`` pairs.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Final

UTF8: Final = "utf-8"
UTF16: Final = "utf-16"
UTF32: Final = "utf-32"

_LINE_END = re.compile(r"\r\n|\r|\n")

Position = tuple[int, int]
"""A 0-based line and character (in the session's code units), as the protocol writes them."""


@dataclass(slots=True)
class LineIndex:
    """Where each line of ``text`` starts, by the protocol's line ends, and conversions between
    text offsets (code points) and positions in ``encoding``'s code units."""

    text: str
    encoding: str = UTF16
    _starts: list[int] = field(init=False, repr=False)
    _ascii: bool = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._starts = [0, *(match.end() for match in _LINE_END.finditer(self.text))]
        self._ascii = self.text.isascii()  # then every encoding counts code points

    def position(self, offset: int) -> Position:
        """The position of a text offset (clamped to the text)."""
        offset = min(max(offset, 0), len(self.text))
        line = bisect.bisect_right(self._starts, offset) - 1
        start = self._starts[line]
        return line, self._units(self.text[start:offset])

    def offset(self, position: Position) -> int:
        """The text offset of a position; a character past its line's end means the end of the
        line, a line past the last one the end of the text (as the protocol says)."""
        line, character = position
        if line >= len(self._starts):
            return len(self.text)
        start = self._starts[max(line, 0)]
        end = self._line_end(max(line, 0))
        if self._ascii or self.encoding == UTF32:
            return min(start + max(character, 0), end)
        units = 0
        for index in range(start, end):
            if units >= character:
                return index
            units += self._units(self.text[index])
        return end

    def _line_end(self, line: int) -> int:
        """The offset where the line's text ends, before its line break."""
        if line + 1 < len(self._starts):
            end = self._starts[line + 1]
            return end - (2 if self.text.startswith("\r\n", end - 2) else 1)
        return len(self.text)

    def line_text(self, line: int) -> str:
        return self.text[self._starts[line] : self._line_end(line)]

    def line_start(self, line: int) -> int:
        return self._starts[line]

    def line_break(self, line: int) -> str:
        """The line break ending ``line`` (the first line's when it is the last one, ``\\n``
        when the text has none): what a line written before it should end with."""
        for number in (line, 0):
            if number + 1 < len(self._starts):
                return self.text[self._line_end(number) : self._starts[number + 1]]
        return "\n"

    def _units(self, text: str) -> int:
        if self._ascii or self.encoding == UTF32:
            return len(text)
        if self.encoding == UTF8:
            return len(text.encode("utf-8", "surrogatepass"))
        return len(text.encode("utf-16-le", "surrogatepass")) // 2


def apply_change(text: str, encoding: str, start: Position, end: Position, new_text: str) -> str:
    """``text`` with the range from ``start`` to ``end`` replaced by ``new_text``."""
    index = LineIndex(text, encoding)
    first, last = index.offset(start), index.offset(end)
    return text[:first] + new_text + text[max(first, last) :]
