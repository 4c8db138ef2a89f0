"""EL201 execution-role-missing: the task needs a task execution role but names none.

## What it does
Flags a task definition without ``executionRoleArn`` whose containers use
``repositoryCredentials`` or ``secrets``, or that runs on Fargate and pulls a private Amazon ECR
image or sends logs with the ``awslogs`` driver.

## Why is this bad?
The ECS agent (or Fargate) fetches registry credentials and secrets, pulls ECR images on Fargate
and creates log streams with the task *execution* role. Without one, ECS refuses the task
definition ("Private repository authentication requires that the task definition specify a
value for executionRoleArn.") or the task fails to start.

## Example
```json
{
  "family": "web",
  "containerDefinitions": [{
    "name": "web", "image": "acme/web:1.4",
    "repositoryCredentials": {"credentialsParameter": "dockerhub"}
  }]
}
```

## How to fix
Add ``"executionRoleArn": "arn:aws:iam::<account>:role/ecsTaskExecutionRole"`` naming a role that
``ecs-tasks.amazonaws.com`` may assume, with the permissions the task needs
(``AmazonECSTaskExecutionRolePolicy`` plus ``secretsmanager:GetSecretValue`` on its secrets).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity
from ecs_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.model import Model

ECS_REFUSAL = (
    'ECS refuses it: "Private repository authentication requires that the task definition '
    'specify a value for executionRoleArn."'
)


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for task in model.tasks:
        if task.execution_role is not None and task.execution_role.value:
            continue
        # Imported for a task without an execution role only: IAM costs start-up otherwise.
        from ecs_lint.iam.requirements import needs_execution_role

        needs = needs_execution_role(task)
        if not needs:
            continue
        what = ", ".join(dict.fromkeys(reason for _, reason in needs))
        family = task.title or (
            f"task definition '{task.family}'" if task.family else "this task definition"
        )
        consequence = (
            ECS_REFUSAL
            if any(reason.startswith("repositoryCredentials") for _, reason in needs)
            else "the task fails to start without one"
        )
        yield ctx.finding(
            needs[0][0],
            f"{family} has no executionRoleArn, but {what} need(s) the task execution role; "
            f"{consequence}",
        )


RULE = Rule("EL201", "execution-role-missing", Severity.ERROR, check, __doc__ or "")
