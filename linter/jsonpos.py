"""A strict JSON parser (RFC 8259) that remembers where every value and object key is.

``json.loads`` gives values but no positions, and fixes must replace exactly the text of a
value, so sources that read JSON parse it with this module instead.

Two paths give the same tree:

* The fast path (almost every real file): the stdlib's C decoder checks the text and decodes it,
  and the members of an object or the items of an array are located only when someone first asks
  for them (a regular expression for each, the C scanner to skip a nested container). A linter
  reads a few fields of a task definition and none of its environment variables, so most of the
  text is never walked in Python.
* The exact path: an iterative parser in pure Python that builds the whole tree. It runs when the
  fast path declines (invalid JSON, duplicate keys, ``NaN``, very deep nesting), because only it
  knows where an error is, what the JSON grammar expected there, and where each duplicate key is.

Neither path recurses, so deeply nested input cannot raise ``RecursionError``. A nesting limit
still applies because consumers of the tree (jsonschema, ``json.dumps``) recurse, and no
configuration file nests hundreds of levels deep.

Duplicate object keys follow the JSON parsers in AWS tools: the last value wins. Every member is
kept and every duplicate recorded, so a source can warn about the value that was ignored.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Callable

MAX_DEPTH = 512

Scalar: TypeAlias = str | int | float | bool | None
JsonValue: TypeAlias = Scalar | list["JsonValue"] | dict[str, "JsonValue"]
PathPart: TypeAlias = str | int

# The stdlib's string decoder (C when available); typeshed leaves it out of json.decoder.
_scanstring: Callable[[str, int, bool], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]


class JsonError(ValueError):
    """Text that is not strict JSON; ``offset`` indexes the text where the problem was found."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (at offset {offset})")
        self.message = message
        self.offset = offset


@dataclass(slots=True, eq=False)
class JsonScalar:
    """A string, number, boolean or null; ``start``/``end`` include a string's quotes."""

    value: Scalar
    start: int
    end: int


@dataclass(slots=True, eq=False)
class JsonMember:
    """One ``"key": value`` pair; ``key_start``/``key_end`` include the key's quotes."""

    key: str
    key_start: int
    key_end: int
    value: JsonNode


class JsonObject:
    """An object from ``start`` to ``end`` (its braces included).

    ``members`` keeps every pair in text order, duplicates included; ``get`` and ``value`` see
    the last of duplicates, which is the one that counts.
    """

    __slots__ = ("_index", "_lazy", "_members", "_value", "end", "start")

    def __init__(
        self,
        start: int,
        end: int = -1,
        deferred: tuple[dict[str, JsonValue], _Lazy] | None = None,
    ) -> None:
        """``deferred`` (the fast path) gives the decoded value, and members are found later."""
        self.start = start
        self.end = end
        self._value: dict[str, JsonValue] | None
        self._lazy: _Lazy | None
        self._value, self._lazy = deferred or (None, None)
        self._members: list[JsonMember] | None = None if deferred else []
        self._index: dict[str, JsonMember] | None = None if deferred else {}

    @property
    def members(self) -> list[JsonMember]:
        if self._members is None:
            assert self._lazy is not None, "a deferred object always has its text"
            self._members = self._lazy.object_members(self.start, self.end, self.value)
        return self._members

    @property
    def index(self) -> dict[str, JsonMember]:
        """The member that counts for each key."""
        if self._index is None:
            # Only a deferred object builds its index here, and it has no duplicates: its
            # value's keys are its members' keys, in the same order.
            self._index = dict(zip(self.value, self.members, strict=True))
        return self._index

    @property
    def value(self) -> dict[str, JsonValue]:
        if self._value is None:
            self._value = _convert_object(self)
        return self._value

    def get(self, key: str) -> JsonNode | None:
        member = (self._index if self._index is not None else self.index).get(key)
        return None if member is None else member.value

    def __repr__(self) -> str:  # short, and never recursive
        return f"JsonObject(start={self.start}, end={self.end})"

    def _add(self, member: JsonMember) -> JsonMember | None:
        """Append a member while parsing; returns the earlier member with the same key, if any."""
        assert self._members is not None and self._index is not None
        earlier = self._index.get(member.key)
        self._members.append(member)
        self._index[member.key] = member
        return earlier


