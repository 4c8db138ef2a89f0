"""Terraform: the JSON of ``terraform show -json`` (a plan or a state) and ``.tf`` files.

Both are read into the same resources (:class:`TfResource`: an address, a type and attribute
values in the neutral value tree of :mod:`ecs_lint.sources._values`), and this module turns those
into the model:

* ``aws_ecs_task_definition``: a ``TaskView`` (``execution_role_arn``, ``requires_compatibilities``,
  ``network_mode``) whose containers come from ``container_definitions`` (a JSON string in a plan,
  ``jsonencode([...])``, a heredoc or ``file("containers.json")`` in HCL), read and shape-checked
  like task-definition JSON, with spans into the file that holds the text;
* ``aws_iam_role`` (``inline_policy``, ``managed_policy_arns``, ``permissions_boundary``),
  ``aws_iam_role_policy``, ``aws_iam_role_policy_attachment``, ``aws_iam_policy``: roles and
  policies for the execution-role checks;
* ``aws_secretsmanager_secret`` (``kms_key_id``) and ``aws_ssm_parameter``: secrets;
* ``aws_ecs_service``: a ``ServiceView`` with its ``desired_count``;
* ``aws_ecs_express_gateway_service``: an Express Mode service, its task and service read as
  every source reads them (:mod:`ecs_lint.sources._tfexpress`).

A value Terraform knows only after apply, or that an expression computes from something else, is
a hole labelled with the reference that gives it (``${aws_iam_role.exec.arn}``,
``${module.ecs.aws_secretsmanager_secret.hub.arn}``): roles, policies and secrets defined in the
same configuration are known by those labels, so the execution-role checks match them exactly,
and anything unknown stays unknown (EL103 for images, EL207 for roles), never guessed. A label
means something only within its plan, or its module (``Document.scope``: the ``.tf`` files of one
directory), so two environments that both define ``aws_iam_role.execution`` stay apart.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ecs_lint import jsonpos
from ecs_lint.model import (
    Document,
    Located,
    PolicyDefinition,
    Problem,
    ProblemKind,
    RoleDefinition,
    SecretDefinition,
    ServiceView,
    TaskView,
)
from ecs_lint.sources._iac import image_reference
from ecs_lint.sources._insert import mapping_insertions
from ecs_lint.sources._mapped import MappedStr
from ecs_lint.sources._roles import RoleCollection, attach_managed_arn, attach_policy
from ecs_lint.sources._tasks import (
    CAMEL,
    READ_CONTAINER_KEYS,
    JsonView,
    TaskReader,
    shape_problems,
)
from ecs_lint.sources._values import (
    Hole,
    Mapping,
    Opaque,
    Scalar,
    Sequence,
    Str,
    Text,
    has_opaque,
    unknown_labels,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from ecs_lint.model import Reference, Span
    from ecs_lint.settings import Settings
    from ecs_lint.sources._tasks import Node, SpanOf
    from ecs_lint.sources._values import Part, Value
    from ecs_lint.textio import SourceText

__all__ = ["ModuleContainers", "TfResource", "build_document", "module_scope", "parse"]

_INDEX: Final = re.compile(r"\[[^\]]*\]")
_PLACEHOLDER: Final = re.compile(r"\$\{([^}]*)\}")


def parse(source: SourceText, settings: Settings) -> Document:
    """A plan/state JSON file or a ``.tf`` file; never raises on bad input."""
    document = Document(source.path)
    if source.text.lstrip().startswith("{"):
        from ecs_lint.sources._tfplan import read_plan

        resources = read_plan(source, document)
    else:
        from ecs_lint.sources._tfinstance import read_tf_file
        from ecs_lint.sources._tfregistry import registry_images

        read = read_tf_file(source, document, settings)
        # A module is every .tf file of one directory: references between them are one scope.
        document.scope = module_scope(source.path)
        build_document(document, read.resources, source)
        for call in read.registry_calls:
            document.images.extend(registry_images(call))
        document.covered_directories.extend(dict.fromkeys(read.module_directories))
        document.related_texts = read.texts
        return document
    build_document(document, resources)
    return document


VALUES_HINT: Final = (
    "give the variables it uses a value (--var NAME=VALUE, --var-file FILE, terraform.tfvars or "
    "a default), or lint the plan: terraform show -json PLAN > plan.json"
)
"""``ImageUse.values_hint`` of ``.tf`` files."""
PLAN_VALUES_HINT: Final = "it is known only after apply: lint the state (terraform show -json)"
"""``ImageUse.values_hint`` of plans."""


class ModuleContainers(Opaque):
    """Containers a registry module builds from its call's arguments (an output of
    ``cloudposse/ecs-container-definition/aws``): their images are reported at the call, so a
    task using them has no unknown images of its own."""


@dataclass(slots=True, eq=False)
class TfResource:
    """One resource: ``address`` as references name it (``module.ecs.aws_iam_role.exec``),
    ``indexed`` with its instance key when it has one (``aws_iam_role.exec[0]``). ``own`` is false
    for resources of other files of the same module, read only to complete this file's roles."""

    address: str
    type: str
    values: Mapping
    span: Span
    indexed: str | None = None
    own: bool = True

    def get(self, attribute: str) -> Value | None:
        return self.values.get(attribute)

    def labels(self, *attributes: str) -> tuple[str, ...]:
        addresses = dict.fromkeys(a for a in (self.address, self.indexed) if a)
        return tuple(f"${{{a}.{attr}}}" for a in addresses for attr in attributes)


