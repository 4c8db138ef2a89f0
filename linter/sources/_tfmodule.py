"""Terraform modules: the ``.tf`` files of a directory, instances of them, and their calls.

A module is every ``.tf`` file of one directory (:class:`ModuleDir`, parsed once per run). An
:class:`Instance` is a module with its inputs: the root module's come from ``--var``,
``--var-file``, ``terraform.tfvars``, ``terraform.tfvars.json`` and ``*.auto.tfvars(.json)``
(later ones win, as in Terraform: the files in that order, ``*.auto`` ones by name, then
``--var-file`` files, then ``--var``), a called module's from the call's arguments, evaluated in
the caller (``for_each`` and ``count`` make one instance per key). A variable without a value
takes its ``default`` (with its type's ``optional()`` defaults), else it is unknown.

A ``module`` block is followed when its source is a local directory (``./modules/svc``,
``../..``), or was downloaded by ``terraform init`` (``.terraform/modules/modules.json`` of the
root module, read only); a registry module that is not on disk is read through the table of
:mod:`ecs_lint.sources._tfregistry`. Calls nest up to :data:`MAX_MODULE_DEPTH`, a module that
calls itself (directly or not) is reported and not followed, and so are a source that does not
exist, a broken ``.tfvars`` file and a cycle of locals: each is an EL900 problem naming its file
and line, and the rest of the module is still evaluated.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ecs_lint.model import Problem, Span
from ecs_lint.sources._hcl import (
    Evaluator,
    Failed,
    block_parts,
    is_null,
    known_text,
)
from ecs_lint.sources._hclsyntax import parse_hcl, syntax_error
from ecs_lint.sources._values import (
    Hole,
    Mapping,
    Member,
    Opaque,
    Origin,
    Scalar,
    Sequence,
    Str,
    Where,
)
from ecs_lint.sources.terraform import TfResource
from ecs_lint.textio import SourceText, UnreadableFile, read_source

if TYPE_CHECKING:
    from ecs_lint.model import Document
    from ecs_lint.settings import Settings
    from ecs_lint.sources._hclsyntax import HclFile, Node
    from ecs_lint.sources._tfregistry import RegistryModule
    from ecs_lint.sources._values import Part, Value

__all__ = [
    "MAX_MODULE_DEPTH",
    "Block",
    "Instance",
    "ModuleDir",
    "RegistryCall",
    "TfRead",
    "read_tf_file",
    "root_instance",
]

MAX_MODULE_FILES: Final = 1000
"""``.tf`` files read of one module directory; beyond that, the first ones by name."""
MAX_MODULE_DEPTH: Final = 16
"""Module calls followed inside each other; deeper calls are reported and not followed."""
MAX_INSTANCES: Final = 1000
"""Instances a ``for_each`` or ``count`` makes of one module call or resource."""

_CALL_ARGUMENTS: Final = frozenset(
    {"source", "version", "for_each", "count", "providers", "depends_on"}
)
# Resource types a file's document reads, those the module's other files contribute to its
# roles, and the data sources that say which service a secret reference reads.
_OWN_TYPES: Final = frozenset(
    {
        "aws_ecs_task_definition",
        "aws_ecs_service",
        "aws_iam_role",
        "aws_iam_role_policy",
        "aws_iam_role_policy_attachment",
        "aws_iam_policy",
        "aws_secretsmanager_secret",
        "aws_secretsmanager_secret_version",
        "aws_ssm_parameter",
        "data.aws_secretsmanager_secret",
        "data.aws_secretsmanager_secret_version",
        "data.aws_ssm_parameter",
    }
)
_SIBLING_TYPES: Final = frozenset({"aws_iam_role_policy", "aws_iam_role_policy_attachment"})
_NAME_ATTRIBUTES: Final = {
    "aws_ecr_repository": ("name",),
    "aws_cloudwatch_log_group": ("name", "id"),
    "aws_iam_role": ("name", "id"),
    "aws_secretsmanager_secret": ("name",),
    "aws_ssm_parameter": ("name",),
}
"""``TYPE.NAME.ATTRIBUTE`` that is the resource's ``name`` argument when that is known."""


@dataclass(slots=True, eq=False)
class Block:
    kind: str
    labels: list[str]
    node: Node
    body: Node
    file: HclFile

    @property
    def span(self) -> Span:
        return self.file.span(self.node)

    def attribute(self, name: str) -> Node | None:
        """The expression of the body's attribute ``name``."""
        for child in self.body.named_children:
            if child.type == "attribute" and self.file.text(child.named_children[0]) == name:
                return child.named_children[-1]
        return None


