"""Docker Bake files: each target's Dockerfile, linted with that target's build values.

``docker buildx bake`` reads ``docker-bake.json``, ``docker-bake.hcl``,
``docker-bake.override.json`` and ``docker-bake.override.hcl`` from its directory, in that
order, and merges them into one definition: a target defined in several files is one target,
its ``args`` and ``contexts`` merged key by key, its other attributes the last file's. So a
default-named file is read with the others of its directory (each file's document reports the
problems of its own text); a file of any other name (``docker bake -f``) is read alone.

Each target asks for its Dockerfile to be linted with its values (a ``LintRequest``, as a
Compose service's ``build:`` does): ``context`` (default ``.``, relative to the Bake file's
directory) joined with ``dockerfile`` (default ``Dockerfile``), ``args`` (a ``null`` arg is
left out: the Dockerfile's default applies) and ``contexts`` (named build contexts), after
``inherits`` (parents in order, the target's own values last). A target another one inherits
from is a template, not a build, unless a ``group`` lists it. A remote context, an inline
Dockerfile (``dockerfile-inline``) or a ``matrix`` whose values are not literal lists leave
the target out, and so does a Dockerfile that is not there (the Bake files vendored with a
dependency name files its vendoring left out).

Values are evaluated as Bake evaluates them where the file says enough: ``variable`` defaults
(``--env NAME=VALUE`` overrides them, as the environment does for buildx; a variable with no
default takes its value from the environment only, so it is unknown here), top-level
attributes, ``${...}`` interpolation, ``==``, ``!=``, ``&&``, ``||``, ``!``, conditionals, and a
``matrix``'s combinations. Anything else (a function, a ``for`` expression) is unknown: a build
arg with an unknown value is left out, as Compose's unset ones are, and a named context keeps
its written text (the name is a context whatever its value is). What buildx refuses (a syntax
error, a target inheriting one that does not exist, a cycle) is a parse problem at its place.
"""

from __future__ import annotations

import itertools
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final, TypeAlias

from ecs_lint.model import Document, LintRequest, Problem, ProblemKind
from ecs_lint.sources._bakesyntax import (
    Binary,
    Conditional,
    Constant,
    ListExpr,
    Not,
    ObjectExpr,
    Opaque,
    Ref,
    SyntaxProblem,
    Template,
    read_hcl,
    read_json,
)
from ecs_lint.textio import UnreadableFile, read_source

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from ecs_lint.settings import Settings
    from ecs_lint.sources._bakesyntax import Attribute, Block, Expr
    from ecs_lint.textio import SourceText

DEFAULT_FILES: Final = (
    "docker-bake.json",
    "docker-bake.hcl",
    "docker-bake.override.json",
    "docker-bake.override.hcl",
)
"""The files ``docker buildx bake`` reads from its directory, merged in this order."""
_REMOTE: Final = ("https://", "http://", "git@", "git://", "ssh://", "github.com/")
_CWD: Final = "cwd://"
_MERGED_MAPS: Final = ("args", "contexts")
MAX_DEPTH: Final = 64
"""Nesting of variables and inherits evaluated; deeper is unknown (Python's stack stays safe)."""


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value only the build knows; ``text`` names it (``${TAG}``, ``lower(X)``)."""

    text: str


Value: TypeAlias = "str | bool | list[Value] | dict[str, Value] | Unknown | None"


def parse(source: SourceText, settings: Settings) -> Document:
    """The lint requests of the Bake file ``source`` (merged with its directory's default
    files); never raises."""
    document = Document(source.path)
    own = _parsed(source, document)
    if own is None:
        return document
    files = [own] if Path(source.path).name not in DEFAULT_FILES else _with_siblings(own, settings)
    definition = Definition(files, settings.env)
    for request in definition.requests(only_from=source.path):
        document.lint_requests.append(request)
    problems = dict.fromkeys(p for p in definition.problems if p.span.path == source.path)
    document.problems += problems
    return document


@dataclass(frozen=True, slots=True)
class BakeRun:
    """A ``docker buildx bake`` run as a CI step writes it."""

    files: tuple[Path, ...]
    variables: Mapping[str, str]
    """The environment's values (and ``--var``s), which win over variable defaults."""
    targets: tuple[str, ...] | None
    """Targets or groups named (none: ``default``); ``None`` when only the run knows them."""
    overrides: tuple[str, ...]
    """``--set target.key=value`` overrides."""
    all_files_known: bool
    """False when the run also reads a file only it knows (``${{ steps.meta.outputs.bake-file
    }}``): a target inheriting one this lint does not see then inherits nothing known."""
    build: str
    """Names the run in messages; each build's name follows it."""