def build_document(
    document: Document, resources: list[TfResource], tf_source: SourceText | None = None
) -> None:
    """The model of ``resources``; ``tf_source`` is the ``.tf`` file they were read from, whose
    ``jsonencode({...})`` containers a fix may then add members to."""
    _Builder(document, resources, tf_source).build()


# --- Building the model --------------------------------------------------------------------------


@dataclass(slots=True)
class _Builder:
    document: Document
    resources: list[TfResource]
    tf_source: SourceText | None = None
    roles: RoleCollection = field(default_factory=RoleCollection)
    tasks: dict[str, TaskView] = field(default_factory=dict)

    def of_type(self, kind: str) -> list[TfResource]:
        return [resource for resource in self.resources if resource.type == kind]

    def build(self) -> None:
        for resource in self.of_type("aws_ecs_task_definition"):
            if resource.own:
                self._task(resource)
        for resource in self.of_type("aws_iam_role"):
            self._role(resource)
        for resource in self.of_type("aws_iam_role_policy"):
            self._role_policy(resource)
        for resource in self.of_type("aws_iam_role_policy_attachment"):
            self._attachment(resource)
        for resource in self.of_type("aws_iam_policy"):
            if resource.own:
                self._policy(resource)
        for resource in self.of_type("aws_secretsmanager_secret"):
            if resource.own:
                self._secret(resource)
        for resource in self.of_type("aws_ssm_parameter"):
            if resource.own:
                self._parameter(resource)
        for resource in self.resources:
            if resource.own and resource.type in _READ_SECRETS:
                self._read_secret(resource)
        for resource in self.of_type("aws_ecs_service"):
            if resource.own:
                self._service(resource)
        for resource in self.of_type("aws_ecs_express_gateway_service"):
            if resource.own:
                self._express_service(resource)
        self.document.roles.extend(self.roles.defined())

    # --- Task definitions and services ----------------------------------------------------

    def _reader(self) -> TaskReader:
        """A reader of containers written in this source: its image references (unknown
        parts named), and how their variables get values (``--var`` for ``.tf`` files)."""
        reader = TaskReader(CAMEL, _image_reference)
        reader.values_hint = PLAN_VALUES_HINT if self.tf_source is None else VALUES_HINT
        return reader

    def _task(self, resource: TfResource) -> None:
        reader = self._reader()
        if self.tf_source is not None:
            # jsonencode([{...}]) objects take ``key = value`` members; heredoc JSON, JSON.
            reader.insertion = mapping_insertions(self.tf_source, pascal=False, hcl=True)
        containers_node = self._containers_node(resource)
        where = (resource.address, "container_definitions")
        containers = reader.containers(containers_node) if containers_node is not None else ()
        if containers_node is not None:
            self.document.problems.extend(
                shape_problems(containers_node, where, CAMEL, containers_only=True)
            )
        family = resource.get("family")
        task = TaskView(
            family=family.value if isinstance(family, Str) else resource.address,
            span=resource.span,
            containers=containers,
            execution_role=_located(resource.get("execution_role_arn")),
            requires_compatibilities=_strings(resource.get("requires_compatibilities")),
            network_mode=_text(resource.get("network_mode")),
        )
        self.tasks[resource.address] = task
        if resource.indexed:
            self.tasks[resource.indexed] = task
        self.document.tasks.append(task)
        self.document.images.extend(reader.images)

    def _containers_node(self, resource: TfResource) -> Node | None:
        value = resource.get("container_definitions")
        if isinstance(value, Sequence):
            return without_nulls(value)
        if value is None or isinstance(value, ModuleContainers):
            return None
        if isinstance(value, Opaque):
            return value
        if isinstance(value, MappedStr) and value.mapped is not None:
            mapped = value.mapped
            text = _json_with_holes(value, mapped.text)
            if text is None:
                display = f"{resource.address}.container_definitions"
                return Opaque(value.holes, value.span, display)
            raw = mapped.text if mapped.verbatim else None
            return self._parse_json(text, mapped.span, raw, resource, mapped.put_at)
        if isinstance(value, Str):
            text = _json_with_holes(value, value.value)
            if text is None:
                return Opaque(value.holes, value.span, value.value)
            whole = value.span  # characters that cannot be mapped all sit at the string

            def at_string(start: int, end: int) -> Span:
                return whole

            return self._parse_json(text, at_string, None, resource)
        return Opaque(("container_definitions",), value.span)

    def _parse_json(
        self,
        text: str,
        span_of: SpanOf,
        raw: str | None,
        resource: TfResource,
        put_at: Callable[[int, int], Text | None] | None = None,
    ) -> Node | None:
        try:
            parsed = jsonpos.parse(text)
        except jsonpos.JsonError as error:
            span = span_of(error.offset, error.offset + 1)
            message = f"{resource.address}.container_definitions is not valid JSON: {error.message}"
            self.document.problems.append(Problem(ProblemKind.SHAPE, message, span))
            return None
        return JsonView(parsed.root, span_of, raw, put_at)

    def _service(self, resource: TfResource) -> None:
        task = resource.get("task_definition")
        tasks: tuple[TaskView, ...] = ()
        if isinstance(task, Str) and len(task.parts) == 1 and isinstance(task.parts[0], Hole):
            found = self.tasks.get(_address(task.parts[0].label))
            tasks = (found,) if found is not None else ()
        providers: list[str] = []
        strategy = resource.get("capacity_provider_strategy")
        for item in strategy.items if isinstance(strategy, Sequence) else []:
            provider = _text(item.get("capacity_provider"))
            if provider is not None:
                providers.append(provider)
        name = _text(resource.get("name"))
        count, count_is_default = _desired_count(resource)
        self.document.services.append(
            ServiceView(
                name if name is not None else resource.address,
                resource.span,
                desired_count=count,
                desired_count_is_default=count_is_default,
                task_definition=_located(task),
                tasks=tasks,
                launch_type=_text(resource.get("launch_type")),
                capacity_providers=tuple(providers),
            )
        )

    def _express_service(self, resource: TfResource) -> None:
        from ecs_lint.sources._tfexpress import read_express_service

        read = read_express_service(
            resource.values, resource.address, resource.span, self._reader()
        )
        service, images = read.service, list(read.images)
        named = service.task_definition
        found = (
            self.tasks.get(_address(named.unresolved[0])) if named and named.unresolved else None
        )
        if found is not None and service.unchecked_images is not None:
            # task_definition_arn = aws_ecs_task_definition.x.arn: that task definition's images
            images.remove(service.unchecked_images)
            service = replace(service, tasks=(found,), unchecked_images=None)
        if read.task is not None:
            self.document.tasks.append(read.task)
        self.document.services.append(service)
        self.document.images.extend(images)

    # --- IAM ------------------------------------------------------------------------------

    def _role(self, resource: TfResource) -> None:
        name = _text(resource.get("name"))
        arn = _text(resource.get("arn"))
        keys = [*resource.labels("arn", "name", "id"), *(k for k in (name, arn) if k)]
        role = RoleDefinition(resource.span, tuple(dict.fromkeys(keys)), name=name, arn=arn)
        inline = resource.get("inline_policy")
        for item in inline.items if isinstance(inline, Sequence) else []:
            label = _text(item.get("name")) or "(unnamed)"
            policy = item.get("policy")
            if policy is None:
                continue  # an empty inline_policy block: Terraform's way to say "none"
            definition = _policy_definition(label, policy, item.span)
            attach_policy(role, definition, f"inline policy {label} of {resource.address}")
        if isinstance(inline, Opaque | Str):
            role.unresolved = (*role.unresolved, f"inline_policy of {resource.address}")
        managed = resource.get("managed_policy_arns")
        unknown_managed = f"managed_policy_arns of {resource.address}"
        if isinstance(managed, Sequence):
            for item in managed.items:
                attach_managed_arn(role, _located(item), unknown_managed)
        elif managed is not None and not isinstance(managed, Scalar):
            role.unresolved = (*role.unresolved, unknown_managed)
        role.permissions_boundary = _located(resource.get("permissions_boundary"))
        role.unresolved = tuple(dict.fromkeys(role.unresolved))
        self.roles.add(role, resource.address, resource.indexed, own=resource.own)

    def _role_policy(self, resource: TfResource) -> None:
        role = self.roles.named(resource.get("role"), _address)
        if role is None:
            self._maybe_attached(resource)
            return
        label = _text(resource.get("name")) or resource.address
        policy = resource.get("policy")
        definition = (
            _policy_definition(label, policy, resource.span) if policy is not None else None
        )
        attach_policy(role, definition, f"policy {resource.address}")

    def _attachment(self, resource: TfResource) -> None:
        role = self.roles.named(resource.get("role"), _address)
        if role is None:
            self._maybe_attached(resource)
            return
        arn = _located(resource.get("policy_arn"))
        attach_managed_arn(role, arn, f"policy_arn of {resource.address}")

    def _maybe_attached(self, resource: TfResource) -> None:
        """A policy given to a role the configuration computes: the roles it may be make
        their policies unknown."""
        named = resource.get("role")
        if named is None or (isinstance(named, Str) and named.is_known):
            return
        for role in self.roles.referenced(unknown_labels([named]), _address):
            role.unresolved = (*role.unresolved, f"the role of {resource.address}")

    def _policy(self, resource: TfResource) -> None:
        policy = resource.get("policy")
        document = _policy_document(policy) if policy is not None else None
        if document is None:
            return  # unknown: a role attaching it is then unknown (EL207), not guessed
        arn = _text(resource.get("arn"))
        keys = [*resource.labels("arn", "id"), *(k for k in (arn,) if k)]
        name = _text(resource.get("name")) or resource.address
        self.document.policies.append(
            PolicyDefinition(name, document, resource.span, tuple(dict.fromkeys(keys)))
        )

    # --- Secrets --------------------------------------------------------------------------

    def _secret(self, resource: TfResource) -> None:
        name = _text(resource.get("name"))
        arn = _text(resource.get("arn"))
        keys = [*resource.labels("arn", "id"), *(k for k in (arn,) if k)]
        self.document.secrets.append(
            SecretDefinition(
                resource.span,
                tuple(dict.fromkeys(keys)),
                name=name,
                arn=arn,
                kms_key=_located(resource.get("kms_key_id")),
                name_prefix=_generated_name_prefix(resource),
                with_tasks=_default_provider(resource),
            )
        )

    def _parameter(self, resource: TfResource) -> None:
        name = _text(resource.get("name"))
        arn = _text(resource.get("arn"))
        keys = [*resource.labels("name", "arn", "id"), *(k for k in (name, arn) if k)]
        secure = _text(resource.get("type")) == "SecureString"
        self.document.secrets.append(
            SecretDefinition(
                resource.span,
                tuple(dict.fromkeys(keys)),
                name=name,
                arn=arn,
                kms_key=_located(resource.get("key_id")) if secure else None,
                service="ssm",
            )
        )

    def _read_secret(self, resource: TfResource) -> None:
        """A secret or parameter the configuration reads (a data source) or versions: what
        its references name, so a ``valueFrom`` using one reads from the right service."""
        service, attributes, name_attribute = _READ_SECRETS[resource.type]
        name_value = resource.get(name_attribute)
        if resource.type == "aws_secretsmanager_secret_version" and _names_own_secret(name_value):
            return  # its references lead to the secret's own definition
        named = _text(name_value)
        arn = named if named is not None and named.startswith("arn:") else None
        self.document.secrets.append(
            SecretDefinition(
                resource.span,
                tuple(dict.fromkeys(resource.labels(*attributes))),
                name=None if arn else named,
                arn=arn,
                service=service,
                with_tasks=_default_provider(resource),
                kms_key_known=False,
            )
        )


