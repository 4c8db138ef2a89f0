"""Dockerfiles: every image a build pulls (``FROM``, ``COPY --from``, ``RUN --mount=...,from=``).

This module only turns text into the neutral model, with exact spans; it decides nothing about
registries. It follows BuildKit (``moby/buildkit``, ``frontend/dockerfile``) rule for rule, because
a linter that reads a Dockerfile differently from the builder reports the wrong image:

* instruction splitting (``parser/parser.go``): parser directives at the top (``# escape=``),
  comment lines and whitespace-only lines inside continuations skipped, ``\\`` (or the escape
  character) as the last non-blank character continuing a line, CRLF, heredocs
  (``RUN <<EOF ... EOF``) whose bodies are not instructions;
* words and flags (``parser/line_parsers.go``, ``extractBuilderFlags``);
* variables (``shell/lex.go``): ``$V``, ``${V}``, ``${V:-w}``, ``${V-w}``, ``${V:+w}``, ``${V+w}``,
  ``${V:?w}``, ``${V#p}``, ``${V%p}``, ``${V/p/r}`` (their patterns matched by ``_shellpattern``,
  in time linear in the value), quotes, and the escape character;
* ARG scoping (``dockerfile2llb/convert.go``): global ARGs (before the first ``FROM``) are what
  ``FROM`` sees; a stage sees its own ARG and ENV declarations, a re-declared ``ARG NAME`` imports
  the global value, and a stage built ``FROM`` an earlier stage inherits that stage's variables.

Why our own splitter rather than ``dockerfile-parse``: it is fast enough (1,000 files in about
0.04 s), but it reports only line numbers and joined values, so every image would have to be
found again in the text, which is ambiguous (``FROM nginx`` ... ``--from=nginx``); it also drops
an instruction with no arguments (a bare ``FROM``, which must be an error here), treats ``\\\\``
at the end of a line as a continuation, and knows no heredocs, so a Python heredoc line
``from os import path`` would read as a ``FROM``. Splitting ourselves keeps a character-offset map
for every instruction, so spans are exact across continuations and CRLF. ``dockerfile-parse`` is
kept as a cross-check of instruction line ranges in the tests.

What is unknown stays unknown: an ARG with no default and no ``--build-arg``, the automatic
platform ARGs (``TARGETARCH``...), and in a stage a name the base image's ENV might define, make
the reference an :class:`UnresolvedRef`, never a guess. A name never declared in the global scope
is unset there, as in BuildKit (``${MIRROR:-docker.io}`` then means ``docker.io``). An
unresolved name whose literal parts match a stage defined before it (``FROM binaries-$TARGETOS``
after ``FROM ... AS binaries-linux``) names that stage whatever the platform, so it is no image.

Where we differ from BuildKit on purpose, to still check the image the author meant:

* variables in ``COPY --from`` and in a mount's ``from=`` are expanded with the stage's ARGs and
  ENVs; BuildKit refuses them ("variable expansion is not supported for --from");
* ``COPY --from=name`` naming a stage defined only later is an image (the classic builder pulled
  it); BuildKit stops with "cannot copy from stage ..., it needs to be defined before";
* ``FROM Name`` matches a stage ``name`` case-insensitively, as ``COPY --from`` does in BuildKit
  (BuildKit's own FROM look-up is case-sensitive, so there the build fails on the capital).
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, NamedTuple

from ecs_lint.model import Document, ImageUse, Problem, ProblemKind, UnresolvedRef, UseKind
from ecs_lint.references import familiar_name, find_variables, parse_reference
from ecs_lint.textio import comments

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from ecs_lint.model import Reference, Span
    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText

# How a pull of the build gets credentials, and its variables values (``ImageUse`` hints).
BUILD_LOGIN: Final = "run docker login on the build host"
BUILD_ARGS: Final = "give the ARG a default or pass --build-arg NAME=VALUE"
CONTEXT_VALUES: Final = "give the named build context a value known in the file that defines it"
# How a build does without its frontend image (``ImageUse.avoid_hint``).
KEEP_DIRECTIVE_OUT: Final = (
    "remove the # syntax directive where the builder's built-in Dockerfile frontend suffices"
)
KEEP_SYNTAX_ARG_OUT: Final = (
    "stop passing BUILDKIT_SYNTAX where the builder's built-in Dockerfile frontend suffices"
)
SYNTAX_ARG: Final = "BUILDKIT_SYNTAX"
"""The build arg that names the frontend image, overriding the ``# syntax=`` directive."""
BUILTIN_FRONTEND: Final = "dockerfile.v0"
"""A ``BUILDKIT_SYNTAX`` value that selects the builder's own frontend: nothing is pulled."""
DOCKER_IMAGE_CONTEXT: Final = "docker-image://"
"""The prefix of a named build context that is an image (``docker-image://alpine:3.20``)."""

# The instructions BuildKit knows; any other is a build error ("unknown instruction").
KNOWN_INSTRUCTIONS: Final = frozenset(
    {
        *("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK"),
        *("LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME"),
        "WORKDIR",
    }
)
# ARGs BuildKit defines itself in the global scope; their values come from the build machine.
PLATFORM_ARGS: Final = (
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
)
SCRATCH: Final = "scratch"
_HEREDOC_INSTRUCTIONS: Final = frozenset({"RUN", "COPY", "ADD"})
# BuildKit registers no image for a tmpfs mount's ``from`` and rejects one on a secret mount.
_MOUNT_TYPES_WITHOUT_IMAGE: Final = frozenset({"tmpfs", "secret"})

