"""The Terraform functions ecs-lint evaluates: pure ones, when every argument they need is known.

Each takes the evaluator, the call's node and its argument nodes, and returns a value. A
function not in :data:`FUNCTIONS` (``timestamp()``, ``uuid()``, ``regex()``...) gives an unknown
value named after it, as does any call whose arguments are not known well enough: nothing is
guessed. ``file`` and ``templatefile`` read files only inside the module's directory, the root
module's directory or the working directory; ``templatefile`` evaluates the template with the
variables it is given (unknown ones become holes in the text).
"""

from __future__ import annotations

import json
import posixpath
import re
from typing import TYPE_CHECKING, Final, TypeAlias

from ecs_lint.sources._hcl import (
    Evaluator,
    Failed,
    as_parts,
    concat_parts,
    is_known,
    is_null,
    known_text,
    plain_known,
    unknown_labels,
)
from ecs_lint.sources._mapped import MappedStr, MappedText
from ecs_lint.sources._tfmodule import file_stamp
from ecs_lint.sources._values import (
    Mapping,
    Member,
    Opaque,
    Scalar,
    Sequence,
    Str,
    label_text,
)
from ecs_lint.textio import UnreadableFile, read_source

if TYPE_CHECKING:
    from collections.abc import Callable

    from tree_sitter import Node

    from ecs_lint.sources._hcl import Function
    from ecs_lint.sources._values import Part, Value

__all__ = ["FUNCTIONS", "eager"]

_Eager: TypeAlias = "Callable[[Evaluator, Node, list[Value]], Value]"
_FORMAT_VERB: Final = re.compile(r"%(%|[^a-zA-Z%]*[a-zA-Z])")


def eager(function: _Eager) -> Function:
    """A function of its arguments' values: an argument Terraform rejects fails the call."""

    def call(ev: Evaluator, node: Node, args: list[Node], depth: int) -> Value:
        values = [ev.expression(arg, depth + 1) for arg in args]
        failed = next((value for value in values if isinstance(value, Failed)), None)
        if failed is not None:
            return failed
        result = function(ev, node, values)
        if isinstance(result, Opaque) and not isinstance(result, Failed):
            labels = unknown_labels(values)  # what the unknown result comes from
            if labels and result.labels == (label_text(result.display),):
                return Opaque(labels, result.at, result.display)
        return result

    return call


def _strings(transform: Callable[[str], str]) -> Function:
    def apply(ev: Evaluator, node: Node, args: list[Value]) -> Value:
        text = known_text(args[0]) if len(args) == 1 else None
        return ev.unknown(node) if text is None else Str.known(transform(text), ev.where(node))

    return eager(apply)