# --- Module directories ------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class ModuleDir:
    """The ``.tf`` files of one directory, parsed, and their top-level blocks by kind."""

    directory: Path
    display: str
    files: list[HclFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    resources: dict[tuple[str, str], Block] = field(default_factory=dict)
    data: dict[tuple[str, str], Block] = field(default_factory=dict)
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, tuple[HclFile, Node]] = field(default_factory=dict)
    calls: dict[str, Block] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)

    def add(self, file: HclFile) -> None:
        self.files.append(file)
        for node in file.body:
            if node.type != "block":
                continue
            kind, labels, body = block_parts(file, node)
            if body is None:
                continue
            if kind == "locals":
                for child in body.named_children if body is not node else []:
                    if child.type == "attribute":
                        name = file.text(child.named_children[0])
                        self.locals.setdefault(name, (file, child))
                continue
            block = Block(kind, labels, node, body, file)
            self.blocks.append(block)
            if kind in ("resource", "data") and len(labels) == 2:
                index = self.resources if kind == "resource" else self.data
                index.setdefault((labels[0], labels[1]), block)
            elif len(labels) == 1 and kind in ("variable", "module", "output"):
                table = {"variable": self.variables, "module": self.calls, "output": self.outputs}
                table[kind].setdefault(labels[0], block)

    @property
    def paths(self) -> frozenset[str]:
        return frozenset(file.path for file in self.files)


@dataclass(slots=True)
class _RunCache:
    """What one run (one ``Settings``) has parsed and evaluated: the files of a module are read
    once however many of them are linted, and each root module is evaluated once."""

    settings: Settings
    files: dict[Path, HclFile | Problem] = field(default_factory=dict)
    modules: dict[Path, ModuleDir] = field(default_factory=dict)
    roots: dict[Path, Instance] = field(default_factory=dict)


_RUN: list[_RunCache] = []


def _run(settings: Settings) -> _RunCache:
    if not _RUN or _RUN[0].settings is not settings:
        _RUN[:] = [_RunCache(settings)]
    return _RUN[0]


def _parsed(run: _RunCache, path: Path, display: str, given: SourceText | None) -> HclFile | Problem:
    key = path.resolve()
    cached = run.files.get(key)
    if cached is not None and (given is None or cached_text(cached) == given.text):
        return cached
    try:
        source = given or read_source(path, display, run.settings.max_file_size)
    except UnreadableFile as error:
        span = Span(display, error.line, error.column, error.line, error.column + 1)
        found: HclFile | Problem = Problem("EL900", error.message, span)
    else:
        hcl = parse_hcl(source)
        error_at = syntax_error(hcl)
        found = hcl if error_at is None else Problem("EL900", error_at[1], error_at[0])
    run.files[key] = found
    return found


def cached_text(found: HclFile | Problem) -> str | None:
    return found.source.text if not isinstance(found, Problem) else None


def load_module(
    run: _RunCache, directory: Path, display: str, given: SourceText | None = None
) -> ModuleDir:
    key = directory.resolve()
    module = run.modules.get(key)
    if module is not None and given is not None:
        own = next((f for f in module.files if Path(f.path).name == Path(given.path).name), None)
        if own is not None and own.source.text != given.text:
            module = None  # the file changed since its module was read: read it again
    if module is not None:
        return module
    module = ModuleDir(key, display)
    try:
        names = sorted(p.name for p in directory.iterdir() if p.suffix == ".tf" and p.is_file())
    except OSError:
        names = []
    if given is not None and Path(given.path).name not in names:
        names.append(Path(given.path).name)
    own_name = Path(given.path).name if given is not None else None
    for name in names[:MAX_MODULE_FILES]:
        shown = posixpath.join(display, name) if display not in ("", ".") else name
        found = _parsed(run, directory / name, shown, given if name == own_name else None)
        if isinstance(found, Problem):
            module.problems.append(found)
        else:
            module.add(found)
    run.modules[key] = module
    return module


# --- Root values: --var, --var-file and .tfvars files ------------------------------------------


@dataclass(slots=True)
class RootValues:
    """The values the root module's variables are given, latest source winning; ``broken`` is
    set when a ``.tfvars`` file could not be read, so what it sets is unknown."""

    values: dict[str, Value] = field(default_factory=dict)
    paths: set[str] = field(default_factory=set)
    texts: dict[str, SourceText] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    broken: bool = False


def root_values(module: ModuleDir, settings: Settings, run: _RunCache) -> RootValues:
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
        at = Span(f"--var {name}", 1, 1, 1, 1)
        found.values[name] = Str(
            (text,) if text else (), at, origin=Origin(f"--var {name}")
        )
        found.paths.add(at.path)
    return found


