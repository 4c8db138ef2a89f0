"""EL204 execution-role-permission-conditional: a needed permission holds only under conditions.

## What it does
For every permission the task execution role needs (registry credentials, secrets, KMS keys, ECR
pulls, log streams), flags the ones its policies allow only under a ``Condition`` whose keys
are not known before the task runs, or that a conditional ``Deny`` may remove. It also flags
permissions that depend on a policy variable (``${aws:username}``) or on what ecs-lint cannot
know statically, such as the random suffix of a secret named without its full ARN. The message
names the condition keys and the statements.

A secret the template defines without a name (CloudFormation and Terraform generate one) is known
to be in the stack's own account and region: a statement allowing all of that account's secrets
(``...:secret:*``) or naming the secret by its reference (``!Ref DbSecret``) allows it for
certain; one allowing only some names (``...:secret:app-*``) is reported here when the generated
name may match it, and as denied when it cannot (Terraform's names start with ``terraform-`` or
the ``name_prefix``).

## Why is this bad?
Whether the task starts depends on values at run time (``aws:SourceVpc``, tags, the time of
day...). ecs-lint cannot prove the task will start, and a condition written for people often
fails for the ECS agent.

## Example
```json
{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
 "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0abc"}}}
```

## How to fix
Check that the condition holds for the ECS agent's requests (it calls from the task's network,
as the execution role), or allow the action without the condition. Name secrets by their full
ARN so the resource is known.
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
    from ecs_lint.iam.explain import role_label

    for task in model.tasks:
        for item in provider.checks(task):
            decision = item.decision
            if decision.allowed or decision.denied:  # not conditional: decided either way
                continue
            request = decision.request
            requirement = item.requirement
            yield ctx.finding(
                requirement.span,
                f"{role_label(item.role)} is allowed only conditionally what the "
                f"{requirement.subject} needs",
                details=[
                    f"ecs-lint cannot prove the task will start: {request.action} on "
                    f"{request.resource} is {decision.explain()}.",
                    *([requirement.source] if requirement.source else []),
                ],
            )


RULE = Rule(
    "EL204", "execution-role-permission-conditional", Severity.WARNING, check, __doc__ or ""
)
