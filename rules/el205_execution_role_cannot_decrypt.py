"""EL205 execution-role-cannot-decrypt: the role may not decrypt the registry credentials.

## What it does
When the secret named by ``repositoryCredentials.credentialsParameter`` is encrypted with a
customer-managed KMS key (known from a secret defined in the same template, the
``secret-kms-keys`` setting or ``--secret-kms-key``, or a live ``DescribeSecret`` with
``--aws``), checks that the task execution role's policies allow ``kms:Decrypt`` on that key,
and flags the container when they do not. Secrets encrypted with the AWS managed key
``aws/secretsmanager`` need no grant and are not flagged.

## Why is this bad?
Secrets Manager decrypts the secret with the caller's permissions. Without ``kms:Decrypt`` the
task fails to start with ``ResourceInitializationError: unable to pull secrets or registry auth``
even though ``secretsmanager:GetSecretValue`` is allowed.

## Example
A secret with ``"KmsKeyId": "alias/registry"`` and an execution role that only allows
``secretsmanager:GetSecretValue``.

## How to fix
Allow ``kms:Decrypt`` on the key's ARN in the execution role's policy (optionally with the
condition ``"kms:ViaService": "secretsmanager.<region>.amazonaws.com"``). ecs-lint reads identity
policies only: if the key policy itself grants the role ``kms:Decrypt``, the task works and this
finding can be ignored for it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity
from ecs_lint.iam.explain import START_FAILURE, denial, role_label
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
                f"{role_label(item.role)} cannot decrypt the {item.requirement.subject}: "
                f"{denial(item)}; {START_FAILURE}"
            )
            # Imported for a denial only: a policy suggestion costs start-up otherwise.
            from ecs_lint.iam.suggest import allow_fix, message_with

            fix = allow_fix([item])
            yield ctx.finding(item.requirement.span, message_with(message, fix), fix=fix)


RULE = Rule("EL205", "execution-role-cannot-decrypt", Severity.ERROR, check, __doc__ or "")