def _names_own_secret(value: Value | None) -> bool:
    """Whether a ``secret_id`` is a reference to a secret of the configuration."""
    if not isinstance(value, Str) or len(value.parts) != 1:
        return False
    part = value.parts[0]
    names = part.label.split(".") if isinstance(part, Hole) else []
    return any(
        name == "aws_secretsmanager_secret" and (index == 0 or names[index - 1] != "data")
        for index, name in enumerate(names[:-1])
    )


# Secrets and parameters a configuration reads rather than defines, with their references that
# stand for them and the attribute naming them: the service, the attributes, the name.
_READ_SECRETS: Final = {
    "data.aws_secretsmanager_secret": ("secretsmanager", ("arn", "id"), "name"),
    "data.aws_secretsmanager_secret_version": ("secretsmanager", ("arn",), "secret_id"),
    "aws_secretsmanager_secret_version": ("secretsmanager", ("arn", "secret_id"), "secret_id"),
    "data.aws_ssm_parameter": ("ssm", ("arn", "name", "id"), "name"),
}

# What the AWS provider starts a name with when a resource has neither ``name`` nor
# ``name_prefix``: it generates ``terraform-`` and a unique id (a prefix and the id with one).
_GENERATED_NAME_PREFIX: Final = "terraform-"


def _generated_name_prefix(resource: TfResource) -> str | None:
    """What the name the AWS provider generates for ``resource`` starts with, when it is known
    that it generates one (no ``name``) and with what prefix."""
    name, prefix = resource.get("name"), resource.get("name_prefix")
    if prefix is not None:
        return _text(prefix)
    return _GENERATED_NAME_PREFIX if name is None else None