def _read_tfvars(
    found: RootValues, path: Path, display: str, settings: Settings, run: _RunCache
) -> None:
    try:
        source = read_source(path, display, settings.max_file_size)
    except UnreadableFile as error:
        span = Span(display, error.line, error.column, error.line, error.column + 1)
        _broken(found, Problem("EL900", f"cannot read variables file: {error.message}", span))
        return
    found.paths.add(display)
    found.texts[display] = source
    if display.endswith(".json"):
        values = _json_tfvars(source, found)
    else:
        values = _hcl_tfvars(source, found, run)
    for name, value in (values or {}).items():
        _mark_origin(value, "")
        found.values[name] = value


def _broken(found: RootValues, problem: Problem) -> None:
    """A variables file that cannot be read: what it may set, and anything before it, is not
    known any more; later sources still are."""
    found.problems.append(problem)
    found.values.clear()
    found.broken = True


def _hcl_tfvars(source: SourceText, found: RootValues, run: _RunCache) -> dict[str, Value] | None:
    hcl = parse_hcl(source)
    error = syntax_error(hcl)
    if error is not None:
        _broken(found, Problem("EL900", f"invalid variables file: {error[1]}", error[0]))
        return None
    constants = Instance(ModuleDir(Path(source.path).parent, ""), run=run)
    evaluator = Evaluator(constants, hcl)
    values: dict[str, Value] = {}
    for child in hcl.body:
        if child.type == "attribute":
            name = hcl.text(child.named_children[0])
            values[name] = evaluator.expression(child.named_children[-1], 0)
        elif child.type == "block":
            span = hcl.span(child)
            message = "invalid variables file: blocks are not allowed, only NAME = VALUE"
            _broken(found, Problem("EL900", message, span))
            return None
    return values


def _json_tfvars(source: SourceText, found: RootValues) -> dict[str, Value] | None:
    from ecs_lint import jsonpos
    from ecs_lint.sources._tfplan import json_value

    try:
        parsed = jsonpos.parse(source.text)
    except jsonpos.JsonError as error:
        span = source.span(error.offset, min(error.offset + 1, len(source.text)))
        _broken(found, Problem("EL900", f"invalid variables file: {error.message}", span))
        return None
    root = json_value(source, parsed.root)
    if not isinstance(root, Mapping):
        message = "invalid variables file: it must hold one JSON object"
        _broken(found, Problem("EL900", message, source.span(0, min(1, len(source.text)))))
        return None
    return {key: member.value for key, member in root.members.items()}


def _mark_origin(value: Value, what: str) -> None:
    """Say of every string in ``value`` where it is written (``terraform.tfvars:3``), for the
    messages and fixes of whatever uses it elsewhere."""
    pending = [value]
    while pending:
        current = pending.pop()
        if isinstance(current, Str) and current.origin is None and current.is_known:
            span = current.span
            literal = span if current.editable else None
            current.origin = Origin(f"{span.path}:{span.line}{what}", literal)
        elif isinstance(current, Sequence):
            pending.extend(current.items)
        elif isinstance(current, Mapping):
            pending.extend(member.value for member in current.members.values())


# --- Instances ---------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class RegistryCall:
    """A call of a registry module that is not on disk, read through the module table."""

    name: str
    address: str
    table: RegistryModule
    instances: list[Mapping]
    """The arguments of each instance (one per ``for_each`` key)."""
    block: Block


