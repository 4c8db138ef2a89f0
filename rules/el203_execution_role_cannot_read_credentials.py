"""EL203 execution-role-cannot-read-credentials: the role may not read the registry credentials.

## What it does
Evaluates the task execution role's IAM policies (from ``--iam``, ``--role-policy``, a role
defined in the same template, or ``--aws``) for ``secretsmanager:GetSecretValue`` on the secret
named by ``repositoryCredentials.credentialsParameter``, and flags the container when no
statement allows it or a statement denies it. The message names the role, the secret and the
deciding statement (file, ``Sid``, index), or says that no statement allows it.

## Why is this bad?
The task fails to start: ``ResourceInitializationError: unable to pull secrets or registry auth:
... AccessDeniedException ... is not authorized to perform: secretsmanager:GetSecretValue``.

The most common cause is the suffix trap. Secrets Manager adds a hyphen and six random
characters to every secret's ARN: the secret ``dockerhub`` has the ARN
``arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf``. A policy ``Resource``
of ``...:secret:dockerhub`` never matches it; ``...:secret:dockerhub-??????`` (or the full ARN)
does. Resource names are also case-sensitive: ``...:secret:DockerHub-*`` does not match
``...:secret:dockerhub-AbCdEf``. The message names the statement that nearly matched and why.

## Example
```json
{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
 "Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub"}
```

## How to fix
Allow ``secretsmanager:GetSecretValue`` on the secret's full ARN, or on
``arn:aws:secretsmanager:<region>:<account>:secret:<name>-??????``, in a policy of the execution
role (not the task role), and remove any ``Deny`` that covers it. The finding ends with that
statement (JSON: ``fix.suggestion``); ``ecs-lint policy --missing`` prints all that the role
lacks.
"""

from __future__ import annotations

from ecs_lint.findings import Severity
from ecs_lint.iam import Need
from ecs_lint.iam.denied import each_denial
from ecs_lint.rule import Rule

RULE = Rule(
    "EL203",
    "execution-role-cannot-read-credentials",
    Severity.ERROR,
    each_denial("cannot read", explain_traps=True),
    __doc__ or "",
    reports=(Need.READ_CREDENTIALS,),
)
