"""EL900 parse-error: the file cannot be read or parsed.

## What it does
Reports files that ecs-lint was asked to check but could not read or parse: invalid JSON or
YAML, invalid UTF-8, binary content, files over the 10 MiB limit, unreadable files, and paths
named on the command line that do not exist (reported whatever rules are selected: the other
paths are still checked). The finding points at the line and column where the parser stopped.

## Why is this bad?
Nothing in the file was checked, so a Docker Hub image or a broken credentials chain in it would
go unnoticed. ECS (and CloudFormation, Terraform) would reject the file too.

## Example
```json
{"family": "web", "containerDefinitions": [}
```

## How to fix
Fix the syntax error at the reported position. The exit status is 2 while any file cannot be
checked.
"""

from __future__ import annotations

from ecs_lint.findings import Severity
from ecs_lint.model import ProblemKind
from ecs_lint.rule import Rule, report_problems

RULE = Rule(
    "EL900",
    "parse-error",
    Severity.ERROR,
    report_problems,
    __doc__ or "",
    reports=(ProblemKind.PARSE, ProblemKind.MISSING),
)
