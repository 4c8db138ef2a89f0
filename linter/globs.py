"""Path globs as ruff reads ``exclude`` and ``extend-exclude``.

A pattern matches a path two ways: as written, against the path's base name (``node_modules``,
``*.generated.yaml``: any file or directory of that name, at any depth), and joined to the
directory it is relative to (the configuration file's, or the working directory for an option),
against the whole path (``charts/*/templates``, ``legacy/old.json``). In both, ``*`` also matches
``/``, ``?`` any one character, ``[a-z]``/``[!a-z]`` a class, ``{a,b}`` either, and ``**/``
any number of directories, none included (globset's rules, which ruff uses).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable


class BadGlob(ValueError):
    """A pattern that cannot be compiled (an unclosed ``[`` or ``{``); the message says where."""


@dataclass(frozen=True, slots=True)
class PathGlob:
    """A pattern and the directory (absolute) its relative form is joined to."""

    pattern: str
    base: str


def translate(pattern: str) -> str:
    """The regular expression (without anchors) of one glob; ``BadGlob`` when malformed."""
    out: list[str] = []
    index = 0
    depth = 0  # open ``{``
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index) and (index == 0 or pattern[index - 1] == "/"):
            out.append("(?:.*/)?")
            index += 3
            continue
        if char == "*":
            while index + 1 < len(pattern) and pattern[index + 1] == "*":
                index += 1
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "[":
            index = _character_class(pattern, index, out)
            continue
        elif char == "{":
            depth += 1
            out.append("(?:")
        elif char == "}" and depth:
            depth -= 1
            out.append(")")
        elif char == "," and depth:
            out.append("|")
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            out.append(re.escape(pattern[index]))
        else:
            out.append(re.escape(char))
        index += 1
    if depth:
        raise BadGlob(f"'{pattern}': '{{' is never closed")
    return "".join(out)


def _character_class(pattern: str, start: int, out: list[str]) -> int:
    """Append the class opening at ``start``; return the index after it."""
    index = start + 1
    negated = index < len(pattern) and pattern[index] in "!^"
    if negated:
        index += 1
    members: list[str] = []
    first = True
    while index < len(pattern) and (pattern[index] != "]" or first):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            index += 1
            char = pattern[index]
        if char == "-" and members and index + 1 < len(pattern) and pattern[index + 1] != "]":
            members.append("-")  # a range
        else:
            members.append(re.escape(char))
        first = False
        index += 1
    if index >= len(pattern):
        raise BadGlob(f"'{pattern}': '[' is never closed")
    out.append(f"[{'^' if negated else ''}{''.join(members)}]")
    return index + 1


class GlobSet:
    """Globs compiled once: ``matches(path)`` says whether any matches ``path`` (absolute) by
    its base name or as a whole."""

    def __init__(self, globs: Iterable[PathGlob]) -> None:
        names: list[str] = []
        wholes: list[str] = []
        for glob in globs:
            names.append(translate(glob.pattern))
            joined = os.path.normpath(os.path.join(glob.base, glob.pattern))
            wholes.append(translate(joined.replace(os.sep, "/")))
        self._name = _either(names)
        self._whole = _either(wholes)

    def matches(self, path: str, name: str | None = None) -> bool:
        """Whether ``path`` (absolute, normalised) is matched; ``name`` is its base name when
        the caller has it."""
        if self._name is None or self._whole is None:
            return False
        if name is None:
            name = os.path.basename(path)
        if self._name.fullmatch(name) is not None:
            return True
        return self._whole.fullmatch(path.replace(os.sep, "/")) is not None


def _either(expressions: list[str]) -> re.Pattern[str] | None:
    if not expressions:
        return None
    return re.compile("|".join(f"(?:{expression})" for expression in expressions), re.DOTALL)
