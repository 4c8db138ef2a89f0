"""Reading source files safely, turning text offsets into spans, and printing file text safely.

Every source reads through here, so the limits (size, encoding, binary content) hold for all
formats alike and bad input becomes a clear EL900 message instead of a traceback.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import os
import re
import stat
from array import array
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from ecs_lint.model import Comment, Span
from ecs_lint.settings import MAX_FILE_SIZE

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from pathlib import Path

# C0 controls but tab (a line feed too: a message quoting a file's text must stay one line, or
# the file could forge output lines, GitHub workflow commands among them), DEL, C1 controls, the
# Unicode line separators and bidirectional marks, embeddings, overrides and isolates, and lone
# surrogates: a path's bytes that are not UTF-8 (Python's surrogate escapes, ``\udce9`` for the
# byte 0xE9) are shown as those escapes, as the JSON formats write them, in any output encoding.
_CONTROL = re.compile(
    r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    r"\ud800-\udfff]"
)
MAX_FILE_BYTES = MAX_FILE_SIZE  # the default; ``Settings.max_file_size`` is the run's limit
BOM = "\ufeff"
_NEARBY = 1 << 14
"""How far (in characters) from the last offset ``SourceText.span`` placed it counts newlines
instead of indexing every line: counting costs a few instructions a character."""
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # POSIX; Windows has no FIFOs to fear
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # POSIX; Windows does not follow links in open
_BINARY = getattr(os, "O_BINARY", 0)  # Windows: the bytes as they are (no CRLF or ^Z handling)


class UnreadableFile(Exception):
    """A file that cannot be read as text; carries where the problem is."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column

    def __reduce__(self) -> tuple[type[UnreadableFile], tuple[str, int, int]]:
        # Pickled whole (``ecs_lint.parallel``): the default keeps only the message.
        return UnreadableFile, (self.message, self.line, self.column)