class JsonArray:
    """An array from ``start`` to ``end`` (its brackets included)."""

    __slots__ = ("_items", "_lazy", "_value", "end", "start")

    def __init__(
        self,
        start: int,
        end: int = -1,
        deferred: tuple[list[JsonValue], _Lazy] | None = None,
    ) -> None:
        self.start = start
        self.end = end
        self._value: list[JsonValue] | None
        self._lazy: _Lazy | None
        self._value, self._lazy = deferred or (None, None)
        self._items: list[JsonNode] | None = None if deferred else []

    @property
    def items(self) -> list[JsonNode]:
        if self._items is None:
            assert self._lazy is not None, "a deferred array always has its text"
            self._items = self._lazy.array_items(self.start, self.end, self.value)
        return self._items

    @property
    def value(self) -> list[JsonValue]:
        if self._value is None:
            self._value = _convert_array(self)
        return self._value

    def __repr__(self) -> str:
        return f"JsonArray(start={self.start}, end={self.end})"


JsonNode: TypeAlias = JsonScalar | JsonObject | JsonArray


@dataclass(frozen=True, slots=True, eq=False)
class Duplicate:
    """A key given twice in one object: ``earlier`` is ignored in favour of ``later``."""

    obj: JsonObject
    earlier: JsonMember
    later: JsonMember


@dataclass(frozen=True, slots=True, eq=False)
class ParsedJson:
    """A parsed JSON text: its root node and the keys given twice in one object."""

    root: JsonNode
    duplicates: tuple[Duplicate, ...] = ()


def parse(text: str, max_depth: int = MAX_DEPTH, *, fast: bool = True) -> ParsedJson:
    """Parse one JSON value filling ``text`` (surrounding whitespace allowed).

    Raises ``JsonError`` for anything that is not strict JSON or nests deeper than
    ``max_depth``. ``fast=False`` forces the exact path (tests use it to compare the two).
    """
    if fast:
        root = _parse_fast(text, max_depth)
        if root is not None:
            return ParsedJson(root)
    return _Parser(text, max_depth).run()


def to_python(node: JsonNode) -> JsonValue:
    """The plain value of a node, as ``json.loads`` gives it. Shared with the tree: read only."""
    return node.value


def format_path(parts: list[PathPart] | tuple[PathPart, ...]) -> str:
    """``["containerDefinitions", 0, "image"]`` as ``containerDefinitions[0].image``."""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif re.compile(_IDENTIFIER).fullmatch(part):
            text += f".{part}" if text else part
        else:
            text += f"[{json.dumps(part)}]"
    return text or "(top level)"


def find_paths(root: JsonNode, targets: list[JsonNode]) -> dict[int, list[PathPart]]:
    """The path from ``root`` to each target, keyed by ``id(target)``: one walk, no recursion."""
    wanted = {id(target) for target in targets}
    paths: dict[int, list[PathPart]] = {}
    pending: list[tuple[JsonNode, list[PathPart]]] = [(root, [])]
    while pending and len(paths) < len(wanted):
        node, path = pending.pop()
        if id(node) in wanted:
            paths[id(node)] = path
        if isinstance(node, JsonObject):
            pending.extend((m.value, [*path, m.key]) for m in node.members)
        elif isinstance(node, JsonArray):
            pending.extend((item, [*path, i]) for i, item in enumerate(node.items))
    return paths


_IDENTIFIER = r"[A-Za-z_][A-Za-z0-9_-]*"
_WHITESPACE = re.compile(r"[ \t\n\r]*+")