@dataclass(eq=False)
class Instance:
    """A module with its inputs, evaluated lazily: each variable, local, output and child
    module once. ``address`` prefixes the labels of its resources (``module.svc.``)."""

    module: ModuleDir
    run: _RunCache
    address: str = ""
    key_path: tuple[str, ...] = ()
    key: str | None = None
    """The instance's ``for_each`` key or ``count`` index, if it has one."""
    parent: Instance | None = None
    inputs: dict[str, Value] = field(default_factory=dict)
    inputs_final: bool = False
    """Set when a variable without an input is unknown, not defaulted (a broken ``.tfvars``)."""
    input_paths: frozenset[str] = frozenset()
    input_texts: dict[str, SourceText] = field(default_factory=dict)
    """The variables files the inputs come from."""
    problems: list[Problem] = field(default_factory=list)
    _variables: dict[str, Value | None] = field(default_factory=dict)
    _locals: dict[str, Value | None] = field(default_factory=dict)
    _outputs: dict[str, Value | None] = field(default_factory=dict)
    _calls: dict[str, list[Instance] | RegistryCall | None] = field(default_factory=dict)
    _names: dict[tuple[str, str], str | None] = field(default_factory=dict)
    _documents: dict[str, Value] = field(default_factory=dict)
    _busy: set[str] = field(default_factory=set)

    # --- Where it is -----------------------------------------------------------------------

    @property
    def root(self) -> Instance:
        instance = self
        while instance.parent is not None:
            instance = instance.parent
        return instance

    @property
    def root_directory(self) -> Path:
        return self.root.module.directory

    @property
    def root_display(self) -> str:
        return self.root.module.display or "."

    @property
    def limit(self) -> int:
        return self.run.settings.max_file_size

    def readable_roots(self) -> list[Path]:
        """Where ``file()`` may read: this module, the root module and the working directory."""
        return [self.module.directory, self.root_directory, Path.cwd().resolve()]

    def owns(self, value: Str) -> bool:
        """Whether a string is written in this module (or given to it as a root module's
        variable), so an expression of the module that uses it is where to report it."""
        path = value.span.path
        return path in self.module.paths or path in self.input_paths

    def label(self, reference: str) -> str:
        return self.address + reference

    def path(self, which: str, at: Where) -> Value:
        if which == "root":
            return Str.known(".", at)
        if which == "module":
            return Str.known(_relative(self.module.directory, self.root_directory), at)
        return Str((Hole(f"path.{which}"),), at, typed=False)

    # --- Variables, locals, outputs --------------------------------------------------------

    def variable(self, name: str, depth: int) -> Value | None:
        if name not in self._variables:
            self._variables[name] = self._variable(name, depth)
        return self._variables[name]

    def _variable(self, name: str, depth: int) -> Value | None:
        block = self.module.variables.get(name)
        value = self.inputs.get(name)
        if block is None:
            return value  # an undeclared variable (Terraform would refuse it)
        nullable = _literal(block, "nullable") is not False
        if value is not None and not (is_null(value) and not nullable):
            return self._typed(block, value, depth)
        if self.inputs_final and value is None:
            return None
        default = block.attribute("default")
        if default is None:
            return None
        found = Evaluator(self, block.file).expression(default, depth + 1)
        _mark_origin(found, f" default of var.{name}")
        return self._typed(block, found, depth)

    def _typed(self, block: Block, value: Value, depth: int) -> Value:
        type_node = block.attribute("type")
        if type_node is None or isinstance(value, Opaque):
            return value
        return _apply_type(Evaluator(self, block.file), type_node, value, depth)

    def local(self, name: str, depth: int) -> Value | None:
        if name in self._locals:
            return self._locals[name]
        found = self.module.locals.get(name)
        if found is None:
            return None
        key = f"local.{name}"
        if key in self._busy:
            file, node = found
            chain = " → ".join(sorted(k for k in self._busy if k.startswith("local.")))
            message = f"local.{name} depends on itself ({chain}), a cycle Terraform rejects"
            self.problems.append(Problem("EL900", message, file.span(node)))
            return None
        self._busy.add(key)
        file, node = found
        try:
            value: Value | None = Evaluator(self, file).expression(node.named_children[-1], depth)
        finally:
            self._busy.discard(key)
        if isinstance(value, Failed):
            value = None
        if value is not None:
            _mark_origin(value, f" local.{name}")
        self._locals[name] = value
        return value

    def check_locals(self) -> None:
        """Evaluate every local, so a cycle is reported even where nothing uses it."""
        for name in self.module.locals:
            self.local(name, 0)

    def output(self, name: str, depth: int) -> Value | None:
        if name in self._outputs:
            return self._outputs[name]
        block = self.module.outputs.get(name)
        expression = block.attribute("value") if block is not None else None
        key = f"output.{name}"
        if expression is None or block is None or key in self._busy:
            return None
        self._busy.add(key)
        try:
            value: Value | None = Evaluator(self, block.file).expression(expression, depth)
        finally:
            self._busy.discard(key)
        self._outputs[name] = None if isinstance(value, Failed) else value
        return self._outputs[name]

    def outputs(self, at: Where, depth: int) -> Mapping:
        members: dict[str, Member] = {}
        for name, block in self.module.outputs.items():
            value = self.output(name, depth)
            value = value if value is not None else Opaque((self.label(f"output.{name}"),), at)
            members[name] = Member(name, block.file.span(block.node), value)
        return Mapping(members, at)

    # --- Modules ---------------------------------------------------------------------------

    def module_value(self, name: str, output: str | None, depth: int) -> Value | None:
        """``module.NAME`` (all outputs, by instance key when it has several) or
        ``module.NAME.OUTPUT``; ``None`` when not known."""
        called = self.call(name, depth)
        block = self.module.calls.get(name)
        if called is None or block is None:
            return None
        at = Where(block.file.source, 0, 0)
        if isinstance(called, RegistryCall):
            from ecs_lint.sources._tfregistry import module_output

            return module_output(called, output, at) if output is not None else None
        keyed = block.attribute("for_each") is not None or block.attribute("count") is not None
        if not keyed:
            if not called:
                return None
            child = called[0]
            return child.output(output, depth + 1) if output else child.outputs(at, depth + 1)
        if output is not None:
            return None  # an output of a module with instances is reached through a key
        if block.attribute("count") is not None:
            return Sequence([child.outputs(at, depth + 1) for child in called], at)
        members = {
            child.key: Member(child.key, at, child.outputs(at, depth + 1))
            for child in called
            if child.key is not None
        }
        return Mapping(members, at)

    def call(self, name: str, depth: int = 0) -> list[Instance] | RegistryCall | None:
        """The instances of the module call ``name`` (none when ``count`` is 0), or the
        registry call; ``None`` when its module is not read."""
        if name not in self._calls:
            self._calls[name] = None  # what a call back into it finds meanwhile
            block = self.module.calls.get(name)
            if block is not None:
                self._calls[name] = self._follow(name, block, depth)
        return self._calls[name]

    def _follow(self, name: str, block: Block, depth: int) -> list[Instance] | RegistryCall | None:
        source_node = block.attribute("source")
        source = known_text(Evaluator(self, block.file).expression(source_node, depth)) if (
            source_node is not None
        ) else None
        if source is None or source_node is None:
            return None
        at = block.file.span(source_node)
        directory = self._module_directory(name, source, at)
        if directory is None:
            from ecs_lint.sources._tfregistry import registry_module

            table = registry_module(source)
            if table is None:
                return None
            instances = [self._arguments(block, env, depth) for _, env in self._each(block, depth)]
            return RegistryCall(name, self.address + f"module.{name}", table, instances, block)
        if len(self.key_path) + 1 > MAX_MODULE_DEPTH:
            message = (
                f"module {name!r} is nested more than {MAX_MODULE_DEPTH} modules deep, so it is "
                "not followed"
            )
            self.problems.append(Problem("EL900", message, at))
            return None
        if any(directory == i.module.directory for i in self._chain()):
            message = f"module {name!r} calls {source!r}, which calls it back (a cycle)"
            self.problems.append(Problem("EL900", message, at))
            return None
        display = posixpath.normpath(posixpath.join(self.module.display or ".", source))
        if directory.is_relative_to(self.root_directory / ".terraform"):
            display = _downloaded_display(self, directory)
        module = load_module(self.run, directory, display)
        return [
            self._instance(name, key, module, block, env, depth)
            for key, env in self._each(block, depth)
        ]

    def _chain(self) -> list[Instance]:
        chain: list[Instance] = []
        instance: Instance | None = self
        while instance is not None:
            chain.append(instance)
            instance = instance.parent
        return chain

    def _module_directory(self, name: str, source: str, at: Span) -> Path | None:
        """The directory a module source names: a local path, or where ``terraform init`` put
        a downloaded module; ``None`` for a module that is not on disk."""
        if source in (".", "..") or source.startswith(("./", "../")):
            directory = (self.module.directory / source).resolve()
            if not _has_tf_files(directory):
                message = (
                    f"module {name!r}: source {source!r} is not a directory of .tf files "
                    f"({posixpath.join(self.module.display or '.', source)})"
                )
                self.problems.append(Problem("EL900", message, at))
                return None
            return directory
        downloaded = _downloaded(self.root_directory).get(".".join((*self.key_path, name)))
        if downloaded is not None and _has_tf_files(downloaded):
            return downloaded.resolve()
        return None

    def _each(self, block: Block, depth: int) -> list[tuple[str | None, dict[str, Value]]]:
        """The instance keys of a call (``None``: it has neither ``for_each`` nor ``count``) with
        the ``each``/``count`` values its arguments see."""
        evaluator = Evaluator(self, block.file)
        for_each = block.attribute("for_each")
        count = block.attribute("count")
        at = block.file.span(block.node)
        if for_each is not None:
            return _for_each_keys(evaluator.expression(for_each, depth), at)
        if count is not None:
            value = evaluator.expression(count, depth)
            number = value.value if isinstance(value, Scalar) else None
            if isinstance(number, int) and not isinstance(number, bool):
                number = min(number, MAX_INSTANCES)
                return [(str(i), {"count": _object(at, index=Scalar(i, at))}) for i in range(number)]
            unknown = Str((Hole("count.index"),), at, typed=False)
            return [(None, {"count": _object(at, index=unknown)})]
        return [(None, {})]

    def _instance(
        self,
        name: str,
        key: str | None,
        module: ModuleDir,
        block: Block,
        env: dict[str, Value],
        depth: int,
    ) -> Instance:
        suffix = "" if key is None else _index_text(key, env)
        return Instance(
            module,
            self.run,
            address=f"{self.address}module.{name}{suffix}.",
            key_path=(*self.key_path, name),
            key=key,
            parent=self,
            inputs=dict(self._arguments(block, env, depth).entries()),
            problems=self.problems,
        )

    def _arguments(self, block: Block, env: dict[str, Value], depth: int) -> Mapping:
        evaluator = Evaluator(self, block.file, env)
        values = evaluator.body(block.body, depth, skip=_CALL_ARGUMENTS)
        return values

    # --- Resources and data sources --------------------------------------------------------

    def resource_instances(
        self, block: Block, kinds: frozenset[str], *, own: bool
    ) -> list[TfResource]:
        """A resource (or data source) block of one of ``kinds``, once per instance its
        ``count`` or ``for_each`` makes (none for a count of 0)."""
        if len(block.labels) != 2:
            return []
        kind = block.labels[0] if block.kind == "resource" else f"data.{block.labels[0]}"
        if kind not in kinds:
            return []
        address = self.label(f"{kind}.{block.labels[1]}")
        found = []
        for key, env in self._each(block, 0):
            values = Evaluator(self, block.file, env).body(block.body, 0)
            indexed = None if key is None else address + _index_text(key, env)
            found.append(TfResource(address, kind, values, block.span, indexed, own))
        return found

    def resource_attribute(
        self, kind: str, name: str, attribute: str, ev: Evaluator, node: Node, depth: int
    ) -> Value | None:
        at = ev.where(node)
        if kind == "aws_ecr_repository" and attribute == "repository_url":
            return Str(self.repository_url(name, depth), at)
        if kind == "aws_secretsmanager_secret_version" and attribute in ("arn", "secret_id"):
            return self._versioned_secret(name, at, depth)
        if attribute in _NAME_ATTRIBUTES.get(kind, ()):
            literal = self.literal_name(kind, name, depth)
            if literal is not None:
                return Str.known(literal, at)
        return None

    def _versioned_secret(self, name: str, at: Where, depth: int) -> Value | None:
        """A secret version's ``arn`` is its secret's: when ``secret_id`` is a secret of the
        configuration, its ``arn`` (which the secret's definition is known by)."""
        block = self.module.resources.get(("aws_secretsmanager_secret_version", name))
        expression = block.attribute("secret_id") if block is not None else None
        if block is None or expression is None:
            return None
        found = Evaluator(self, block.file).expression(expression, depth)
        if not (isinstance(found, Str) and len(found.parts) == 1):
            return None
        part = found.parts[0]
        secret = f"{self.address}aws_secretsmanager_secret."
        if isinstance(part, Hole) and part.label.startswith(secret):
            reference = part.label.rsplit(".", 1)[0]
            return Str((Hole(f"{reference}.arn"),), at, typed=False)
        return None

    def repository_url(self, name: str, depth: int) -> tuple[Part, ...]:
        """``<registry_id>.dkr.ecr.<region>.<dns suffix>/<name>``: an ECR host whatever the
        account."""
        literal = self.literal_name("aws_ecr_repository", name, depth)
        address = self.label(f"aws_ecr_repository.{name}")
        return (
            Hole(f"{address}.registry_id"),
            ".dkr.ecr.",
            Hole("data.aws_region.current.name"),
            ".",
            Hole("data.aws_partition.current.dns_suffix"),
            "/",
            literal if literal is not None else Hole(f"{address}.name"),
        )

    def literal_name(self, kind: str, name: str, depth: int = 0) -> str | None:
        """The resource's ``name`` when it is known; ``None`` when it is not, or when it comes
        from the resource itself (a cycle). Each resource is evaluated once."""
        key = (kind, name)
        if key not in self._names:
            self._names[key] = None  # what a reference back to it finds meanwhile
            block = self.module.resources.get(key)
            if block is not None:
                expression = block.attribute("name")
                if expression is not None:
                    found = Evaluator(self, block.file).expression(expression, depth)
                    self._names[key] = known_text(found) if isinstance(found, Str) else None
        return self._names[key]

    def data_source(
        self, kind: str, name: str, attribute: str | None, at: Where, depth: int
    ) -> Value | None:
        if kind == "aws_iam_policy_document" and attribute in ("json", "minified_json"):
            return self.policy_document(name, at, depth)
        return None

    def policy_document(self, name: str, at: Where, depth: int = 0) -> Value:
        """The policy a ``data "aws_iam_policy_document"`` block builds.

        ``depth`` is the nesting of the expression that names the block, which the block's own
        expressions continue: a chain of blocks built from each other ends as unknown values at
        the evaluator's depth limit instead of overflowing Python's stack.
        """
        if name not in self._documents:
            label = self.label(f"data.aws_iam_policy_document.{name}")
            self._documents[name] = Opaque((label,), at)
            block = self.module.data.get(("aws_iam_policy_document", name))
            if block is not None:
                values = Evaluator(self, block.file).body(block.body, depth)
                self._documents[name] = _policy_document(values, label, at)
        return self._documents[name]