_DIRECTIVE_RE: Final = re.compile(r"#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*", re.ASCII)
_DIRECTIVES: Final = frozenset({"syntax", "escape", "check"})
_KEYWORD_RE: Final = re.compile(r"[^\t\v\f\r ]+")  # BuildKit splits the command off at these
_STAGE_NAME_RE: Final = re.compile(r"[a-z][a-z0-9\-_.]*", re.ASCII)
_STAGE_INDEX_RE: Final = re.compile(r"[+-]?[0-9]+", re.ASCII)  # what Go's strconv.Atoi accepts
_UNKNOWN_RE: Final = re.compile(r"\$\{[A-Za-z0-9_]*\}")  # an unknown part of a value
_BARE_NAME_RE: Final = re.compile(r"[a-z0-9]+(?:[._-]+[a-z0-9]+)*", re.ASCII)  # one component
_HEREDOC_RE: Final = re.compile(r"[0-9]*<<(-?)([^<]*)", re.ASCII)
_SINGLE_VARIABLE_RE: Final = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))"
)
_SPECIAL_PARAMETERS: Final = frozenset("@*#?-$!0")
_MAX_NESTING: Final = 32  # ${A:-${B:-...}} deeper than this is refused, not a RecursionError
_SHOW_LIMIT: Final = 60


def parse(source: SourceText, settings: Settings) -> Document:
    """Every image the Dockerfile in ``source`` pulls, and every reason it cannot be parsed."""
    document = Document(source.path)
    split = _Splitter(source.text).run()
    interpreter = _Interpreter(source, settings, document, split.escape)
    for error in split.errors:
        interpreter.report(error.message, source.span(error.start, error.end))
    interpreter.frontend(split.frontend)
    for instruction in split.instructions:
        interpreter.dispatch(instruction)
    document.problems.sort(key=lambda problem: problem.span.start)  # splitter ones came first
    document.comments = comments(source, split.line_ranges)
    # Kept only for a file with directives: the language server finds them again (``statements``).
    document.statements = split.line_ranges if document.comments else None
    return document


def statements(source: SourceText) -> list[tuple[int, int]]:
    """Where ignore comments may go: each instruction's first and last lines."""
    return _Splitter(source.text).run().line_ranges


# --- Splitting text into instructions ----------------------------------------------------------


class _OffsetMap:
    """Maps an index in an instruction's logical text to an offset in the file.

    The logical text joins the pieces of continued lines; each piece is one run of consecutive
    characters in the file, so one (logical start, file offset) pair per piece is enough.
    """

    __slots__ = ("_logical", "_source")

    def __init__(self, source: int) -> None:
        """The map of a logical text whose first piece starts at ``source`` in the file."""
        self._logical: list[int] = [0]
        self._source: list[int] = [source]

    def add(self, logical: int, source: int) -> None:
        self._logical.append(logical)
        self._source.append(source)

    def source(self, index: int) -> int:
        piece = max(bisect.bisect_right(self._logical, index) - 1, 0)
        return self._source[piece] + index - self._logical[piece]


# _Instruction, _Line, _Piece and the interpreter's _Binding, _Expansion and _Written are named
# tuples, not frozen dataclasses: every line of every Dockerfile makes a few, and a frozen
# dataclass sets each field through object.__setattr__.


class _Instruction(NamedTuple):
    """One instruction: its keyword, its logical line and where each part of it is written."""

    keyword: str
    """Upper-cased, as BuildKit compares it."""
    text: str
    """The logical line: continued lines joined without their continuation characters."""
    offsets: _OffsetMap
    keyword_start: int
    keyword_end: int
    args: int
    """Index in ``text`` where the arguments (flags included) start."""


@dataclass(frozen=True, slots=True)
class _SplitError:
    """What stopped the split into instructions, and where."""

    message: str
    start: int
    end: int


@dataclass(slots=True)
class _Split:
    """The file split into instructions, as BuildKit's parser splits it."""

    escape: str = "\\"
    instructions: list[_Instruction] = field(default_factory=list)
    errors: list[_SplitError] = field(default_factory=list)
    line_ranges: list[tuple[int, int]] = field(default_factory=list)
    """(first, last) 1-based line of each instruction, heredoc bodies included."""
    frontend: tuple[int, int] | None = None
    """Where the frontend reference of a ``# syntax=`` directive is (start, end offsets)."""


class _Line(NamedTuple):
    """One physical line and the offset where it starts."""

    start: int
    text: str
    """Without its line ending (``\\n`` and any ``\\r`` before it)."""


def _physical_lines(text: str) -> list[_Line]:
    lines = []
    offset = 0
    for raw in text.split("\n"):
        lines.append(_Line(offset, raw.rstrip("\r")))
        offset += len(raw) + 1
    return lines


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _trim_continuation(line: str, escape: str) -> tuple[str, bool]:
    """Strip a trailing continuation character; BuildKit ignores one that is itself escaped."""
    body = line.rstrip(" \t")
    if body.endswith(escape) and (len(body) == 1 or body[-2] != escape):
        return body[:-1], True
    return line, False


