"""The least-privilege execution-role policy a set of tasks needs (``ecs-lint policy``).

Each task's :class:`~ecs_lint.iam.requirements.Requirement` values (what the credentials rules
check) become grants of exactly those requests:

* ``secretsmanager:GetSecretValue`` on each secret, suffix-correct: the full ARN when the task
  gives it, else ``...:secret:NAME-??????`` (Secrets Manager adds ``-`` and six characters);
* ``ssm:GetParameters`` on each parameter;
* ``kms:Decrypt`` on customer-managed keys, with ``kms:ViaService`` limiting it to the secret's
  service in the secret's region when that is known;
* ``ecr:GetAuthorizationToken`` on ``*`` and the three pull actions on each repository, and the
  ``awslogs`` actions (``logs:CreateLogGroup`` only with ``awslogs-create-group``), only where
  the launch type makes them the execution role's job (the requirements decide that).

Grants with the same actions and condition share a statement; each statement has a ``Sid`` that
depends only on its actions and condition (never on the order tasks were read in), and sorted
resources. A part of an ARN that is not known (a region, an account) is written ``*`` and said
in a note, never guessed.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, TypeAlias

from ecs_lint.iam.arns import parse_arn, role_name
from ecs_lint.iam.evaluator import Outcome
from ecs_lint.iam.provider import KnownRole

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    References: TypeAlias = Callable[[str], bool] | None
    """Which template references (``DockerHubSecret``, ``aws_secretsmanager_secret.hub.arn``)
    an output format can write, to name a resource the template knows exactly."""

    from ecs_lint.iam.provider import Check, PolicyProvider
    from ecs_lint.iam.requests import Request, Resource
    from ecs_lint.iam.requirements import Requirement
    from ecs_lint.model import Model, TaskView

__all__ = [
    "INLINE_ROLE_POLICY_LIMIT",
    "PolicyStatement",
    "RolePolicy",
    "blocking_deny",
    "generate_role_policies",
    "policy_document",
    "policy_size",
    "resource_pattern",
    "statements_for",
    "template_values",
]

VERSION: Final = "2012-10-17"
INLINE_ROLE_POLICY_LIMIT: Final = 10_240
"""Characters (whitespace not counted) IAM allows for a role's inline policies together."""
MANAGED_POLICY_LIMIT: Final = 6_144

Condition = tuple[tuple[str, str, str], ...]
"""(operator, key, value) triples."""

# Statement names by action set, in the order statements are printed.
_SIDS: Final = (
    (("secretsmanager:GetSecretValue",), "ReadSecrets"),
    (("ssm:GetParameters",), "ReadParameters"),
    (("kms:Decrypt",), "DecryptSecrets"),
    (("ecr:GetAuthorizationToken",), "EcrAuthorization"),
    (
        ("ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"),
        "EcrPullImages",
    ),
    (("logs:CreateLogStream", "logs:PutLogEvents"), "WriteLogs"),
    (("logs:CreateLogGroup",), "CreateLogGroups"),
)
_SID_BY_ACTIONS: Final = {actions: (rank, sid) for rank, (actions, sid) in enumerate(_SIDS)}
_WORD: Final = re.compile(r"[A-Za-z0-9]+")
_TEMPLATE_VALUE: Final = re.compile(r"\$\{([^}]*)\}")
_PLACE_UNKNOWNS: Final = {"region": "region", "account": "account", "partition": "partition"}
_KEY_NOT_LOOKED_UP: Final = "give its key ARN with --secret-kms-key, or look it up with --aws"
_KEY_NOT_FOUND_LIVE: Final = "--aws could not look it up: give its key ARN with --secret-kms-key"


