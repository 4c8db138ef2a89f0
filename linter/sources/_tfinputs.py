"""The values Terraform gives variables: the root module's inputs, and variables' types.

A root module's variables get their values from, latest winning (as Terraform reads them):
``terraform.tfvars``, ``terraform.tfvars.json``, ``*.auto.tfvars`` and ``*.auto.tfvars.json``
of the module's directory in name order, the ``--var-file`` files in order, then ``--var``
(its text for a variable of a primitive type or none, else the text read as HCL). A file that
cannot be read or parsed is an EL900 problem naming its line, and what it may set is unknown
from then on: the values before it, and the variables' defaults, are not used in its place.

A value given to a variable is converted to the variable's ``type`` as far as ecs-lint reads it
(:func:`apply_type`: an object attribute a type makes ``optional()`` takes its default where it
is missing), and every string in it says where it is written (:func:`mark_origin`), for the
messages and fixes of the expressions that use it.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint.model import Problem, ProblemKind, Span
from ecs_lint.sources._hcl import Evaluator, is_null, unknown_labels
from ecs_lint.sources._hclsyntax import parse_expression, parse_hcl, syntax_error
from ecs_lint.sources._tfmodule import ModuleDir
from ecs_lint.sources._values import Hole, Mapping, Member, Origin, Scalar, Sequence, Str
from ecs_lint.textio import SourceText, UnreadableFile, read_source

if TYPE_CHECKING:
    from collections.abc import Container

    from tree_sitter import Node

    from ecs_lint.settings import Settings
    from ecs_lint.sources._tfmodule import Block, RunCache
    from ecs_lint.sources._values import Value

__all__ = ["RootValues", "apply_type", "mark_origin", "root_values"]

_LITERAL_TYPES = frozenset({"string", "number", "bool", '"string"'})
"""Variable types whose ``--var`` value is its text (Terraform parses the others as HCL)."""


@dataclass(slots=True)
class RootValues:
    """The values the root module's variables are given, latest source winning; ``broken`` is
    set when a ``.tfvars`` file could not be read, so what it sets is unknown."""

    values: dict[str, Value] = field(default_factory=dict)
    paths: set[str] = field(default_factory=set)
    texts: dict[str, SourceText] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    broken: bool = False


def root_values(module: ModuleDir, settings: Settings, run: RunCache) -> RootValues:
    found = RootValues()
    directory, display = module.directory, module.display
    try:
        names = {p.name for p in directory.iterdir() if p.is_file()}
    except OSError:
        names = set()
    auto = sorted(n for n in names if n.endswith((".auto.tfvars", ".auto.tfvars.json")))
    files = [n for n in ("terraform.tfvars", "terraform.tfvars.json") if n in names] + auto
    for name in files:
        shown = posixpath.join(display, name) if display not in ("", ".") else name
        _read_tfvars(found, directory / name, shown, settings, run)
    for given in settings.terraform_var_files:
        _read_tfvars(found, Path(given), given, settings, run)
    for name, text in settings.terraform_vars.items():
        option = SourceText(f"--var {name}", text)
        found.values[name] = _given_value(name, option, module, found, run)
        found.paths.add(option.path)
    return found


def _given_value(
    name: str, given: SourceText, module: ModuleDir, found: RootValues, run: RunCache
) -> Value:
    """A ``--var`` value as Terraform reads it: the text itself for a variable with no type or
    a primitive one (``string``, ``number``, ``bool``), else the text parsed as an HCL
    expression (``["a", "b"]``, ``{ image = "nginx" }``). One that is not a constant value is a
    problem at its text (Terraform refuses it), and the variable is unknown."""
    whole = given.span(0, len(given.text))
    if not _takes_hcl(module.variables.get(name)):
        return Str((given.text,) if given.text else (), whole, origin=Origin(given.path))
    hcl, expression = parse_expression(given)
    if expression is None:
        error = syntax_error(hcl)
        at, problem = error or (whole, "expected one value (HCL syntax, as in a .tfvars file)")
    else:
        from ecs_lint.sources._tfinstance import Instance

        constants = Instance(ModuleDir(module.directory, ""), run)  # no names: constants
        value = Evaluator(constants, hcl).expression(expression, 0)
        unknown = unknown_labels([value], 1)
        if not unknown:
            mark_origin(value, "", note=given.path)
            return value
        at, problem = whole, f"{unknown[0]} is not a value (variables are not allowed here)"
    message = f"invalid value of --var {name}: {problem}"
    found.problems.append(Problem(ProblemKind.PARSE, message, at))
    return Str((Hole(f"var.{name}"),), whole, typed=False)


def _takes_hcl(block: Block | None) -> bool:
    """Whether Terraform parses a ``-var`` value of this variable as HCL: it declares a type,
    and not a primitive one (``any`` is parsed too)."""
    if block is None or (type_node := block.attribute("type")) is None:
        return False
    return "".join(block.file.text(type_node).split()) not in _LITERAL_TYPES


def _read_tfvars(
    found: RootValues, path: Path, display: str, settings: Settings, run: RunCache
) -> None:
    try:
        source = read_source(path, display, settings.max_file_size)
    except UnreadableFile as error:
        span = Span(display, error.line, error.column, error.line, error.column + 1)
        _broken(
            found, Problem(ProblemKind.PARSE, f"cannot read variables file: {error.message}", span)
        )
        return
    found.paths.add(display)
    found.texts[display] = source
    if display.endswith(".json"):
        values = _json_tfvars(source, found)
    else:
        values = _hcl_tfvars(source, found, run)
    for name, value in (values or {}).items():
        mark_origin(value, "")
        found.values[name] = value


def _broken(found: RootValues, problem: Problem) -> None:
    """A variables file that cannot be read: what it may set, and anything before it, is not
    known any more; later sources still are."""
    found.problems.append(problem)
    found.values.clear()
    found.broken = True


def _hcl_tfvars(source: SourceText, found: RootValues, run: RunCache) -> dict[str, Value] | None:
    hcl = parse_hcl(source)
    error = syntax_error(hcl)
    if error is not None:
        _broken(found, Problem(ProblemKind.PARSE, f"invalid variables file: {error[1]}", error[0]))
        return None
    from ecs_lint.sources._tfinstance import Instance

    constants = Instance(ModuleDir(Path(source.path).parent, ""), run)  # no names: constants
    evaluator = Evaluator(constants, hcl)
    values: dict[str, Value] = {}
    for child in hcl.body:
        if child.type == "attribute":
            name = hcl.text(child.named_children[0])
            values[name] = evaluator.expression(child.named_children[-1], 0)
        elif child.type == "block":
            span = hcl.span(child)
            message = "invalid variables file: blocks are not allowed, only NAME = VALUE"
            _broken(found, Problem(ProblemKind.PARSE, message, span))
            return None
    return values


def _json_tfvars(source: SourceText, found: RootValues) -> dict[str, Value] | None:
    from ecs_lint import jsonpos
    from ecs_lint.sources._tfplan import json_value

    try:
        parsed = jsonpos.parse(source.text)
    except jsonpos.JsonError as error:
        span = source.span(error.offset, min(error.offset + 1, len(source.text)))
        _broken(found, Problem(ProblemKind.PARSE, f"invalid variables file: {error.message}", span))
        return None
    root = json_value(source, parsed.root)
    if not isinstance(root, Mapping):
        message = "invalid variables file: it must hold one JSON object"
        _broken(
            found, Problem(ProblemKind.PARSE, message, source.span(0, min(1, len(source.text))))
        )
        return None
    return {key: member.value for key, member in root.members.items()}


def mark_origin(
    value: Value, what: str, paths: Container[str] | None = None, note: str | None = None
) -> None:
    """Say of every string in ``value`` where it is written (``terraform.tfvars:3``), for the
    messages and fixes of whatever uses it elsewhere; only of those written in ``paths`` when
    given (a module's local holds strings its callers wrote too: those are reported there).
    ``note`` says it of text that is in no file (``--var images``): no fix rewrites it."""
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, Str) and current.origin is None and current.is_known:
            if paths is not None and current.span.path not in paths:
                continue
            span = current.span
            literal = span if current.editable and note is None else None
            current.origin = Origin(note or f"{span.path}:{span.line}{what}", literal)
        elif isinstance(current, Sequence):
            pending.extend(current.items)
        elif isinstance(current, Mapping):
            pending.extend(member.value for member in current.members.values())


def apply_type(ev: Evaluator, type_node: Node, value: Value, depth: int) -> Value:
    """``value`` converted to a variable's type as far as ecs-lint reads it: the attributes an
    object type makes ``optional()`` take their default (or null) where they are missing."""
    if depth > 50:
        return value
    call = _type_call(type_node)
    if call is None:
        return value
    name, arguments = call
    if name in ("map", "list", "set") and arguments:
        if isinstance(value, Mapping) and name == "map":
            for member in value.members.values():
                member.value = apply_type(ev, arguments[0], member.value, depth + 1)
        elif isinstance(value, Sequence) and name in ("list", "set"):
            value.items = [apply_type(ev, arguments[0], item, depth + 1) for item in value.items]
        return value
    if name != "object" or not arguments or not isinstance(value, Mapping):
        return value
    attributes = _object_type(ev, arguments[0])
    for key, (inner, optional, default) in attributes.items():
        found = value.members.get(key)
        if found is None or is_null(found.value):
            if not optional:
                continue
            if default is not None:
                filled = ev.expression(default, depth + 1)
            else:
                filled = Scalar(None, value.at)
            value.members[key] = Member(key, value.at, apply_type(ev, inner, filled, depth + 1))
        else:
            found.value = apply_type(ev, inner, found.value, depth + 1)
    return value


def _type_call(node: Node) -> tuple[str, list[Node]] | None:
    """``name(arguments)`` of a type expression (``map(string)``, ``object({...})``)."""
    while node.type == "expression" and node.named_children:
        node = node.named_children[0]
    if node.type != "function_call":
        return None
    name = node.named_children[0]
    arguments = next((c for c in node.named_children if c.type == "function_arguments"), None)
    args = [c for c in arguments.named_children if c.type == "expression"] if arguments else []
    return name.text.decode("utf-8", "replace") if name.text else "", args


def _object_type(ev: Evaluator, node: Node) -> dict[str, tuple[Node, bool, Node | None]]:
    """An object type's attributes: their type, whether optional, and the optional default."""
    while node.type == "expression" and node.named_children:
        node = node.named_children[0]
    if node.type == "collection_value":
        node = node.named_children[0]
    found: dict[str, tuple[Node, bool, Node | None]] = {}
    if node.type != "object":
        return found
    for element in node.named_children:
        parts = [c for c in element.named_children if c.type == "expression"]
        if element.type != "object_elem" or len(parts) != 2:
            continue
        key = ev.file.text(parts[0]).strip().strip('"')
        call = _type_call(parts[1])
        if call is not None and call[0] == "optional" and call[1]:
            default = call[1][1] if len(call[1]) > 1 else None
            found[key] = (call[1][0], True, default)
        else:
            found[key] = (parts[1], False, None)
    return found
