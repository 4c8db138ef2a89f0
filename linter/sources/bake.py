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
Dockerfile (``dockerfile-inline``) or a ``matrix`` whose values are not known lists leave the
target out, and so does a Dockerfile that is not there (the Bake files vendored with a
dependency name files its vendoring left out).

Values are evaluated as Bake evaluates them where the file says enough, by the HCL evaluator
the Terraform source uses (:mod:`ecs_lint.sources._hcl`; :class:`Definition` is its scope):
``variable`` defaults (``--env NAME=VALUE`` overrides them, as the environment does for
buildx; a variable with no default takes its value from the environment only, so it is unknown
here), top-level attributes, a ``matrix``'s combinations (the first :data:`MAX_COMBINATIONS`),
strings with ``${...}`` and ``%{...}``, operators, conditionals, ``for`` expressions, and
attributes and indexes of known values, and the standard functions that decide such values
(:mod:`ecs_lint.sources._bakefunctions`: ``lower``, ``join``, ``notequal``...). The strings of
the JSON form are templates too, as in HCL's JSON syntax. Any other call is unknown (the time,
hashes, the file's own ``function`` blocks), and so is anything that depends on an unknown
value: a build arg with an unknown value is left out, as Compose's unset ones are, and a named
context keeps its written text (the name is a context whatever its value is). What buildx
refuses (a syntax error, a target inheriting one that does not exist, a cycle) is a parse
problem at its place.
"""

from __future__ import annotations

import itertools
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ecs_lint.jsonpos import JsonArray, JsonObject, JsonScalar
from ecs_lint.model import Document, LintRequest, Problem, ProblemKind
from ecs_lint.sources._bakefunctions import BAKE_FUNCTIONS
from ecs_lint.sources._bakesyntax import SyntaxProblem, read_hcl, read_json
from ecs_lint.sources._hcl import MAX_DEPTH, Evaluator, is_known, is_null, known_text
from ecs_lint.sources._hclsyntax import hcl_comments
from ecs_lint.sources._values import (
    Mapping,
    Member,
    Opaque,
    Scalar,
    Sequence,
    Str,
    Where,
    label_text,
)
from ecs_lint.textio import UnreadableFile, read_source

if TYPE_CHECKING:
    from collections.abc import Iterator
    from collections.abc import Mapping as Table

    from tree_sitter import Node

    from ecs_lint.model import Span
    from ecs_lint.settings import Settings
    from ecs_lint.sources._bakesyntax import Attribute, BakeFile, Block, Written
    from ecs_lint.sources._hcl import Env, Function
    from ecs_lint.sources._hclsyntax import HclFile
    from ecs_lint.sources._values import Value
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
_READ: Final = frozenset({"context", "dockerfile", "dockerfile-inline", "matrix", "name"})
"""The other attributes of a target that say which Dockerfile it builds, and how it is named
(``tags``, ``platforms``, ``labels``... are not evaluated)."""
MAX_INHERITS: Final = 64
"""Targets inheriting from each other evaluated; a longer chain is reported, not followed."""
MAX_COMBINATIONS: Final = 1000
"""Builds a ``matrix`` makes of one target that are linted: the first ones, in Bake's order."""
_TEMPLATE_ITEMS: Final = ("template_interpolation", "template_directive")


def parse(source: SourceText, settings: Settings) -> Document:
    """The lint requests of the Bake file ``source`` (merged with its directory's default
    files); never raises."""
    document = Document(source.path)
    own = _parsed(source, document)
    if own is None:
        return document
    if own.hcl is not None:
        document.statements, document.comments = hcl_comments(own.hcl)
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
    variables: Table[str, str]
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


def _parsed(source: SourceText, document: Document) -> BakeFile | None:
    read = read_json if source.path.endswith(".json") else read_hcl
    try:
        return read(source)
    except SyntaxProblem as problem:
        document.problems.append(Problem(ProblemKind.PARSE, problem.message, problem.span))
        return None


def _with_siblings(own: BakeFile, settings: Settings) -> list[BakeFile]:
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
    file: BakeFile
    block: Block
    scalars: dict[str, tuple[Attribute, BakeFile]] = field(default_factory=dict)
    maps: dict[str, list[tuple[Attribute, BakeFile]]] = field(default_factory=dict)
    """``args`` and ``contexts`` as each file writes them, in Bake's order."""
    inherits: list[tuple[Attribute, BakeFile]] = field(default_factory=list)
    defined_in: set[str] = field(default_factory=set)


