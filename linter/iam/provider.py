"""The policy service rules query: which policies an execution role has, and what they allow.

A role is looked for in this order, and the first source that knows it answers for all of its
policies:

1. ``--role-policy ROLE=FILE`` (the files given for a role are all of its policies);
2. roles defined in the linted files (CloudFormation, Terraform: ``Document.roles``);
3. ``--iam FILE`` (``get-account-authorization-details``);
4. live IAM with ``--aws``.

Attached managed policies are resolved through managed policies defined in the linted files,
``--iam``, the AWS managed policies ecs-lint embeds, and live IAM. A role whose policies are not
all known is an :class:`UnknownRole` (EL207): ecs-lint does not guess what an unknown policy
allows or denies. Every answer is cached, so each role is looked up once per run.

Secrets work the same way: their ARN and KMS key come from ``Document.secrets``, the
``secret_kms_keys`` setting, or a live ``DescribeSecret``.

Definitions are scoped. A ``${label}`` (``${TaskExecutionRole.Arn}``, ``${aws_iam_role.x.arn}``)
means something only within its document or module (``Document.label_scope``): a task's label
names only a definition of the task's own scope, and two templates that both define
``TaskExecutionRole`` never see each other's. ARNs and names are global, but a definition from
the task's own scope wins over one from elsewhere. A role found outside the task's scope (or in
``--role-policy``, ``--iam``, live IAM) is asked about the task's requests with their template
values made plain unknowns, since its ``${AWS::Region}`` is not the task's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Generic, TypeVar

from ecs_lint.iam import managed
from ecs_lint.iam.arns import (
    BadReference,
    ParameterForm,
    ParameterRef,
    Placement,
    SecretForm,
    SecretRef,
    is_label,
    leading_label,
    parse_arn,
    parse_kms_key,
    parse_value_from,
    role_name,
    unnamed_secret_resource,
)
from ecs_lint.iam.requests import Request, Resource
from ecs_lint.iam.requirements import CustomerKey, Requirement, SecretFacts, task_requirements
from ecs_lint.iam.sources import (
    AuthorizationDetails,
    load_authorization_details,
    load_role_policy_file,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ecs_lint.iam.arns import ValueFrom
    from ecs_lint.iam.evaluator import Decision, Policy
    from ecs_lint.iam.live import LiveAws
    from ecs_lint.model import Located, Model, RoleDefinition, SecretDefinition, TaskView
    from ecs_lint.settings import Settings

__all__ = [
    "Check",
    "KnownRole",
    "PolicyProvider",
    "UnknownRole",
    "build_policy_provider",
]


@dataclass(frozen=True, slots=True)
class KnownRole:
    """A role whose policies are all known. ``display`` is the role as the task names it.

    ``scope`` is the label scope of the template that defines it (its policies' ``${label}``
    values are that template's); ``None`` for a role from ``--role-policy``, ``--iam`` or live IAM.
    """

    display: str
    name: str | None
    arn: str | None
    policies: tuple[Policy, ...]
    boundary: Policy | None
    source: str
    scope: str | None = None


@dataclass(frozen=True, slots=True)
class UnknownRole:
    """A role whose policies are not (all) known, and why."""

    display: str
    reason: str


RoleAnswer = KnownRole | UnknownRole


@dataclass(frozen=True, slots=True)
class Check:
    """One requirement of a task, decided against its execution role's policies."""

    role: KnownRole
    requirement: Requirement
    decision: Decision


def _has_placeholder(text: str) -> bool:
    return "${" in text


_Definition = TypeVar("_Definition")


class _ScopedIndex(Generic[_Definition]):
    """Definitions by the texts that name them, each kept with the scope of its document.

    A key holding a ``${label}`` is found only from its own scope; any other key (an ARN, a
    name) from every scope, the finder's own first.
    """

    def __init__(self) -> None:
        self._scoped: dict[tuple[str, str], _Definition] = {}
        self._global: dict[str, tuple[str, _Definition]] = {}

    def add(self, scope: str, key: str, definition: _Definition) -> None:
        self._scoped.setdefault((scope, key), definition)
        if not _has_placeholder(key):
            self._global.setdefault(key, (scope, definition))

    def find(self, keys: Iterable[str], scope: str | None) -> tuple[str, _Definition] | None:
        keys = list(keys)
        if scope is not None:
            for key in keys:
                found = self._scoped.get((scope, key))
                if found is not None:
                    return scope, found
        for key in keys:
            if not _has_placeholder(key) and key in self._global:
                return self._global[key]
        return None


def _role_keys(text: str) -> list[str]:
    """Index keys: the text itself, and the role name (IAM role names ignore case)."""
    text = text.strip()
    keys = [text]
    arn = parse_arn(text)
    if arn is not None:
        if arn.service == "iam" and arn.resource.startswith("role/"):
            name = role_name(text)
            if not _has_placeholder(name):
                keys.append(f"name:{name.lower()}")
    elif not _has_placeholder(text):
        keys.append(f"name:{text.lower()}")
    return keys


class PolicyProvider:
    """Roles, policies, secrets and keys for the execution-role rules (``Services.policies``)."""

    def __init__(
        self,
        *,
        model: Model | None = None,
        region: str | None = None,
        role_policies: dict[str, list[Policy]] | None = None,
        authorization: AuthorizationDetails | None = None,
        secret_kms_keys: dict[str, str] | None = None,
        live: LiveAws | None = None,
    ) -> None:
        self.region = region
        self.live = live
        self._authorization = authorization or AuthorizationDetails()
        self._secret_kms_keys = dict(secret_kms_keys or {})
        self._role_files: dict[str, list[Policy]] = {}
        for role, policies in (role_policies or {}).items():
            for key in _role_keys(role):
                self._role_files[key] = policies
        self._scopes: dict[str, str] = {}
        # A task of a module another document calls is written in the module's files, but
        # belongs to the scope of the document that lints it (one module, several callers).
        self._task_scopes: dict[int, str] = {}
        self._role_definitions: _ScopedIndex[RoleDefinition] = _ScopedIndex()
        self._policy_definitions: _ScopedIndex[tuple[str, object, str]] = _ScopedIndex()
        self._secret_definitions: _ScopedIndex[SecretDefinition] = _ScopedIndex()
        if model is not None:
            self._index(model)
        self._roles: dict[tuple[str | None, str], RoleAnswer] = {}
        self._decisions: dict[tuple[int, Request], tuple[KnownRole, Decision]] = {}
        self._facts: dict[tuple[str | None, str, Placement], SecretFacts] = {}
        self._requirements: dict[int, tuple[TaskView, list[Requirement]]] = {}
        self._checks: dict[int, tuple[TaskView, list[Check]]] = {}

    def _index(self, model: Model) -> None:
        # Every document, context included (a role defined in another template of the
        # repository), in an order that does not depend on which files the run named: the
        # first definition of a name wins.
        for document in model.every_document:
            scope = document.label_scope
            self._scopes.setdefault(document.path, scope)
            for task in document.tasks:
                self._task_scopes[id(task)] = scope
            for role in document.roles:
                for text in (*role.keys, role.name, role.arn):
                    if text:
                        for key in _role_keys(text):
                            self._role_definitions.add(scope, key, role)
            for policy in document.policies:
                origin = f"{policy.span.path}:{policy.span.line}"
                for text in policy.keys:
                    self._policy_definitions.add(
                        scope, text, (policy.name, policy.document, origin)
                    )
            for secret in document.secrets:
                for text in (*secret.keys, secret.name, secret.arn):
                    if text:
                        self._secret_definitions.add(scope, text, secret)

    def scope_of(self, task: TaskView) -> str | None:
        """The label scope of the document ``task`` is defined in (``None``: none linted)."""
        return self._task_scopes.get(id(task)) or self._scopes.get(task.span.path)

    # --- Roles ---------------------------------------------------------------------------

    def role(self, value: Located | str, scope: str | None = None) -> RoleAnswer:
        """The role a task's ``executionRoleArn`` names (ARN, name or a template reference),
        as seen from ``scope`` (the task's: :meth:`scope_of`). Without a scope, a located value
        is seen from the file it is written in, and a plain text from no template at all."""
        if isinstance(value, str):
            text = value
        else:
            text = value.value
            if scope is None:
                scope = self._scopes.get(value.span.path)
        answer = self._roles.get((scope, text))
        if answer is None:
            answer = self._find_role(text, scope)
            self._roles[(scope, text)] = answer
        return answer

    def _find_role(self, text: str, scope: str | None) -> RoleAnswer:
        keys = _role_keys(text)
        for key in keys:
            if key in self._role_files:
                return KnownRole(
                    text,
                    role_name(text),
                    _arn_or_none(text),
                    tuple(self._role_files[key]),
                    None,
                    "--role-policy",
                )
        defined = self._role_definitions.find(keys, scope)
        if defined is not None:
            return self._from_definition(text, *defined)
        known = self._authorization.roles.get(role_name(text).lower())
        if known is not None and not _has_placeholder(text):
            return self._assemble(
                text,
                known.name,
                known.arn,
                list(known.inline),
                known.managed_arns,
                known.boundary_arn,
                known.origin,
            )
        if self.live is not None and not _has_placeholder(text):
            live = self.live.role(role_name(text))
            if live is None:
                return UnknownRole(text, "live IAM has no role of that name in this account")
            return self._assemble(
                text,
                live.name,
                live.arn,
                list(live.inline),
                list(live.managed_arns),
                live.boundary_arn,
                "live IAM",
            )
        if _has_placeholder(text):
            return UnknownRole(text, "its value is not resolved statically")
        return UnknownRole(text, "no policy source describes it")

    def _from_definition(self, text: str, scope: str, role: RoleDefinition) -> RoleAnswer:
        if role.unresolved:
            return UnknownRole(text, f"{', '.join(role.unresolved)} could not be resolved")
        from ecs_lint.iam.evaluator import PolicyError, parse_policy  # a policy is known

        inline = []
        for definition in role.inline_policies:
            origin = f"{definition.span.path}:{definition.span.line}"
            try:
                inline.append(parse_policy(definition.document, definition.name, origin))
            except PolicyError as error:
                return UnknownRole(
                    text, f'its policy "{definition.name}" ({origin}) is not valid: {error.message}'
                )
        boundary = role.permissions_boundary.value if role.permissions_boundary else None
        return self._assemble(
            text,
            role.name,
            role.arn,
            inline,
            [arn.value for arn in role.managed_policy_arns],
            boundary,
            role.span.path,
            scope,
        )

    def _assemble(
        self,
        text: str,
        name: str | None,
        arn: str | None,
        inline: list[Policy],
        managed_arns: list[str],
        boundary_arn: str | None,
        source: str,
        scope: str | None = None,
    ) -> RoleAnswer:
        policies = list(inline)
        for policy_arn in managed_arns:
            policy = self._managed(policy_arn, scope)
            if isinstance(policy, str):
                return UnknownRole(text, f"its attached managed policy {policy_arn} {policy}")
            policies.append(policy)
        boundary = None
        if boundary_arn is not None:
            found = self._managed(boundary_arn, scope)
            if isinstance(found, str):
                return UnknownRole(text, f"its permissions boundary {boundary_arn} {found}")
            boundary = found
        return KnownRole(text, name, arn, tuple(policies), boundary, source, scope)

    def _managed(self, arn: str, scope: str | None) -> Policy | str:
        """A managed policy's document (a ``${label}`` names one of ``scope`` only), or why it
        is unknown."""
        defined = self._policy_definitions.find([arn], scope)
        if defined is not None:
            from ecs_lint.iam.evaluator import PolicyError, parse_policy

            name, document, origin = defined[1]
            try:
                return parse_policy(document, name, origin)
            except PolicyError as error:
                return f"({origin}) is not a valid policy: {error.message}"
        found = self._authorization.managed.get(arn) or managed.aws_managed_policy(arn)
        if found is not None:
            return found
        if self.live is not None and not _has_placeholder(arn):
            live = self.live.managed_policy(arn)
            if live is not None:
                return live
            return "does not exist in live IAM"
        if managed.is_aws_managed(arn):
            known = ", ".join(managed.known_names())
            return f"is an AWS managed policy ecs-lint does not embed (it knows {known})"
        return "is not known"

    # --- Decisions -----------------------------------------------------------------------

    def placement(self, task: TaskView) -> Placement:
        """The account and partition from the execution role's ARN (as its template writes it,
        maybe ``${AWS::AccountId}``); the region from the task's source, else the settings."""
        role_arn = None
        if task.execution_role is not None and task.execution_role.value:
            text = task.execution_role.value
            role_arn = _arn_or_none(text)
            if role_arn is None:
                answer = self.role(task.execution_role, self.scope_of(task))
                role_arn = answer.arn if isinstance(answer, KnownRole) else None
                if role_arn is None and parse_arn(text) is not None:
                    role_arn = text  # arn:${AWS::Partition}:iam::${AWS::AccountId}:role/x
        return Placement.of(role_arn, task.region or self.region)

    def decide(self, role: KnownRole, request: Request, scope: str | None = None) -> Decision:
        """Whether ``role`` may make ``request`` of a task of ``scope`` (its principal's context
        keys filled in). The request's template values match the same ``${label}`` in the
        role's policies only when the role is defined in that same scope."""
        if role.scope is None or role.scope != scope:
            request = _foreign(request)
        request = _with_principal(role, request)
        key = (id(role), request)
        cached = self._decisions.get(key)
        if cached is None or cached[0] is not role:
            from ecs_lint.iam.evaluator import evaluate_with_boundary

            cached = (role, evaluate_with_boundary(role.policies, role.boundary, request))
            self._decisions[key] = cached
        return cached[1]

    def requirements(self, task: TaskView) -> list[Requirement]:
        """What ``task`` needs its execution role to be allowed (see ``iam.requirements``)."""
        cached = self._requirements.get(id(task))
        if cached is None or cached[0] is not task:
            lookups = _ScopedSecrets(self, self.scope_of(task))
            cached = (task, task_requirements(task, self.placement(task), lookups))
            self._requirements[id(task)] = cached
        return cached[1]

    def needs_anything(self, task: TaskView) -> bool:
        """Whether ``task`` needs anything of its execution role: :meth:`requirements` is not
        empty (asked of every task, so known without making them all when not made yet)."""
        cached = self._requirements.get(id(task))
        if cached is not None and cached[0] is task:
            return bool(cached[1])
        from ecs_lint.iam.requirements import has_requirements  # imported with this module

        lookups = _ScopedSecrets(self, self.scope_of(task))
        return has_requirements(task, self.placement(task), lookups)

    def checks(self, task: TaskView) -> list[Check]:
        """Each requirement decided against the task's execution role; empty when the task has
        no execution role or its policies are unknown (EL201 and EL207 report those)."""
        cached = self._checks.get(id(task))
        if cached is not None and cached[0] is task:
            return cached[1]
        checks: list[Check] = []
        if task.execution_role is not None and task.execution_role.value:
            scope = self.scope_of(task)
            role = self.role(task.execution_role, scope)
            if isinstance(role, KnownRole):
                checks = [
                    Check(role, requirement, self.decide(role, requirement.request, scope))
                    for requirement in self.requirements(task)
                ]
        self._checks[id(task)] = (task, checks)
        return checks

    def prefetch(self, tasks: Iterable[TaskView]) -> None:
        """Make every live look-up the rules will need now (each role and secret once), so that
        an ``AwsError`` surfaces before any rule runs. Offline there is nothing to fetch."""
        if self.live is None:
            return
        for task in tasks:
            if task.execution_role is not None and task.execution_role.value:
                self.checks(task)  # the role first: its look-up is the one most often denied
                self.requirements(task)  # EL207 asks even when the role is unknown

    # --- Secrets and keys ----------------------------------------------------------------

    def secret_facts(
        self, ref: SecretRef | ParameterRef, placement: Placement, scope: str | None = None
    ) -> SecretFacts:
        """What is known of the secret ``ref`` names for a task of ``scope`` placed there."""
        key = (scope, ref.text, placement)
        facts = self._facts.get(key)
        if facts is None:
            facts = self._secret_facts(ref, placement, scope)
            self._facts[key] = facts
        return facts

    def value_from(self, text: str, scope: str | None = None) -> ValueFrom:
        """A ``secrets[].valueFrom`` of a task of ``scope`` as ECS reads it: a template value
        that names a Secrets Manager secret defined in the linted files is that secret's ARN
        (a secret's ``${label}`` keys all stand for its ARN), not the name of a parameter; one
        that names a parameter they define is that parameter; any other is unknown."""
        label = leading_label(text) or (text if is_label(text) else None)
        defined = self.defined_secret(label, scope) if label is not None else None
        service = defined.service if defined is not None else None
        return parse_value_from(
            text, names_secret=service == "secretsmanager", names_parameter=service == "ssm"
        )

    def defined_secret(self, text: str, scope: str | None = None) -> SecretDefinition | None:
        """A secret defined in the linted files (or parameter), by ARN, name or reference, as
        seen from ``scope`` (a ``${label}`` names only a definition of that scope)."""
        found = self._secret_definitions.find([text], scope)
        return found[1] if found is not None else None

    def _secret_facts(
        self, ref: SecretRef | ParameterRef, placement: Placement, scope: str | None
    ) -> SecretFacts:
        definition = self.defined_secret(ref.text, scope) or self.defined_secret(ref.name, scope)
        resource, named = self._secret_resource(ref, placement, definition)
        region = ref.region or placement.region
        key_text, source = self._key_text(ref, definition, region)
        key = None if key_text is None else self._customer_key(key_text, source, ref, placement)
        return SecretFacts(resource, key, named)

    def _secret_resource(
        self,
        ref: SecretRef | ParameterRef,
        placement: Placement,
        definition: SecretDefinition | None,
    ) -> tuple[Resource, SecretRef | None]:
        """The secret's ARN as well as known, and the secret by name when the task names it by
        a template value and the definition gives its name. A secret the linted files define
        without a name is still in their tasks' account and region (see ``SecretDefinition``)."""
        if definition is not None and definition.arn and not _has_placeholder(definition.arn):
            return Resource.exact(definition.arn), None
        named_parameter = definition is not None and definition.service == "ssm"
        if isinstance(ref, ParameterRef) and _has_placeholder(ref.name) and named_parameter:
            assert definition is not None
            if definition.name:
                # A reference to a parameter the files name: that name, where the tasks run.
                parameter = ParameterRef(definition.name, ParameterForm.NAME, definition.name)
                return parameter.resource(placement), None
        if isinstance(ref, SecretRef) and ref.form is SecretForm.UNRESOLVED:
            label = ref.text.removeprefix("${").removesuffix("}")
            where = placement if definition is None or definition.with_tasks else Placement()
            aliases = _arn_labels(definition, label)
            if definition is not None and definition.name:
                named = SecretRef(definition.name, SecretForm.NAME, definition.name)
                resource = named.resource(where)
                return Resource(resource.parts, aliases), named
            if definition is not None and definition.service == "secretsmanager":
                prefix = definition.name_prefix or ""
                return unnamed_secret_resource(label, where, prefix, aliases), None
            return ref.resource(placement), None
        resource = ref.resource(placement)
        if self.live is not None and isinstance(ref, SecretRef) and not resource.is_exact:
            found = self.live.secret(ref.text, self._live_region(ref.region, placement.region))
            if found is not None:
                return Resource.exact(found.arn), None
        return resource, None

    def _live_region(self, *regions: str | None) -> str | None:
        """The first known region for a live look-up: never a template's ``${AWS::Region}``."""
        for region in regions:
            if region and not _has_placeholder(region):
                return region
        return self.region if self.region and not _has_placeholder(self.region) else None

    def _key_text(
        self, ref: SecretRef | ParameterRef, definition: SecretDefinition | None, region: str | None
    ) -> tuple[str | None, str]:
        if definition is not None and definition.kms_key_known:
            if definition.kms_key is None:
                return None, ""
            where = f"{definition.span.path}:{definition.span.line}"
            return definition.kms_key.value, where
        # A secret the files read but do not define may be known by its name or ARN there.
        named = [t for t in (definition.arn, definition.name) if t] if definition else []
        for text in (ref.text, ref.name, *named):
            if text in self._secret_kms_keys:
                return self._secret_kms_keys[text], _KEY_SETTING
        looked_up = ref.text if not _has_placeholder(ref.text) else next(iter(named), None)
        if self.live is None or looked_up is None or _has_placeholder(looked_up):
            return None, ""
        if isinstance(ref, SecretRef):
            found = self.live.secret(looked_up, self._live_region(region))
            return (found.kms_key_id if found else None), "live DescribeSecret"
        parameter = ref.name if not _has_placeholder(ref.name) else looked_up
        return self.live.parameter_key(parameter, self._live_region(region)), (
            "live DescribeParameters"
        )

    def _customer_key(
        self, text: str, source: str, ref: SecretRef | ParameterRef, placement: Placement
    ) -> CustomerKey | None:
        key = parse_kms_key(text)
        if isinstance(key, BadReference) or key.aws_managed:
            return None
        # A key id or alias without an ARN is in the secret's own region and account.
        where = Placement(
            ref.partition or placement.partition,
            ref.region or placement.region,
            ref.account or placement.account,
        )
        if self.live is not None and not _has_placeholder(text):
            live = self.live.kms_key(text, self._live_region(key.region, where.region))
            if live is not None:
                if not live.customer_managed:
                    return None
                return CustomerKey(Resource.exact(live.arn), text, f"{source}, live DescribeKey")
        return CustomerKey(key.resource(where), text, source)


_KEY_SETTING: Final = "--secret-kms-key or the secret-kms-keys setting"


class _ScopedSecrets:
    """The provider's secret look-ups for the tasks of one scope (``SecretLookups``)."""

    def __init__(self, provider: PolicyProvider, scope: str | None) -> None:
        self.provider = provider
        self.scope = scope

    def secret_facts(self, ref: SecretRef | ParameterRef, placement: Placement) -> SecretFacts:
        return self.provider.secret_facts(ref, placement, self.scope)

    def value_from(self, text: str) -> ValueFrom:
        return self.provider.value_from(text, self.scope)


def _foreign(request: Request) -> Request:
    """``request`` as policies from another scope see it: its template values (in the resource
    and the context) name nothing of theirs."""
    resource = request.resource.foreign()
    context = tuple((key, value) for key, value in request.context if "${" not in value)
    if resource is request.resource and len(context) == len(request.context):
        return request
    return Request(request.action, resource, context)


def _arn_labels(definition: SecretDefinition | None, label: str) -> frozenset[str]:
    """``label`` and the other template values a secret's definition says stand for its ARN
    (``DbSecret`` and ``DbSecret.Id``), any of which a policy may name it by."""
    labels = {label}
    if definition is not None and definition.service == "secretsmanager":
        labels.update(key[2:-1] for key in definition.keys if is_label(key))
    return frozenset(labels)


def _arn_or_none(text: str) -> str | None:
    return text if parse_arn(text) is not None and not _has_placeholder(text) else None


def _with_principal(role: KnownRole, request: Request) -> Request:
    arn = role.arn if role.arn and not _has_placeholder(role.arn) else None
    parsed = parse_arn(arn) if arn else None
    if parsed is None or arn is None:
        return request
    extra = {"aws:principalarn": arn, "aws:principalaccount": parsed.account}
    context = dict(request.context)
    context.update(extra)
    return Request(request.action, request.resource, tuple(sorted(context.items())))


def build_policy_provider(
    settings: Settings, model: Model, live: LiveAws | None = None
) -> PolicyProvider:
    """The provider for a run: loads ``--iam`` and ``--role-policy`` files (raising
    ``PolicySourceError`` with file, line and column) and, with ``--aws``, live look-ups."""
    authorization = AuthorizationDetails()
    for path in settings.iam_files:
        authorization.merge(load_authorization_details(path, settings.max_file_size))
    role_policies = {
        role: [load_role_policy_file(path, settings.max_file_size) for path in paths]
        for role, paths in settings.role_policy_files.items()
    }
    if live is None and settings.aws:
        from ecs_lint.iam.live import LiveAws

        live = LiveAws.for_settings(settings)
    region = settings.aws_region
    if region is None and live is not None:
        region = live.session_region()
    return PolicyProvider(
        model=model,
        region=region,
        role_policies=role_policies,
        authorization=authorization,
        secret_kms_keys=settings.secret_kms_keys,
        live=live,
    )
