"""EL902 invalid-task-definition-shape: a value in a task definition has the wrong type or shape.

## What it does
Validates the parts of a task definition that ecs-lint reads (container ``name`` and ``image``,
``repositoryCredentials.credentialsParameter``, ``secrets[].name``/``valueFrom``,
``logConfiguration``, ``executionRoleArn``, ``requiresCompatibilities``) against the shapes
Amazon ECS accepts, and reports each violation at the offending value.

## Why is this bad?
``aws ecs register-task-definition`` rejects the file, and ecs-lint cannot check the part with
the wrong shape (the rest of the file is still checked).

## Example
```json
{"name": "web", "image": 42}
```

## How to fix
Give the value the type the message names, as in the ECS ``RegisterTaskDefinition`` API.
"""

from __future__ import annotations

from ecs_lint.findings import Severity
from ecs_lint.model import ProblemKind
from ecs_lint.rule import Rule, report_problems

RULE = Rule(
    "EL902",
    "invalid-task-definition-shape",
    Severity.ERROR,
    report_problems,
    __doc__ or "",
    reports=(ProblemKind.SHAPE,),
)