def _default_provider(resource: TfResource) -> bool:
    """Whether ``resource`` uses its module's default AWS provider (as the module's tasks do,
    unless they too name another): ``provider = aws.east`` may be another region or account."""
    provider = resource.get("provider")
    if provider is None:
        return True
    if isinstance(provider, Opaque):  # ``provider = aws``: a bare name, not a reference
        return provider.labels == ("aws",)
    return isinstance(provider, Str) and provider.parts == (Hole("aws"),)


def without_nulls(value: Value) -> Value:
    """Containers as the AWS provider registers them: an attribute set to null, or to an empty
    object, is left out (a known null, such as a variable defaulting to null, is unset)."""
    if isinstance(value, Mapping):
        members = {
            key: replace(member, value=without_nulls(member.value))
            for key, member in value.members.items()
            if not (isinstance(member.value, Scalar) and member.value.value is None)
            and not (isinstance(member.value, Mapping) and not member.value.members)
        }
        return Mapping(members, value.at)
    if isinstance(value, Sequence):
        return Sequence([without_nulls(item) for item in value.items], value.at)
    return value


def _json_with_holes(value: Str, text: str) -> str | None:
    """The JSON text of containers to read: ``text`` itself when it is known, or when its
    unknown values all sit inside JSON strings (``"image": "${var.image}"``); else ``text``
    with each unknown value written outside a string (``"containerPort": ${var.port}``)
    replaced by ``null`` and spaces of its length, when each lies in a member no rule reads
    (so every character read keeps its offset, and nothing read is guessed). ``None`` when an
    unknown value may decide what is read: the containers are then unknown."""
    if value.is_known or _parses(value.value):
        return text
    blanked, blanks = _bare_holes_blanked(text)
    try:
        root = jsonpos.parse(blanked).root
    except jsonpos.JsonError:
        return None
    if not isinstance(root, jsonpos.JsonArray):
        return None
    unread = [
        (member.value.start, member.value.end)
        for item in root.items
        if isinstance(item, jsonpos.JsonObject)
        for member in item.members
        if member.key not in READ_CONTAINER_KEYS
    ]
    if all(any(start <= at < end for start, end in unread) for at in blanks):
        return blanked
    return None


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _bare_holes_blanked(text: str) -> tuple[str, list[int]]:
    """``text`` with each ``${...}`` outside a JSON string replaced by ``null`` padded to its
    length, and the offsets where they were."""
    pieces: list[str] = []
    blanks: list[int] = []
    done = index = 0
    in_string = False
    while index < len(text):
        char = text[index]
        if in_string:
            index += 2 if char == "\\" else 1
            in_string = char != '"'
            continue
        if char == '"':
            in_string = True
        elif text.startswith("${", index):
            end = text.find("}", index)
            if end == -1:
                break
            pieces += (text[done:index], "null".ljust(end + 1 - index))
            blanks.append(index)
            done = index = end + 1
            continue
        index += 1
    pieces.append(text[done:])
    return "".join(pieces), blanks


