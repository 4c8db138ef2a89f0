"""The shell patterns of ``${V#p}``, ``${V%p}`` and ``${V/p/r}``, matched as BuildKit matches them.

BuildKit (``frontend/dockerfile/shell/lex.go``) turns a pattern into a Go regular expression and
lets Go's ``regexp`` find the leftmost match. The facts this module keeps:

* ``*`` is ``.*`` (``.*?`` in the shortest forms ``#`` and ``%``), ``?`` is ``.``; ``\\*``,
  ``\\?`` and ``\\\\`` are literal, ``\\}`` and ``\\/`` drop their backslash, any other escape is
  an error; there are no bracket expressions. Go's ``.`` never matches a newline, so neither does
  a wildcard here (a newline can come in through a ``--build-arg``).
* ``#p``/``##p`` remove the shortest/longest prefix matching ``p``: with only wildcards and
  literals, the leftmost-first match of the lazy/greedy expression is exactly that.
* ``%p``/``%%p`` do the same on the reversed value with the reversed pattern, whose escapes stay in
  front of their character (BuildKit's reversal: a lone trailing backslash moves to the front).
* ``/p/r`` replaces the leftmost match, the longest one starting there, with ``r`` as written;
  ``//p/r`` is Go's ``ReplaceAllString``: every match left to right, searching on at least one
  character further each time, an empty match right after the previous match left alone, and in
  ``r`` ``$0``/``${0}`` stands for the match, ``$$`` for ``$``, any other ``$name`` for nothing
  (the expression has no groups) and a ``$`` that starts no name for itself.

Python's ``re`` finds the same matches by backtracking, which takes exponential time on a pattern
such as ``*a*a*a*a*a*a*a*a*b``. Here a pattern runs as a bit-parallel automaton instead: a state is
an integer whose bit ``i`` says "the first ``i`` tokens have matched", and one step per character
of the value advances every bit at once, so a scan costs the length of the value times the
pattern's length in machine words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterator

# Tokens: a literal is its one character; the two wildcards are two-character strings.
_ANY_CHARACTER: Final = "??"
_ANY_RUN: Final = "**"
_LITERAL_ESCAPES: Final = frozenset("*?\\")
_DROPPED_ESCAPES: Final = frozenset("}/")


class PatternError(ValueError):
    """A pattern BuildKit refuses to compile."""


def trim_prefix(value: str, pattern: str, longest: bool) -> str:
    """``${V#pattern}`` (``longest``: ``${V##pattern}``)."""
    ends = _Glob.compile(_tokens(pattern)).ends(value, 0)
    end = max(ends, default=None) if longest else next(ends, None)
    return value if end is None else value[end:]


def trim_suffix(value: str, pattern: str, longest: bool) -> str:
    """``${V%pattern}`` (``longest``: ``${V%%pattern}``), reversed into a prefix trim as BuildKit
    does it."""
    return trim_prefix(value[::-1], _reverse_pattern(pattern), longest)[::-1]


def replace(value: str, pattern: str, replacement: str, every: bool) -> str:
    """``${V/pattern/replacement}`` (``every``: ``${V//pattern/replacement}``)."""
    tokens = _tokens(pattern)
    glob = _Glob.compile(tokens)
    starts = _Glob.compile(tokens[::-1]).match_starts(value)
    if every:
        return _replace_every(value, glob, starts, replacement)
    start = _next_start(starts, 0)
    if start is None:
        return value
    return value[:start] + replacement + value[max(glob.ends(value, start)) :]


def _replace_every(value: str, glob: _Glob, starts: list[bool], replacement: str) -> str:
    """Go's ``ReplaceAllString`` over the matches that begin where ``starts`` says."""
    out: list[str] = []
    last_end = search = 0
    while (start := _next_start(starts, search)) is not None:
        end = max(glob.ends(value, start))  # a match starts there, so it has an end
        out.append(value[last_end:start])
        if end > last_end or start == 0:
            out.append(_expand_template(replacement, value[start:end]))
        last_end = end
        search = max(search + 1, end)
    out.append(value[last_end:])
    return "".join(out)


def _next_start(starts: list[bool], search: int) -> int | None:
    """The first position from ``search`` on where a match starts."""
    try:
        return starts.index(True, search)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Glob:
    """A pattern as bit masks over its tokens; bit ``size`` of a state is "all matched"."""

    size: int
    consuming: dict[str, int]
    """Per character in the pattern: the tokens it matches (its literals and every ``?``)."""
    any_character: int
    """The ``?`` tokens: what any other character (except a newline) matches."""
    newline: int
    """The literal newline tokens, the only ones a newline matches."""
    runs: int
    """The ``*`` tokens (never two in a row): they match a character and stay where they are."""

    @classmethod
    def compile(cls, tokens: list[str]) -> _Glob:
        consuming: dict[str, int] = {}
        any_character = runs = 0
        for index, token in enumerate(tokens):
            bit = 1 << index
            if token == _ANY_CHARACTER:
                any_character |= bit
            elif token == _ANY_RUN:
                runs |= bit
            else:
                consuming[token] = consuming.get(token, 0) | bit
        newline = consuming.pop("\n", 0)
        masks = {char: mask | any_character for char, mask in consuming.items()}
        return cls(len(tokens), masks, any_character, newline, runs)

    def close(self, state: int) -> int:
        """Add the states a ``*`` reaches by matching nothing."""
        return state | ((state & self.runs) << 1)

    def step(self, state: int, char: str) -> int:
        if char == "\n":
            return self.close((state & self.newline) << 1)
        matched = state & self.consuming.get(char, self.any_character)
        return self.close((matched << 1) | (state & self.runs))

    def ends(self, value: str, start: int) -> Iterator[int]:
        """Every end ``e``, in order, such that ``value[start:e]`` matches the whole pattern."""
        accept = 1 << self.size
        state = self.close(1)
        for position in range(start, len(value)):
            if state & accept:
                yield position
            state = self.step(state, value[position])
            if not state:
                return
        if state & accept:
            yield len(value)

    def match_starts(self, value: str) -> list[bool]:
        """For the reversed pattern: which positions of ``value`` some match of the pattern
        starts at (scanning from the end, a new match may end at every position)."""
        accept = 1 << self.size
        starts = [False] * (len(value) + 1)
        state = 0
        for position in range(len(value), -1, -1):
            state = self.close(state | 1)
            starts[position] = bool(state & accept)
            if position:
                state = self.step(state, value[position - 1])
        return starts


def _tokens(pattern: str) -> list[str]:
    """The pattern's tokens, as BuildKit reads it into a regular expression."""
    tokens: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char == "\\":
            following = pattern[index : index + 1]
            if following in _DROPPED_ESCAPES:
                continue
            if following not in _LITERAL_ESCAPES:
                raise PatternError(f"invalid escape '\\{following}'")
            index += 1
            tokens.append(following)
        elif char == "?":
            tokens.append(_ANY_CHARACTER)
        elif char != "*":
            tokens.append(char)
        elif not tokens or tokens[-1] != _ANY_RUN:  # "**" matches what "*" matches
            tokens.append(_ANY_RUN)
    return tokens


def _reverse_pattern(pattern: str) -> str:
    """Reverse a pattern, keeping each ``\\x`` escape in front of the character it escapes."""
    pieces = []
    index = 0
    while index < len(pattern):
        size = 2 if pattern[index] == "\\" and index + 1 < len(pattern) else 1
        pieces.append(pattern[index : index + size])
        index += size
    return "".join(reversed(pieces))


def _expand_template(template: str, match: str) -> str:
    """A ``//`` replacement with its ``$`` references read as Go's ``Regexp.Expand`` reads them."""
    out: list[str] = []
    index = 0
    while (dollar := template.find("$", index)) >= 0:
        out.append(template[index:dollar])
        name, index = _template_name(template, dollar + 1)
        if name is None:
            out.append("$")
        elif name in ("$", "0"):
            out.append("$" if name == "$" else match)
    out.append(template[index:])
    return "".join(out)


def _template_name(template: str, start: int) -> tuple[str | None, int]:
    """The name a ``$`` just before ``start`` refers to and where the text goes on after it;
    ``None`` (and ``start``) when none is there, and the ``$`` stands for itself."""
    if template.startswith("$", start):
        return "$", start + 1
    brace = template.startswith("{", start)
    begin = end = start + brace
    while end < len(template) and _is_name_character(template[end]):
        end += 1
    if end == begin or (brace and not template.startswith("}", end)):
        return None, start
    return template[begin:end], end + brace


def _is_name_character(char: str) -> bool:
    """Go's ``unicode.IsLetter``, ``unicode.IsDigit`` or ``_``."""
    return char.isalpha() or char.isdecimal() or char == "_"