@dataclass(frozen=True, slots=True)
class PolicyStatement:
    """One ``Allow`` statement: sorted actions on sorted resources, maybe with a condition."""

    sid: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    condition: Condition = ()

    def to_json(self) -> dict[str, Any]:
        statement: dict[str, Any] = {
            "Sid": self.sid,
            "Effect": "Allow",
            "Action": _one_or_list(self.actions),
            "Resource": _one_or_list(self.resources),
        }
        if self.condition:
            blocks: dict[str, dict[str, str]] = {}
            for operator, key, value in self.condition:
                blocks.setdefault(operator, {})[key] = value
            statement["Condition"] = blocks
        return statement


def _one_or_list(values: tuple[str, ...]) -> str | list[str]:
    return values[0] if len(values) == 1 else list(values)


def policy_document(statements: Iterable[PolicyStatement]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": [s.to_json() for s in statements]}


def policy_size(document: dict[str, Any]) -> int:
    """The size IAM counts: the JSON text without whitespace."""
    compact = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    return sum(1 for char in compact if not char.isspace())


# --- Requirements → statements ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Grant:
    action: str
    resource: str
    condition: Condition


def _grant(requirement: Requirement, references: References) -> _Grant:
    request = requirement.request
    resource = resource_pattern(request.resource, request.action, references=references)
    condition: Condition = ()
    if request.action == "kms:Decrypt":
        via = dict(request.context).get("kms:viaservice")
        if via is not None:
            condition = (("StringEquals", "kms:ViaService", via),)
    return _Grant(request.action, resource, condition)


def resource_pattern(resource: Resource, action: str, *, references: References = None) -> str:
    """The policy ``Resource`` that covers exactly this resource, whatever its unknown parts.

    A resource a template knows by a reference (a logical id) is written as that reference
    (``${DockerHubSecret}``) when ``references`` accepts it: the template resolves it exactly.
    """
    usable = sorted(alias for alias in resource.aliases if references and references(alias))
    if usable:
        return "${" + usable[0] + "}"
    text = resource.as_pattern()
    if action == "logs:CreateLogGroup" and text.endswith(":log-stream:"):
        # Checked on "...:log-group:GROUP:log-stream:"; the usual grant is "...:log-group:GROUP:*".
        text = text.removesuffix("log-stream:") + "*"
    return text


def statements_for(
    requirements: Iterable[Requirement], *, references: References = None
) -> tuple[PolicyStatement, ...]:
    """Grouped statements allowing exactly the requests of ``requirements``."""
    by_resource: dict[tuple[str, Condition], set[str]] = {}
    for requirement in requirements:
        grant = _grant(requirement, references)
        by_resource.setdefault((grant.resource, grant.condition), set()).add(grant.action)
    groups: dict[tuple[tuple[str, ...], Condition], list[str]] = {}
    for (resource, condition), granted in by_resource.items():
        groups.setdefault((tuple(sorted(granted)), condition), []).append(resource)
    ordered = sorted(groups.items(), key=lambda item: _order(item[0][0], item[0][1]))
    statements: list[PolicyStatement] = []
    used: set[str] = set()
    for (actions, condition), resources in ordered:
        sid = _unique(_sid(actions, condition), used)
        statements.append(PolicyStatement(sid, actions, tuple(sorted(resources)), condition))
    return tuple(statements)


def _order(actions: tuple[str, ...], condition: Condition) -> tuple[int, str, Condition]:
    rank, sid = _SID_BY_ACTIONS.get(actions, (len(_SIDS), ""))
    return rank, sid or _camel(actions), condition


def _sid(actions: tuple[str, ...], condition: Condition) -> str:
    base = _SID_BY_ACTIONS.get(actions, (0, "Allow" + _camel(actions)))[1]
    for _, key, value in condition:
        if key == "kms:ViaService":
            # secretsmanager.eu-west-1.amazonaws.com → ViaSecretsmanagerEuWest1; a template's
            # secretsmanager.${AWS::Region}.amazonaws.com → ViaSecretsmanager
            service = _TEMPLATE_VALUE.sub("", value)
            base += "Via" + _camel(service.removesuffix(".amazonaws.com").removesuffix(".com.cn"))
    return base[:128]


def _camel(texts: Iterable[str] | str) -> str:
    items = [texts] if isinstance(texts, str) else list(texts)
    return "".join(word[:1].upper() + word[1:] for text in items for word in _WORD.findall(text))


def _unique(sid: str, used: set[str]) -> str:
    candidate, number = sid, 2
    while candidate in used:
        candidate, number = f"{sid}{number}", number + 1
    used.add(candidate)
    return candidate


# --- Per execution role ---------------------------------------------------------------------


@dataclass(slots=True)
class RolePolicy:
    """What one execution role needs (or, with ``missing``, still lacks) for its tasks.

    ``role`` is the role as the tasks name it (``None``: tasks without ``executionRoleArn``);
    ``known`` is the role with its current policies, when a policy source describes it.
    ``requirements`` are those the statements allow; ``notes`` say what the user should know
    (parts written ``*``, explicit denies no ``Allow`` can fix, unknown current policies).
    """

    role: str | None
    tasks: list[str] = field(default_factory=list)
    requirements: list[Requirement] = field(default_factory=list)
    needed: int = 0
    """How many requests the tasks need in all (``requirements`` holds the missing ones)."""
    known: KnownRole | None = None
    notes: list[str] = field(default_factory=list)
    where: str | None = None
    """The file of its first task, when another template names a different role by the same
    reference (both define ``TaskExecutionRole``): it tells the two apart in ``label``."""
    _requests: set[Request] = field(default_factory=set, repr=False)

    def add(self, requirement: Requirement) -> None:
        """Keep ``requirement`` unless one for the same request is kept already."""
        if requirement.request not in self._requests:
            self._requests.add(requirement.request)
            self.requirements.append(requirement)

    @property
    def name(self) -> str | None:
        """The role's name (from an ARN or a plain name); ``None`` when not known."""
        if self.known is not None and self.known.name and "${" not in self.known.name:
            return self.known.name
        if self.role is None or "${" in self.role:
            return None
        return role_name(self.role) if parse_arn(self.role) else self.role

    @property
    def label(self) -> str:
        if self.role is None:
            return "(no executionRoleArn)"
        return f"{self.role} ({self.where})" if self.where else self.role

    def statements(self, *, references: References = None) -> tuple[PolicyStatement, ...]:
        return statements_for(self.requirements, references=references)

    def document(self, *, references: References = None) -> dict[str, Any]:
        return policy_document(self.statements(references=references))


def _role_key(text: str | None, scope: str | None = None) -> str:
    """Tasks naming the same role share one entry; a ``${label}`` is the same role only within
    its template (``scope``)."""
    if text is None:
        return ""
    if "${" in text:
        return f"{scope}\n{text}" if scope is not None else text
    return "name:" + role_name(text).lower()


def generate_role_policies(
    model: Model, provider: PolicyProvider, *, missing: bool = False, role: str | None = None
) -> list[RolePolicy]:
    """One :class:`RolePolicy` per execution role of the model's tasks, in the order the roles
    first appear; ``role`` keeps only the role of that name or ARN. With ``missing`` each holds
    only what the role's current policies do not allow already (everything when they are not
    known, with a note saying so)."""
    wanted = _role_key(role) if role is not None else None
    by_role: dict[str, RolePolicy] = {}
    for task in model.tasks:
        text = task.execution_role.value if task.execution_role is not None else None
        text = text or None
        if wanted is not None and _role_key(text) != wanted:
            continue
        scope = provider.scope_of(task)
        key = _role_key(text, scope)
        entry = by_role.get(key)
        if entry is None:
            entry = by_role[key] = RolePolicy(text)
            if text is not None:
                answer = provider.role(text, scope)
                entry.known = answer if isinstance(answer, KnownRole) else None
                if missing and not isinstance(answer, KnownRole):
                    entry.notes.append(
                        f"the current policies of {text} are not known ({answer.reason}), so "
                        "this is everything its tasks need"
                    )
        if not entry.tasks:
            entry.where = task.span.path
        entry.tasks.append(_task_label(task))
        _add(entry, task, provider, missing)
    same_text = Counter(entry.role for entry in by_role.values())
    for entry in by_role.values():
        if same_text[entry.role] == 1:
            entry.where = None
        entry.notes.extend(_unknown_part_notes(entry.requirements, live=provider.live is not None))
    return list(by_role.values())


def _task_label(task: TaskView) -> str:
    return task.title or task.family or f"{task.span.path}:{task.span.line}"


def _add(entry: RolePolicy, task: TaskView, provider: PolicyProvider, missing: bool) -> None:
    requirements = provider.requirements(task)
    entry.needed += len(requirements)
    if not missing or entry.known is None:
        for requirement in requirements:
            entry.add(requirement)
        return
    for check in provider.checks(task):
        if check.decision.outcome is Outcome.ALLOWED:
            continue
        note = blocking_deny(check)
        if note is not None:
            if note not in entry.notes:
                entry.notes.append(note)
            continue
        entry.add(check.requirement)


def blocking_deny(check: Check) -> str | None:
    """Why adding an ``Allow`` cannot grant this request (a ``Deny`` covers it), if it cannot."""
    decision = check.decision
    denies = decision.denied_by or tuple(s for s in decision.conditional if s.effect == "Deny")
    if not denies:
        return None
    request = decision.request
    where = ", ".join(statement.describe() for statement in denies)
    how = "denies" if decision.denied_by else "may deny"
    return (
        f"{where} {how} {request.action} on {request.resource}; no Allow can grant it: change "
        "that statement"
    )


def _unknown_part_notes(requirements: Sequence[Requirement], *, live: bool) -> list[str]:
    """What the user should know of the parts of ``requirements`` written ``*``; ``live``: the
    run looked keys up in AWS (``--aws``), so only giving the key is left to suggest."""
    notes: list[str] = []
    unknown_places: set[str] = set()
    for requirement in requirements:
        resource = requirement.request.resource
        # A resource written as its reference (``${DbSecret}``) is named exactly.
        starred = () if resource.reference is not None else resource.unknowns
        for part in starred:
            if part.label in _PLACE_UNKNOWNS:
                unknown_places.add(_PLACE_UNKNOWNS[part.label])
            elif part.label.startswith("key of "):
                note = (
                    f"the key behind {part.label.removeprefix('key of ')} is not known, so "
                    "kms:Decrypt is allowed on any key of the account (limited by kms:ViaService "
                    "where the region is known); "
                    + (_KEY_NOT_FOUND_LIVE if live else _KEY_NOT_LOOKED_UP)
                )
                if note not in notes:
                    notes.append(note)
        if requirement.request.action == "kms:Decrypt" and not any(
            key == "kms:viaservice" for key, _ in requirement.request.context
        ):
            note = "the region is not known, so kms:Decrypt has no kms:ViaService condition"
            if note not in notes:
                notes.append(note)
    if unknown_places:
        names = " and ".join(sorted(unknown_places))
        verb = "is" if len(unknown_places) == 1 else "are"
        notes.insert(
            0,
            f"the {names} of some resources {verb} not known and written '*': for exact ARNs "
            "pass --region and name the execution role by its ARN (it gives the account), or "
            "for a template --parameter AWS::Region=... --parameter AWS::AccountId=...",
        )
    return notes


def template_values(document: dict[str, Any]) -> list[str]:
    """The unresolved template values (``${DockerHubSecret}``) a document's resources and
    condition values hold."""
    found: list[str] = []
    for statement in document.get("Statement", []):
        resources = statement.get("Resource", [])
        texts = [resources] if isinstance(resources, str) else list(resources)
        for block in statement.get("Condition", {}).values():
            texts.extend(value for value in block.values() if isinstance(value, str))
        for text in texts:
            for match in _TEMPLATE_VALUE.finditer(text):
                if match.group() not in found:
                    found.append(match.group())
    return found