def _skip_whitespace(text: str, pos: int) -> int:
    return _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]  # always matches


# --- The fast path --------------------------------------------------------------------------

# Possessive quantifiers (Python 3.11) keep these linear: the text is known to be valid JSON
# when they run, so they only need to find where things end, not to check them.
_STRING_TEXT = r'"(?:[^"\\]++|\\.)*+"'
# One member or item in one match: the key and colon (members only), then a scalar and what
# follows it up to the next member, or nothing when a container starts (the C scanner finds
# where a container ends).
_SCALAR_THEN_NEXT = rf"(?:({_STRING_TEXT}|[-+.0-9A-Za-z]++)[ \t\n\r]*+,?[ \t\n\r]*+)?"
_MEMBER = re.compile(rf"[ \t\n\r]*+({_STRING_TEXT})[ \t\n\r]*+:[ \t\n\r]*+{_SCALAR_THEN_NEXT}")
_ITEM = re.compile(rf"[ \t\n\r]*+{_SCALAR_THEN_NEXT}")
_AFTER_CONTAINER = re.compile(r"[ \t\n\r]*+,?")
# The C scanner of a decoder without hooks: ``(value, end)`` of the JSON value at an offset.
_scan_once: Callable[[str, int], tuple[JsonValue, int]] = json.scanner.make_scanner(
    json.JSONDecoder()  # type: ignore[arg-type]  # typeshed types it with itself
)


class _Duplicates(Exception):
    """Raised inside ``json.loads`` to hand a file with duplicate keys to the exact path."""


class _NotStrict(Exception):
    """Raised inside ``json.loads`` for ``NaN`` and ``Infinity``, which RFC 8259 does not allow."""


def _pairs_without_duplicates(pairs: list[tuple[str, JsonValue]]) -> dict[str, JsonValue]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _Duplicates
    return value


def _reject_constant(name: str) -> JsonValue:
    raise _NotStrict(name)


def _parse_fast(text: str, max_depth: int) -> JsonNode | None:
    """The tree of valid JSON without duplicate keys, or ``None`` to leave it to the exact path."""
    try:
        value: JsonValue = json.loads(
            text, object_pairs_hook=_pairs_without_duplicates, parse_constant=_reject_constant
        )
    except (ValueError, RecursionError, _Duplicates, _NotStrict):
        return None
    # No deeper than its brackets are many (strings' included), which settles almost every file
    # without a walk.
    brackets = text.count("[") + text.count("{")
    if brackets > max_depth and _depth(text) > max_depth:
        return None
    return _Lazy(text).root(value)


# Everything up to the next bracket outside a string, then that bracket.
_NEXT_BRACKET = re.compile(r'(?:[^"\[\]{}]++|"(?:[^"\\]++|\\.)*+")*+[\[\]{}]')


def _depth(text: str) -> int:
    """How deep the brackets of valid JSON text nest."""
    depth = deepest = 0
    # Stop at the last bracket: a search past it would fail at every remaining position, which
    # is quadratic in the length of trailing whitespace.
    for match in _NEXT_BRACKET.finditer(text, 0, len(text.rstrip(" \t\n\r"))):
        if text[match.end() - 1] in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