def _identity(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    return args[0] if len(args) == 1 else ev.unknown(node)


def _tostring(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if len(args) == 1 and isinstance(args[0], Str):
        return args[0]
    text = known_text(args[0]) if len(args) == 1 else None
    return ev.unknown(node) if text is None else Str.known(text, ev.where(node))


# --- Encoding and files ------------------------------------------------------------------------


def _jsonencode(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    """A list or object as itself (the sources read a task's containers and a policy from the
    structure, whose values know where they are written); a known string, number, boolean or
    null as its JSON text."""
    if len(args) != 1:
        return ev.unknown(node)
    value = args[0]
    if isinstance(value, Mapping | Sequence) or (isinstance(value, Str) and not value.typed):
        return value  # an unknown value stays the reference it is
    if isinstance(value, Scalar) or (isinstance(value, Str) and value.is_known):
        return Str.known(json.dumps(value.plain(), ensure_ascii=False), ev.where(node))
    return ev.unknown(node)


def _file(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if len(args) != 1:
        return ev.unknown(node)
    read = _read(ev, node, args[0])
    if not isinstance(read, MappedText):
        return read
    return MappedStr.of((read.text,) if read.text else (), ev.span(node), read)


def _read(ev: Evaluator, node: Node, path_value: Value) -> MappedText | Value:
    """The text of the file a path names, each character mapped to it; else why not."""
    from ecs_lint.sources._tfinstance import Instance

    relative = known_text(path_value)
    scope = ev.scope
    if relative is None or not isinstance(scope, Instance):
        return ev.unknown(node)
    target = scope.root_directory / relative
    function = f"{ev.file.text(node.named_children[0])}({relative})"
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError):
        return ev.unknown(node)
    if not any(resolved.is_relative_to(root) for root in scope.readable_roots()):
        return ev.unknown(node, f"{function} outside the module directory, not read")
    display = posixpath.normpath(posixpath.join(scope.root_display, relative))
    try:
        other = read_source(target, display, scope.limit)
    except UnreadableFile as error:
        return ev.unknown(node, f"{function}: {error.message}")
    scope.run.reads[resolved] = file_stamp(resolved)
    return MappedText.whole_file(other)


def _templatefile(ev: Evaluator, node: Node, args: list[Node], depth: int) -> Value:
    from ecs_lint.sources._hclsyntax import parse_template

    if len(args) != 2:
        return ev.unknown(node)
    path_value = ev.expression(args[0], depth + 1)
    variables = ev.expression(args[1], depth + 1)
    if not isinstance(variables, Mapping):
        return ev.unknown(node, "templatefile(...)")
    read = _read(ev, node, path_value)
    if not isinstance(read, MappedText):
        return ev.unknown(node, "templatefile(...)") if not isinstance(read, Opaque) else read
    template = parse_template(read.source)
    if template is None:
        return ev.unknown(node, "templatefile(...)")
    file, body, start, end = template
    from ecs_lint.sources._hcltemplate import render

    env = {key: member.value for key, member in variables.members.items()}
    items = [
        c for c in body.named_children if c.type in ("template_interpolation", "template_directive")
    ]
    template_ev = Evaluator(ev.scope, file, env)
    return render(template_ev, start, end, items, depth + 1, ev.where(node))


# --- Strings -----------------------------------------------------------------------------------


def _format(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    template = known_text(args[0]) if args else None
    if template is None:
        return ev.unknown(node)
    rest = iter(args[1:])
    parts: list[Part] = []
    last = 0
    for found in _FORMAT_VERB.finditer(template):
        parts.append(template[last : found.start()])
        last = found.end()
        verb = found.group(1)
        if verb == "%":
            parts.append("%")
            continue
        value = next(rest, None)
        if value is None or verb not in ("s", "d", "v"):
            return ev.unknown(node)  # flags, widths, %q, %f...: not evaluated
        integer = isinstance(value, Scalar) and isinstance(value.value, int)
        if verb == "d" and not integer and not (isinstance(value, Str) and not value.is_known):
            return ev.unknown(node)
        parts.extend(as_parts(value, ev.text_of(node)))
    parts.append(template[last:])
    return Str(concat_parts(parts), ev.where(node))


def _join(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    separator = known_text(args[0]) if len(args) >= 2 else None
    if separator is None or not all(isinstance(arg, Sequence) for arg in args[1:]):
        return ev.unknown(node)
    parts: list[Part] = []
    items = [item for arg in args[1:] if isinstance(arg, Sequence) for item in arg.items]
    for index, item in enumerate(items):
        if is_null(item) or isinstance(item, Mapping | Sequence):
            return ev.unknown(node)
        if index:
            parts.append(separator)
        parts.extend(as_parts(item, ev.text_of(node)))
    return Str(concat_parts(parts), ev.where(node))


def _replace(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    texts = [known_text(arg) for arg in args]
    if len(texts) != 3 or any(text is None for text in texts):
        return ev.unknown(node)
    text, old, new = (t or "" for t in texts)
    if len(old) >= 2 and old.startswith("/") and old.endswith("/"):
        return ev.unknown(node)  # a regular expression (RE2): not evaluated
    return Str.known(text.replace(old, new), ev.where(node))


def _split(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    texts = [known_text(arg) for arg in args]
    if len(texts) != 2 or texts[0] is None or texts[1] is None:
        return ev.unknown(node)
    at = ev.where(node)
    return Sequence([Str.known(piece, at) for piece in texts[1].split(texts[0])], at)


def _substr(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    text = known_text(args[0]) if len(args) == 3 else None
    numbers = [arg.value for arg in args[1:] if isinstance(arg, Scalar)]
    if text is None or len(numbers) != 2 or not all(isinstance(n, int) for n in numbers):
        return ev.unknown(node)
    offset, length = int(numbers[0] or 0), int(numbers[1] or 0)
    if offset < 0:
        offset += len(text)
    end = len(text) if length == -1 else offset + length
    return Str.known(text[offset:end], ev.where(node))


def _affix(test: Callable[[str, str], bool]) -> Function:
    def apply(ev: Evaluator, node: Node, args: list[Value]) -> Value:
        texts = [known_text(arg) for arg in args]
        if len(texts) != 2 or texts[0] is None or texts[1] is None:
            return ev.unknown(node)
        return Scalar(test(texts[0], texts[1]), ev.where(node))

    return eager(apply)


def _trim_affix(remove: Callable[[str, str], str]) -> Function:
    def apply(ev: Evaluator, node: Node, args: list[Value]) -> Value:
        texts = [known_text(arg) for arg in args]
        if len(texts) != 2 or texts[0] is None or texts[1] is None:
            return ev.unknown(node)
        return Str.known(remove(texts[0], texts[1]), ev.where(node))

    return eager(apply)


# --- Collections -------------------------------------------------------------------------------


def _coalesce(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    for value in args:
        if is_null(value):
            continue
        if isinstance(value, Opaque) or (isinstance(value, Str) and not value.is_known):
            return ev.unknown(node)  # may be null or empty: the choice is not known
        if isinstance(value, Str) and value.value == "":
            continue
        return value
    return ev.failed(node, "no non-null argument")


def _coalescelist(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    for value in args:
        if not isinstance(value, Sequence):
            return ev.unknown(node)
        if value.items:
            return value
    return ev.failed(node, "no non-empty list")


def _lookup(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if len(args) not in (2, 3) or not isinstance(args[0], Mapping):
        return ev.unknown(node)
    key = known_text(args[1])
    if key is None:
        return ev.unknown(node)
    found = args[0].get(key)
    if found is not None:
        return found
    return args[2] if len(args) == 3 else ev.failed(node, f"no key {key}")


def _concat(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if not all(isinstance(arg, Sequence) for arg in args):
        return ev.unknown(node)
    items = [item for arg in args if isinstance(arg, Sequence) for item in arg.items]
    return Sequence(items, ev.where(node))


def _merge(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    members: dict[str, Member] = {}
    for arg in args:
        if is_null(arg):
            continue
        if not isinstance(arg, Mapping):
            return ev.unknown(node)
        members.update(arg.members)
    return Mapping(members, ev.where(node))


def _contains(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if len(args) != 2 or not isinstance(args[0], Sequence):
        return ev.unknown(node)
    known, wanted = plain_known(args[1])
    items = [plain_known(item) for item in args[0].items]
    if not known:
        return ev.unknown(node)
    if any(found and value == wanted for found, value in items):
        return Scalar(True, ev.where(node))
    if all(found for found, _ in items):
        return Scalar(False, ev.where(node))
    return ev.unknown(node)


def _length(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    value = args[0] if len(args) == 1 else None
    if isinstance(value, Sequence):
        return Scalar(len(value.items), ev.where(node))
    if isinstance(value, Mapping):
        return Scalar(len(value.members), ev.where(node))
    text = known_text(value) if isinstance(value, Str) else None
    return ev.unknown(node) if text is None else Scalar(len(text), ev.where(node))


def _keys(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if len(args) != 1 or not isinstance(args[0], Mapping):
        return ev.unknown(node)
    members = sorted(args[0].members.items())
    return Sequence([Str.known(key, member.key_at) for key, member in members], ev.where(node))


def _values(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if len(args) != 1 or not isinstance(args[0], Mapping):
        return ev.unknown(node)
    members = sorted(args[0].members.items())
    return Sequence([member.value for _, member in members], ev.where(node))


def _flatten(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if len(args) != 1 or not isinstance(args[0], Sequence):
        return ev.unknown(node)
    items: list[Value] = []
    pending = list(reversed(args[0].items))
    while pending:
        item = pending.pop()
        if isinstance(item, Sequence):
            pending.extend(reversed(item.items))
        elif isinstance(item, Opaque):
            return ev.unknown(node)  # it may be a list to flatten
        else:
            items.append(item)
    return Sequence(items, ev.where(node))


def _compact(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if len(args) != 1 or not isinstance(args[0], Sequence):
        return ev.unknown(node)
    items: list[Value] = []
    for item in args[0].items:
        if not isinstance(item, Str | Scalar) or (isinstance(item, Str) and not item.is_known):
            return ev.unknown(node)
        if not is_null(item) and known_text(item) != "":
            items.append(item)
    return Sequence(items, ev.where(node))


def _distinct(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if len(args) != 1 or not isinstance(args[0], Sequence) or not is_known(args[0]):
        return ev.unknown(node)
    seen: list[object] = []
    items: list[Value] = []
    for item in args[0].items:
        plain = item.plain()
        if plain not in seen:
            seen.append(plain)
            items.append(item)
    return Sequence(items, ev.where(node))


def _element(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if len(args) != 2 or not isinstance(args[0], Sequence) or not args[0].items:
        return ev.unknown(node)
    index = args[1].value if isinstance(args[1], Scalar) else None
    if not isinstance(index, int) or isinstance(index, bool):
        return ev.unknown(node)
    return args[0].items[index % len(args[0].items)]


def _one(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if len(args) != 1 or not isinstance(args[0], Sequence) or len(args[0].items) > 1:
        return ev.unknown(node)
    return args[0].items[0] if args[0].items else Scalar(None, ev.where(node))


def _zipmap(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if len(args) != 2 or not all(isinstance(arg, Sequence) for arg in args):
        return ev.unknown(node)
    keys, values = args[0], args[1]
    assert isinstance(keys, Sequence) and isinstance(values, Sequence)
    if len(keys.items) != len(values.items):
        return ev.unknown(node)
    members: dict[str, Member] = {}
    for key, value in zip(keys.items, values.items, strict=True):
        name = known_text(key)
        if name is None:
            return ev.unknown(node)
        members[name] = Member(name, key.at, value)
    return Mapping(members, ev.where(node))


def _toset(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    if len(args) != 1 or not isinstance(args[0], Sequence):
        return ev.unknown(node)
    return _distinct(ev, node, args) if is_known(args[0]) else args[0]


# --- try and can -------------------------------------------------------------------------------


def _try(ev: Evaluator, node: Node, args: list[Node], depth: int) -> Value:
    """The first argument Terraform accepts; unknown when one before it may fail or not."""
    for arg in args:
        value = ev.expression(arg, depth + 1)
        if isinstance(value, Failed):
            continue
        if isinstance(value, Opaque):
            return ev.unknown(node, depends=[value])
        return value
    return ev.failed(node, "no argument of try() succeeds")


def _can(ev: Evaluator, node: Node, args: list[Node], depth: int) -> Value:
    if len(args) != 1:
        return ev.unknown(node)
    value = ev.expression(args[0], depth + 1)
    if isinstance(value, Failed):
        return Scalar(False, ev.where(node))
    if isinstance(value, Opaque):
        return ev.unknown(node, depends=[value])
    return Scalar(True, ev.where(node))


FUNCTIONS: Final[dict[str, Function]] = {
    "jsonencode": eager(_jsonencode),
    "file": eager(_file),
    "templatefile": _templatefile,
    "format": eager(_format),
    "join": eager(_join),
    "lower": _strings(str.lower),
    "upper": _strings(str.upper),
    "trimspace": _strings(str.strip),
    "replace": eager(_replace),
    "split": eager(_split),
    "substr": eager(_substr),
    "startswith": _affix(str.startswith),
    "endswith": _affix(str.endswith),
    "trimprefix": _trim_affix(str.removeprefix),
    "trimsuffix": _trim_affix(str.removesuffix),
    "tostring": eager(_tostring),
    "coalesce": eager(_coalesce),
    "coalescelist": eager(_coalescelist),
    "lookup": eager(_lookup),
    "concat": eager(_concat),
    "merge": eager(_merge),
    "contains": eager(_contains),
    "length": eager(_length),
    "keys": eager(_keys),
    "values": eager(_values),
    "flatten": eager(_flatten),
    "compact": eager(_compact),
    "distinct": eager(_distinct),
    "element": eager(_element),
    "one": eager(_one),
    "zipmap": eager(_zipmap),
    "toset": eager(_toset),
    "tolist": eager(_identity),
    "tomap": eager(_identity),
    "sensitive": eager(_identity),
    "nonsensitive": eager(_identity),
    "try": _try,
    "can": _can,
}