class _Splitter:
    """BuildKit's ``parser.Parse`` loop, keeping an offset map for each instruction."""

    def __init__(self, text: str) -> None:
        self.lines = _physical_lines(text)
        self.index = 0
        self.split = _Split()
        self.directives_done = False
        self.directives_seen: set[str] = set()

    def run(self) -> _Split:
        self.split.frontend = _syntax_directive(self.lines)
        while self.index < len(self.lines):
            line = self.lines[self.index]
            first = self.index + 1
            self.index += 1
            instruction = self._instruction(line)
            if instruction is not None:
                self.split.instructions.append(instruction)
                self._skip_heredocs(instruction)
                self.split.line_ranges.append((first, self.index))
        return self.split

    def _instruction(self, first: _Line) -> _Instruction | None:
        stripped = first.text.lstrip()
        lead = len(first.text) - len(stripped)
        self._directive(stripped, first.start + lead)
        if stripped.startswith("#"):
            return None
        body, continued = _trim_continuation(stripped, self.split.escape)
        if not continued and not body:
            return None
        offsets = _OffsetMap(first.start + lead)
        if not continued:  # the usual instruction: one line
            return _make_instruction(body, offsets)
        parts = [body]
        length = len(body)
        while continued and self.index < len(self.lines):
            line = self.lines[self.index]
            self.index += 1
            # Comment and blank lines inside a continued instruction are skipped, not ends.
            if _is_comment(line.text) or not line.text.strip():
                continue
            body, continued = _trim_continuation(line.text, self.split.escape)
            offsets.add(length, line.start)
            parts.append(body)
            length += len(body)
        return _make_instruction("".join(parts), offsets)

    def _directive(self, line: str, start: int) -> None:
        """Read a parser directive; only an unbroken run of them at the top of the file counts."""
        if self.directives_done:
            return
        match = _DIRECTIVE_RE.fullmatch(line)
        name = match.group(1).lower() if match else ""
        if match is None or name not in _DIRECTIVES:
            self.directives_done = True
            return
        end = start + len(line)
        if name in self.directives_seen:
            self._error(f"only one {name} parser directive can be used", start, end)
        elif name == "escape":
            value = match.group(2)
            if value in ("\\", "`"):
                self.split.escape = value
            else:
                self._error(f"invalid escape character {_short(value)!r}: use \\ or `", start, end)
        self.directives_seen.add(name)

    def _skip_heredocs(self, instruction: _Instruction) -> None:
        """Consume the bodies of the instruction's heredocs, which hold no instructions."""
        for heredoc in _heredocs(instruction):
            while self.index < len(self.lines):
                text = self.lines[self.index].text
                self.index += 1
                if (text.lstrip("\t") if heredoc.chomp else text) == heredoc.name:
                    break
            else:
                source = instruction.offsets.source
                message = f"heredoc <<{_short(heredoc.name)} is never terminated"
                self._error(message, source(heredoc.start), source(heredoc.end - 1) + 1)
                return

    def _error(self, message: str, start: int, end: int) -> None:
        self.split.errors.append(_SplitError(message, start, end))


def _syntax_directive(lines: list[_Line]) -> tuple[int, int] | None:
    """Where the frontend image of a ``# syntax=`` directive is written, found as BuildKit's
    ``DetectSyntax`` finds it before it reads the file as a Dockerfile: a first line starting
    ``#!`` is skipped; then only an unbroken run of directives counts, each written from the
    line's first column (unlike ``# escape``, an indented one ends the run), the names in any
    case; the reference is the value's first space-separated word."""
    seen: set[str] = set()
    for line in lines[1:] if lines and lines[0].text.startswith("#!") else lines:
        match = _DIRECTIVE_RE.fullmatch(line.text)
        name = match.group(1).lower() if match else ""
        if match is None or name not in _DIRECTIVES or name in seen:
            return None
        if name == "syntax":
            start = line.start + match.start(2)
            return start, start + len(match.group(2).split(" ", 1)[0])
        seen.add(name)
    return None


def _make_instruction(text: str, offsets: _OffsetMap) -> _Instruction | None:
    """Split off the keyword, as BuildKit does after trimming the joined line; None if blank."""
    start = len(text) - len(text.lstrip())
    keyword = _KEYWORD_RE.match(text, start)
    if keyword is None:
        return None
    args = keyword.end()
    while args < len(text) and text[args].isspace():
        args += 1
    return _Instruction(keyword.group().upper(), text, offsets, start, keyword.end(), args)


@dataclass(frozen=True, slots=True)
class _Heredoc:
    """A heredoc an instruction opens (``<<EOF``)."""

    name: str
    chomp: bool
    """``<<-NAME``: leading tabs do not count when looking for the terminator."""
    start: int
    end: int
    """Where the ``<<NAME`` word is in the instruction's logical text."""


def _heredocs(instruction: _Instruction) -> list[_Heredoc]:
    """The heredocs an instruction opens, found as BuildKit's ``heredocsFromLine`` finds them."""
    text = instruction.text
    if "<<" not in text:
        return []
    keyword, args = instruction.keyword, instruction.args
    if keyword == "ONBUILD":  # ONBUILD RUN <<EOF has its heredoc too
        inner = _make_instruction(text[args:], instruction.offsets)
        if inner is None:
            return []
        keyword, args = inner.keyword, args + inner.args
    if keyword not in _HEREDOC_INSTRUCTIONS or _is_json_form(text, args):
        return []
    found = []
    for start, end in _quoted_words(text, args, "\\"):
        match = _HEREDOC_RE.fullmatch(text, start, end)
        name = match.group(2).replace('"', "").replace("'", "") if match else ""
        if match and name and not any(char.isspace() for char in name):
            found.append(_Heredoc(name, match.group(1) == "-", start, end))
    return found


def _is_json_form(text: str, start: int) -> bool:
    _flags, rest = _flag_words(text, start)
    if not text.startswith("[", rest):
        return False
    try:
        value = json.loads(text[rest:])
    except (ValueError, RecursionError):
        return False
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


# --- Words and flags -----------------------------------------------------------------------------


class _Piece(NamedTuple):
    """Text taken from an instruction, with the logical index of each of its characters."""

    text: str
    positions: tuple[int, ...]

    @classmethod
    def raw(cls, text: str, start: int, end: int) -> _Piece:
        return cls(text[start:end], tuple(range(start, end)))

    def slice(self, start: int, end: int | None = None) -> _Piece:
        return _Piece(self.text[start:end], self.positions[start:end])

    def unquoted(self) -> _Piece:
        """The inside of one pair of quotes around the whole text, for spans a fix can rewrite."""
        text = self.text
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
            return self.slice(1, -1)
        return self


def _word_end(text: str, index: int, escape: str) -> int:
    """End of the raw word at ``index``: quoted and escaped whitespace stays inside it."""
    quote = ""
    plain = _plain_run(escape + "'\"", whitespace=True)
    while index < len(text):
        if not quote:
            run = plain(text, index)  # characters that only move on, taken at once
            if run is not None:
                index = run.end()
                continue
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
            elif char == escape and quote != "'":
                index += 1
        elif char.isspace():
            return index
        elif char in "'\"":
            quote = char
        elif char == escape:
            index += 1
        index += 1
    return len(text)


@functools.cache
def _plain_run(
    special: str, *, whitespace: bool = False
) -> Callable[[str, int], re.Match[str] | None]:
    """Matches a run of characters that are none of ``special`` (nor whitespace): the loops
    that read character by character skip such a run in one step."""
    space = r"\s" if whitespace else ""
    return re.compile(f"[^{space}{re.escape(special)}]+").match


