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

IAM matches ``kms:Decrypt`` against the key's ARN, also when the secret names its key by an
alias: a policy allowing the alias ARN (``arn:aws:kms:...:alias/registry``) grants nothing on
the key, and the finding says so. For a key known only by its alias,
``arn:aws:kms:REGION:ACCOUNT:key/*`` covers it; a resource naming part of a key id
(``key/abc*``) may or may not (EL204).

## How to fix
Allow ``kms:Decrypt`` on the key's ARN in the execution role's policy (optionally with the
condition ``"kms:ViaService": "secretsmanager.<region>.amazonaws.com"``). ecs-lint reads identity
policies only: if the key policy itself grants the role ``kms:Decrypt``, the task works and this
finding can be ignored for it.
"""

from __future__ import annotations

from ecs_lint.findings import Severity
from ecs_lint.iam import Need
from ecs_lint.iam.denied import each_denial
from ecs_lint.rule import Rule

RULE = Rule(
    "EL205",
    "execution-role-cannot-decrypt",
    Severity.ERROR,
    each_denial("cannot decrypt", explain_traps=True),
    __doc__ or "",
    reports=(Need.DECRYPT_CREDENTIALS,),
)