def bake_requests(run: BakeRun, limit: int) -> list[LintRequest]:
    """The requests of the builds of ``run``; none when one of its files cannot be read or
    parsed (its own lint says why)."""
    files = []
    for path in run.files:
        display = os.path.normpath(path)
        try:
            source = read_source(path, display, limit)
        except UnreadableFile:
            return []
        parsed = _parsed(source, Document(display))
        if parsed is None:
            return []
        files.append(parsed)
    definition = Definition(files, run.variables, run.overrides, strict=run.all_files_known)
    targets = None if run.targets is None else list(run.targets or ("default",))
    return definition.requests(targets=targets, build=run.build)


# --- Files -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _File:
    source: SourceText
    blocks: tuple[Block, ...]


def _parsed(source: SourceText, document: Document) -> _File | None:
    read = read_json if source.path.endswith(".json") else read_hcl
    try:
        return _File(source, tuple(read(source.text)))
    except SyntaxProblem as problem:
        offset = min(max(problem.offset, 0), len(source.text))
        span = source.span(offset, min(offset + 1, len(source.text)))
        document.problems.append(Problem(ProblemKind.PARSE, problem.message, span))
        return None


def _with_siblings(own: _File, settings: Settings) -> list[_File]:
    """``own`` and the other default files of its directory, in Bake's order; a sibling that
    cannot be read or parsed is left out (its own lint says why)."""
    directory = Path(own.source.path).parent
    files = []
    for name in DEFAULT_FILES:
        if name == Path(own.source.path).name:
            files.append(own)
            continue
        path = directory / name
        if not path.is_file():
            continue
        try:
            source = read_source(path, os.path.normpath(path), settings.max_file_size)
        except UnreadableFile:
            continue
        sibling = _parsed(source, Document(source.path))
        if sibling is not None:
            files.append(sibling)
    return files


# --- The merged definition --------------------------------------------------------------------


@dataclass(slots=True)
class _Target:
    """A target as its blocks write it, merged across files; values not yet evaluated."""

    name: str
    file: _File
    block: Block
    scalars: dict[str, tuple[Expr, _File]] = field(default_factory=dict)
    maps: dict[str, dict[str, tuple[Expr, _File]]] = field(default_factory=dict)
    inherits: list[tuple[Expr, _File, Attribute]] = field(default_factory=list)
    defined_in: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Build:
    """A target's values after ``inherits``."""

    scalars: dict[str, Value] = field(default_factory=dict)
    maps: dict[str, dict[str, Value]] = field(default_factory=dict)