def _quoted_words(text: str, start: int, escape: str) -> list[tuple[int, int]]:
    """Raw word ranges as BuildKit's ``parseWords`` splits them: quotes and escapes kept."""
    words = []
    index = start
    while index < len(text):
        if text[index].isspace():
            index += 1
            continue
        end = _word_end(text, index, escape)
        words.append((index, end))
        index = end
    return words


def _flag_words(text: str, start: int) -> tuple[list[tuple[int, int]], int]:
    """Raw ranges of the leading ``--flag`` words, and where the other arguments start.

    As BuildKit's ``extractBuilderFlags``, which always escapes with a backslash here.
    """
    flags: list[tuple[int, int]] = []
    index = start
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if not text.startswith("--", index):
            return flags, index
        end = _word_end(text, index, "\\")
        if end - index == 2:  # a bare "--" ends the flags
            return flags, end
        flags.append((index, end))
        index = end


def _decode_flag(text: str, start: int, end: int) -> _Piece:
    """A flag word with its quotes and backslash escapes removed, as BuildKit reads it."""
    word = text[start:end]
    if "'" not in word and '"' not in word and "\\" not in word:  # most flags: the word itself
        return _Piece.raw(text, start, end)
    chars: list[str] = []
    positions: list[int] = []
    quote = ""
    index = start
    while index < end:
        char = text[index]
        if char in "'\"" and quote in ("", char):
            quote = "" if quote else char
            index += 1
            continue
        if char == "\\":
            index += 1
            if index >= end:
                break
            char = text[index]
        chars.append(char)
        positions.append(index)
        index += 1
    return _Piece("".join(chars), tuple(positions))


class _CsvError(Exception):
    pass


def _csv_fields(piece: _Piece) -> list[_Piece]:
    """Split one CSV record as Go's ``encoding/csv`` does (BuildKit reads ``--mount`` so)."""
    if not piece.text:
        raise _CsvError("it is empty")
    fields = []
    index = 0
    while True:
        field_, index = _csv_field(piece, index)
        fields.append(field_)
        if index >= len(piece.text):
            return fields
        index += 1  # the comma


def _csv_field(piece: _Piece, index: int) -> tuple[_Piece, int]:
    text = piece.text
    if not text.startswith('"', index):
        end = text.find(",", index)
        end = len(text) if end < 0 else end
        if '"' in text[index:end]:
            raise _CsvError('a " appears inside a field that is not quoted')
        return piece.slice(index, end), end
    keep: list[int] = []
    index += 1
    while True:
        if index >= len(text):
            raise _CsvError('a quoted field has no closing "')
        if text[index] == '"' and not text.startswith('""', index):
            break
        keep.append(index)
        index += 2 if text.startswith('""', index) else 1
    index += 1
    if index < len(text) and text[index] != ",":
        raise _CsvError('a quoted field has text after its closing "')
    return _Piece("".join(text[i] for i in keep), tuple(piece.positions[i] for i in keep)), index


# --- Variables -----------------------------------------------------------------------------------


class _ExpandError(Exception):
    pass


class _Binding(NamedTuple):
    """A variable's value where it is read; ``None`` when only the build will know it."""

    value: str | None
    edit: Span | None = None
    """The ARG default literal that holds the value, when one does (a fix rewrites it)."""


_UNKNOWN: Final = _Binding(None)


@dataclass(slots=True)
class _Scope:
    """The variables a stage (or the global scope before the first ``FROM``) defines."""

    variables: dict[str, _Binding] = field(default_factory=dict)
    open: bool = False
    """True in a stage built on an image: a name not declared here may be in the image's ENV."""

    def get(self, name: str) -> _Binding | None:
        """The binding of ``name``; ``None`` when it is certainly unset (expands to nothing)."""
        binding = self.variables.get(name)
        if binding is None and self.open:
            return _UNKNOWN
        return binding

    def copy(self) -> _Scope:
        return _Scope(dict(self.variables), self.open)


class _Expansion(NamedTuple):
    """A word with its variables expanded as far as their values are known."""

    value: str
    unresolved: tuple[str, ...]
    """Variables without a known value; when any is named, ``value`` holds each unknown part
    as ``${NAME}``."""
    references: int
    """How many variables the text refers to; 0 for a literal."""


def _expand(text: str, scope: _Scope, escape: str) -> _Expansion:
    """Expand ``text`` as BuildKit's ``ProcessWord`` does; raises :class:`_ExpandError`."""
    lexer = _Lexer(text, scope, escape)
    value = lexer.process("")
    return _Expansion(value, tuple(lexer.unresolved), lexer.references)