@dataclass(slots=True)
class _Build:
    """A target's values after ``inherits``."""

    scalars: dict[str, Value] = field(default_factory=dict)
    maps: dict[str, dict[str, Value]] = field(default_factory=dict)


class Definition:
    """The targets, groups and variables of Bake files read together; the scope their
    expressions are evaluated in (:class:`ecs_lint.sources._hcl.Scope`)."""

    def __init__(
        self,
        files: list[BakeFile],
        variables: Table[str, str],
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
        self.variables: dict[str, tuple[Attribute | None, BakeFile]] = {}
        self.groups: dict[str, list[tuple[Attribute, BakeFile]]] = {}
        self.targets: dict[str, _Target] = {}
        self.problems: list[Problem] = []
        self._values: dict[str, Value | None] = {}
        self._evaluating: set[str] = set()
        self._templates: dict[JsonScalar, tuple[HclFile, Node, int, int] | None] = {}
        self._own_functions: set[str] = set()
        for file in files:
            for block in file.blocks:
                self._add(file, block)
        self._functions = {
            name: call for name, call in BAKE_FUNCTIONS.items() if name not in self._own_functions
        }

    def _add(self, file: BakeFile, block: Block) -> None:
        name = block.labels[0] if len(block.labels) == 1 else None
        if block.kind == "variable" and name is not None:
            self.variables[name] = (block.get("default"), file)
        elif block.kind == "group" and name is not None:
            targets = block.get("targets")
            if targets is not None:
                self.groups.setdefault(name, []).append((targets, file))
        elif block.kind == "target" and name is not None:
            self._add_target(name, file, block)
        elif block.kind == "function" and name is not None:
            self._own_functions.add(name)
        elif block.kind in ("variable", "group", "target"):
            labels = "one label" if block.kind != "target" else "a name"
            self._problem(file, block.start, block.end, f"a {block.kind} block needs {labels}")
        elif block.kind == "":  # a top-level attribute: a constant, as a variable's default
            for attribute in block.attributes:
                self.variables[attribute.name] = (attribute, file)

    def _add_target(self, name: str, file: BakeFile, block: Block) -> None:
        target = self.targets.get(name)
        if target is None:
            target = self.targets[name] = _Target(name, file, block)
        target.defined_in.add(file.source.path)
        for attribute in block.attributes:
            if attribute.name == "inherits":
                target.inherits.append((attribute, file))
            elif attribute.name in _MERGED_MAPS:
                target.maps.setdefault(attribute.name, []).append((attribute, file))
            elif attribute.name in _READ:
                target.scalars[attribute.name] = (attribute, file)

    def _problem(self, file: BakeFile, start: int, end: int, message: str) -> None:
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
        for attribute, file in self.groups.get(group, []):
            for item in _texts(self.evaluate(attribute.written, file)):
                found = self._group_members(item, seen) if item in self.groups else [item]
                members += [member for member in found if member not in members]
        return members

    def _parents(self, target: _Target, *, report: bool) -> list[str] | None:
        """The targets ``target`` inherits from, in order; ``None`` when one is not defined
        (buildx refuses the file; reported when ``report``)."""
        names: list[str] = []
        for attribute, file in target.inherits:
            for item in _texts(self.evaluate(attribute.written, file)):
                if item in self.targets:
                    names.append(item)
                elif self.strict:
                    if report:
                        message = f"target '{target.name}' inherits '{item}', which is not defined"
                        self._problem(file, attribute.start, attribute.end, message)
                    return None
        return names

    # Evaluating a target

    def _evaluated(self, target: _Target) -> Iterator[tuple[str, _Build]]:
        """Each build the target makes (one, or one per ``matrix`` combination), named."""
        matrix = target.scalars.get("matrix")
        if matrix is None:
            build = self._resolved(target, (), {})
            if build is not None:
                yield target.name, build
            return
        for combination in self._combinations(matrix) or ():
            build = self._resolved(target, (), combination)
            if build is None:
                continue
            name = known_text(build.scalars.get("name"))
            yield (name if name is not None else target.name), build

    def _combinations(self, matrix: tuple[Attribute, BakeFile]) -> list[Env] | None:
        """The matrix's combinations (the first :data:`MAX_COMBINATIONS`), each the values of
        its names; ``None`` when a value is not known (the target is then left out)."""
        value = self.evaluate(matrix[0].written, matrix[1])
        if not isinstance(value, Mapping):
            return None
        axes: list[list[tuple[str, Value]]] = []
        for key, member in value.members.items():
            items = member.value
            if not isinstance(items, Sequence) or not all(map(is_known, items.items)):
                return None
            axes.append([(key, item) for item in items.items])
        combinations = itertools.islice(itertools.product(*axes), MAX_COMBINATIONS)
        return [dict(choice) for choice in combinations]

    def _resolved(self, target: _Target, chain: tuple[str, ...], env: Env) -> _Build | None:
        """The target's values after its parents'; ``None`` on a cycle (reported)."""
        if target.name in chain:
            message = f"target '{target.name}' inherits from itself: {' → '.join(chain)}"
            self._problem(target.file, target.block.start, target.block.end, message)
            return None
        if len(chain) > MAX_INHERITS:
            first = self.targets[chain[0]]
            message = f"target '{first.name}' inherits through more than {MAX_INHERITS} targets"
            message += ", which ecs-lint does not follow"
            self._problem(first.file, first.block.start, first.block.end, message)
            return None
        build = _Build()
        parents = self._parents(target, report=not chain)
        if parents is None:
            return None
        for parent in parents:
            inherited = self._resolved(self.targets[parent], (*chain, target.name), env)
            if inherited is None:
                return None
            build.scalars.update(inherited.scalars)
            for key, values in inherited.maps.items():
                build.maps.setdefault(key, {}).update(values)
        for key, (attribute, file) in target.scalars.items():
            build.scalars[key] = self.evaluate(attribute.written, file, env)
        for key, written in target.maps.items():
            merged = build.maps.setdefault(key, {})
            for attribute, file in written:
                # Key by key, each file's over the last; a map not known as a whole
                # (``args = merge(...)``) adds nothing: the values known are linted.
                value = self.evaluate(attribute.written, file, env)
                if isinstance(value, Mapping):
                    merged.update((name, m.value) for name, m in value.members.items())
        self._apply_set(target, build)
        return build

    def _apply_set(self, target: _Target, build: _Build) -> None:
        """``--set target.key=value`` (``*`` any target) for the values linting needs."""
        for override in self.set_overrides:
            where, equals, text = override.partition("=")
            parts = where.split(".")
            if not equals or len(parts) < 2 or parts[0] not in (target.name, "*"):
                continue
            value = Str.known(text, self._header(target))  # written in the run, not a file
            if parts[1] in ("context", "dockerfile") and len(parts) == 2:
                build.scalars[parts[1]] = value
            elif parts[1] in _MERGED_MAPS and len(parts) == 3:
                build.maps.setdefault(parts[1], {})[parts[2]] = value

    def _header(self, target: _Target) -> Span:
        return target.file.source.span(target.block.start, target.block.end)

    def _request(self, target: _Target, build: _Build, label: str) -> LintRequest | None:
        scalars = build.scalars
        inline = scalars.get("dockerfile-inline")
        if inline is not None and not is_null(inline):
            return None
        context = _text_or(scalars.get("context"), ".")
        dockerfile = _text_or(scalars.get("dockerfile"), "Dockerfile")
        if context is None or dockerfile is None or dockerfile == "-":
            return None
        if context.startswith(_REMOTE) or dockerfile.startswith(_REMOTE):
            return None
        context = context.removeprefix(_CWD)
        if not dockerfile.startswith(_CWD) and not posixpath.isabs(dockerfile):
            dockerfile = posixpath.join(context, dockerfile)
        path = os.path.normpath(self.directory / dockerfile.removeprefix(_CWD))
        args = tuple(
            (name, text)
            for name, value in build.maps.get("args", {}).items()
            if (text := known_text(value)) is not None
        )
        contexts = tuple(
            (name, _written_text(value))
            for name, value in build.maps.get("contexts", {}).items()
            if not is_null(value)
        )
        return LintRequest(path, args, self._header(target), contexts, label, if_present=True)

    # Evaluating expressions

    def evaluate(self, written: Written, file: BakeFile, env: Env | None = None) -> Value:
        """An attribute's value; ``env`` holds names that win over the variables (a matrix
        combination)."""
        return self._value(written, file, env or {}, 0)

    def _value(self, written: Written, file: BakeFile, env: Env, depth: int) -> Value:
        if isinstance(written, JsonScalar | JsonObject | JsonArray):
            return self._json(written, file, env, depth)
        assert file.hcl is not None, "an HCL expression is of a file read as HCL"
        return Evaluator(self, file.hcl, env).expression(written, depth)

    def _json(
        self, node: JsonScalar | JsonObject | JsonArray, file: BakeFile, env: Env, depth: int
    ) -> Value:
        """A value of the JSON form: its strings are templates, as in HCL's JSON syntax."""
        at = Where(file.source, node.start, node.end)
        if depth > MAX_DEPTH:
            return Opaque(("nesting too deep",), at, "nesting too deep")
        if isinstance(node, JsonObject):
            members = {
                key: Member(
                    key,
                    Where(file.source, member.key_start, member.key_end),
                    self._json(member.value, file, env, depth + 1),
                )
                for key, member in node.index.items()
            }
            return Mapping(members, at)
        if isinstance(node, JsonArray):
            return Sequence([self._json(item, file, env, depth + 1) for item in node.items], at)
        if not isinstance(node.value, str):
            return Scalar(node.value, at)
        if "${" not in node.value and "%{" not in node.value:
            return Str.known(node.value, at)
        return self._json_template(node, file, env, depth, at)

    def _json_template(
        self, node: JsonScalar, file: BakeFile, env: Env, depth: int, at: Where
    ) -> Value:
        """A JSON string with ``${...}`` or ``%{...}``, evaluated as the template it is. It is
        parsed from its decoded text, so places inside it are places in that text, not in the
        file: nothing a request carries depends on them."""
        from ecs_lint.sources._hclsyntax import parse_template
        from ecs_lint.sources._hcltemplate import render
        from ecs_lint.textio import SourceText

        text = str(node.value)
        if node not in self._templates:
            self._templates[node] = parse_template(SourceText(file.source.path, text))
        parsed = self._templates[node]
        if parsed is None:  # not a template buildx reads: unknown, as written
            return Opaque((label_text(text),), at, text)
        hcl, body, start, end = parsed
        ev = Evaluator(self, hcl, env)
        items = [child for child in body.named_children if child.type in _TEMPLATE_ITEMS]
        alone = items[0] if len(items) == 1 else None
        if alone is not None and (alone.start_byte, alone.end_byte) == (start, end):
            expression = next((c for c in alone.named_children if c.type == "expression"), None)
            if expression is not None:  # "${X}" is X's value, not converted to a string
                return ev.expression(expression, depth + 1)
        return render(ev, start, end, items, depth + 1, at)

    # The evaluator's Scope: names are variables (and top-level attributes)

    @property
    def functions(self) -> Table[str, Function]:
        """Bake's standard functions, but those a ``function`` block redefines (unknown)."""
        return self._functions

    def reference(
        self, ev: Evaluator, node: Node, root: str, rest: list[Node], depth: int
    ) -> Value:
        """A variable by its bare name (``TAG``, ``${TAG}``), then what follows it."""
        return ev.named(node, self._variable(root, ev, node, depth), rest, depth)

    def owns(self, value: Str) -> bool:
        """False: a request carries values, not their places, so none is placed anew."""
        return False

    def _variable(self, name: str, ev: Evaluator, node: Node, depth: int) -> Value | None:
        """The environment's value (it wins over the default), else the default's; ``None``
        when neither is known (a variable without default, a cycle, an undefined name)."""
        if name in self.overrides:
            return Str.known(self.overrides[name], ev.where(node))
        if name not in self.variables or name in self._evaluating:
            return None
        if name not in self._values:
            default, file = self.variables[name]
            self._evaluating.add(name)
            try:
                known = self._value(default.written, file, {}, depth + 1) if default else None
                self._values[name] = known
            finally:
                self._evaluating.discard(name)
        return self._values[name]


def _text_or(value: Value | None, default: str) -> str | None:
    """An attribute's known text, ``default`` when it is not set (or null); ``None`` when
    only the build knows it."""
    return default if value is None or is_null(value) else known_text(value)


def _texts(value: Value) -> list[str]:
    """The known strings of a list (``inherits``, a group's ``targets``)."""
    if not isinstance(value, Sequence):
        return []
    return [text for item in value.items if (text := known_text(item)) is not None]


def _written_text(value: Value) -> str:
    """A named context's value; an unknown one as its text with holes (``${REGISTRY}/x``)."""
    text = known_text(value)
    if text is not None:
        return text
    return value.value if isinstance(value, Str | Opaque) else "${...}"