@dataclass(slots=True)
class _Lazy:
    """Locates the members and items of valid JSON text when they are first asked for.

    Values come from the decoded tree, so locating only needs to find where each text ends: a
    regular expression for a scalar, the stdlib's C scanner for a container.
    """

    text: str

    def object_members(self, start: int, end: int, value: dict[str, JsonValue]) -> list[JsonMember]:
        # Without duplicates the dict's keys are the members' keys in text order. One loop with
        # no call per member but the match: this runs for every object any rule reads.
        text, pos, match_member = self.text, start + 1, _MEMBER.match
        members: list[JsonMember] = []
        last = len(value) - 1
        for key, item in value.items():
            match = match_member(text, pos)
            assert match is not None, "valid JSON has a member here"
            child: JsonNode
            begin, stop = match.span(2)
            if begin >= 0:
                child, pos = JsonScalar(item, begin, stop), match.end()  # type: ignore[arg-type]
            else:
                closing = end if len(members) == last else None
                child, pos = self._container(match.end(), item, closing)
            members.append(JsonMember(key, *match.span(1), child))
        return members

    def array_items(self, start: int, end: int, value: list[JsonValue]) -> list[JsonNode]:
        text, pos, match_item = self.text, start + 1, _ITEM.match
        items: list[JsonNode] = []
        last = len(value) - 1
        for item in value:
            match = match_item(text, pos)
            assert match is not None, "valid JSON has an item here"
            child: JsonNode
            begin, stop = match.span(1)
            if begin >= 0:
                child, pos = JsonScalar(item, begin, stop), match.end()  # type: ignore[arg-type]
            else:
                closing = end if len(items) == last else None
                child, pos = self._container(match.end(), item, closing)
            items.append(child)
        return items

    def root(self, value: JsonValue) -> JsonNode:
        """The node of the whole text: one value, maybe with whitespace around it. Its end is
        known without scanning it again."""
        start = _skip_whitespace(self.text, 0)
        end = len(self.text.rstrip(" \t\n\r"))
        if isinstance(value, dict):
            return JsonObject(start, end, (value, self))
        if isinstance(value, list):
            return JsonArray(start, end, (value, self))
        return JsonScalar(value, start, end)

    def _container(
        self, start: int, value: JsonValue, closing: int | None
    ) -> tuple[JsonObject | JsonArray, int]:
        """The container starting at ``start``, and where the next member or item starts.

        ``closing``: the end of the enclosing container when this is its last member or item,
        which then ends where the whitespace before that container's closing bracket starts.
        Any other container is scanned to its end (by the C scanner: it costs more the longer
        the container is, and a task definition's last member is often its longest).
        """
        text = self.text
        if closing is None:
            end = _scan_once(text, start)[1]
            after = _AFTER_CONTAINER.match(text, end).end()  # type: ignore[union-attr]
        else:
            end = after = closing - 1
            while text[end - 1] in " \t\n\r":
                end -= 1
        if isinstance(value, dict):
            return JsonObject(start, end, (value, self)), after
        assert isinstance(value, list), "only containers have no scalar text"
        return JsonArray(start, end, (value, self)), after


# --- The exact path -------------------------------------------------------------------------

# One token, after optional whitespace. Each alternative is a capturing group, so the match's
# ``lastindex`` says which token it is without testing characters in Python.
_TOKEN = r"""(?x)[ \t\n\r]*+(?:
      (\{) | (\}) | (\[) | (\]) | (,) | (:)
    | ("[^"\\\x00-\x1f]*+")
    | (")
    | (-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)
    | (true) | (false) | (null)
    )"""
(
    _OPEN_OBJECT,
    _CLOSE_OBJECT,
    _OPEN_ARRAY,
    _CLOSE_ARRAY,
    _COMMA,
    _COLON,
    _PLAIN_STRING,
    _STRING,
    _NUMBER,
    _TRUE,
    _FALSE,
    _NULL,
) = range(1, 13)
_LITERALS: dict[int, Scalar] = {_TRUE: True, _FALSE: False, _NULL: None}
_SCALARS = frozenset({_PLAIN_STRING, _STRING, _NUMBER, _TRUE, _FALSE, _NULL})

# What the parser expects next.
_VALUE, _VALUE_OR_CLOSE, _KEY, _KEY_OR_CLOSE, _COLON_NEXT, _AFTER_VALUE = range(6)
_EXPECTED = {
    _VALUE: "a value",
    _VALUE_OR_CLOSE: "a value or ']'",
    _KEY: "a string key in double quotes",
    _KEY_OR_CLOSE: "a string key in double quotes or '}'",
    _COLON_NEXT: "':' after the key",
}


