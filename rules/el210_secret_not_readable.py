"""EL210 secret-not-readable: the execution role may not read a secret the container needs.

## What it does
For each ``secrets[].valueFrom``, evaluates the task execution role's policies for
``secretsmanager:GetSecretValue`` on a Secrets Manager secret (a ``:json-key:version-stage:
version-id`` tail is not part of the resource) or ``ssm:GetParameters`` on an SSM parameter, plus
``kms:Decrypt`` when a customer-managed KMS key encrypts it, and flags each one that is denied.
The message names the role, the secret and the deciding statement, or says that no statement
allows it.

## Why is this bad?
The task fails to start: ``ResourceInitializationError: unable to pull secrets or registry auth:
... AccessDeniedException``. As with registry credentials, a policy ``Resource`` naming a secret
without the 6-character suffix of its ARN never matches.

## Example
```json
"secrets": [{
  "name": "DB_PASSWORD",
  "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::"
}]
```
with an execution role that allows only ``ssm:GetParameters``.

## How to fix
Allow ``secretsmanager:GetSecretValue`` on the secret's ARN (or ``...:secret:<name>-??????``),
``ssm:GetParameters`` on ``arn:aws:ssm:<region>:<account>:parameter/<name>``, and ``kms:Decrypt``
on customer-managed keys, in a policy of the execution role. The finding ends with the
statement to add (JSON: ``fix.suggestion``); ``ecs-lint policy`` writes the whole policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity
from ecs_lint.iam.explain import START_FAILURE, case_trap, denial, role_label, suffix_trap
from ecs_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.model import Model


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    provider = ctx.services.policies
    if provider is None:
        return
    for task in model.tasks:
        for item in provider.checks(task):
            if item.requirement.rule != ctx.rule.code or not item.decision.denied:
                continue
            message = (
                f"{role_label(item.role)} cannot read the {item.requirement.subject}: "
                f"{denial(item)}; {START_FAILURE}"
            )
            trap = suffix_trap(item, provider.placement(task)) or case_trap(item)
            if trap is not None:
                message += f". {trap}"
            # Imported for a denial only: a policy suggestion costs start-up otherwise.
            from ecs_lint.iam.suggest import allow_fix, message_with

            fix = allow_fix([item])
            yield ctx.finding(item.requirement.span, message_with(message, fix), fix=fix)


RULE = Rule("EL210", "secret-not-readable", Severity.ERROR, check, __doc__ or "")
