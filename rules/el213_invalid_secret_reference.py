"""EL213 invalid-secret-reference: a ``secrets[].valueFrom`` ECS cannot resolve.

## What it does
Checks each ``secrets[].valueFrom``. It must be a Secrets Manager secret ARN, optionally followed
by exactly three fields ``:json-key:version-stage:version-id`` (unused ones left empty, e.g.
``...:secret:db-AbCdEf:password::``), or an SSM Parameter Store parameter ARN
(``arn:aws:ssm:<region>:<account>:parameter/<name>``) or name. Flags malformed ARNs, ARNs of
other services, a wrong number of trailing fields, both a version stage and a version id, invalid
parameter names, and a bare name that is a Secrets Manager secret defined in the linted files
(ECS reads any ``valueFrom`` that is not an ARN as an SSM parameter name). A template's reference
to a secret it defines (CloudFormation's ``!Ref DbSecret``, or ``!Sub "${DbSecret}:key::"``) is
the secret's ARN, and fine.

## Why is this bad?
The task fails to start: ECS cannot fetch the value.

## Example
```json
"secrets": [{
  "name": "DB_PASSWORD",
  "valueFrom": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:pw:AWSCURRENT:0a1b"
}]
```

## How to fix
Give either the version stage or the version id, not both; reference Secrets Manager secrets by
their ARN; use ``arn:aws:ssm:...:parameter/...`` or the parameter's name for SSM parameters.
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
    for task in model.tasks:
        for container in task.containers:
            for secret in container.secrets:
                from ecs_lint.iam.arns import (  # IAM loads only for a secret
                    BadReference,
                    ParameterForm,
                    ParameterRef,
                    parse_value_from,
                )

                located = secret.value_from
                ref = (
                    parse_value_from(located.value)
                    if provider is None
                    else provider.value_from(located.value, provider.scope_of(task))
                )
                if isinstance(ref, BadReference):
                    yield ctx.finding(
                        located.span, f"secret {secret.name}: valueFrom '{ref.text}' {ref.reason}"
                    )
                    continue
                if provider is None or not isinstance(ref, ParameterRef):
                    continue
                defined = provider.defined_secret(ref.text, provider.scope_of(task))
                if (
                    ref.form is ParameterForm.NAME
                    and defined is not None
                    and defined.service == "secretsmanager"
                ):
                    yield ctx.finding(
                        located.span,
                        f"secret {secret.name}: valueFrom '{ref.text}' is the name of a Secrets "
                        "Manager secret, but ECS reads a valueFrom that is not an ARN as an SSM "
                        "parameter name; use the secret's ARN",
                    )


RULE = Rule("EL213", "invalid-secret-reference", Severity.ERROR, check, __doc__ or "")