class _Lexer:
    """A port of BuildKit's ``shell/lex.go`` that carries unknown values through."""

    def __init__(self, text: str, scope: _Scope, escape: str) -> None:
        self.text = text
        self.pos = 0
        self.scope = scope
        self.escape = escape
        self.unresolved: dict[str, None] = {}
        self.references = 0
        self.depth = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def process(self, stop: str, raw_escapes: bool = False) -> str:
        """Read up to ``stop`` (consumed) or the end when ``stop`` is empty."""
        self.depth += 1
        if self.depth > _MAX_NESTING:
            raise _ExpandError("variables are nested too deeply")
        out: list[str] = []
        plain = _plain_run(f"$'\"{self.escape}{stop}")
        while self.pos < len(self.text):
            run = plain(self.text, self.pos)  # characters that stand for themselves
            if run is not None:
                out.append(run.group())
                self.pos = run.end()
                continue
            char = self.text[self.pos]
            if stop and char == stop:
                self.pos += 1
                self.depth -= 1
                return "".join(out)
            out.append(self._special(char) if char in "$'\"" else self._plain(raw_escapes))
        if stop:
            raise _ExpandError(f"no matching {stop!r}")
        self.depth -= 1
        return "".join(out)

    def _special(self, char: str) -> str:
        if char == "$":
            return self._dollar()
        if char == "'":
            return self._single_quoted()
        return self._double_quoted()

    def _plain(self, raw_escapes: bool) -> str:
        char = self.text[self.pos]
        self.pos += 1
        if char != self.escape:
            return char
        if self.pos >= len(self.text):  # a trailing escape character is dropped
            return ""
        escaped = self.text[self.pos]
        self.pos += 1
        return char + escaped if raw_escapes else escaped

    def _single_quoted(self) -> str:
        end = self.text.find("'", self.pos + 1)
        if end < 0:
            raise _ExpandError("a single quote is never closed")
        value = self.text[self.pos + 1 : end]
        self.pos = end + 1
        return value

    def _double_quoted(self) -> str:
        self.pos += 1
        out: list[str] = []
        while True:
            char = self.peek()
            if not char:
                raise _ExpandError("a double quote is never closed")
            self.pos += 1
            if char == '"':
                return "".join(out)
            if char == "$":
                self.pos -= 1
                out.append(self._dollar())
                continue
            if char == self.escape:
                following = self.peek()
                if not following:
                    continue  # the missing closing quote is reported next round
                if following in ('"', "$", self.escape):  # other escapes stay as written
                    char = following
                    self.pos += 1
            out.append(char)

    def _name(self) -> str:
        start = self.pos
        char = self.peek()
        if char.isdecimal():
            while self.peek().isdecimal():
                self.pos += 1
            return self.text[start : self.pos]
        if char and char in _SPECIAL_PARAMETERS:
            self.pos += 1
            return char
        while (char := self.peek()) and (char.isalpha() or char.isdecimal() or char == "_"):
            self.pos += 1
        return self.text[start : self.pos]

    def _lookup(self, name: str) -> _Binding | None:
        self.references += 1
        binding = self.scope.get(name)
        if binding is not None and binding.value is None:
            self.unresolved[name] = None
        return binding

    def _value(self, name: str) -> str:
        binding = self._lookup(name)
        if binding is None:
            return ""
        return _unknown(name) if binding.value is None else binding.value

    def _dollar(self) -> str:
        self.pos += 1
        if self.peek() != "{":
            name = self._name()
            return self._value(name) if name else "$"
        self.pos += 1
        if not self.peek():
            raise _ExpandError("'${' has no closing '}'")
        if self.peek() in "{}:":
            raise _ExpandError("bad substitution after '${'")
        name = self._name()
        operator = self.peek()
        self.pos += 1
        if operator == "}":
            return self._value(name)
        if not operator:
            raise _ExpandError(f"'${{{_short(name)}' has no closing '}}'")
        return self._modified(name, operator)

    def _modified(self, name: str, operator: str) -> str:
        null_is_unset = operator == ":"
        if null_is_unset:
            operator = self.peek()
            self.pos += 1
        if operator == "/" and not null_is_unset:
            return self._replace(name)
        # BuildKit has no ${V:#p} or ${V:%p}: the colon forms are only those of unset values.
        if not operator or operator not in ("+-?" if null_is_unset else "+-?#%"):
            raise _ExpandError(f"unsupported modifier ({':' if null_is_unset else ''}{operator})")
        word, word_unresolved = self._word("}", raw_escapes=operator in "#%")
        binding = self._lookup(name)
        if binding is not None and binding.value is None:
            self.unresolved.update(word_unresolved)
            return _unknown(name)
        value = None if binding is None else binding.value
        return self._apply(name, operator, value, null_is_unset, word, word_unresolved)

    def _word(self, stop: str, raw_escapes: bool) -> tuple[str, dict[str, None]]:
        """Read an operator's word, keeping its unknowns apart until we know it is used."""
        outer = self.unresolved
        self.unresolved = {}
        try:
            return self.process(stop, raw_escapes), self.unresolved
        finally:
            self.unresolved = outer

    def _apply(
        self,
        name: str,
        operator: str,
        value: str | None,
        null_is_unset: bool,
        word: str,
        word_unresolved: dict[str, None],
    ) -> str:
        unset = value is None or (null_is_unset and not value)
        if (operator == "-" and unset) or (operator == "+" and not unset):
            self.unresolved.update(word_unresolved)
            return word
        if operator in "-+":
            return "" if operator == "+" else value or ""
        if operator == "?":
            if unset:
                raise _ExpandError(f"{name}: {_short(word) or 'must be set and not empty'}")
            return value or ""
        if word_unresolved:
            self.unresolved.update(word_unresolved)
            return _unknown(name)
        return _trim_pattern(value or "", word, operator)

    def _replace(self, name: str) -> str:
        replace_all = self.peek() == "/"
        if replace_all:
            self.pos += 1
        pattern, pattern_unresolved = self._word("/", raw_escapes=True)
        replacement, replacement_unresolved = self._word("}", raw_escapes=True)
        binding = self._lookup(name)
        if binding is None or binding.value is None or pattern_unresolved:
            self.unresolved.update(pattern_unresolved)
            return "" if binding is None else _unknown(name)
        self.unresolved.update(replacement_unresolved)
        from ecs_lint.sources._shellpattern import replace  # few Dockerfiles hold a pattern

        with _pattern_errors(pattern):
            return replace(binding.value, pattern, replacement, replace_all)


def _unknown(name: str) -> str:
    """What an unknown value stands as in an expansion's value (``${NAME}``): the parts that
    are known stay readable (``docker.io/app:${TAG}``), for ``UnresolvedRef.partial``."""
    return f"${{{name}}}"


def _trim_pattern(value: str, word: str, operator: str) -> str:
    """``${V#p}``/``${V##p}`` trim a prefix, ``${V%p}``/``${V%%p}`` a suffix."""
    from ecs_lint.sources._shellpattern import trim_prefix, trim_suffix

    longest = word.startswith(operator)
    pattern = word[1:] if longest else word
    trim = trim_prefix if operator == "#" else trim_suffix
    with _pattern_errors(pattern):
        return trim(value, pattern, longest)