# --- Helpers -----------------------------------------------------------------------------------


def root_instance(source: SourceText, settings: Settings) -> Instance:
    """The root module instance of the directory ``source`` is in, evaluated once per run."""
    run = _run(settings)
    directory = Path(source.path).parent
    display = posixpath.dirname(source.path)
    module = load_module(run, directory, display, source)
    key = module.directory
    instance = run.roots.get(key)
    if instance is None or instance.module is not module:
        values = root_values(module, settings, run)
        instance = Instance(
            module,
            run,
            inputs=values.values,
            inputs_final=values.broken,
            input_paths=frozenset(values.paths),
            input_texts=values.texts,
            problems=list(values.problems),
        )
        run.roots[key] = instance
    return instance


def _index_text(key: str, env: dict[str, Value]) -> str:
    """An instance's key as addresses write it: ``["a"]`` for ``for_each``, ``[0]`` for
    ``count``."""
    return f"[{json.dumps(key)}]" if "each" in env else f"[{key}]"


def _relative(directory: Path, root: Path) -> str:
    import os

    return Path(os.path.relpath(directory, root)).as_posix()


def _has_tf_files(directory: Path) -> bool:
    try:
        return directory.is_dir() and any(p.suffix == ".tf" for p in directory.iterdir())
    except OSError:
        return False