class _Parser:
    """The exact path's state; ``run`` is one loop over tokens driven by what comes next."""

    def __init__(self, text: str, max_depth: int) -> None:
        self.text = text
        self.max_depth = max_depth
        self.stack: list[JsonObject | JsonArray] = []
        self.keys: list[tuple[str, int, int]] = []  # the pending key of each open object
        self.duplicates: list[Duplicate] = []
        self.root: JsonNode | None = None

    def run(self) -> ParsedJson:
        text, match = self.text, re.compile(_TOKEN).match
        pos, expect = 0, _VALUE
        while self.root is None:
            token = match(text, pos)
            if token is None:
                raise self._unexpected(_skip_whitespace(text, pos), expect)
            kind = token.lastindex or 0
            start, pos = token.start(kind), token.end()
            if expect <= _VALUE_OR_CLOSE:
                pos, expect = self._value(kind, start, pos, expect)
            elif expect == _AFTER_VALUE:
                pos, expect = self._after_value(kind, start, pos)
            elif kind in (_PLAIN_STRING, _STRING) and expect in (_KEY, _KEY_OR_CLOSE):
                key, pos = self._string(kind, start, pos)
                self.keys.append((key, start, pos))
                expect = _COLON_NEXT
            elif kind == _CLOSE_OBJECT and expect == _KEY_OR_CLOSE:
                pos, expect = self._close(pos), _AFTER_VALUE
            elif kind == _COLON and expect == _COLON_NEXT:
                expect = _VALUE
            else:
                raise self._unexpected(start, expect)
        return ParsedJson(self.root, tuple(self.duplicates))

    def _value(self, kind: int, start: int, pos: int, expect: int) -> tuple[int, int]:
        """Where a value may start: a scalar, an opening bracket, or (in an array) its end."""
        if kind in _SCALARS:
            scalar = self._scalar(kind, start, pos)
            return self._add(scalar, scalar.end), _AFTER_VALUE
        if kind == _OPEN_OBJECT:
            return pos, self._open(JsonObject(start), _KEY_OR_CLOSE)
        if kind == _OPEN_ARRAY:
            return pos, self._open(JsonArray(start), _VALUE_OR_CLOSE)
        if kind == _CLOSE_ARRAY and expect == _VALUE_OR_CLOSE:
            return self._close(pos), _AFTER_VALUE
        raise self._unexpected(start, expect)

    def _after_value(self, kind: int, start: int, pos: int) -> tuple[int, int]:
        """After a value inside a container: a comma or the container's closing bracket."""
        in_object = isinstance(self.stack[-1], JsonObject)
        if kind == _COMMA:
            return pos, _KEY if in_object else _VALUE
        if kind == (_CLOSE_OBJECT if in_object else _CLOSE_ARRAY):
            return self._close(pos), _AFTER_VALUE
        raise self._unexpected(start, _AFTER_VALUE)

    def _scalar(self, kind: int, start: int, end: int) -> JsonScalar:
        if kind in (_PLAIN_STRING, _STRING):
            value, end = self._string(kind, start, end)
            return JsonScalar(value, start, end)
        if kind != _NUMBER:
            return JsonScalar(_LITERALS[kind], start, end)
        number = self.text[start:end]
        if "." in number or "e" in number or "E" in number:
            return JsonScalar(float(number), start, end)
        try:
            return JsonScalar(int(number), start, end)
        except ValueError:  # over sys.get_int_max_str_digits(); json.loads refuses these too
            raise JsonError(f"integer too long ({len(number)} digits)", start) from None

    def _string(self, kind: int, start: int, end: int) -> tuple[str, int]:
        """A string's value and end; strings with escapes are decoded by the stdlib's scanner."""
        if kind == _PLAIN_STRING:
            return self.text[start + 1 : end - 1], end
        try:
            return _scanstring(self.text, start + 1, True)
        except json.JSONDecodeError as error:
            raise JsonError(_string_error(error.msg), error.pos) from None

    def _open(self, node: JsonObject | JsonArray, expect: int) -> int:
        if len(self.stack) >= self.max_depth:
            raise JsonError(f"nesting deeper than {self.max_depth} levels", node.start)
        self.stack.append(node)
        return expect

    def _close(self, end: int) -> int:
        node = self.stack.pop()
        node.end = end
        return self._add(node, end)

    def _add(self, node: JsonNode, end: int) -> int:
        """Attach a finished value to its container (or make it the root); returns the position."""
        if not self.stack:
            self.root = node
            rest = _skip_whitespace(self.text, end)
            if rest != len(self.text):
                raise JsonError("extra data after the JSON value", rest)
            return rest
        top = self.stack[-1]
        if isinstance(top, JsonArray):
            assert top._items is not None
            top._items.append(node)
            return end
        member = JsonMember(*self.keys.pop(), node)
        earlier = top._add(member)
        if earlier is not None:
            self.duplicates.append(Duplicate(top, earlier, member))
        return end

    def _unexpected(self, offset: int, expect: int) -> JsonError:
        if offset >= len(self.text):
            at_start = expect == _VALUE and not self.stack
            return JsonError("empty input" if at_start else "unexpected end of input", offset)
        if expect == _AFTER_VALUE:
            closer = "'}'" if isinstance(self.stack[-1], JsonObject) else "']'"
            expected = f"',' or {closer}"
        else:
            expected = _EXPECTED[expect]
        found = f"expected {expected}, found {_show(self.text[offset])}"
        hint = next((hint for start, hint in _HINTS if self.text.startswith(start, offset)), None)
        return JsonError(f"{found} ({hint})" if hint else found, offset)