@contextlib.contextmanager
def _pattern_errors(pattern: str) -> Iterator[None]:
    """Turn a pattern BuildKit cannot compile into an expansion error naming the pattern."""
    from ecs_lint.sources._shellpattern import PatternError

    try:
        yield
    except PatternError as error:
        raise _ExpandError(f"{error} in pattern {_short(pattern)!r}") from None


# --- Instructions --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Stage:
    """A build stage: its name (``AS name``) and its variables."""

    name: str | None
    scope: _Scope


class _Written(NamedTuple):
    """Image (or ARG default) text as written."""

    text: str
    """What the variable expansion reads: quotes and escapes are still in it."""
    span: Span


class _Interpreter:
    """Walks the instructions in order, keeping ARG scopes and stage names as BuildKit does."""

    def __init__(
        self, source: SourceText, settings: Settings, document: Document, escape: str
    ) -> None:
        self.source = source
        self.build_args = settings.build_args
        self.contexts = _named_contexts(settings.build_contexts)
        self.document = document
        self.escape = escape
        self.globals = _Scope({name: self._predefined(name) for name in PLATFORM_ARGS})
        self.stages: list[_Stage] = []
        self.stages_by_name: dict[str, _Stage] = {}
        """Named stages by lower-cased name, the first of a duplicated name kept."""
        self.reported_unknown = False

    def _predefined(self, name: str) -> _Binding:
        value = self.build_args.get(name)
        return _UNKNOWN if value is None else _Binding(value)

    def report(self, message: str, span: Span) -> None:
        self.document.problems.append(Problem(ProblemKind.PARSE, message, span))

    # The frontend: # syntax=<image>, or the BUILDKIT_SYNTAX build arg, which wins over it

    def frontend(self, directive: tuple[int, int] | None) -> None:
        """Record the frontend image BuildKit pulls to read this file, if it pulls one."""
        span = self.source.span(*directive) if directive is not None else None
        syntax_arg = self.build_args.get(SYNTAX_ARG)
        if syntax_arg is not None:
            text = syntax_arg.strip().split(" ", 1)[0]
            if text and text != BUILTIN_FRONTEND:
                at = span or self.source.span(0, 0)  # the arg is written nowhere in this file
                origin = f"named by the {SYNTAX_ARG} build arg"
                self._frontend_image(text, at, None, origin, KEEP_SYNTAX_ARG_OUT)
        elif span is not None:
            text = self.source.text[span.start : span.end]
            self._frontend_image(text, span, span, "", KEEP_DIRECTIVE_OUT)

    def _frontend_image(
        self, text: str, span: Span, edit: Span | None, origin: str, avoid: str
    ) -> None:
        context = self._context(text)
        if context is not None:  # a named build context may stand for the frontend too
            self._context_image(_Written(text, span), context, UseKind.FRONTEND)
            return
        self.document.images.append(
            ImageUse(
                parse_reference(text),
                span,
                UseKind.FRONTEND,
                edit_span=edit,
                credentials_hint=BUILD_LOGIN,
                avoid_hint=avoid,
                origin=origin,
            )
        )

    # Named build contexts (--build-context NAME=VALUE): a name that is one is not an image

    def _context(self, value: str) -> tuple[str, str] | None:
        """The named build context ``value`` names (name, value), if the build gives one."""
        if not self.contexts:
            return None
        name = familiar_name(value)
        context = self.contexts.get(name) if name is not None else None
        return (name, context) if name is not None and context is not None else None

    def _context_image(self, written: _Written, context: tuple[str, str], kind: UseKind) -> None:
        """Record the image a named build context pulls: only a ``docker-image://`` one does
        (a directory, a Git or HTTP source, an OCI layout or another Bake target pull nothing)."""
        name, value = context
        if not value.startswith(DOCKER_IMAGE_CONTEXT):
            return
        text = value.removeprefix(DOCKER_IMAGE_CONTEXT)
        if text == SCRATCH:  # BuildKit's name for the empty image
            return
        # A value the build's source could not resolve keeps its variables or expressions.
        reference = (
            UnresolvedRef(text, find_variables(text) or (text,))
            if "$" in text
            else parse_reference(text)
        )
        self.document.images.append(
            ImageUse(
                reference,
                written.span,
                kind,
                # The text here names the context, not the image: a fix must not rewrite it.
                shared_text=True,
                credentials_hint=BUILD_LOGIN,
                values_hint=CONTEXT_VALUES,
                origin=f"from named build context '{name}' = {value}",
            )
        )

    def dispatch(self, instruction: _Instruction) -> None:
        keyword = instruction.keyword
        if keyword not in KNOWN_INSTRUCTIONS:
            self._unknown(instruction)
        elif keyword == "FROM":
            self._from(instruction)
        elif keyword == "ARG":
            self._arg(instruction)
        elif not self.stages:
            self.report(f"{keyword} comes before the first FROM", self._keyword_span(instruction))
        elif keyword == "ENV":
            self._env(instruction)
        elif keyword == "COPY":
            self._copy(instruction)
        elif keyword == "RUN":
            self._run(instruction)
        # ONBUILD triggers run in a later build that uses this image, so they pull nothing here.

    def _unknown(self, instruction: _Instruction) -> None:
        # One is enough: it says the file is not a Dockerfile BuildKit accepts, and a file that is
        # no Dockerfile at all would otherwise get a problem on every line.
        if not self.reported_unknown:
            self.reported_unknown = True
            message = f"unknown instruction {_short(instruction.keyword)!r}"
            self.report(message, self._keyword_span(instruction))

    def _keyword_span(self, instruction: _Instruction) -> Span:
        source = instruction.offsets.source
        start, end = instruction.keyword_start, instruction.keyword_end
        return self.source.span(source(start), source(end - 1) + 1)

    def _span(self, instruction: _Instruction, piece: _Piece) -> Span:
        source = instruction.offsets.source
        if not piece.positions:
            return self._keyword_span(instruction)
        return self.source.span(source(piece.positions[0]), source(piece.positions[-1]) + 1)

    # FROM [--platform=<platform>] <image> [AS <name>]

    def _from(self, instruction: _Instruction) -> None:
        text = instruction.text
        _flags, rest = _flag_words(text, instruction.args)
        # Four words are enough to tell "<image>" and "<image> AS <name>" from anything else.
        matches = itertools.islice(_KEYWORD_RE.finditer(text, rest), 4)
        words = [_Piece.raw(text, match.start(), match.end()) for match in matches]
        if not words:
            message = "FROM has no image: FROM [--platform=<platform>] <image> [AS <name>]"
            self.report(message, self._keyword_span(instruction))
            self._add_stage(_Stage(None, _Scope(open=True)))
            return
        name = self._stage_name(instruction, words)
        written = _Written(words[0].text, self._span(instruction, words[0].unquoted()))
        self._add_stage(_Stage(name, self._base_image(written)))

    def _add_stage(self, stage: _Stage) -> None:
        self.stages.append(stage)
        if stage.name is not None:
            self.stages_by_name.setdefault(stage.name, stage)

    def _stage_name(self, instruction: _Instruction, words: list[_Piece]) -> str | None:
        if len(words) == 3 and words[1].text.lower() == "as":
            name = words[2].text.lower()
            span = self._span(instruction, words[2])
            if not _STAGE_NAME_RE.fullmatch(name):
                self.report(f"invalid stage name {_short(words[2].text)!r}", span)
            elif self._stage(name) is not None:
                self.report(f"duplicate stage name {_short(words[2].text)!r}", span)
            return name
        if len(words) != 1:
            text = instruction.text
            extra = _Piece.raw(text, words[1].positions[0], len(text.rstrip()))
            message = "FROM takes one image and an optional AS <name>"
            self.report(message, self._span(instruction, extra))
        return None

    def _stage(self, name: str) -> _Stage | None:
        """The stage of that name defined so far; names compare case-insensitively."""
        return self.stages_by_name.get(name.lower())

    def _base_image(self, written: _Written) -> _Scope:
        """Record a FROM image, and return the scope its stage starts with."""
        expansion = self._expand(written, self.globals)
        if expansion is None:
            return _Scope(open=True)
        if expansion.unresolved:
            if not self._may_be_stage(expansion.value):
                self._record(written, expansion, UseKind.BASE_IMAGE, self.globals)
            return _Scope(open=True)
        if not expansion.value:
            self.report(f"FROM image {_short(written.text)!r} expands to nothing", written.span)
            return _Scope(open=True)
        base = self._stage(expansion.value)
        if base is not None:  # a stage inherits the variables of the stage it is built on
            return base.scope.copy()
        if expansion.value == SCRATCH:
            return _Scope()
        context = self._context(expansion.value)
        if context is not None:
            self._context_image(written, context, UseKind.BASE_IMAGE)
        else:
            self._record(written, expansion, UseKind.BASE_IMAGE, self.globals)
        return _Scope(open=True)

    # ARG NAME[=default] ... and ENV NAME=value ...

    def _arg(self, instruction: _Instruction) -> None:
        scope = self.stages[-1].scope if self.stages else self.globals
        for start, end in _quoted_words(instruction.text, instruction.args, self.escape):
            word = _Piece.raw(instruction.text, start, end)
            name, equals, _default = word.text.partition("=")
            default = word.slice(len(name) + 1) if equals else None
            if name:
                scope.variables[name] = self._arg_value(instruction, scope, name, default)

    def _arg_value(
        self, instruction: _Instruction, scope: _Scope, name: str, default: _Piece | None
    ) -> _Binding:
        """A build-arg wins; then the default; a bare re-declaration imports the global value."""
        if name in self.build_args:
            return _Binding(self.build_args[name])
        if default is None:
            imported = self.globals.variables.get(name) if scope is not self.globals else None
            return imported or scope.variables.get(name) or _UNKNOWN
        span = self._span(instruction, default.unquoted())
        expansion = self._expand(_Written(default.text, span), scope)
        if expansion is None or expansion.unresolved:
            return _UNKNOWN
        # Only a literal default is where a fix can put another image.
        return _Binding(expansion.value, span if expansion.references == 0 else None)

    def _env(self, instruction: _Instruction) -> None:
        scope = self.stages[-1].scope
        for name, value in _env_assignments(instruction, self.escape):
            written = _Written(value.text, self._span(instruction, value))
            expansion = self._expand(written, scope)
            if expansion is None or expansion.unresolved:
                scope.variables[name] = _UNKNOWN
            else:
                scope.variables[name] = _Binding(expansion.value)

    # COPY --from=<image> and RUN --mount=...,from=<image>

    def _copy(self, instruction: _Instruction) -> None:
        values = _flag_values(instruction, "from")
        if values:  # BuildKit refuses a repeated --from; the first one is the one meant
            self._source_image(instruction, values[0], UseKind.COPY_SOURCE)

    def _run(self, instruction: _Instruction) -> None:
        for mount in _flag_values(instruction, "mount"):
            try:
                fields = _csv_fields(mount)
            except _CsvError as error:
                self.report(f"cannot read --mount: {error}", self._span(instruction, mount))
                continue
            source = _mount_source(fields)
            if source is not None:
                self._source_image(instruction, source, UseKind.MOUNT_SOURCE)

    def _source_image(self, instruction: _Instruction, value: _Piece, kind: UseKind) -> None:
        """Record the image of a COPY --from or a mount's from=, unless it names a stage.

        BuildKit itself refuses variables in these two places ("variable expansion is not
        supported for --from"); we expand them with the stage's variables all the same, so that
        the image the author meant is still checked.
        """
        if not value.text:
            return
        written = _Written(value.text, self._span(instruction, value))
        scope = self.stages[-1].scope
        expansion = self._expand(written, scope)
        if expansion is None:
            return
        if expansion.unresolved:
            if not self._may_be_stage(expansion.value):
                self._record(written, expansion, kind, scope)
        elif self._is_image(expansion.value):
            context = self._context(expansion.value)
            if context is not None:
                self._context_image(written, context, kind)
            else:
                self._record(
                    written, expansion, kind, scope, caveat=self._bare_name(expansion.value)
                )

    def _may_be_stage(self, partial: str) -> bool:
        """Whether an unresolved name, its literal parts kept (``binaries-${TARGETOS}``), is
        one of the stages defined so far whatever its unknown parts are: BuildKit builds on the
        stage the value names (``binaries-linux``), so it is not an image. A name with no
        literal part (``${BASE}``) may be anything, an image first of all."""
        pieces = [piece.lower() for piece in _UNKNOWN_RE.split(partial)]
        if not "".join(pieces):
            return False
        return any(_matches_with_gaps(name, pieces) for name in self.stages_by_name)

    def _bare_name(self, value: str) -> str:
        """What a bare name (``plugin``) that is no stage may be instead of an image, when the
        build gives ecs-lint no named build context: messages say how to tell it one."""
        if self.contexts or not _BARE_NAME_RE.fullmatch(value):
            return ""
        # Not "no stage": a stage defined only later is an image here, as for the classic builder.
        return f"if '{value}' is a named build context, pass --build-context {value}=VALUE"

    def _is_image(self, value: str) -> bool:
        """False for a stage index, ``scratch``, or a stage defined so far.

        A stage defined only *later* counts as an image, as the classic builder pulled it (BuildKit
        stops with "cannot copy from stage ..., it needs to be defined before current stage").
        """
        if not value or _STAGE_INDEX_RE.fullmatch(value) or value == SCRATCH:
            return False
        return self._stage(value) is None

    # Turning expanded text into a reference

    def _expand(self, written: _Written, scope: _Scope) -> _Expansion | None:
        try:
            return _expand(written.text, scope, self.escape)
        except _ExpandError as error:
            self.report(f"cannot expand {_short(written.text)!r}: {error}", written.span)
            return None

    def _record(
        self,
        written: _Written,
        expansion: _Expansion,
        kind: UseKind,
        scope: _Scope,
        *,
        caveat: str = "",
    ) -> None:
        reference: Reference
        if expansion.unresolved:
            reference = UnresolvedRef(written.text, expansion.unresolved, expansion.value)
        else:
            # Not resolve_reference: a '$' still there after expansion was escaped, so it is a
            # literal character (and an invalid one), not a variable.
            reference = parse_reference(expansion.value)
        edit = _edit_span(written, expansion, scope)
        self.document.images.append(
            ImageUse(
                reference,
                written.span,
                kind,
                edit_span=edit,
                credentials_hint=BUILD_LOGIN,
                values_hint=BUILD_ARGS,
                caveat=caveat,
            )
        )