class Definition:
    """The targets, groups and variables of Bake files read together."""

    def __init__(
        self,
        files: list[_File],
        variables: Mapping[str, str],
        overrides: tuple[str, ...] = (),
        *,
        strict: bool = True,
    ) -> None:
        """``strict``: a parent target no file defines is an error (else it gives nothing)."""
        self.files = files
        self.strict = strict
        self.directory = Path(files[0].source.path).parent
        self.overrides = dict(variables)
        self.set_overrides = overrides
        self.variables: dict[str, tuple[Expr | None, _File]] = {}
        self.groups: dict[str, list[tuple[Expr, _File]]] = {}
        self.targets: dict[str, _Target] = {}
        self.problems: list[Problem] = []
        self._values: dict[str, Value] = {}
        self._evaluating: set[str] = set()
        for file in files:
            for block in file.blocks:
                self._add(file, block)

    def _add(self, file: _File, block: Block) -> None:
        name = block.labels[0] if len(block.labels) == 1 else None
        if block.kind == "variable" and name is not None:
            default = block.get("default")
            self.variables[name] = (default.expr if default else None, file)
        elif block.kind == "group" and name is not None:
            targets = block.get("targets")
            if targets is not None:
                self.groups.setdefault(name, []).append((targets.expr, file))
        elif block.kind == "target" and name is not None:
            self._add_target(name, file, block)
        elif block.kind in ("variable", "group", "target"):
            labels = "one label" if block.kind != "target" else "a name"
            self._problem(file, block.start, block.end, f"a {block.kind} block needs {labels}")
        elif block.kind == "":  # a top-level attribute: a constant, as a variable's default
            for attribute in block.attributes:
                self.variables[attribute.name] = (attribute.expr, file)

    def _add_target(self, name: str, file: _File, block: Block) -> None:
        target = self.targets.get(name)
        if target is None:
            target = self.targets[name] = _Target(name, file, block)
        target.defined_in.add(file.source.path)
        for attribute in block.attributes:
            expr = attribute.expr
            if attribute.name == "inherits":
                target.inherits.append((expr, file, attribute))
            elif attribute.name in _MERGED_MAPS and isinstance(expr, ObjectExpr):
                merged = target.maps.setdefault(attribute.name, {})
                # A key an expression computes, or a map that is not an object
                # (``args = merge(...)``), is unknown: the values known are linted.
                merged.update({key: (value, file) for key, value in expr.members if key})
            elif attribute.name not in _MERGED_MAPS:
                target.scalars[attribute.name] = (expr, file)

    def _problem(self, file: _File, start: int, end: int, message: str) -> None:
        span = file.source.span(start, max(end, start))
        self.problems.append(Problem(ProblemKind.PARSE, message, span))

    # Which targets are builds

    def requests(
        self,
        *,
        only_from: str | None = None,
        targets: list[str] | None = None,
        build: str = "",
    ) -> list[LintRequest]:
        """A request per build: every target (a template only inherited from is none), or
        ``targets`` and the members of the groups named there; ``only_from`` keeps the targets
        that file defines."""
        names = self._selected(targets) if targets is not None else self._builds()
        found: list[LintRequest] = []
        for name in names:
            target = self.targets.get(name)
            if target is None or (only_from is not None and only_from not in target.defined_in):
                continue
            for label, values in self._evaluated(target):
                request = self._request(target, values, f"{build}bake target '{label}'")
                if request is not None:
                    found.append(request)
        return found

    def _builds(self) -> list[str]:
        grouped = {n for group in self.groups for n in self._group_members(group, set())}
        parents = {
            name
            for target in self.targets.values()
            for name in self._parents(target, report=False) or ()
        }
        return [name for name in self.targets if name not in parents or name in grouped]

    def _selected(self, names: list[str]) -> list[str]:
        selected: list[str] = []
        for name in names:
            members = self._group_members(name, set()) if name in self.groups else [name]
            selected += [member for member in members if member not in selected]
        return selected

    def _group_members(self, group: str, seen: set[str]) -> list[str]:
        if group in seen:
            return []
        seen.add(group)
        members: list[str] = []
        for expr, _file in self.groups.get(group, []):
            value = self.value(expr)
            for item in value if isinstance(value, list) else []:
                if not isinstance(item, str):
                    continue
                found = self._group_members(item, seen) if item in self.groups else [item]
                members += [member for member in found if member not in members]
        return members

    def _parents(self, target: _Target, *, report: bool) -> list[str] | None:
        """The targets ``target`` inherits from, in order; ``None`` when one is not defined
        (buildx refuses the file; reported when ``report``)."""
        names: list[str] = []
        for expr, file, attribute in target.inherits:
            value = self.value(expr)
            for item in value if isinstance(value, list) else []:
                if isinstance(item, str) and item in self.targets:
                    names.append(item)
                elif isinstance(item, str) and self.strict:
                    if report:
                        message = f"target '{target.name}' inherits '{item}', which is not defined"
                        self._problem(file, attribute.start, expr.end, message)
                    return None
        return names

    # Evaluating a target

    def _evaluated(self, target: _Target) -> Iterator[tuple[str, _Build]]:
        """Each build the target makes (one, or one per ``matrix`` combination), named."""
        matrix = target.scalars.get("matrix")
        if matrix is None:
            build = self._resolved(target, (), self.overrides)
            if build is not None:
                yield target.name, build
            return
        combinations = self._combinations(matrix[0])
        for combination in combinations or ():
            scope = {**self.overrides, **combination}
            build = self._resolved(target, (), scope)
            if build is None:
                continue
            name = build.scalars.get("name")
            yield (name if isinstance(name, str) else target.name), build

    def _combinations(self, expr: Expr) -> list[dict[str, str]] | None:
        value = self.value(expr)
        if not isinstance(value, dict):
            return None
        axes: list[list[tuple[str, str]]] = []
        for key, items in value.items():
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                return None
            axes.append([(key, item) for item in items if isinstance(item, str)])
        return [dict(choice) for choice in itertools.product(*axes)]

    def _resolved(
        self, target: _Target, chain: tuple[str, ...], scope: Mapping[str, str]
    ) -> _Build | None:
        """The target's values after its parents'; ``None`` on a cycle (reported)."""
        if target.name in chain or len(chain) > MAX_DEPTH:
            message = f"target '{target.name}' inherits from itself: {' → '.join(chain)}"
            block = target.block
            self._problem(target.file, block.start, block.end, message)
            return None
        build = _Build()
        parents = self._parents(target, report=not chain)
        if parents is None:
            return None
        for parent in parents:
            inherited = self._resolved(self.targets[parent], (*chain, target.name), scope)
            if inherited is None:
                return None
            build.scalars.update(inherited.scalars)
            for key, values in inherited.maps.items():
                build.maps.setdefault(key, {}).update(values)
        for key, (expr, _file) in target.scalars.items():
            build.scalars[key] = self.value(expr, scope)
        for key, members in target.maps.items():
            merged = build.maps.setdefault(key, {})
            merged.update({name: self.value(expr, scope) for name, (expr, _f) in members.items()})
        self._apply_set(target.name, build)
        return build

    def _apply_set(self, name: str, build: _Build) -> None:
        """``--set target.key=value`` (``*`` any target) for the values linting needs."""
        for override in self.set_overrides:
            where, equals, value = override.partition("=")
            parts = where.split(".")
            if not equals or len(parts) < 2 or parts[0] not in (name, "*"):
                continue
            if parts[1] in ("context", "dockerfile") and len(parts) == 2:
                build.scalars[parts[1]] = value
            elif parts[1] in _MERGED_MAPS and len(parts) == 3:
                build.maps.setdefault(parts[1], {})[parts[2]] = value

    def _request(self, target: _Target, build: _Build, label: str) -> LintRequest | None:
        context = build.scalars.get("context", ".")
        dockerfile = build.scalars.get("dockerfile", "Dockerfile")
        if build.scalars.get("dockerfile-inline") is not None:
            return None
        if not isinstance(context, str) or not isinstance(dockerfile, str):
            return None
        if context.startswith(_REMOTE) or dockerfile.startswith(_REMOTE) or dockerfile == "-":
            return None
        context = context.removeprefix(_CWD)
        if not dockerfile.startswith(_CWD) and not posixpath.isabs(dockerfile):
            dockerfile = posixpath.join(context, dockerfile)
        path = os.path.normpath(self.directory / dockerfile.removeprefix(_CWD))
        args = tuple(
            (name, value)
            for name, value in build.maps.get("args", {}).items()
            if isinstance(value, str)
        )
        contexts = tuple(
            (name, value if isinstance(value, str) else _text(value))
            for name, value in build.maps.get("contexts", {}).items()
            if value is not None
        )
        block = target.block
        at = target.file.source.span(block.start, block.end)
        return LintRequest(path, args, at, contexts, label, if_present=True)

    # Evaluating expressions

    def value(self, expr: Expr, scope: Mapping[str, str] | None = None, depth: int = 0) -> Value:
        """``expr``'s value, or :class:`Unknown`; ``scope`` holds names that win over the
        variables (the environment, a matrix combination)."""
        scope = self.overrides if scope is None else scope
        if depth > MAX_DEPTH:
            return Unknown("…")
        if isinstance(expr, Constant):
            return expr.value
        if isinstance(expr, Ref):
            return self._variable(expr.name, scope, depth)
        if isinstance(expr, Template):
            return self._template(expr, scope, depth)
        if isinstance(expr, ListExpr):
            return [self.value(item, scope, depth + 1) for item in expr.items]
        if isinstance(expr, ObjectExpr):
            if any(key is None for key, _ in expr.members):
                return Unknown("{...}")
            return {key: self.value(v, scope, depth + 1) for key, v in expr.members if key}
        if isinstance(expr, Binary):
            return _binary(
                expr.operator,
                self.value(expr.left, scope, depth + 1),
                self.value(expr.right, scope, depth + 1),
            )
        if isinstance(expr, Not):
            operand = self.value(expr.operand, scope, depth + 1)
            return (not operand) if isinstance(operand, bool) else Unknown(f"!{_text(operand)}")
        if isinstance(expr, Conditional):
            condition = self.value(expr.condition, scope, depth + 1)
            if not isinstance(condition, bool):
                return Unknown(f"{_text(condition)} ? ...")
            return self.value(expr.if_true if condition else expr.if_false, scope, depth + 1)
        assert isinstance(expr, Opaque)
        return Unknown(expr.text)

    def _variable(self, name: str, scope: Mapping[str, str], depth: int) -> Value:
        if name in scope:
            return scope[name]
        if name not in self.variables or name in self._evaluating:
            return Unknown(f"${{{name}}}")
        if name not in self._values:
            default, _file = self.variables[name]
            self._evaluating.add(name)
            try:
                # No default: the value comes from the environment only.
                known = self.value(default, self.overrides, depth + 1) if default else None
                self._values[name] = Unknown(f"${{{name}}}") if default is None else known
            finally:
                self._evaluating.discard(name)
        return self._values[name]

    def _template(self, expr: Template, scope: Mapping[str, str], depth: int) -> Value:
        """The string; unknown when a part is, shown with that part as ``${...}``."""
        pieces: list[str] = []
        known = True
        for part in expr.parts:
            value = part if isinstance(part, str) else self.value(part, scope, depth + 1)
            if isinstance(value, bool):
                value = "true" if value else "false"
            if not isinstance(value, str):
                known = False
                value = _text(value) if isinstance(value, Unknown) else "${...}"
                value = value if value.startswith("${") else f"${{{value}}}"
            pieces.append(value)
        return "".join(pieces) if known else Unknown("".join(pieces))


def _binary(operator: str, left: Value, right: Value) -> Value:
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return Unknown(f"{_text(left)} {operator} {_text(right)}")
    if operator == "==":
        return left == right
    if operator == "!=":
        return left != right
    if isinstance(left, bool) and isinstance(right, bool):
        return (left and right) if operator == "&&" else (left or right)
    return Unknown(f"{_text(left)} {operator} {_text(right)}")


def _text(value: Value) -> str:
    if isinstance(value, Unknown):
        return value.text
    return value if isinstance(value, str) else repr(value)
