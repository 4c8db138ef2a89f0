"""Adding a member to a mapping written in a file, as a minimal text insertion.

A fix that adds ``repositoryCredentials`` to a container must write it the way the file writes
its neighbours. :class:`TextInsertion` is the ``MemberInsertion`` sources put on a
``ContainerView``: it looks only at the mapping's text, so one implementation serves every
syntax ecs-lint edits:

* a mapping in braces (a JSON object, also a YAML flow mapping): ``, "key": {...}`` after the
  last member, on a new line with the members' indentation when the members are one per line,
  else on the same line; the file's ``": "`` or ``":"`` spacing and line ending are kept;
* a YAML block mapping: a new ``Key:`` line after the last member, at the members' column, with
  the nested member one indentation step deeper (the step the mapping already uses, else two
  spaces);
* a Terraform object (``jsonencode({...})``): ``key = value`` lines, or ``, key = value`` on a
  one-line object.

Values are written as JSON strings, which JSON and YAML read alike. Nothing outside the
insertion point changes. The text is worked out only when a fix asks for it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from ecs_lint.jsonpos import JsonObject
from ecs_lint.model import pickled_quickly

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ecs_lint.model import MemberInsertion, Span
    from ecs_lint.sources._tasks import Node
    from ecs_lint.textio import SourceText

__all__ = ["TextInsertion", "json_insertion", "mapping_insertions"]

_BLANK: Final = " \t\r\n"
_DEFAULT_STEP: Final = "  "
_PLAIN_KEY: Final = r"[A-Za-z_][A-Za-z0-9_-]*"


@dataclass(frozen=True, slots=True)
class TextInsertion:
    """Members added at the end of the mapping whose text is ``text[start:end]``.

    ``span_of`` turns offsets into spans; ``keys`` are the mapping's keys as written, each
    followed by a NUL (taken when the insertion is made, so that it keeps no parse tree alive,
    and as one string: a run holds one insertion per container until the report, and a tuple
    of each container's key strings was 3 MB of 10,000 files); ``pascal`` writes keys as
    CloudFormation spells them; ``comments`` is true for YAML, where ``#`` may start a comment.
    """

    start: int
    end: int
    pascal: bool
    comments: bool
    hcl: bool
    """Terraform's object syntax: ``key = value``, elements on their own lines."""
    text: str = field(compare=False, repr=False)
    span_of: Callable[[int, int], Span] = field(compare=False, repr=False)
    keys: str = field(compare=False, repr=False)

    def add_member(self, path: tuple[str, ...], value: str) -> tuple[Span, str] | None:
        if not path or not 0 <= self.start < self.end <= len(self.text):
            return None
        names = tuple(self._name(key) for key in path)
        # A key holding a NUL itself can only make a name look present: no fix, never a bad one.
        if f"\0{names[0]}\0" in f"\0{self.keys}":
            return None
        braces = self.text[self.start] == "{" and self.text[self.end - 1] == "}"
        if self.hcl:
            found = self._in_hcl(names, value) if braces else None
        elif braces:
            found = self._in_braces(names, value)
        else:
            found = self._in_block(names, value)
        if found is None:
            return None
        at, new_text = found
        return self.span_of(at, at), new_text

    def _name(self, key: str) -> str:
        return key[:1].upper() + key[1:] if self.pascal else key

    # --- {"a": 1, "b": 2} ---------------------------------------------------------------------

    def _in_braces(self, names: tuple[str, ...], value: str) -> tuple[int, str] | None:
        text = self.text
        at = self.end - 1
        while at > self.start and text[at - 1] in _BLANK:
            at -= 1
        first = self.start + 1
        while first < at and text[first] in _BLANK:
            first += 1
        if at <= first or self._commented(at):
            return None  # an empty mapping, or a comment where the text would go
        comma = "" if text[at - 1] == "," else ","
        colon = self._colon(first)
        nested = _json_nested(names, value, colon)
        before_first = text[self.start + 1 : first]
        if "\n" not in before_first:
            space = " " if colon == ": " else ""
            return at, f"{comma}{space}{nested}"
        newline = "\r\n" if "\r\n" in text[self.start : self.end] else "\n"
        indent = self._file_indent(first, before_first[before_first.rindex("\n") + 1 :])
        step = _step(indent, self._file_indent(self.start, _line_indent(text, self.start)))
        lines = _json_lines(names, value, colon, indent, step)
        return at, comma + "".join(newline + line for line in lines)

    def _file_indent(self, offset: int, indent: str) -> str:
        """``indent`` widened to the column ``offset`` has in the file, when the text is not the
        file's own (a Terraform ``<<-`` heredoc has its common indentation taken out)."""
        column = self.span_of(offset, offset + 1).column - 1
        missing = column - len(indent)
        return " " * missing + indent if missing > 0 and not indent.startswith("\t") else indent

    # --- Terraform: { key = value } ------------------------------------------------------------

    def _in_hcl(self, names: tuple[str, ...], value: str) -> tuple[int, str] | None:
        text = self.text
        if not all(re.fullmatch(_PLAIN_KEY, name) for name in names):
            return None
        at = self.end - 1
        while at > self.start and text[at - 1] in _BLANK:
            at -= 1
        first = self.start + 1
        while first < at and text[first] in _BLANK:
            first += 1
        if at <= first:
            return None
        quoted = _hcl_string(value)
        before_first = text[self.start + 1 : first]
        if "\n" not in before_first:
            nested = quoted
            for name in reversed(names[1:]):
                nested = f"{{ {name} = {nested} }}"
            comma = "" if text[at - 1] == "," else ","
            return at, f"{comma} {names[0]} = {nested}"
        newline = "\r\n" if "\r\n" in text[self.start : self.end] else "\n"
        indent = before_first[before_first.rindex("\n") + 1 :]
        step = _step(indent, _line_indent(text, self.start))
        lines = [f"{indent}{step * depth}{name} = {{" for depth, name in enumerate(names[:-1])]
        lines.append(f"{indent}{step * (len(names) - 1)}{names[-1]} = {quoted}")
        lines.extend(f"{indent}{step * depth}}}" for depth in reversed(range(len(names) - 1)))
        return at, "".join(newline + line for line in lines)

    def _colon(self, first: int) -> str:
        """``": "`` or ``":"``, as the mapping's first member writes it."""
        colon = self.text.find(":", first, self.end)
        if colon < 0 or colon + 1 >= self.end:
            return ": "
        return ": " if self.text[colon + 1] in _BLANK else ":"

    def _commented(self, at: int) -> bool:
        if not self.comments:
            return False
        line = self.text[self.text.rfind("\n", 0, at) + 1 : at]
        return line.lstrip().startswith("#") or " #" in line or "\t#" in line

    # --- YAML block: "a: 1\nb: 2" ------------------------------------------------------------

    def _in_block(self, names: tuple[str, ...], value: str) -> tuple[int, str] | None:
        text = self.text
        if text[self.start] in "&!{[-?'\"" or not all(re.fullmatch(_PLAIN_KEY, n) for n in names):
            return None  # an anchor, tag or key form this simple writer does not handle
        column = self.start - (text.rfind("\n", 0, self.start) + 1)
        indent = " " * column
        at = self.end
        while at > self.start and text[at - 1] in _BLANK:
            at -= 1
        newline = "\r\n" if "\r\n" in text[self.start : self.end] else "\n"
        step = self._block_step(column)
        lines = []
        for depth, name in enumerate(names):
            last = depth == len(names) - 1
            lines.append(f"{indent}{step * depth}{name}:{' ' + json.dumps(value) if last else ''}")
        return at, "".join(newline + line for line in lines)

    def _block_step(self, column: int) -> str:
        """The smallest deeper indentation inside the mapping, relative to its members."""
        best: int | None = None
        for line in self.text[self.start : self.end].splitlines()[1:]:
            stripped = line.lstrip(" ")
            if not stripped or stripped.startswith("#"):
                continue
            deeper = len(line) - len(stripped) - column
            if deeper > 0 and (best is None or deeper < best):
                best = deeper
        return " " * best if best is not None else _DEFAULT_STEP


def _json_nested(names: tuple[str, ...], value: str, colon: str) -> str:
    body = json.dumps(value)
    for name in reversed(names[1:]):
        body = "{" + json.dumps(name) + colon + body + "}"
    return json.dumps(names[0]) + colon + body


def _json_lines(
    names: tuple[str, ...], value: str, colon: str, indent: str, step: str
) -> list[str]:
    """``"a": {`` / ``"b": "value"`` / ``}`` lines, one level deeper per key."""
    opening = [
        f"{indent}{step * depth}{json.dumps(name)}{colon}{{"
        for depth, name in enumerate(names[:-1])
    ]
    innermost = (
        f"{indent}{step * (len(names) - 1)}{json.dumps(names[-1])}{colon}{json.dumps(value)}"
    )
    closing = [f"{indent}{step * depth}}}" for depth in reversed(range(len(names) - 1))]
    return [*opening, innermost, *closing]


def _hcl_string(value: str) -> str:
    """A Terraform string literal: JSON escapes, and ``${``/``%{`` kept literal."""
    return json.dumps(value).replace("${", "$${").replace("%{", "%%{")


def _line_indent(text: str, offset: int) -> str:
    line_start = text.rfind("\n", 0, offset) + 1
    line = text[line_start:offset]
    return line[: len(line) - len(line.lstrip(" \t"))]


def _step(indent: str, outer: str) -> str:
    if indent.startswith(outer) and len(indent) > len(outer):
        return indent[len(outer) :]
    return "\t" if indent.startswith("\t") else _DEFAULT_STEP


# --- What sources call ------------------------------------------------------------------------


def json_insertion(
    obj: JsonObject, text: str, span_of: Callable[[int, int], Span], *, pascal: bool = False
) -> TextInsertion:
    """For an object of a JSON file (``text`` is the file's own text)."""
    keys = _written_keys(obj.value)
    return TextInsertion(obj.start, obj.end, pascal, False, False, text, span_of, keys)


def _written_keys(keys: Iterable[str]) -> str:
    return "".join(f"{key}\0" for key in keys)


def mapping_insertions(
    source: SourceText, *, pascal: bool, hcl: bool = False
) -> Callable[[Node], MemberInsertion | None]:
    """For a source whose mappings are ``_values.Mapping`` values read from ``source`` (a
    CloudFormation template in JSON or YAML; with ``hcl``, Terraform objects): the insertion
    point of a mapping still written where its span says. JSON read into a ``JsonView`` (a
    heredoc, a ``file()``) gets its own."""
    from ecs_lint.sources._tasks import JsonView
    from ecs_lint.sources._values import Mapping

    text = source.text
    comments = not text.lstrip().startswith("{")

    def insertion(node: Node) -> MemberInsertion | None:
        if isinstance(node, JsonView):
            return json_view_insertion(node, pascal=pascal)
        if not isinstance(node, Mapping) or node.span.path != source.path:
            return None
        span = node.span
        if not 0 <= span.start < span.end <= len(text):
            return None
        # The span must be the mapping's own text: every key written inside it.
        for member in node.members.values():
            key = member.key_span
            if (
                not span.start <= key.start < key.end <= span.end
                or member.key not in text[key.start : key.end]
            ):
                return None
        return TextInsertion(
            span.start,
            span.end,
            pascal,
            comments,
            hcl,
            text,
            source.span,
            _written_keys(node.members),
        )

    return insertion


def json_view_insertion(node: Node, *, pascal: bool = False) -> MemberInsertion | None:
    """For a ``JsonView`` of a file's own JSON text; ``None`` for JSON held in a string."""
    from ecs_lint.sources._tasks import JsonView

    if not isinstance(node, JsonView) or node.raw is None or not isinstance(node.node, JsonObject):
        return None
    return json_insertion(node.node, node.raw, node.span_of, pascal=pascal)


pickled_quickly(globals())