def _matches_with_gaps(name: str, pieces: list[str]) -> bool:
    """Whether ``name`` is ``pieces`` in order with anything between consecutive ones (a glob
    of ``*`` only), found left to right in linear time (a regular expression of ``.*`` could
    backtrack without end on a long name)."""
    first, last = pieces[0], pieces[-1]
    if len(first) + len(last) > len(name) or not name.startswith(first):
        return False
    if not name.endswith(last):
        return False
    position, end = len(first), len(name) - len(last)
    for piece in pieces[1:-1]:
        found = name.find(piece, position, end)
        if found < 0:
            return False
        position = found + len(piece)
    return True


def _named_contexts(given: dict[str, str]) -> dict[str, str]:
    """The build's named contexts by the name BuildKit matches them by (``alpine:latest`` and
    ``docker.io/library/alpine`` are both ``alpine``); a name that is no reference is left out,
    as buildx refuses it."""
    contexts: dict[str, str] = {}
    for name, value in given.items():
        key = familiar_name(name)
        if key is not None:
            contexts[key] = value
    return contexts


def _flag_values(instruction: _Instruction, name: str) -> list[_Piece]:
    """The value of every ``--name=value`` flag of the instruction."""
    if "--" not in instruction.text:  # every flag word starts so; most lines have none
        return []
    flags, _rest = _flag_words(instruction.text, instruction.args)
    prefix = f"--{name}="
    values = []
    for start, end in flags:
        decoded = _decode_flag(instruction.text, start, end)
        if decoded.text.startswith(prefix):
            values.append(decoded.slice(len(prefix)))
    return values