# Common ways text looks like JSON but is not, with what to do instead.
_HINTS = (
    ("NaN", "NaN is not valid JSON"),
    ("Infinity", "Infinity is not valid JSON"),
    ("-Infinity", "Infinity is not valid JSON"),
    ("'", "JSON strings and keys need double quotes"),
    ("//", "JSON has no comments"),
    ("/*", "JSON has no comments"),
)


def _show(char: str) -> str:
    return repr(char) if char.isprintable() else f"U+{ord(char):04X}"


def _string_error(message: str) -> str:
    """Reword the stdlib's string errors for people who are not reading a parser's source."""
    if message.startswith("Unterminated string"):
        return "unterminated string"
    if message.startswith("Invalid control character"):
        return "control character in a string (escape it, e.g. \\n or \\t)"
    if message.startswith("Invalid \\"):
        return "invalid escape sequence in a string"
    return message


def _convert_object(root: JsonObject) -> dict[str, JsonValue]:
    value = _convert(root)
    assert isinstance(value, dict)
    return value


def _convert_array(root: JsonArray) -> list[JsonValue]:
    value = _convert(root)
    assert isinstance(value, list)
    return value


def _convert(root: JsonObject | JsonArray) -> JsonValue:
    """The plain value of a tree the exact path built, without recursion (it may be deep)."""
    pending: list[tuple[JsonObject | JsonArray, list[JsonValue] | dict[str, JsonValue]]] = []

    def start(node: JsonNode) -> JsonValue:
        if isinstance(node, JsonScalar):
            return node.value
        if node._value is not None:
            return node._value
        empty: list[JsonValue] | dict[str, JsonValue] = {} if isinstance(node, JsonObject) else []
        pending.append((node, empty))
        return empty

    result = start(root)
    while pending:
        node, target = pending.pop()
        if isinstance(node, JsonObject) and isinstance(target, dict):
            for key, member in node.index.items():
                target[key] = start(member.value)
        elif isinstance(node, JsonArray) and isinstance(target, list):
            target.extend(start(item) for item in node.items)
    return result
