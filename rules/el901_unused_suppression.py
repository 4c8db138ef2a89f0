"""EL901 unused-suppression: a suppression that suppresses nothing, or cannot be read.

## What it does
Reports an ``ecs-lint`` suppression directive (a Dockerfile comment
``# ecs-lint: ignore=EL101 -- reason`` or ``# ecs-lint: ignore-file=EL105``, or a CloudFormation
resource's ``Metadata: {ecs-lint: {ignore: [...]}}``) that names a rule which reported nothing
where the directive applies, names a rule that does not exist, or is malformed. Rules that did not
run (not selected) are not judged. ``--no-suppressions`` turns every directive off, so none is
judged unused then; a malformed one is still reported.

## Why is this bad?
A stale suppression hides the next real problem at that place: once the image it excused is
fixed, a later change that brings Docker Hub back goes unreported. A misspelt directive
suppresses nothing while looking as if it did.

## Example
```dockerfile
# ecs-lint: ignore=EL101 -- internal mirror
FROM public.ecr.aws/docker/library/python:3.12-slim
```

## How to fix
Delete the directive, or the codes it lists that are no longer needed; correct the spelling of a
malformed one (``# ecs-lint: ignore=EL101,EL105 -- reason``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity
from ecs_lint.model import ProblemKind
from ecs_lint.rule import Rule, RuleContext, report_problems

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ecs_lint.model import Suppression


def unused_suppression(
    ctx: RuleContext, suppression: Suppression, unused: Sequence[str], unknown: Sequence[str]
) -> Finding:
    """The finding for one directive, reported where the directive is written."""
    parts = []
    if unused:
        parts.append(f"unused: {', '.join(unused)}")
    if unknown:
        parts.append(f"unknown rule: {', '.join(unknown)}")
    return ctx.finding(
        suppression.span,
        f"unused ecs-lint suppression ({'; '.join(parts)}); remove "
        f"{'it' if len(unused) + len(unknown) == len(suppression.codes) else 'those codes'}",
        unused=list(unused),
        unknown=list(unknown),
    )


# The rule pass reports malformed directives, recorded as problems when files are loaded; unused
# ones are known only after every other rule has run, so the suppression step reports them.
RULE = Rule(
    "EL901",
    "unused-suppression",
    Severity.WARNING,
    report_problems,
    __doc__ or "",
    reports=(ProblemKind.DIRECTIVE,),
)