def _env_assignments(instruction: _Instruction, escape: str) -> list[tuple[str, _Piece]]:
    """(name, raw value) of each variable an ENV sets, in either of its two forms."""
    text = instruction.text
    words = _quoted_words(text, instruction.args, escape)
    if not words:
        return []
    first_start, first_end = words[0]
    if "=" not in text[first_start:first_end]:
        # The legacy form "ENV NAME the rest of the line" sets one variable.
        start = first_end
        while start < len(text) and text[start].isspace():
            start += 1
        end = max(len(text.rstrip()), start)
        return [(text[first_start:first_end], _Piece.raw(text, start, end))]
    assignments = []
    for start, end in words:
        name, equals, _value = text[start:end].partition("=")
        if equals:
            assignments.append((name, _Piece.raw(text, start + len(name) + 1, end)))
    return assignments


def _mount_source(fields: list[_Piece]) -> _Piece | None:
    """The ``from=`` value of one mount, in any position, unless its type pulls nothing."""
    mount_type = "bind"
    source = None
    for field_ in fields:
        key, equals, value = field_.text.partition("=")
        if not equals:
            continue
        if key.lower() == "type":
            mount_type = value.lower()
        elif key.lower() == "from":
            source = field_.slice(len(key) + 1)
    return None if mount_type in _MOUNT_TYPES_WITHOUT_IMAGE else source


def _edit_span(written: _Written, expansion: _Expansion, scope: _Scope) -> Span | None:
    """Where a fix rewrites this image: the text itself, or the ARG default it came from."""
    if expansion.references == 0:
        return written.span
    text = written.text
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    match = _SINGLE_VARIABLE_RE.fullmatch(text)
    if match is None:
        return None
    binding = scope.get(match.group(1) or match.group(2))
    return binding.edit if binding is not None else None


def _short(text: str) -> str:
    """Text for a message, shortened so that a huge input cannot make a huge message."""
    return text if len(text) <= _SHOW_LIMIT else text[: _SHOW_LIMIT - 1] + "…"