def _downloaded(root: Path) -> dict[str, Path]:
    """``terraform init``'s map of module calls (``a.b`` for call b inside call a) to the
    directories it downloaded them to, from ``.terraform/modules/modules.json``."""
    path = root / ".terraform" / "modules" / "modules.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    found: dict[str, Path] = {}
    entries = data.get("Modules") if isinstance(data, dict) else None
    for entry in entries if isinstance(entries, list) else []:
        if isinstance(entry, dict):
            key, directory = entry.get("Key"), entry.get("Dir")
            if isinstance(key, str) and key and isinstance(directory, str):
                found[key] = root / directory
    return found


def _downloaded_display(instance: Instance, directory: Path) -> str:
    relative = _relative(directory, instance.root_directory)
    return posixpath.normpath(posixpath.join(instance.root_display, relative))


def _literal(block: Block, name: str) -> object:
    node = block.attribute(name)
    if node is None:
        return None
    text = block.file.text(node).strip()
    return {"true": True, "false": False}.get(text, text)


def _object(at: Span, **members: Value) -> Mapping:
    return Mapping({key: Member(key, at, value) for key, value in members.items()}, at)


def _for_each_keys(value: Value, at: Span) -> list[tuple[str | None, dict[str, Value]]]:
    """``each.key``/``each.value`` for every element of a known ``for_each`` (a map by its keys
    in order, a set of strings by its elements); one instance of unknown ``each`` otherwise."""
    if isinstance(value, Mapping):
        items = sorted(value.members.items())[:MAX_INSTANCES]
        return [
            (key, {"each": _object(at, key=Str.known(key, member.key_at), value=member.value)})
            for key, member in items
        ]
    if isinstance(value, Sequence) and all(known_text(item) is not None for item in value.items):
        keys = sorted({known_text(item) or "" for item in value.items})[:MAX_INSTANCES]
        texts = {known_text(item): item for item in value.items}
        return [(key, {"each": _object(at, key=texts[key], value=texts[key])}) for key in keys]
    unknown_key = Str((Hole("each.key"),), at, typed=False)
    unknown_value = Str((Hole("each.value"),), at, typed=False)
    return [(None, {"each": _object(at, key=unknown_key, value=unknown_value)})]


