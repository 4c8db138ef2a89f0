"""AWS CloudFormation templates in JSON or YAML, CDK output (``cdk.out/*.template.json``) included.

What a template contributes to the model:

* each ``AWS::ECS::TaskDefinition``: a ``TaskView`` (its ``region`` the stack's, as the
  template's policies name it: ``${AWS::Region}``) and its image uses, read with the same reader
  and shape checks (EL902) as task-definition JSON, after intrinsic functions are resolved
  (:mod:`ecs_lint.sources.cfn_intrinsics`). An ``Fn::If`` whose condition the template leaves
  unknown is linted both ways: one task variant per combination, images deduplicated, so each
  branch's image is reported at its own node;
* ``AWS::IAM::Role`` with its inline ``Policies``, ``ManagedPolicyArns`` and
  ``PermissionsBoundary``, plus the ``AWS::IAM::Policy``, ``AWS::IAM::RolePolicy`` and
  ``AWS::IAM::ManagedPolicy`` resources that attach to it: ``RoleDefinition`` and
  ``PolicyDefinition`` values for the execution-role checks. A role whose policies cannot be
  resolved is marked unresolved (EL207), never guessed;
* ``AWS::SecretsManager::Secret`` (its ``KmsKeyId`` decides EL205) and ``AWS::SSM::Parameter``:
  ``SecretDefinition`` values;
* ``AWS::ECS::Service``: a ``ServiceView`` with its desired count, for the pull budget;
* ``AWS::ECS::ExpressGatewayService``: the task Express Mode registers for its
  ``PrimaryContainer`` (a ``TaskView`` with its ``ExecutionRoleArn``) and a ``ServiceView`` with
  its ``ScalingTarget`` (:mod:`ecs_lint.sources._express`), variants and shapes as for task
  definitions;
* resource ``Metadata: {ecs-lint: {ignore: [EL101]}}``: a suppression scoped to that resource.

Short-form tags (``!Ref``, ``!Sub``...) are kept as tags by the safe YAML loader and read here as
the long forms. Every value keeps the span of the node it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final

from ecs_lint import jsonpos, yamlpos
from ecs_lint.jsonpos import JsonArray, JsonError, JsonScalar
from ecs_lint.model import (
    Document,
    Located,
    PolicyDefinition,
    Problem,
    ProblemKind,
    RoleDefinition,
    SecretDefinition,
    ServiceView,
    Span,
    Suppression,
    TaskView,
)
from ecs_lint.sources._express import ExpressReader, ExpressService
from ecs_lint.sources._express import shape_problems as express_shape_problems
from ecs_lint.sources._iac import image_reference
from ecs_lint.sources._insert import mapping_insertions
from ecs_lint.sources._roles import RoleCollection, attach_managed_arn, attach_policy
from ecs_lint.sources._tasks import PASCAL, TaskReader, shape_problems
from ecs_lint.sources._values import (
    Hole,
    Mapping,
    Opaque,
    Sequence,
    Str,
    Where,
    has_opaque,
    span_of,
)
from ecs_lint.sources._yamlsource import file_statements, yaml_comments, yaml_problem
from ecs_lint.sources.cfn_intrinsics import (
    Parameter,
    RawCall,
    RawList,
    RawMap,
    RawMember,
    RawNode,
    RawScalar,
    Resolver,
    Resource,
    Template,
)
from ecs_lint.sources.taskdef import json_problem, report_duplicates

if TYPE_CHECKING:
    from collections.abc import Iterator

    from yaml.nodes import Node as YamlNode

    from ecs_lint.jsonpos import JsonNode
    from ecs_lint.settings import Settings
    from ecs_lint.sources._values import Value
    from ecs_lint.textio import SourceText
    from ecs_lint.yamlpos import YamlDocument

__all__ = ["parse", "read_template"]

MAX_RAW_DEPTH: Final = 150
"""Nesting read from a template; deeper values are unknown (Python's recursion stays safe)."""
TOO_DEEP: Final = "ecs-lint: nesting too deep"

_SELECTOR: Final = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
"""A rule code, prefix, ``ALL`` or rule name (``suppress`` reads which)."""
_SHORT_TAGS: Final = {"!Ref": "Ref", "!Condition": "Condition"}


def parse(source: SourceText, settings: Settings) -> Document:
    """What one template defines; never raises on bad input."""
    document = Document(source.path)
    template = read_template(source, document)
    if template is not None:
        _Reader(source, document, template, Resolver(template, settings.parameters)).read()
    return document


def read_template(source: SourceText, document: Document) -> Template | None:
    """The template in ``source``; ``None`` (with a parse problem for bad syntax) when there is
    none, as when a file only mentions one in a comment."""
    root = _load(source, document)
    if not isinstance(root, RawMap) or not isinstance(root.get("Resources"), RawMap):
        return None
    return _template(root)


# --- Loading: JSON or YAML into the raw tree ----------------------------------------------------


def _load(source: SourceText, document: Document) -> RawNode | None:
    text = source.text
    if text.lstrip().startswith("{"):
        try:
            parsed = jsonpos.parse(text)
        except JsonError as error:
            document.problems.append(json_problem(source, error))
            return None
        if parsed.duplicates:
            report_duplicates(source, document, parsed.root, parsed.duplicates)
        return _JsonBuilder(source).build(parsed.root, 0)
    try:
        documents = yamlpos.load_documents(text)
    except yamlpos.YamlError as error:
        document.problems.append(yaml_problem(source, error))
        return None
    if not documents:
        return None
    document.statements, document.comments = yaml_comments(source, documents[:1])
    return _YamlBuilder(source, documents[0]).build(documents[0].root, 0, tagged=True)


def _call_name(key: str) -> str | None:
    """The intrinsic function a single-key mapping spells (``Ref``, ``Fn::Sub``...), if any."""
    if key == "Ref" or key.startswith("Fn::"):
        return key
    return None


@dataclass(slots=True)
class _JsonBuilder:
    source: SourceText

    def build(self, node: JsonNode, depth: int) -> RawNode:
        at = Where(self.source, node.start, node.end)
        if depth > MAX_RAW_DEPTH:
            return RawCall(TOO_DEEP, RawScalar(None, at), at)
        if isinstance(node, JsonScalar):
            return self._scalar(node, at)
        if isinstance(node, JsonArray):
            return RawList([self.build(item, depth + 1) for item in node.items], at)
        members: dict[str, RawMember] = {}
        for key, member in node.index.items():
            key_at = Where(self.source, member.key_start, member.key_end)
            members[key] = RawMember(key, key_at, self.build(member.value, depth + 1))
        if len(members) == 1:
            ((key, only),) = members.items()
            name = _call_name(key)
            if name is not None:
                return RawCall(name, only.value, at)
        return RawMap(members, at)

    def _scalar(self, node: JsonScalar, at: Where) -> RawScalar:
        value = node.value
        if isinstance(value, str):
            start, end = node.start + 1, node.end - 1
            editable = self.source.text[start:end] == value
            return RawScalar(value, Where(self.source, start, end), editable)
        if value is None:
            return RawScalar(None, at)
        if isinstance(value, bool):
            return RawScalar("true" if value else "false", at)
        return RawScalar(self.source.text[node.start : node.end], at)


@dataclass(slots=True)
class _YamlBuilder:
    source: SourceText
    ydoc: YamlDocument

    def build(self, node: YamlNode, depth: int, *, tagged: bool) -> RawNode:
        text = self.source.text
        at = Where(self.source, node.start_mark.index, node.end_mark.index, trim=True)
        if depth > MAX_RAW_DEPTH:
            return RawCall(TOO_DEEP, RawScalar(None, at), at)
        tag = yamlpos.short_tag(node) if tagged else None
        if tag is not None:
            name = _SHORT_TAGS.get(tag, f"Fn::{tag[1:]}")
            return RawCall(name, self.build(node, depth + 1, tagged=False), at)
        if yamlpos.is_sequence(node):
            items = [self.build(item, depth + 1, tagged=True) for item in yamlpos.items(node)]
            return RawList(items, at)
        if yamlpos.is_mapping(node):
            return self._mapping(node, at, depth)
        if yamlpos.is_null(node):
            return RawScalar(None, at)
        value: str = node.value
        exact = yamlpos.value_span(node, text)
        editable = exact is not None and not self.ydoc.is_shared(node)
        value_at = Where(self.source, *exact) if exact is not None else at
        return RawScalar(value, value_at, editable)

    def _mapping(self, node: YamlNode, at: Where, depth: int) -> RawNode:
        # CloudFormation has no merge keys: members as written, the last of duplicates winning.
        members: dict[str, RawMember] = {}
        for key_node, value_node in node.value:
            if not yamlpos.is_scalar(key_node):
                continue
            key: str = key_node.value
            key_at = Where(self.source, key_node.start_mark.index, key_node.end_mark.index)
            value = self.build(value_node, depth + 1, tagged=True)
            members.pop(key, None)
            members[key] = RawMember(key, key_at, value)
        if len(members) == 1:
            ((key, only),) = members.items()
            name = _call_name(key)
            if name is not None:
                return RawCall(name, only.value, at)
        return RawMap(members, at)


def _template(root: RawMap) -> Template:
    template = Template()
    parameters = root.get("Parameters")
    if isinstance(parameters, RawMap):
        for name, member in parameters.members.items():
            body = member.value
            kind = body.get("Type") if isinstance(body, RawMap) else None
            default = body.get("Default") if isinstance(body, RawMap) else None
            type_text = kind.value if isinstance(kind, RawScalar) and kind.value else "String"
            template.parameters[name] = Parameter(name, type_text, default)
    for section, into in (("Mappings", template.mappings), ("Conditions", template.conditions)):
        node = root.get(section)
        if isinstance(node, RawMap):
            into.update({name: member.value for name, member in node.members.items()})
    resources = root.get("Resources")
    assert isinstance(resources, RawMap)
    for logical_id, member in resources.members.items():
        body = member.value
        if not isinstance(body, RawMap):
            continue
        kind = body.get("Type")
        condition = body.get("Condition")
        template.resources[logical_id] = Resource(
            logical_id,
            kind.value if isinstance(kind, RawScalar) and kind.value else "",
            body,
            _join(member.key_at, body.at),
            condition.value if isinstance(condition, RawScalar) else None,
        )
    return template


def _join(first: Span | Where, last: Span | Where) -> Span | Where:
    """From the start of ``first`` to the end of ``last``."""
    if isinstance(first, Where) and isinstance(last, Where):
        return Where(first.source, first.start, last.end, trim=last.trim)
    head, tail = span_of(first), span_of(last)
    return Span(
        head.path, head.line, head.column, tail.end_line, tail.end_column, head.start, tail.end
    )


# --- Reading the model ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Reader:
    source: SourceText
    document: Document
    template: Template
    resolver: Resolver
    tasks_by_id: dict[str, list[TaskView]] = field(default_factory=dict)
    roles: RoleCollection = field(default_factory=RoleCollection)

    def read(self) -> None:
        by_type: dict[str, list[Resource]] = {}
        for resource in self.template.resources.values():
            self._suppressions(resource)
            if self.resolver.condition(resource.condition or "") is False:
                continue  # never created with the parameters given
            by_type.setdefault(resource.type, []).append(resource)
        for resource in by_type.get("AWS::ECS::TaskDefinition", []):
            self._task_definition(resource)
        for resource in by_type.get("AWS::IAM::Role", []):
            self._role(resource)
        for kind in ("AWS::IAM::Policy", "AWS::IAM::RolePolicy"):
            for resource in by_type.get(kind, []):
                self._attached_policy(resource)
        for resource in by_type.get("AWS::IAM::ManagedPolicy", []):
            self._managed_policy(resource)
        for resource in by_type.get("AWS::SecretsManager::Secret", []):
            self._secret(resource)
        for resource in by_type.get("AWS::SSM::Parameter", []):
            self._parameter(resource)
        for resource in by_type.get("AWS::ECS::Service", []):
            self._service(resource)
        for resource in by_type.get("AWS::ECS::ExpressGatewayService", []):
            self._express_service(resource)
        self.document.roles.extend(self.roles.defined())

    def _properties(self, resource: Resource, resolver: Resolver | None = None) -> Value | None:
        properties = resource.properties
        if properties is None:
            return None
        return (resolver or self.resolver).resolve(properties)

    # --- Task definitions -----------------------------------------------------------------

    def _variants(self, resource: Resource) -> Iterator[Mapping]:
        """The resource's properties once per combination of the conditions its ``Fn::If``s
        leave unknown."""
        for resolver in self.resolver.variants(resource.properties):
            properties = self._properties(resource, resolver)
            if isinstance(properties, Mapping):
                yield properties

    def _task_reader(self) -> TaskReader:
        return TaskReader(
            PASCAL, image_reference, insertion=mapping_insertions(self.source, pascal=True)
        )

    def _region(self, span: Span) -> Located:
        """The stack's region, as the template's own policies name it."""
        return Str(self.resolver.pseudo_parts("AWS::Region"), span).text().located()

    def _task_definition(self, resource: Resource) -> None:
        reader = self._task_reader()
        tasks: list[TaskView] = []
        problems: list[Problem] = []
        where = ("Resources", resource.logical_id, "Properties")
        for properties in self._variants(resource):
            family = properties.get("Family")
            task = reader.task(
                properties,
                family=family.value if isinstance(family, Str) else resource.logical_id,
                span=resource.span,
            )
            task = replace(task, region=self._region(resource.span).value or None)
            if not any(task == other for other in tasks):
                tasks.append(task)
            for problem in shape_problems(properties, where, PASCAL):
                if problem not in problems:
                    problems.append(problem)
        self.tasks_by_id[resource.logical_id] = tasks
        self.document.tasks.extend(tasks)
        self.document.problems.extend(problems)
        # Each variant reads every image; each use counts once, in text order.
        unique = dict.fromkeys(reader.images)
        self.document.images.extend(sorted(unique, key=lambda use: use.span.start))

    def _express_service(self, resource: Resource) -> None:
        reader = ExpressReader(self._task_reader())
        read: list[ExpressService] = []
        problems: list[Problem] = []
        where = ("Resources", resource.logical_id, "Properties")
        for properties in self._variants(resource):
            service = reader.read(
                properties,
                default_name=resource.logical_id,
                span=resource.span,
                region=self._region(resource.span),
            )
            if service not in read:
                read.append(service)
            for problem in express_shape_problems(properties, where, PASCAL):
                if problem not in problems:
                    problems.append(problem)
        tasks = [service.task for service in read if service.task is not None]
        self.document.tasks.extend(tasks)
        images = [use for service in read for use in service.images]
        if read:
            # One service, whichever variant deploys: it may run any of them.
            first = read[0].service
            defined = self._tasks_defined(first.task_definition)
            if defined:  # TaskDefinitionArn: !Ref a task definition of this template
                images = [use for use in images if use != first.unchecked_images]
                first = replace(first, tasks=defined, unchecked_images=None)
            self.document.services.append(replace(first, tasks=tuple(tasks) or first.tasks))
        self.document.problems.extend(problems)
        unique = dict.fromkeys(images)
        self.document.images.extend(sorted(unique, key=lambda use: use.span.start))

    # --- IAM ------------------------------------------------------------------------------

    def _role(self, resource: Resource) -> None:
        logical_id = resource.logical_id
        keys = [f"${{{logical_id}.Arn}}", f"${{{logical_id}}}"]
        name_parts = self.resolver.resource_name(resource, 0)
        name = _known(name_parts)
        role = RoleDefinition(resource.span, (), name=name)
        properties = self._properties(resource)
        if isinstance(properties, Mapping):
            path = properties.get("Path")
            path_text = path.value if isinstance(path, Str) and path.is_known else "/"
            # The ARN as far as it is known: with --parameter AWS::AccountId it tells the
            # account the task runs in; a name CloudFormation generates stays a hole.
            role.arn = Str(
                (
                    "arn:",
                    *self.resolver.pseudo_parts("AWS::Partition"),
                    ":iam::",
                    *self.resolver.pseudo_parts("AWS::AccountId"),
                    f":role{path_text}",
                    *name_parts,
                ),
                resource.span,
            ).value
            keys.append(role.arn)
            if name is not None:
                keys.append(name)
            for item in _role_list(role, properties, "Policies"):
                named = item.get("PolicyName")
                label = named.value if isinstance(named, Str) else "(unnamed)"
                policy = _policy_definition(label, item.get("PolicyDocument"), item.span)
                attach_policy(role, policy, f"inline policy {label}")
            for item in _role_list(role, properties, "ManagedPolicyArns"):
                unknown = _describe_unknown(item, "ManagedPolicyArns")
                attach_managed_arn(role, _located(item), unknown)
            boundary = properties.get("PermissionsBoundary")
            if boundary is not None:
                role.permissions_boundary = _located(boundary)
        elif properties is not None:
            role.unresolved = (_describe_unknown(properties, "Properties"),)
        role.keys = tuple(dict.fromkeys(keys))
        role.unresolved = tuple(dict.fromkeys(role.unresolved))
        self.roles.add(role, logical_id)

    def _roles_named(self, node: Value | None) -> tuple[list[RoleDefinition], list[str]]:
        """Roles of this template a ``Roles``/``RoleName`` value names, and what it names
        that cannot be told apart (unknown values)."""
        items = node.items if isinstance(node, Sequence) else [node] if node is not None else []
        found: list[RoleDefinition] = []
        unknown: list[str] = []
        for item in items:
            if not isinstance(item, Str):
                unknown.append(_describe_unknown(item, "Roles"))
                continue
            role = self.roles.named(item, _logical_id)
            if role is not None:
                found.append(role)
        return found, unknown

    def _attached_policy(self, resource: Resource) -> None:
        """``AWS::IAM::Policy`` (``Roles``) and ``AWS::IAM::RolePolicy`` (``RoleName``)."""
        properties = self._properties(resource)
        if not isinstance(properties, Mapping):
            return
        key = "Roles" if resource.type == "AWS::IAM::Policy" else "RoleName"
        roles, _ = self._roles_named(properties.get(key))
        name = properties.get("PolicyName")
        label = name.value if isinstance(name, Str) else resource.logical_id
        document = properties.get("PolicyDocument")
        reasons: list[str] = []
        if resource.condition and self.resolver.condition(resource.condition) is None:
            reasons.append(f"policy {label} exists only under condition {resource.condition}")
        for role in roles:
            policy = None if reasons else _policy_definition(label, document, resource.span)
            attach_policy(role, policy, *(reasons or [f"policy {label}"]))

    def _managed_policy(self, resource: Resource) -> None:
        properties = self._properties(resource)
        if not isinstance(properties, Mapping):
            return
        logical_id = resource.logical_id
        reference = f"${{{logical_id}}}"
        name = properties.get("ManagedPolicyName")
        name_text = name.value if isinstance(name, Str) and name.is_known else None
        keys = [reference]
        if name_text is not None:
            path = properties.get("Path")
            path_text = path.value if isinstance(path, Str) and path.is_known else "/"
            arn = Str(
                (
                    "arn:",
                    *self.resolver.pseudo_parts("AWS::Partition"),
                    ":iam::",
                    *self.resolver.pseudo_parts("AWS::AccountId"),
                    f":policy{path_text}{name_text}",
                ),
                resource.span,
            ).value
            keys.append(arn)
        document = properties.get("PolicyDocument")
        if isinstance(document, Mapping) and not has_opaque(document):
            self.document.policies.append(
                PolicyDefinition(
                    name_text or logical_id, document.plain(), resource.span, tuple(keys)
                )
            )
        roles, _ = self._roles_named(properties.get("Roles"))
        for role in roles:
            attach_managed_arn(role, Located(reference, resource.span), f"policy {logical_id}")

    # --- Secrets, parameters and services --------------------------------------------------

    def _secret(self, resource: Resource) -> None:
        properties = self._properties(resource)
        logical_id = resource.logical_id
        name = properties.get("Name") if isinstance(properties, Mapping) else None
        kms = properties.get("KmsKeyId") if isinstance(properties, Mapping) else None
        self.document.secrets.append(
            SecretDefinition(
                resource.span,
                (f"${{{logical_id}}}", f"${{{logical_id}.Id}}"),
                name=name.value if isinstance(name, Str) and name.is_known else None,
                kms_key=_located(kms) if kms is not None else None,
            )
        )

    def _parameter(self, resource: Resource) -> None:
        name = _known(self.resolver.resource_name(resource, 0))
        keys = (f"${{{resource.logical_id}}}", *((name,) if name else ()))
        self.document.secrets.append(
            SecretDefinition(resource.span, keys, name=name, service="ssm")
        )

    def _tasks_defined(self, reference: Located | None) -> tuple[TaskView, ...]:
        """The task definitions of this template a ``!Ref`` names (its variants)."""
        if reference is None or len(reference.unresolved) != 1:
            return ()
        (label,) = reference.unresolved
        if reference.value != f"${{{label}}}":
            return ()
        return tuple(self.tasks_by_id.get(label, ()))

    def _service(self, resource: Resource) -> None:
        properties = self._properties(resource)
        if not isinstance(properties, Mapping):
            return
        name = properties.get("ServiceName")
        task = properties.get("TaskDefinition")
        tasks: tuple[TaskView, ...] = ()
        if isinstance(task, Str) and len(task.parts) == 1 and isinstance(task.parts[0], Hole):
            tasks = tuple(self.tasks_by_id.get(task.parts[0].label, ()))
        launch = properties.get("LaunchType")
        strategy = properties.get("CapacityProviderStrategy")
        providers = []
        for item in strategy.items if isinstance(strategy, Sequence) else []:
            provider = item.get("CapacityProvider")
            if isinstance(provider, Str):
                providers.append(provider.value)
        count, count_is_default = _desired_count(properties, resource.span)
        self.document.services.append(
            ServiceView(
                name.value if isinstance(name, Str) and name.is_known else resource.logical_id,
                resource.span,
                desired_count=count,
                desired_count_is_default=count_is_default,
                task_definition=_located(task) if task is not None else None,
                tasks=tasks,
                launch_type=launch.value if isinstance(launch, Str) and launch.is_known else None,
                capacity_providers=tuple(providers),
            )
        )

    # --- Suppressions ---------------------------------------------------------------------

    def _suppressions(self, resource: Resource) -> None:
        """``Metadata: {ecs-lint: {ignore: [EL101, ...]}}``, scoped to the resource."""
        metadata = resource.metadata
        settings = metadata.get("ecs-lint") if isinstance(metadata, RawMap) else None
        if settings is None:
            return
        ignore = settings.get("ignore") if isinstance(settings, RawMap) else None
        items: list[RawNode] = []
        if isinstance(ignore, RawList):
            items = ignore.items
        elif isinstance(ignore, RawScalar):
            items = [ignore]
        codes: list[str] = []
        for item in items:
            text = item.value if isinstance(item, RawScalar) else None
            for code in (text or "").split(","):
                if _SELECTOR.fullmatch(code.strip()):
                    codes.append(code.strip())
                else:
                    codes = []
                    break
            if not codes:
                break
        where = ignore if ignore is not None else settings
        if not codes:
            self.document.problems.append(
                Problem(
                    ProblemKind.DIRECTIVE,
                    "malformed ecs-lint metadata: expected "
                    "'Metadata: {ecs-lint: {ignore: [EL101, EL105]}}'",
                    where.span,
                )
            )
            return
        self.document.suppressions.append(
            Suppression(tuple(dict.fromkeys(codes)), resource.span, where.span)
        )


def _known(parts: tuple[object, ...]) -> str | None:
    if all(isinstance(part, str) for part in parts):
        return "".join(str(part) for part in parts)
    return None


def _located(value: Value) -> Located | None:
    if isinstance(value, Str):
        return value.text().located()
    if isinstance(value, Opaque):
        return Located(value.value, value.span, value.labels)
    return None


def _role_list(role: RoleDefinition, properties: Mapping, key: str) -> list[Value]:
    """The items of a role's list property; a list the template leaves unknown marks the
    role's policies unknown."""
    node = properties.get(key)
    if node is None:
        return []
    if not isinstance(node, Sequence):
        role.unresolved = (*role.unresolved, _describe_unknown(node, key))
        return []
    return node.items


def _logical_id(label: str) -> str:
    """The logical id a reference names: ``Role`` for ``!Ref Role`` and ``!GetAtt Role.Arn``."""
    return label.removesuffix(".Arn")


def _policy_definition(label: str, document: Value | None, span: Span) -> PolicyDefinition | None:
    """The policy document as written, or ``None`` when it is not all known."""
    if not isinstance(document, Mapping) or has_opaque(document):
        return None
    return PolicyDefinition(label, document.plain(), span)


def _desired_count(properties: Mapping, span: Span) -> tuple[Located | None, bool]:
    """An ``AWS::ECS::Service``'s desired count, and whether it is CloudFormation's default: a
    replica service created without ``DesiredCount`` starts one task; a daemon service runs one
    per instance, a count no template states (``None``)."""
    count = properties.get("DesiredCount")
    if count is not None:
        return _located(count), False
    strategy = properties.get("SchedulingStrategy")
    if strategy is None or (
        isinstance(strategy, Str) and strategy.is_known and strategy.value == "REPLICA"
    ):
        return Located("1", span), True
    return None, False


def _describe_unknown(value: Value, what: str) -> str:
    if isinstance(value, Opaque):
        return f"{what} ({', '.join(value.labels)})"
    return f"{what} (not a value of the expected shape)"


statements = file_statements
"""Where ignore comments may go, found on demand (``SourceFormat.statements``)."""
