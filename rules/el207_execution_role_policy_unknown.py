"""EL207 execution-role-policy-unknown: the execution role's policies are not available.

## What it does
Reports, once per role per run, a task execution role whose permissions the credentials checks
(EL203 to EL212) need but whose policies ecs-lint does not have: no policy source describes the
role, an attached managed policy or permissions boundary is unknown, or the role's ARN is not
resolved statically. The message says why, and how to provide them.

It also reports each ``secrets[].valueFrom`` whose value is not known statically and names
nothing the linted files define (a Terraform variable or module output, a CloudFormation
parameter): it may be a Secrets Manager secret or an SSM parameter, so what the role needs to
read it is unknown, and it is not checked (never reported as denied).

## Why is this bad?
ecs-lint never guesses what an unknown policy allows or denies, so nothing is proven about the
role: registry credentials, secrets, ECR pulls and log streams may all fail at start.

## Example
``"executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"`` with no
``--iam`` or ``--role-policy`` for it.

## How to fix
Give ecs-lint the role's policies, with any of:

- ``--role-policy ecsTaskExecutionRole=policy.json`` (repeatable; the files given for a role are
  all of its policies; also ``role-policies`` in the configuration file);
- ``--iam account.json``, the output of ``aws iam get-account-authorization-details``;
- the role defined in the same CloudFormation template or Terraform plan;
- ``--aws`` to read it from IAM (needs ``iam:GetRole``, ``iam:ListRolePolicies``,
  ``iam:GetRolePolicy``, ``iam:ListAttachedRolePolicies``, ``iam:GetPolicy`` and
  ``iam:GetPolicyVersion``).

For a secret whose reference is unknown, give its value (``--var``, ``--var-file`` for
Terraform; ``--parameter`` for CloudFormation), or reference the secret or parameter resource
(or data source) itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity
from ecs_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.model import Model


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    provider = ctx.services.policies
    if provider is None:
        return
    from ecs_lint.iam.arns import role_name  # the provider has loaded IAM already
    from ecs_lint.iam.provider import UnknownRole

    reported: set[tuple[str | None, str]] = set()
    for task in model.tasks:
        located = task.execution_role
        if located is None or not located.value:
            continue
        scope = provider.scope_of(task)  # the same ${Label} in two templates is two roles
        if (scope, located.value) in reported:
            continue
        if not provider.needs_anything(task):
            continue  # nothing in this task depends on the role's permissions
        role = provider.role(located, scope)
        if not isinstance(role, UnknownRole):
            continue
        reported.add((scope, located.value))
        yield ctx.finding(
            located.span,
            f"the policies of execution role '{role_name(role.display)}' are not known, so its "
            f"registry, secret and log permissions are not checked; "
            f"{ctx.settings.role_policy_hint}",
            details=[
                f"Not known: {role.reason}.",
                "--iam and iam-files take the output of "
                "'aws iam get-account-authorization-details'.",
            ],
        )
    yield from _unknown_secrets(model, ctx)


def _unknown_secrets(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    """Secrets whose service is not known, of tasks whose role's policies are known (the
    finding above already says a role with unknown policies is not checked)."""
    provider = ctx.services.policies
    assert provider is not None
    from ecs_lint.iam.arns import UnknownValueFrom, role_name
    from ecs_lint.iam.provider import KnownRole

    for task in model.tasks:
        located = task.execution_role
        if located is None or not located.value:
            continue
        scope = provider.scope_of(task)
        role = provider.role(located, scope)
        if not isinstance(role, KnownRole):
            continue
        for container in task.containers:
            for secret in container.secrets:
                value = secret.value_from
                if not isinstance(provider.value_from(value.value, scope), UnknownValueFrom):
                    continue
                depends = ", ".join(value.unresolved) or value.value
                role_text = role.name or role_name(role.display)
                yield ctx.finding(
                    value.span,
                    f"secret {secret.name}: valueFrom '{value.value}' depends on {depends}, "
                    "which has no known value, so whether it is a Secrets Manager secret or an "
                    f"SSM parameter, and whether execution role '{role_text}' "
                    "may read it, is not checked; give it a value, or reference the secret or "
                    "parameter itself",
                )


RULE = Rule("EL207", "execution-role-policy-unknown", Severity.INFO, check, __doc__ or "")
