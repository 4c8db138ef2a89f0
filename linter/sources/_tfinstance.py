"""Terraform module instances: a module with its inputs, evaluated lazily, and its calls.

An :class:`Instance` is a module (:class:`~ecs_lint.sources._tfmodule.ModuleDir`) with its
inputs: the root module's come from ``--var``, ``--var-file`` and ``.tfvars`` files
(:mod:`ecs_lint.sources._tfinputs`), a called module's from the call's arguments, each evaluated
in the caller when first asked for (:class:`CallArguments`; ``for_each`` and ``count`` make one
instance per key). A variable without a value takes its ``default``, else it is unknown. Each
variable, local, output and module call is evaluated once, and a local that depends on itself is
reported (EL900) and unknown.

A ``module`` block is followed when its source is a local directory (``./modules/svc``,
``../..``) or was downloaded by ``terraform init``; a registry module that is not on disk is
read through the table of :mod:`ecs_lint.sources._tfregistry`. Calls nest up to
:data:`MAX_MODULE_DEPTH`; a module that calls itself (directly or not), a source that does not
exist and a call nested too deep are reported (EL900) and not followed; the rest of the module
is still evaluated. The resources of a called module are addressed as Terraform addresses them
(``module.svc.aws_iam_role.exec``), so references inside it name its own definitions.
"""

from __future__ import annotations

import json
import os
import posixpath
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ecs_lint.model import Problem, ProblemKind
from ecs_lint.sources._hcl import Evaluator, Failed, as_number, is_null, known_text
from ecs_lint.sources._hclsyntax import hcl_comments
from ecs_lint.sources._tfinputs import apply_type, mark_origin, root_values
from ecs_lint.sources._tfmodule import (
    downloaded_modules,
    file_stamp,
    has_tf_files,
    load_module,
    run_cache,
)
from ecs_lint.sources._values import Hole, Mapping, Member, Opaque, Scalar, Sequence, Str, Where
from ecs_lint.sources.terraform import TfResource

if TYPE_CHECKING:
    from collections.abc import Mapping as Table

    from tree_sitter import Node

    from ecs_lint.model import Document, Span
    from ecs_lint.settings import Settings
    from ecs_lint.sources._hcl import Function
    from ecs_lint.sources._tfmodule import Block, ModuleDir, RunCache, Stamp
    from ecs_lint.sources._tfregistry import RegistryModule
    from ecs_lint.sources._values import Part, Value
    from ecs_lint.textio import SourceText

__all__ = [
    "MAX_MODULE_DEPTH",
    "CallArguments",
    "Instance",
    "RegistryCall",
    "TfRead",
    "read_tf_file",
    "root_instance",
]

MAX_MODULE_DEPTH: Final = 16
"""Module calls followed inside each other; deeper calls are reported and not followed."""
MAX_INSTANCES: Final = 1000
"""Instances a ``for_each`` or ``count`` makes of one module call or resource."""
_UNSCOPED: Final = frozenset({"var", "local", "path", "each", "count", "self", "terraform"})
"""Reference roots that name no resource: their labels are not the instance's."""

