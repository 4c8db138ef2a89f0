"""EL210 secret-not-readable: the execution role may not read a secret the container needs.

## What it does
For each ``secrets[].valueFrom``, evaluates the task execution role's policies for
``secretsmanager:GetSecretValue`` on a Secrets Manager secret (a ``:json-key:version-stage:
version-id`` tail is not part of the resource) or ``ssm:GetParameters`` on an SSM parameter, plus
``kms:Decrypt`` when a customer-managed KMS key encrypts it, and flags each one that is denied.
A template's reference to a secret it defines (CloudFormation's ``!Ref DbSecret``, which returns
the secret's ARN, or ``!Sub "${DbSecret}:password::"`` for one JSON key) is read as that
secret, as in ``repositoryCredentials``. The message names the
role, the secret and the deciding statement, or says that no statement allows it.

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

from ecs_lint.findings import Severity
from ecs_lint.iam import Need
from ecs_lint.iam.denied import each_denial
from ecs_lint.rule import Rule

RULE = Rule(
    "EL210",
    "secret-not-readable",
    Severity.ERROR,
    each_denial("cannot read", explain_traps=True),
    __doc__ or "",
    reports=(Need.READ_SECRET, Need.DECRYPT_SECRET),
)
