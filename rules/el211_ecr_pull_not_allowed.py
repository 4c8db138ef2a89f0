"""EL211 ecr-pull-not-allowed: the execution role may not pull a private ECR image.

## What it does
For a private Amazon ECR image in a task that runs on Fargate (or may: no
``requiresCompatibilities`` and the ``awsvpc`` network mode), checks that the task execution
role's policies allow ``ecr:GetAuthorizationToken`` on ``*`` and
``ecr:BatchCheckLayerAvailability``, ``ecr:GetDownloadUrlForLayer`` and ``ecr:BatchGetImage`` on
the repository
(``arn:aws:ecr:<region>:<account>:repository/<name>``), and flags the image when any is denied.
Tasks that can only run on EC2 pull with the container-instance role, so nothing is demanded of
their execution role.

## Why is this bad?
The task fails to start with ``CannotPullContainerError`` or ``ResourceInitializationError:
unable to pull secrets or registry auth`` (``AccessDeniedException`` on the ECR call).

## Example
An execution role whose only policy allows ``ecr:BatchGetImage`` on the repository, without
``ecr:GetAuthorizationToken``.

## How to fix
Attach ``AmazonECSTaskExecutionRolePolicy`` to the execution role, or allow the four actions
(``ecr:GetAuthorizationToken`` on ``*``, the other three on the repository).
"""

from __future__ import annotations

from ecs_lint.findings import Severity
from ecs_lint.iam import Need
from ecs_lint.iam.denied import denials_by_place
from ecs_lint.rule import Rule

RULE = Rule(
    "EL211",
    "ecr-pull-not-allowed",
    Severity.ERROR,
    denials_by_place("cannot pull", "the task will fail to start (CannotPullContainerError)"),
    __doc__ or "",
    reports=(Need.PULL_ECR,),
)