def _apply_type(ev: Evaluator, type_node: Node, value: Value, depth: int) -> Value:
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
                member.value = _apply_type(ev, arguments[0], member.value, depth + 1)
        elif isinstance(value, Sequence) and name in ("list", "set"):
            value.items = [_apply_type(ev, arguments[0], item, depth + 1) for item in value.items]
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
            value.members[key] = Member(key, value.at, _apply_type(ev, inner, filled, depth + 1))
        else:
            found.value = _apply_type(ev, inner, found.value, depth + 1)
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


def _policy_document(values: Mapping, label: str, at: Where) -> Value:
    """``data "aws_iam_policy_document"`` as the JSON policy it renders."""
    for unsupported in ("source_policy_documents", "override_policy_documents", "source_json"):
        if values.get(unsupported) is not None:
            return Opaque((f"{label}.{unsupported}",), at)
    statements: list[Value] = []
    blocks = values.get("statement")
    for block in blocks.items if isinstance(blocks, Sequence) else []:
        if not isinstance(block, Mapping):
            return Opaque((label,), at)
        members: dict[str, Member] = {}

        def put(key: str, value: Value | None, into: dict[str, Member] = members) -> None:
            if value is not None:
                into[key] = Member(key, value.at, value)

        put("Sid", block.get("sid"))
        put("Effect", block.get("effect") or Str.known("Allow", block.at))
        put("Action", block.get("actions"))
        put("NotAction", block.get("not_actions"))
        put("Resource", block.get("resources"))
        put("NotResource", block.get("not_resources"))
        conditions = block.get("condition")
        if isinstance(conditions, Sequence) and conditions.items:
            tests: dict[str, Member] = {}
            for condition in conditions.items:
                test = condition.get("test")
                variable = condition.get("variable")
                if not (isinstance(test, Str) and isinstance(variable, Str)):
                    return Opaque((f"{label} condition",), at)
                inner = tests.get(test.value)
                keys = inner.value if inner is not None else Mapping({}, condition.at)
                assert isinstance(keys, Mapping)
                put(variable.value, condition.get("values"), keys.members)
                tests[test.value] = Member(test.value, condition.at, keys)
            members["Condition"] = Member("Condition", conditions.at, Mapping(tests, at))
        statements.append(Mapping(members, block.at))
    version = values.get("version") or Str.known("2012-10-17", at)
    return Mapping(
        {
            "Version": Member("Version", at, version),
            "Statement": Member("Statement", at, Sequence(statements, at)),
        },
        at,
    )


