"""The policy statement a credentials finding suggests, and the ``repositoryCredentials`` fix.

ecs-lint never changes IAM: a denied request gets a :class:`~ecs_lint.findings.Fix` with no
edits whose ``suggestion`` holds the policy document that allows it (JSON ``fix.suggestion``),
and the statement is quoted in the message. The EL101 fix that adds ``repositoryCredentials``
(with the ``docker-hub-credentials`` secret) edits the task definition and says, the same way,
what the execution role then needs.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

from ecs_lint.findings import Edit, Fix
from ecs_lint.iam import Need
from ecs_lint.iam.arns import (
    BadReference,
    Placement,
    parse_credentials_parameter,
    parse_value_from,
    role_name,
)
from ecs_lint.iam.evaluator import Outcome
from ecs_lint.iam.generate import blocking_deny, policy_document, statements_for
from ecs_lint.iam.provider import KnownRole
from ecs_lint.iam.requirements import SecretFacts, task_requirements
from ecs_lint.model import Located

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ecs_lint.iam.arns import ParameterRef, SecretRef, ValueFrom
    from ecs_lint.iam.provider import Check, PolicyProvider
    from ecs_lint.iam.requirements import Requirement
    from ecs_lint.model import ContainerView, TaskView

__all__ = ["SUGGESTION_KIND", "allow_fix", "allow_line", "repository_credentials_fix"]

SUGGESTION_KIND: Final = "execution-role-policy"
CREDENTIALS_PATH: Final = ("repositoryCredentials", "credentialsParameter")


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(", ", ": "), ensure_ascii=False)


def _suggestion(role: str, document: dict[str, Any]) -> dict[str, Any]:
    return {"kind": SUGGESTION_KIND, "role": role, "policy_document": document}


def allow_fix(checks: Sequence[Check]) -> Fix | None:
    """The statements that allow the denied requests of ``checks`` (those no ``Deny`` blocks),
    as a suggestion-only fix; ``None`` when an explicit ``Deny`` blocks them all."""
    wanted = [check for check in checks if blocking_deny(check) is None]
    if not wanted:
        return None
    role = wanted[0].role
    name = role.name or role.display
    statements = statements_for(check.requirement for check in wanted)
    document = policy_document(statements)
    listed = ", ".join(_compact(statement.to_json()) for statement in statements)
    return Fix(
        f"Add to a policy of execution role '{name}' (ecs-lint never changes IAM): {listed}",
        (),
        False,
        _suggestion(name, document),
    )


def allow_line(fix: Fix | None) -> list[str]:
    """The last line of a finding's message: the statements its suggestion allows (none without
    a suggestion)."""
    if fix is None or fix.suggestion is None:
        return []
    statements = fix.suggestion["policy_document"]["Statement"]
    return [f"Allow it with: {', '.join(_compact(statement) for statement in statements)}"]


# --- EL101: add repositoryCredentials ---------------------------------------------------------


class _Lookups:
    """Secret facts from the run's policy provider (for tasks of ``scope``), or only what the
    reference itself says."""

    def __init__(self, provider: PolicyProvider | None, scope: str | None) -> None:
        self.provider = provider
        self.scope = scope

    def secret_facts(self, ref: SecretRef | ParameterRef, placement: Placement) -> SecretFacts:
        if self.provider is not None:
            return self.provider.secret_facts(ref, placement, self.scope)
        return SecretFacts(ref.resource(placement))

    def value_from(self, text: str) -> ValueFrom:
        if self.provider is not None:
            return self.provider.value_from(text, self.scope)
        return parse_value_from(text)


def repository_credentials_fix(
    task: TaskView, container: ContainerView, secret: str, provider: PolicyProvider | None
) -> Fix | None:
    """An unsafe fix adding ``repositoryCredentials.credentialsParameter = secret`` to the
    container, whose description and suggestion say what the execution role then needs;
    ``None`` when the source cannot say where the member goes."""
    if container.insertion is None or isinstance(parse_credentials_parameter(secret), BadReference):
        return None
    added = container.insertion.add_member(CREDENTIALS_PATH, secret)
    if added is None:
        return None
    span, text = added
    needs = _credentials_requirements(task, container, secret, span, provider)
    statements = statements_for(needs)
    document = policy_document(statements)
    role = task.execution_role.value if task.execution_role is not None else ""
    description = (
        f"Add repositoryCredentials with the docker-hub-credentials secret {secret} to "
        f"container '{container.name}'"
    )
    listed = ", ".join(_compact(statement.to_json()) for statement in statements)
    if not role:
        description += (
            f"; the task has no executionRoleArn: give it an execution role allowing {listed}"
        )
        return Fix(description, (Edit(span, text),), False, _suggestion("", document))
    scope = provider.scope_of(task) if provider is not None else None
    answer = provider.role(role, scope) if provider is not None else None
    if isinstance(answer, KnownRole) and all(
        provider is not None
        and provider.decide(answer, need.request, scope).outcome is Outcome.ALLOWED
        for need in needs
    ):
        description += f"; execution role '{answer.name or role}' already allows reading it"
        return Fix(description, (Edit(span, text),), False)
    shown = answer.name if isinstance(answer, KnownRole) and answer.name else role_name(role)
    description += f"; execution role '{shown}' then needs: {listed}"
    return Fix(description, (Edit(span, text),), False, _suggestion(shown, document))


def _credentials_requirements(
    task: TaskView,
    container: ContainerView,
    secret: str,
    span: Any,
    provider: PolicyProvider | None,
) -> list[Requirement]:
    """What reading ``secret`` as this container's registry credentials asks of the role."""
    with_credentials = replace(container, credentials_parameter=Located(secret, span))
    single = replace(task, containers=(with_credentials,))
    placement = provider.placement(task) if provider is not None else Placement()
    scope = provider.scope_of(task) if provider is not None else None
    found = task_requirements(single, placement, _Lookups(provider, scope))
    return [
        need for need in found if need.kind in (Need.READ_CREDENTIALS, Need.DECRYPT_CREDENTIALS)
    ]
