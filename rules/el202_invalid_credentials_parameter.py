"""EL202 invalid-credentials-parameter: ``credentialsParameter`` is not a usable secret reference.

## What it does
Checks ``repositoryCredentials.credentialsParameter``. It must be a Secrets Manager secret ARN,
``arn:<partition>:secretsmanager:<region>:<12-digit account>:secret:<name>-<6 characters>``, or
the plain name of a secret in the task's own region and account. Flags anything else: an SSM
Parameter Store parameter (repositoryCredentials only reads Secrets Manager), an ARN of another
service, a malformed ARN, and a *partial* ARN (an ARN that ends in the secret's name without the
6-character suffix).

## Why is this bad?
ECS cannot fetch the registry credentials and the task fails to start. A partial ARN is a trap:
Secrets Manager looks it up by prefix (and misreads a name that itself ends in a hyphen and six
characters), while IAM policies are matched against the full ARN, so a policy written for the
partial ARN does not allow reading the secret. A bare name only works for a secret in the same
region and account as the task.

## Example
```json
"repositoryCredentials": {
  "credentialsParameter": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub"
}
```

## How to fix
Use the secret's full ARN, as ``aws secretsmanager describe-secret --secret-id dockerhub
--query ARN`` prints it (``...:secret:dockerhub-AbCdEf``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity, brief
from ecs_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.model import Model

EXPECTED = (
    "it must be a Secrets Manager secret ARN or the name of a secret in the task's own region "
    "and account"
)
SECRET_ARN = (
    "A secret ARN is arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 "
    "characters>."
)


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for task in model.tasks:
        for container in task.containers:
            located = container.credentials_parameter
            if located is None:
                continue
            from ecs_lint.iam.arns import (  # IAM loads only for a container with credentials
                BadReference,
                SecretForm,
                parse_credentials_parameter,
            )

            ref = parse_credentials_parameter(located.value)
            if isinstance(ref, BadReference):
                yield ctx.finding(
                    located.span,
                    f"credentialsParameter '{brief(located.value, 120)}' {ref.reason}; {EXPECTED}",
                    details=[SECRET_ARN],
                )
            elif ref.form is SecretForm.PARTIAL_ARN:
                yield ctx.finding(
                    located.span,
                    f"credentialsParameter '{located.value}' is a partial ARN: it names the secret "
                    f"'{ref.name}' without the 6-character suffix of its ARN (e.g. -AbCdEf); use "
                    f"the full ARN (aws secretsmanager describe-secret --secret-id {ref.name} "
                    "--query ARN)",
                    details=[
                        "Secrets Manager finds the secret by that prefix, but IAM policies match "
                        "the full ARN, and a secret name ending in a hyphen and six characters is "
                        "misread."
                    ],
                )


RULE = Rule("EL202", "invalid-credentials-parameter", Severity.ERROR, check, __doc__ or "")
