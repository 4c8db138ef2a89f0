"""EL903 duplicate-key: a JSON object has the same key twice.

## What it does
Reports every earlier occurrence of a key that appears again in the same JSON object.

## Why is this bad?
The JSON parsers in AWS tools keep the last value and drop the others silently, so the value you
read first in the file is not the one ECS uses. ecs-lint checks the last value too.

## Example
```json
{"name": "web", "image": "nginx:1.25", "image": "public.ecr.aws/docker/library/nginx:1.25"}
```

## How to fix
Delete the duplicate you do not mean.
"""

from __future__ import annotations

from ecs_lint.findings import Severity
from ecs_lint.model import ProblemKind
from ecs_lint.rule import Rule, report_problems

RULE = Rule(
    "EL903",
    "duplicate-key",
    Severity.WARNING,
    report_problems,
    __doc__ or "",
    reports=(ProblemKind.DUPLICATE_KEY,),
)