def _address(label: str) -> str:
    """The resource a reference names: ``aws_iam_role.x`` for ``aws_iam_role.x.arn``."""
    return label.rsplit(".", 1)[0]


def _policy_definition(label: str, value: Value, span: Span) -> PolicyDefinition | None:
    """The policy a ``policy`` argument holds, or ``None`` when it is not all known."""
    document = _policy_document(value)
    return None if document is None else PolicyDefinition(label, document, span)


def _policy_document(value: Value) -> object | None:
    """A policy document from ``jsonencode({...})``, a JSON string, or a heredoc; holes inside
    JSON strings stay as ``${label}`` text (unknown values to the IAM evaluator)."""
    if isinstance(value, Mapping):
        return None if has_opaque(value) else value.plain()
    if isinstance(value, Str):
        try:
            document = json.loads(value.value)
        except ValueError:
            return None
        return document if isinstance(document, dict) else None
    return None


def _image_reference(text: Text) -> Reference:
    """Images in JSON text carry Terraform's ``${...}`` as text: those are unknown parts too."""
    if text.unresolved or "${" not in text.value:
        return image_reference(text)
    parts: list[Part] = []
    last = 0
    for found in _PLACEHOLDER.finditer(text.value):
        parts.append(text.value[last : found.start()])
        parts.append(Hole(found.group(1).strip()))
        last = found.end()
    parts.append(text.value[last:])
    clean = tuple(part for part in parts if part != "")
    labels = tuple(dict.fromkeys(p.label for p in clean if isinstance(p, Hole)))
    return image_reference(Text(text.value, text.span, False, labels, clean))