# --- Reading one file of a module --------------------------------------------------------------


@dataclass(slots=True)
class TfRead:
    """What one ``.tf`` file contributes: its resources (and, to complete its roles, the role
    policies of the module's other files), the resources of the modules it calls, the registry
    modules it calls, and the directories of the modules it follows."""

    resources: list[TfResource] = field(default_factory=list)
    registry_calls: list[RegistryCall] = field(default_factory=list)
    module_directories: list[str] = field(default_factory=list)
    texts: dict[str, SourceText] = field(default_factory=dict)
    """The files the values may come from: the modules' files and the variables files."""


def read_tf_file(source: SourceText, document: Document, settings: Settings) -> TfRead:
    """The resources of a ``.tf`` file, its module read and evaluated once per run; problems
    (its own syntax error, another file's, a broken ``.tfvars``, a missing module) go to
    ``document``."""
    instance = root_instance(source, settings)
    module = instance.module
    own = next((file for file in module.files if file.path == source.path), None)
    read = TfRead()
    if own is None:
        document.problems.extend(p for p in module.problems if p.span.path == source.path)
        return read
    instance.check_locals()
    for block in module.blocks:
        mine = block.file is own
        if block.kind in ("resource", "data"):
            kinds = _OWN_TYPES if mine else _SIBLING_TYPES
            read.resources.extend(instance.resource_instances(block, kinds, own=mine))
        elif block.kind == "module" and mine:
            _read_call(instance, block.labels[0], read, document)
    document.problems.extend(module.problems)
    document.problems.extend(instance.problems)
    read.texts.update((file.path, file.source) for file in module.files)
    read.texts.update(instance.input_texts)
    return read


def _read_call(instance: Instance, name: str, read: TfRead, document: Document) -> None:
    """The resources of the instances of a module call, and of the calls inside them."""
    called = instance.call(name)
    if isinstance(called, RegistryCall):
        read.registry_calls.append(called)
        return
    for child in called or []:
        read.module_directories.append(str(child.module.directory))
        read.texts.update((file.path, file.source) for file in child.module.files)
        document.problems.extend(child.module.problems)
        child.check_locals()
        for block in child.module.blocks:
            if block.kind in ("resource", "data"):
                read.resources.extend(child.resource_instances(block, _OWN_TYPES, own=True))
            elif block.kind == "module":
                _read_call(child, block.labels[0], read, document)
