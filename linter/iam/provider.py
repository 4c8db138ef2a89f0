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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ecs_lint.iam import managed
from ecs_lint.iam.arns import (
    BadReference,
    ParameterRef,
    Placement,
    SecretForm,
    SecretRef,
    parse_arn,
    parse_kms_key,
    role_name,
)
from ecs_lint.iam.evaluator import (
    Decision,
    Policy,
    PolicyError,
    Request,
    Resource,
    evaluate_with_boundary,
    parse_policy,
)
from ecs_lint.iam.requirements import CustomerKey, Requirement, SecretFacts, task_requirements
from ecs_lint.iam.sources import (
    AuthorizationDetails,
    load_authorization_details,
    load_role_policy_file,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ecs_lint.iam.live import LiveAws
    from ecs_lint.model import Located, Model, RoleDefinition, SecretDefinition, TaskView
    from ecs_lint.settings import Settings

__all__ = [
    "HOW_TO_PROVIDE",
    "Check",
    "KnownRole",
    "PolicyProvider",
    "UnknownRole",
    "build_policy_provider",
]

HOW_TO_PROVIDE: Final = (
    "give its policies with --role-policy ROLE=FILE or --iam FILE (the output of "
    "'aws iam get-account-authorization-details'), define the role in the same template, or "
    "look it up with --aws"
)


@dataclass(frozen=True, slots=True)
class KnownRole:
    """A role whose policies are all known. ``display`` is the role as the task names it."""

    display: str
    name: str | None
    arn: str | None
    policies: tuple[Policy, ...]
    boundary: Policy | None
    source: str


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
        self._role_definitions: dict[str, RoleDefinition] = {}
        self._policy_definitions: dict[str, tuple[str, object, str]] = {}
        self._secret_definitions: dict[str, SecretDefinition] = {}
        if model is not None:
            self._index(model)
        self._roles: dict[str, RoleAnswer] = {}
        self._decisions: dict[tuple[str, Request], Decision] = {}
        self._facts: dict[tuple[str, Placement], SecretFacts] = {}
        self._requirements: dict[int, tuple[TaskView, list[Requirement]]] = {}
        self._checks: dict[int, tuple[TaskView, list[Check]]] = {}

    def _index(self, model: Model) -> None:
        for role in model.roles:
            for text in (*role.keys, role.name, role.arn):
                if text:
                    for key in _role_keys(text):
                        self._role_definitions.setdefault(key, role)
        for policy in model.policies:
            origin = f"{policy.span.path}:{policy.span.line}"
            for text in policy.keys:
                self._policy_definitions.setdefault(text, (policy.name, policy.document, origin))
        for secret in model.secrets:
            for text in (*secret.keys, secret.name, secret.arn):
                if text:
                    self._secret_definitions.setdefault(text, secret)

    # --- Roles ---------------------------------------------------------------------------

    def role(self, value: Located | str) -> RoleAnswer:
        """The role a task's ``executionRoleArn`` names (ARN, name or a template reference)."""
        text = value if isinstance(value, str) else value.value
        answer = self._roles.get(text)
        if answer is None:
            answer = self._find_role(text)
            self._roles[text] = answer
        return answer

    def _find_role(self, text: str) -> RoleAnswer:
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
        for key in keys:
            if key in self._role_definitions:
                return self._from_definition(text, self._role_definitions[key])
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

    def _from_definition(self, text: str, role: RoleDefinition) -> RoleAnswer:
        if role.unresolved:
            return UnknownRole(text, f"{', '.join(role.unresolved)} could not be resolved")
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
    ) -> RoleAnswer:
        policies = list(inline)
        for policy_arn in managed_arns:
            policy = self._managed(policy_arn)
            if isinstance(policy, str):
                return UnknownRole(text, f"its attached managed policy {policy_arn} {policy}")
            policies.append(policy)
        boundary = None
        if boundary_arn is not None:
            found = self._managed(boundary_arn)
            if isinstance(found, str):
                return UnknownRole(text, f"its permissions boundary {boundary_arn} {found}")
            boundary = found
        return KnownRole(text, name, arn, tuple(policies), boundary, source)

    def _managed(self, arn: str) -> Policy | str:
        """A managed policy's document, or why it is unknown."""
        defined = self._policy_definitions.get(arn)
        if defined is not None:
            name, document, origin = defined
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
        """The account and partition from the execution role's ARN, the region from settings."""
        role_arn = None
        if task.execution_role is not None:
            text = task.execution_role.value
            role_arn = _arn_or_none(text)
            if role_arn is None:
                answer = self.role(task.execution_role)
                role_arn = answer.arn if isinstance(answer, KnownRole) else None
        return Placement.of(role_arn, self.region)

    def decide(self, role: KnownRole, request: Request) -> Decision:
        """Whether ``role`` may make ``request`` (its principal's context keys filled in)."""
        request = _with_principal(role, request)
        key = (role.display, request)
        decision = self._decisions.get(key)
        if decision is None:
            decision = evaluate_with_boundary(role.policies, role.boundary, request)
            self._decisions[key] = decision
        return decision

    def requirements(self, task: TaskView) -> list[Requirement]:
        """What ``task`` needs its execution role to be allowed (see ``iam.requirements``)."""
        cached = self._requirements.get(id(task))
        if cached is None or cached[0] is not task:
            cached = (task, task_requirements(task, self.placement(task), self))
            self._requirements[id(task)] = cached
        return cached[1]

    def checks(self, task: TaskView) -> list[Check]:
        """Each requirement decided against the task's execution role; empty when the task has
        no execution role or its policies are unknown (EL201 and EL207 report those)."""
        cached = self._checks.get(id(task))
        if cached is not None and cached[0] is task:
            return cached[1]
        checks: list[Check] = []
        if task.execution_role is not None and task.execution_role.value:
            role = self.role(task.execution_role)
            if isinstance(role, KnownRole):
                checks = [
                    Check(role, requirement, self.decide(role, requirement.request))
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

    def secret_facts(self, ref: SecretRef | ParameterRef, placement: Placement) -> SecretFacts:
        key = (ref.text, placement)
        facts = self._facts.get(key)
        if facts is None:
            facts = self._secret_facts(ref, placement)
            self._facts[key] = facts
        return facts

    def defined_secret(self, text: str) -> SecretDefinition | None:
        """A secret defined in the linted files (or parameter), by ARN, name or reference."""
        return self._secret_definitions.get(text)

    def _secret_facts(self, ref: SecretRef | ParameterRef, placement: Placement) -> SecretFacts:
        definition = self.defined_secret(ref.text) or self.defined_secret(ref.name)
        resource = self._secret_resource(ref, placement, definition)
        region = ref.region or placement.region
        key_text, source = self._key_text(ref, definition, region)
        if key_text is None:
            return SecretFacts(resource)
        return SecretFacts(resource, self._customer_key(key_text, source, ref, placement))

    def _secret_resource(
        self,
        ref: SecretRef | ParameterRef,
        placement: Placement,
        definition: SecretDefinition | None,
    ) -> Resource:
        if definition is not None and definition.arn and not _has_placeholder(definition.arn):
            return Resource.exact(definition.arn)
        if isinstance(ref, SecretRef) and ref.form is SecretForm.UNRESOLVED:
            if definition is not None and definition.name:
                named = SecretRef(definition.name, SecretForm.NAME, definition.name)
                label = ref.text.removeprefix("${").removesuffix("}")
                resource = named.resource(placement)
                return Resource(resource.parts, frozenset({label}))
            return ref.resource(placement)
        resource = ref.resource(placement)
        if self.live is not None and isinstance(ref, SecretRef) and not resource.is_exact:
            found = self.live.secret(ref.text, ref.region or placement.region or self.region)
            if found is not None:
                return Resource.exact(found.arn)
        return resource

    def _key_text(
        self, ref: SecretRef | ParameterRef, definition: SecretDefinition | None, region: str | None
    ) -> tuple[str | None, str]:
        if definition is not None:
            if definition.kms_key is None:
                return None, ""
            where = f"{definition.span.path}:{definition.span.line}"
            return definition.kms_key.value, where
        for text in (ref.text, ref.name):
            if text in self._secret_kms_keys:
                return self._secret_kms_keys[text], _KEY_SETTING
        if self.live is None or _has_placeholder(ref.text):
            return None, ""
        if isinstance(ref, SecretRef):
            found = self.live.secret(ref.text, region or self.region)
            return (found.kms_key_id if found else None), "live DescribeSecret"
        return self.live.parameter_key(ref.name, region or self.region), "live DescribeParameters"

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
            live = self.live.kms_key(text, key.region or where.region or self.region)
            if live is not None:
                if not live.customer_managed:
                    return None
                return CustomerKey(Resource.exact(live.arn), text, f"{source}, live DescribeKey")
        return CustomerKey(key.resource(where), text, source)


_KEY_SETTING: Final = "--secret-kms-key or the secret-kms-keys setting"


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
        authorization.merge(load_authorization_details(path))
    role_policies = {
        role: [load_role_policy_file(path) for path in paths]
        for role, paths in settings.role_policy_files.items()
    }
    if live is None and settings.aws:
        from ecs_lint.iam.live import LiveAws

        live = LiveAws(settings.aws_region, settings.aws_profile)
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
