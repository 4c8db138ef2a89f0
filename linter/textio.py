"""Reading source files safely, and turning text offsets into spans.

Every source reads through here, so the limits (size, encoding, binary content) hold for all
formats alike and bad input becomes a clear EL900 message instead of a traceback.
"""

from __future__ import annotations

import bisect
import os
import stat
from array import array
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ecs_lint.model import Span

if TYPE_CHECKING:
    from pathlib import Path

MAX_FILE_BYTES = 10 * 1024 * 1024
BOM = "\ufeff"
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX; Windows has no FIFOs to fear


class UnreadableFile(Exception):
    """A file that cannot be read as text; carries where the problem is."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(slots=True)
class SourceText:
    """A decoded file. ``text`` excludes a UTF-8 byte-order mark (remembered in ``bom``)."""

    path: str
    text: str
    bom: bool = False
    # Offsets where lines start, built on first use. A typed array, not a list: a run keeps
    # every file's text and index for code frames and fixes, and a list costs 36 bytes a line.
    _line_starts: array[int] = field(default_factory=lambda: array("q"), repr=False)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a text offset."""
        if not self._line_starts:
            starts = array("q", [0])
            find = self.text.find
            at = find("\n")
            while at != -1:
                starts.append(at + 1)
                at = find("\n", at + 1)
            self._line_starts = starts
        line = bisect.bisect_right(self._line_starts, offset) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def span(self, start: int, end: int) -> Span:
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(self.path, line, column, end_line, end_column, start, end)

    def offset(self, line: int, column: int = 1) -> int:
        """The text offset of a 1-based (line, column)."""
        self.position(0)  # builds the line index
        index = min(max(line - 1, 0), len(self._line_starts) - 1)
        return min(self._line_starts[index] + column - 1, len(self.text))


def read_source(path: Path, display: str) -> SourceText:
    """Read and decode a file, refusing what no source could parse."""
    return decode_source(read_limited(path), display)


def read_limited(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``UnreadableFile`` otherwise.

    A FIFO or a device (``/dev/zero``, a named pipe called ``Dockerfile``) would block or never
    end, so only regular files are read: the type is checked on the opened descriptor (opened
    without blocking, so a FIFO cannot hang the open itself), and at most ``limit + 1`` bytes are
    read whatever size ``stat`` said, so a file growing meanwhile cannot exceed the limit either.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | _NONBLOCK)
    except OSError as error:
        raise UnreadableFile(f"cannot read file: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as stream:
        try:
            info = os.fstat(descriptor)
            if not stat.S_ISREG(info.st_mode):
                raise UnreadableFile("not a regular file (a FIFO, device or socket); not read")
            if info.st_size > limit:
                raise UnreadableFile(_over_limit(info.st_size, limit))
            data = stream.read(limit + 1)
        except OSError as error:
            raise UnreadableFile(f"cannot read file: {error.strerror or error}") from None
    if len(data) > limit:
        raise UnreadableFile(_over_limit(len(data), limit))
    return data


def _over_limit(size: int, limit: int) -> str:
    return f"file is {size:,} bytes, over the {limit // (1024 * 1024)} MiB limit; not read"


def decode_source(data: bytes, display: str) -> SourceText:
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(f"input is over the {MAX_FILE_BYTES // (1024 * 1024)} MiB limit")
    if b"\x00" in data[:8192]:
        raise UnreadableFile("binary file (contains NUL bytes); not a text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise UnreadableFile(
            f"invalid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})", line, column
        ) from None
    bom = text.startswith(BOM)
    return SourceText(display, text[1:] if bom else text, bom)