_CALL_ARGUMENTS: Final = frozenset(
    {"source", "version", "for_each", "count", "providers", "depends_on"}
)
# Resource types a file's document reads, those the module's other files contribute to its
# roles, and the data sources that say which service a secret reference reads.
_OWN_TYPES: Final = frozenset(
    {
        "aws_ecs_task_definition",
        "aws_ecs_service",
        "aws_ecs_express_gateway_service",
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


@dataclass(eq=False)
class CallArguments:
    """The arguments of one instance of a module call, each evaluated in the caller when first
    asked for: a module's output may feed another call's argument, and that call's output an
    argument of the first (Terraform allows it), which evaluating all at once would make a
    cycle of."""

    caller: Instance
    block: Block
    env: dict[str, Value]
    _values: dict[str, Value | None] = field(default_factory=dict)
    _busy: set[str] = field(default_factory=set)

    def get(self, name: str, depth: int) -> Value | None:
        """The argument ``name`` (a null one too); ``None`` when the call does not give it."""
        if name in self._values:
            return self._values[name]
        node = self.block.attribute(name)
        if node is None or name in _CALL_ARGUMENTS or name in self._busy:
            return None
        self._busy.add(name)
        try:
            evaluator = Evaluator(self.caller, self.block.file, self.env)
            value: Value | None = evaluator.expression(node, depth)
        finally:
            self._busy.discard(name)
        if isinstance(value, Failed):
            value = Opaque(value.labels, value.at, value.display)
        self._values[name] = value
        return value

    def mapping(self) -> Mapping:
        """Every argument (nested blocks too), for a module read through the table."""
        evaluator = Evaluator(self.caller, self.block.file, self.env)
        return evaluator.body(self.block.body, 0, skip=_CALL_ARGUMENTS)


@dataclass(slots=True, eq=False)
class RegistryCall:
    """A call of a registry module that is not on disk, read through the module table."""

    name: str
    address: str
    table: RegistryModule
    instances: list[CallArguments]
    """The arguments of each instance (one per ``for_each`` key)."""
    block: Block


@dataclass(eq=False)
class Instance:
    """A module with its inputs, evaluated lazily. ``address`` prefixes the labels of its
    resources (``module.svc.``); ``key_path`` names the calls that lead to it from the root."""

    module: ModuleDir
    run: RunCache
    address: str = ""
    key_path: tuple[str, ...] = ()
    key: str | None = None
    """The instance's ``for_each`` key or ``count`` index, if it has one."""
    parent: Instance | None = None
    arguments: CallArguments | None = None
    """A called module's inputs; the root module's are ``inputs``."""
    inputs: dict[str, Value] = field(default_factory=dict)
    inputs_final: bool = False
    """Set when a variable without an input is unknown, not defaulted (a broken ``.tfvars``)."""
    input_paths: frozenset[str] = frozenset()
    input_texts: dict[str, SourceText] = field(default_factory=dict)
    """The variables files the inputs come from."""
    var_files: tuple[Stamp, ...] = ()
    """The stamps of the ``--var-file`` files the inputs were read from."""
    problems: list[Problem] = field(default_factory=list)
    _variables: dict[str, Value | None] = field(default_factory=dict)
    _locals: dict[str, Value | None] = field(default_factory=dict)
    _outputs: dict[str, Value | None] = field(default_factory=dict)
    _targets: dict[str, Path | RegistryModule | None] = field(default_factory=dict)
    _sources: dict[str, str] = field(default_factory=dict)
    _calls: dict[str, list[Instance] | RegistryCall | None] = field(default_factory=dict)
    _names: dict[tuple[str, str], str | None] = field(default_factory=dict)
    _documents: dict[str, Value] = field(default_factory=dict)
    _resources: dict[int, list[TfResource]] = field(default_factory=dict)
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
    def texts(self) -> list[SourceText]:
        """The files its values may come from: its module's files and variables files."""
        return [*(file.source for file in self.module.files), *self.input_texts.values()]

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

    # --- Names (the evaluator's Scope) ----------------------------------------------------

    @property
    def functions(self) -> Table[str, Function]:
        from ecs_lint.sources._tffunctions import FUNCTIONS

        return FUNCTIONS

    def reference(
        self, ev: Evaluator, node: Node, root: str, rest: list[Node], depth: int
    ) -> Value:
        """``var.``, ``local.``, ``path.``, ``module.``, ``data.`` and resource references."""
        first = ev.file.text(rest[0].named_children[-1]) if rest else None
        if rest and rest[0].type != "get_attr":
            first = None
        if root == "var" and first is not None:
            return ev.named(node, self.variable(first, depth), rest[1:], depth)
        if root == "local" and first is not None:
            return ev.named(node, self.local(first, depth), rest[1:], depth)
        if root == "path" and first is not None:
            return ev.postfix(node, self.path(first, ev.where(rest[0])), rest[1:], depth)
        if root == "module" and first is not None:
            return self._module_reference(ev, node, first, rest[1:], depth)
        names = [ev.file.text(step.named_children[-1]) for step in _attributes(rest)]
        if root == "data" and len(names) >= 2:
            attribute = names[2] if len(names) > 2 else None
            found = self.data_source(names[0], names[1], attribute, ev.where(node), depth)
            if found is not None:
                return ev.postfix(node, found, rest[3:], depth)
        elif len(names) >= 2:
            found = self.resource_attribute(root, names[0], names[1], ev, node, depth)
            if found is not None and len(rest) == 2:
                return found
        text = _reference_label(ev, root, rest, depth)
        unscoped = root in _UNSCOPED or not rest
        return ev.hole(node, text if unscoped else self.label(text))

    def _module_reference(
        self, ev: Evaluator, node: Node, name: str, rest: list[Node], depth: int
    ) -> Value:
        output = None
        if rest and rest[0].type == "get_attr":
            output = ev.file.text(rest[0].named_children[-1])
        found = self.module_value(name, output, ev.where(node), depth)
        if found is None:
            return ev.hole(node, self.label(ev.reference_text(node)))
        return ev.postfix(node, found, rest[1:] if output is not None else rest, depth)

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
        if self.arguments is not None:
            value = self.arguments.get(name, depth)
        else:
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
        mark_origin(found, f" default of var.{name}", self.module.paths)
        return self._typed(block, found, depth)

    def _typed(self, block: Block, value: Value, depth: int) -> Value:
        type_node = block.attribute("type")
        if type_node is None or isinstance(value, Opaque):
            return value
        return apply_type(Evaluator(self, block.file), type_node, value, depth)

    def local(self, name: str, depth: int) -> Value | None:
        if name in self._locals:
            return self._locals[name]
        found = self.module.locals.get(name)
        if found is None:
            return None
        file, node = found
        key = f"local.{name}"
        if key in self._busy:
            message = f"local.{name} depends on itself, a cycle Terraform rejects"
            self.problems.append(Problem(ProblemKind.PARSE, message, file.span(node)))
            return None
        self._busy.add(key)
        try:
            value: Value | None = Evaluator(self, file).expression(node.named_children[-1], depth)
        finally:
            self._busy.discard(key)
        if isinstance(value, Failed):
            value = None
        if value is not None:
            mark_origin(value, f" local.{name}", self.module.paths)
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

    def module_value(self, name: str, output: str | None, at: Where, depth: int) -> Value | None:
        """``module.NAME`` (all outputs, by instance key when it has several) or
        ``module.NAME.OUTPUT``; ``None`` when not known."""
        block = self.module.calls.get(name)
        target = self.target(name, depth)
        if block is None or target is None:
            return None
        if not isinstance(target, Path):
            from ecs_lint.sources._tfregistry import module_output

            address = f"{self.address}module.{name}"
            return module_output(target, address, output, at) if output is not None else None
        called = self.call(name, depth)
        if not isinstance(called, list):
            return None
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

    def target(self, name: str, depth: int = 0) -> Path | RegistryModule | None:
        """Where the module call ``name`` leads: the module's directory, or its table entry;
        ``None`` when its module is not read."""
        if name not in self._targets:
            self._targets[name] = None
            block = self.module.calls.get(name)
            if block is not None:
                self._targets[name] = self._target(name, block, depth)
        return self._targets[name]

    def _target(self, name: str, block: Block, depth: int) -> Path | RegistryModule | None:
        source_node = block.attribute("source")
        if source_node is None:
            return None
        source = known_text(Evaluator(self, block.file).expression(source_node, depth))
        if source is None:
            return None
        self._sources[name] = source
        at = block.file.span(source_node)
        directory = self._module_directory(name, source, at)
        if directory is None:
            from ecs_lint.sources._tfregistry import registry_module

            return registry_module(source)
        if len(self.key_path) + 1 > MAX_MODULE_DEPTH:
            message = (
                f"module {name!r} is nested more than {MAX_MODULE_DEPTH} modules deep, so it is "
                "not followed"
            )
            self.problems.append(Problem(ProblemKind.PARSE, message, at))
            return None
        if any(directory == instance.module.directory for instance in self._chain()):
            message = f"module {name!r} calls {source!r}, which calls it back (a cycle)"
            self.problems.append(Problem(ProblemKind.PARSE, message, at))
            return None
        return directory

    def call(self, name: str, depth: int = 0) -> list[Instance] | RegistryCall | None:
        """The instances of the module call ``name`` (none when ``count`` is 0), or the
        registry call; ``None`` when its module is not read."""
        if name not in self._calls:
            self._calls[name] = None  # what a call back into it finds meanwhile
            block = self.module.calls.get(name)
            target = self.target(name, depth)
            if block is not None and target is not None:
                self._calls[name] = self._follow(name, block, target, depth)
        return self._calls[name]

    def _follow(
        self, name: str, block: Block, target: Path | RegistryModule, depth: int
    ) -> list[Instance] | RegistryCall:
        keys = self._each(block, depth)
        if not isinstance(target, Path):
            arguments = [CallArguments(self, block, env) for _, env in keys]
            return RegistryCall(name, f"{self.address}module.{name}", target, arguments, block)
        module = load_module(self.run, target, self._display(target, self._sources[name]))
        return [
            Instance(
                module,
                self.run,
                address=f"{self.address}module.{name}{_index_text(key, env)}.",
                key_path=(*self.key_path, name),
                key=key,
                parent=self,
                arguments=CallArguments(self, block, env),
                problems=self.problems,
            )
            for key, env in keys
        ]

    def _display(self, directory: Path, source: str) -> str:
        """How messages name a called module's directory: as the run names the caller's."""
        if directory.is_relative_to(self.root_directory / ".terraform"):
            relative = _relative(directory, self.root_directory)
            return posixpath.normpath(posixpath.join(self.root_display, relative))
        return posixpath.normpath(posixpath.join(self.module.display or ".", source))

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
            try:
                directory = (self.module.directory / source).resolve()
            except (OSError, RuntimeError):  # a link loop
                directory = self.module.directory / source
            if not has_tf_files(directory):
                shown = posixpath.join(self.module.display or ".", source)
                message = (
                    f"module {name!r}: source {source!r} is not a directory of .tf files ({shown})"
                )
                self.problems.append(Problem(ProblemKind.PARSE, message, at))
                return None
            return directory
        downloaded = downloaded_modules(self.root_directory).get(".".join((*self.key_path, name)))
        if downloaded is not None and has_tf_files(downloaded):
            return downloaded.resolve()
        return None

    def _each(self, block: Block, depth: int) -> list[tuple[str | None, dict[str, Value]]]:
        """The instance keys of a block (``None``: it has neither ``for_each`` nor ``count``)
        with the ``each``/``count`` values its body sees; none for a ``count`` of 0."""
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
                indexes = range(min(number, MAX_INSTANCES))
                return [(str(i), {"count": _object(at, index=Scalar(i, at))}) for i in indexes]
            unknown = Str((Hole("count.index"),), at, typed=False)
            return [(None, {"count": _object(at, index=unknown)})]
        return [(None, {})]

    # --- Resources and data sources --------------------------------------------------------

    def resource_instances(
        self, block: Block, kinds: frozenset[str], *, own: bool
    ) -> list[TfResource]:
        """A resource (or data source) block of one of ``kinds``, once per instance its
        ``count`` or ``for_each`` makes (none for a count of 0); each evaluated once."""
        if len(block.labels) != 2:
            return []
        kind = block.labels[0] if block.kind == "resource" else f"data.{block.labels[0]}"
        if kind not in kinds:
            return []
        evaluated = self._resources.get(id(block))
        if evaluated is None:
            evaluated = self._resources[id(block)] = self._instances_of(block, kind)
        return [replace(resource, own=own) for resource in evaluated]

    def _instances_of(self, block: Block, kind: str) -> list[TfResource]:
        address = self.label(f"{kind}.{block.labels[1]}")
        found = []
        for key, env in self._each(block, 0):
            values = Evaluator(self, block.file, env).body(block.body, 0)
            indexed = None if key is None else address + _index_text(key, env)
            found.append(TfResource(address, kind, values, block.span, indexed))
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
            expression = block.attribute("name") if block is not None else None
            if block is not None and expression is not None:
                found = Evaluator(self, block.file).expression(expression, depth)
                self._names[key] = known_text(found) if isinstance(found, Str) else None
        return self._names[key]

    def data_source(
        self, kind: str, name: str, attribute: str | None, at: Where, depth: int
    ) -> Value | None:
        if kind == "aws_iam_policy_document" and attribute in ("json", "minified_json"):
            return self.policy_document(name, at, depth)
        if kind == "aws_iam_policy" and attribute == "arn":
            return self.managed_policy_arn(name, at, depth)
        return None

    def managed_policy_arn(self, name: str, at: Where, depth: int) -> Value | None:
        """The ARN a ``data "aws_iam_policy"`` block looks up: the ``arn`` it is given, or the
        AWS managed policy its ``name`` names, when ecs-lint knows that policy (any other name
        may be the account's own policy: unknown)."""
        block = self.module.data.get(("aws_iam_policy", name))
        if block is None:
            return None
        values = Evaluator(self, block.file).body(block.body, depth)
        given = known_text(values.get("arn"))
        if given is not None:
            return Str.known(given, at)
        policy_name = known_text(values.get("name"))
        if policy_name is None:
            return None
        from ecs_lint.iam.managed import aws_managed_arn  # only a module that looks one up

        arn = aws_managed_arn(policy_name)
        return None if arn is None else Str.known(arn, at)

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


# --- Reading one file of a module --------------------------------------------------------------


@dataclass(slots=True)
class TfRead:
    """What one ``.tf`` file contributes: its resources (and, to complete its roles, the role
    policies of the module's other files), the resources of the modules it calls, the registry
    modules it calls, the directories of the modules it follows, and the files values may come
    from (the modules' files, the variables files)."""

    resources: list[TfResource] = field(default_factory=list)
    registry_calls: list[RegistryCall] = field(default_factory=list)
    module_directories: list[str] = field(default_factory=list)
    texts: list[SourceText] = field(default_factory=list)


def _attributes(steps: list[Node]) -> list[Node]:
    """The leading ``.name`` steps of a reference."""
    found = []
    for step in steps:
        if step.type != "get_attr":
            break
        found.append(step)
    return found


def _reference_label(ev: Evaluator, root: str, rest: list[Node], depth: int) -> str:
    """A reference as Terraform addresses it, with its known indexes evaluated
    (``aws_iam_policy.exec[0].arn`` for ``aws_iam_policy.exec[count.index].arn``)."""
    pieces = [root]
    for step in rest:
        inner = step.named_children[0] if step.named_children else None
        if step.type == "index" and inner is not None and inner.type == "new_index":
            key = ev.expression(inner.named_children[0], depth)
            number, text = as_number(key), known_text(key)
            if isinstance(key, Scalar) and isinstance(number, int):
                pieces.append(f"[{number}]")
                continue
            if isinstance(key, Str) and text is not None:
                pieces.append(f"[{json.dumps(text)}]")
                continue
        pieces.append("".join(ev.file.text(step).split()))
    return "".join(pieces)


def root_instance(source: SourceText, settings: Settings) -> Instance:
    """The root module instance of the directory ``source`` is in, evaluated once per run."""
    run = run_cache(settings)
    run.forget_stale_roots()
    module = load_module(run, Path(source.path).parent, posixpath.dirname(source.path), source)
    instance = run.roots.get(module.directory)
    var_files = tuple(file_stamp(Path(path)) for path in settings.terraform_var_files)
    if instance is None or instance.module is not module or instance.var_files != var_files:
        values = root_values(module, settings, run)
        instance = Instance(
            module,
            run,
            inputs=values.values,
            inputs_final=values.broken,
            input_paths=frozenset(values.paths),
            input_texts=values.texts,
            var_files=var_files,
            problems=list(values.problems),
        )
        run.roots[module.directory] = instance
    return instance


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
    document.statements, document.comments = hcl_comments(own)
    instance.check_locals()
    for block in module.blocks_of.get(own.path, []):
        if block.kind in ("resource", "data"):
            read.resources.extend(instance.resource_instances(block, _OWN_TYPES, own=True))
        elif block.kind == "module":
            _read_call(instance, block.labels[0], read, document)
    for kind in _SIBLING_TYPES:
        for block in module.of_type.get(kind, []):
            if block.file is not own:
                siblings = instance.resource_instances(block, _SIBLING_TYPES, own=False)
                read.resources.extend(siblings)
    document.problems.extend(module.problems)
    document.problems.extend(instance.problems)
    read.texts.extend(instance.texts)
    return read


def _read_call(instance: Instance, name: str, read: TfRead, document: Document) -> None:
    """The resources of the instances of a module call, and of the calls inside them."""
    called = instance.call(name)
    if isinstance(called, RegistryCall):
        read.registry_calls.append(called)
        return
    target = instance.target(name)
    if isinstance(target, Path):  # called, even when no instance is made (count = 0)
        read.module_directories.append(str(target))
    for child in called or []:
        read.texts.extend(child.texts)
        document.problems.extend(child.module.problems)
        child.check_locals()
        for block in child.module.blocks:
            if block.kind in ("resource", "data"):
                read.resources.extend(child.resource_instances(block, _OWN_TYPES, own=True))
            elif block.kind == "module":
                _read_call(child, block.labels[0], read, document)


# --- Helpers -----------------------------------------------------------------------------------


def _index_text(key: str | None, env: dict[str, Value]) -> str:
    """An instance's key as addresses write it: ``["a"]`` for ``for_each``, ``[0]`` for
    ``count``; nothing without a key."""
    if key is None:
        return ""
    return f"[{json.dumps(key)}]" if "each" in env else f"[{key}]"


def _relative(directory: Path, root: Path) -> str:
    return Path(os.path.relpath(directory, root)).as_posix()


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
        texts = {known_text(item) or "": item for item in value.items}
        keys = sorted(texts)[:MAX_INSTANCES]
        return [(key, {"each": _object(at, key=texts[key], value=texts[key])}) for key in keys]
    unknown_key = Str((Hole("each.key"),), at, typed=False)
    unknown_value = Str((Hole("each.value"),), at, typed=False)
    return [(None, {"each": _object(at, key=unknown_key, value=unknown_value)})]


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