def _text(value: Value | None) -> str | None:
    if isinstance(value, Str) and value.is_known:
        return value.value
    return None


def _located(value: Value | None) -> Located | None:
    if isinstance(value, Str):
        return value.text().located()
    if isinstance(value, Scalar) and value.value is not None and not isinstance(value.value, bool):
        return Located(str(value.value), value.span)
    if isinstance(value, Opaque):
        return Located(value.value, value.span, value.labels)
    return None


def _desired_count(resource: TfResource) -> tuple[Located | None, bool]:
    """An ``aws_ecs_service``'s desired count, and whether it is the AWS provider's default: 0
    for a replica service; a daemon service runs one task per instance, a count no
    configuration states (``None``)."""
    count = resource.get("desired_count")
    if count is not None:
        return _located(count), False
    strategy = resource.get("scheduling_strategy")
    if strategy is None or _text(strategy) == "REPLICA":
        return Located("0", resource.span), True
    return None, False


def _strings(value: Value | None) -> tuple[str, ...]:
    if not isinstance(value, Sequence):
        return ()
    texts = (_text(item) for item in value.items)
    return tuple(text for text in texts if text is not None)


def module_scope(path: str) -> str:
    """The label scope of a ``.tf`` file: its module, the directory that holds it."""
    return f"terraform module {Path(path).parent.resolve()}"


def strip_index(address: str) -> str:
    """``module.a["x"].aws_iam_role.exec[0]`` without instance keys: how configuration names it."""
    return _INDEX.sub("", address)
