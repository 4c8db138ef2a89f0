"""EL206 credentials-not-needed: ``repositoryCredentials`` on an Amazon ECR image.

## What it does
Flags ``repositoryCredentials`` on a container whose image comes from a private Amazon ECR
registry (``<account>.dkr.ecr.<region>.amazonaws.com``) or from ECR Public (``public.ecr.aws``).

## Why is this bad?
ECS pulls from private ECR with the IAM permissions of the task execution role (or, on EC2, the
container instance role) and ignores the credentials; ECR Public serves images to anyone. The
secret, and the permission to read it, are dead weight, and they suggest the pull is
authenticated some other way than it is.

## Example
```json
{"name": "web", "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:1.4",
 "repositoryCredentials": {"credentialsParameter": "dockerhub"}}
```

## How to fix
Remove ``repositoryCredentials``. For private ECR, give the execution role
``ecr:GetAuthorizationToken``, ``ecr:BatchCheckLayerAvailability``, ``ecr:GetDownloadUrlForLayer``
and ``ecr:BatchGetImage`` (``AmazonECSTaskExecutionRolePolicy`` has them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity
from ecs_lint.model import ImageRef, Model, RegistryKind
from ecs_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator

WHY = {
    RegistryKind.ECR_PRIVATE: (
        "is a private Amazon ECR image: ECS pulls it with the IAM permissions of the execution "
        "role (or the container-instance role on EC2) and ignores these credentials"
    ),
    RegistryKind.ECR_PUBLIC: (
        "is an Amazon ECR Public image, which anyone may pull: the credentials are not needed"
    ),
}


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for task in model.tasks:
        for container in task.containers:
            located = container.credentials_parameter
            use = container.image
            if located is None or use is None or not isinstance(use.reference, ImageRef):
                continue
            why = WHY.get(use.reference.registry)
            if why is None:
                continue
            yield ctx.finding(
                located.span,
                f"repositoryCredentials on container '{container.name}': {use.reference} {why}; "
                "remove repositoryCredentials",
                image=str(use.reference),
            )


RULE = Rule("EL206", "credentials-not-needed", Severity.WARNING, check, __doc__ or "")