@dataclass(slots=True)
class SourceText:
    """A decoded file. ``text`` excludes a UTF-8 byte-order mark (remembered in ``bom``)."""

    path: str
    text: str
    bom: bool = False
    identity: tuple[int, int] | None = None
    """(device, inode) of the file it was read from, so that ``--fix`` writes back only to that
    file; ``None`` for text that was not read from a file."""
    # Offsets where lines start, built on first use. A typed array, not a list: a run keeps
    # every file's text and index for code frames and fixes, and a list costs 36 bytes a line.
    _line_starts: array[int] = field(default_factory=lambda: array("q"), repr=False)
    # The last offset ``span`` placed without the index: (offset, 0-based line, line start).
    _cursor: tuple[int, int, int] = field(default=(0, 0, 0), repr=False, compare=False)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a text offset."""
        starts = self._line_starts or self._index_lines()
        line = bisect.bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1

    def span(self, start: int, end: int) -> Span:
        at, line, line_start = self._cursor
        text = self.text
        if self._line_starts or not at <= start <= end <= len(text) or end - at > _NEARBY:
            return self._placed_span(start, end)
        # The usual request: a little after the last one (see _line), in one inline step.
        newlines = text.count("\n", at, start)
        if newlines:
            line, line_start = line + newlines, text.rfind("\n", at, start) + 1
        self._cursor = (start, line, line_start)
        end_line, end_start = line, line_start
        newlines = text.count("\n", start, end)
        if newlines:
            end_line, end_start = line + newlines, text.rfind("\n", start, end) + 1
        column, end_column = start - line_start + 1, end - end_start + 1
        return Span(self.path, line + 1, column, end_line + 1, end_column, start, end)

    def _placed_span(self, start: int, end: int) -> Span:
        line, line_start = self._line(start)
        if end < start:  # as the line index always said: on the start's line
            end_line, end_start = line, line_start
        else:
            end_line, end_start = self._line(end)
        column, end_column = start - line_start + 1, end - end_start + 1
        return Span(self.path, line + 1, column, end_line + 1, end_column, start, end)

    def _line(self, offset: int) -> tuple[int, int]:
        """The 0-based line of an offset and where that line starts.

        A source asks for the spans of a few values close together in a file it reads once, so
        the newlines between the last offset placed and this one are counted (in C) rather than
        every line of the file indexed; an offset far from the last one uses the index.
        """
        at, line, line_start = self._cursor
        if self._line_starts or not 0 <= offset <= len(self.text) or abs(offset - at) > _NEARBY:
            starts = self._line_starts or self._index_lines()
            line = bisect.bisect_right(starts, offset) - 1
            return line, starts[line]
        text = self.text
        if offset >= at:
            newlines = text.count("\n", at, offset)
            if newlines:
                line, line_start = line + newlines, text.rfind("\n", at, offset) + 1
        else:
            newlines = text.count("\n", offset, at)
            if newlines:
                line, line_start = line - newlines, text.rfind("\n", 0, offset) + 1
        self._cursor = (offset, line, line_start)
        return line, line_start

    def _index_lines(self) -> array[int]:
        # Where each line starts: 0, then one past each "\n" (only "\n": a line of the
        # formats read ends there, whatever str.splitlines says), summed in C.
        with_newline = map((1).__add__, map(len, self.text.split("\n")))
        self._line_starts = array("q", itertools.accumulate(with_newline, initial=0))
        self._line_starts.pop()  # the sum after the last line: no line starts there
        return self._line_starts

    def offset(self, line: int, column: int = 1) -> int:
        """The text offset of a 1-based (line, column)."""
        self.position(0)  # builds the line index
        index = min(max(line - 1, 0), len(self._line_starts) - 1)
        return min(self._line_starts[index] + column - 1, len(self.text))


def comments(
    source: SourceText,
    statements: Sequence[tuple[int, int]],
    *,
    opaque: set[int] | None = None,
    markers: tuple[str, ...] = ("#",),
) -> list[Comment]:
    """The whole-line comments (starting with one of ``markers``) that mention ecs-lint, each
    with the statement right after it. ``statements`` are (first line, last line) pairs, 1-based
    and inclusive; several may start on one line (a YAML entry and its value), the longest then
    counts. ``opaque`` are the lines where a comment marker is text, not a comment (a YAML block
    scalar, an HCL heredoc); by default every line inside a statement (a Dockerfile heredoc)."""
    if "ecs-lint" not in source.text.lower():
        return []
    last_lines: dict[int, int] = {}
    for first, last in statements:
        last_lines[first] = max(last, last_lines.get(first, last))
    if opaque is None:
        opaque = {line for first, last in statements for line in range(first + 1, last + 1)}
        opaque |= set(last_lines)
    lines = source.text.split("\n")
    found: list[Comment] = []
    for number, line in enumerate(lines, 1):
        text = line.strip()
        if number in opaque or not text.startswith(markers) or "ecs-lint" not in text.lower():
            continue
        begin = source.offset(number, len(line) - len(line.lstrip()) + 1)
        statement = None
        following = number + 1  # only comment lines may come between
        while following <= len(lines) and following not in last_lines:
            if following in opaque or not lines[following - 1].strip().startswith(markers):
                break
            following += 1
        if following in last_lines:
            last = last_lines[following]
            end = source.offset(last, len(lines[last - 1]) + 1)
            statement = source.span(source.offset(following), end)
        found.append(Comment(text, source.span(begin, begin + len(text)), statement))
    return found


def printable(text: str) -> str:
    """Escape control, line-break and bidirectional characters and lone surrogates, so they
    print harmlessly and encode in any output encoding."""
    if text.isascii() and text.isprintable():  # the usual text, without a scan in Python's re
        return text
    return _CONTROL.sub(
        lambda match: (
            f"\\x{ord(match.group()):02x}"
            if ord(match.group()) < 0x100
            else f"\\u{ord(match.group()):04x}"
        ),
        text,
    )


_UNSAVED: ContextVar[Mapping[str, str] | None] = ContextVar("ecs_lint_unsaved", default=None)


@contextlib.contextmanager
def unsaved_texts(texts: Mapping[str, str]) -> Iterator[None]:
    """Within this block, reading a file ``texts`` names (by its real path) gives that text
    instead of the file's: an editor's unsaved buffers, which the language server lints (the
    files themselves and every file read for their context) as if they were saved."""
    token = _UNSAVED.set(texts)
    try:
        yield
    finally:
        _UNSAVED.reset(token)


def unsaved_text(path: Path | str) -> str | None:
    """The unsaved text standing for the file at ``path`` (see :func:`unsaved_texts`), if any."""
    texts = _UNSAVED.get()
    return texts.get(os.path.realpath(path)) if texts else None


_RUN_READS: list[dict[tuple[str, int], SourceText | UnreadableFile]] = []
"""The reads of the run in progress (``reading_once``), by real path and size limit."""


@contextlib.contextmanager
def reading_once() -> Iterator[None]:
    """Within this block (one run's loading), :func:`read_source` reads each file once: a file
    named, found in the repository for context, asked for by another (a compose service's
    Dockerfile, a ``.env``) is the same text however many times it is wanted."""
    _RUN_READS.append({})
    try:
        yield
    finally:
        _RUN_READS.pop()


def run_reads() -> dict[tuple[str, int], SourceText | UnreadableFile]:
    """The files read so far in the run in progress (none outside :func:`reading_once`)."""
    return _RUN_READS[-1] if _RUN_READS else {}


def absorb_reads(reads: Mapping[tuple[str, int], SourceText | UnreadableFile]) -> None:
    """Count files another process read for this run (``ecs_lint.parallel``) as read here."""
    if _RUN_READS:
        for key, found in reads.items():
            _RUN_READS[-1].setdefault(key, found)


def read_source(
    path: Path, display: str, limit: int = MAX_FILE_BYTES, real: str | None = None
) -> SourceText:
    """Read and decode a file of at most ``limit`` bytes, refusing what no source could parse;
    an unsaved text standing for the file is read instead of the file (:func:`unsaved_texts`).
    Within :func:`reading_once`, a file already read is not read again. ``real``: the file's
    real path when the caller knows it (a walk does), which saves resolving it again."""
    unsaved = unsaved_text(path)
    if unsaved is not None:
        # surrogatepass: a lone surrogate an editor sent (a JSON escape) is then reported as
        # invalid UTF-8 at its place, as the same text in a file would be.
        return decode_source(unsaved.encode("utf-8", "surrogatepass"), display, limit)
    if not _RUN_READS:
        return _read_source(path, display, limit)
    reads = _RUN_READS[-1]
    key = (real or os.path.realpath(path), limit)
    found = reads.get(key)
    if found is None:
        try:
            found = _read_source(path, display, limit)
        except UnreadableFile as error:
            found = error
        reads[key] = found
    if isinstance(found, UnreadableFile):
        raise UnreadableFile(found.message, found.line, found.column)
    return found if found.path == display else replace(found, path=display)


def _read_source(path: Path, display: str, limit: int) -> SourceText:
    data, info = read_file(path, limit)
    source = decode_source(data, display, limit)
    source.identity = (info.st_dev, info.st_ino)
    return source


def read_limited(path: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; ``UnreadableFile`` otherwise."""
    return read_file(path, limit)[0]


def read_file(
    path: Path | str, limit: int = MAX_FILE_BYTES, *, dir_fd: int | None = None
) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file of at most ``limit`` bytes and its status; ``UnreadableFile``
    otherwise. With ``dir_fd``, ``path`` is a name in that open directory, and a symbolic link
    there is refused rather than followed.

    A FIFO or a device (``/dev/zero``, a named pipe called ``Dockerfile``) would block or never
    end, so only regular files are read: the type is checked on the opened descriptor (opened
    without blocking, so a FIFO cannot hang the open itself), and at most ``limit + 1`` bytes are
    read whatever size ``stat`` said, so a file growing meanwhile cannot exceed the limit either.
    """
    flags = os.O_RDONLY | _NONBLOCK | _BINARY | (_NOFOLLOW if dir_fd is not None else 0)
    try:
        descriptor = os.open(path, flags, dir_fd=dir_fd)
    except OSError as error:
        raise UnreadableFile(f"cannot read file: {error.strerror or error}") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("not a regular file (a FIFO, device or socket); not read")
        if info.st_size > limit:
            raise UnreadableFile(_over_limit(info.st_size, limit))
        data = _read_at_most(descriptor, info.st_size, limit)
    except OSError as error:
        raise UnreadableFile(f"cannot read file: {error.strerror or error}") from None
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise UnreadableFile(_over_limit(len(data), limit))
    return data, info


def _read_at_most(descriptor: int, size: int, limit: int) -> bytes:
    """At most ``limit + 1`` bytes from ``descriptor``, asking for ``size`` (what ``stat`` said)
    plus one first. Plain ``os.read`` calls, no buffered file object: ``read(n)`` allocates
    ``n`` bytes up front, so asking for the whole limit would cost 10 MiB per small file."""
    parts: list[bytes] = []
    total = 0
    expected = min(size, limit) + 1
    while total <= limit:
        part = os.read(descriptor, expected - total if total < expected else limit + 1 - total)
        if not part:
            break
        parts.append(part)
        total += len(part)
    return b"".join(parts)


def _over_limit(size: int, limit: int) -> str:
    return (
        f"file is {size:,} bytes, over the {size_text(limit)} limit; not read "
        "(the max-file-size setting raises the limit)"
    )


def size_text(size: int) -> str:
    """``10 MiB``, ``512 KiB`` or ``1,000 bytes``: a size as a user would write it."""
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor:,} {unit}"
    return f"{size:,} bytes"


def decode_source(data: bytes, display: str, limit: int = MAX_FILE_BYTES) -> SourceText:
    if len(data) > limit:
        raise UnreadableFile(f"input is over the {size_text(limit)} limit")
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
