"""EL212 awslogs-misconfigured: the awslogs driver lacks an option or a permission.

## What it does
For containers using the ``awslogs`` log driver, flags a missing ``awslogs-group`` or
``awslogs-region`` option, and a missing ``awslogs-stream-prefix`` on Fargate. Where the task
runs on Fargate (or may: no ``requiresCompatibilities`` and the ``awsvpc`` network mode), it also
checks that the task execution role's policies allow ``logs:CreateLogStream`` and
``logs:PutLogEvents`` on the log group's streams
(``arn:aws:logs:<region>:<account>:log-group:<group>:log-stream:*``), and ``logs:CreateLogGroup``
when ``awslogs-create-group`` is ``"true"``. Tasks that can only run on EC2 log with the
container-instance role, so nothing is demanded of their execution role.

## Why is this bad?
The task fails to start: ``ResourceInitializationError: failed to validate logger args: ...
AccessDeniedException ... is not authorized to perform: logs:CreateLogGroup``, or the container
cannot start its log driver.

## Example
```json
"logConfiguration": {"logDriver": "awslogs",
                     "options": {"awslogs-group": "/ecs/web", "awslogs-create-group": "true"}}
```

## How to fix
Set ``awslogs-group``, ``awslogs-region`` (and ``awslogs-stream-prefix`` on Fargate); allow the
log actions on ``arn:aws:logs:<region>:<account>:log-group:<group>:*`` in the execution role
(``AmazonECSTaskExecutionRolePolicy`` has the first two, not ``logs:CreateLogGroup``), or create
the log group beforehand and drop ``awslogs-create-group``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity
from ecs_lint.iam import Need
from ecs_lint.iam.denied import denials_by_place
from ecs_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.model import ContainerView, Located, Model, TaskView


_denials = denials_by_place(
    "cannot write to", "the task will fail to start (failed to validate logger args)"
)


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for task in model.tasks:
        for container in task.containers:
            finding = _options(task, container, ctx)
            if finding is not None:
                yield finding
    yield from _denials(model, ctx)


def _options(task: TaskView, container: ContainerView, ctx: RuleContext) -> Finding | None:
    log = container.log
    if log is None or log.driver.value != "awslogs":
        return None
    wanted = ["awslogs-group", "awslogs-region"]
    if task.runs_on_fargate:
        wanted.append("awslogs-stream-prefix")
    missing = [name for name in wanted if not _is_set(log.options.get(name))]
    if not missing:
        return None
    names = ", ".join(missing)
    fargate = " (required on Fargate)" if "awslogs-stream-prefix" in missing else ""
    return ctx.finding(
        log.driver.span,
        f"container '{container.name}' uses the awslogs driver without {names}{fargate}; "
        "the log driver cannot start without them",
    )


def _is_set(option: Located | None) -> bool:
    """Set to a value, known or not (one known only at deploy time is still set)."""
    return option is not None and bool(option.value or option.unresolved)


RULE = Rule(
    "EL212",
    "awslogs-misconfigured",
    Severity.ERROR,
    check,
    __doc__ or "",
    reports=(Need.WRITE_LOGS,),
)
