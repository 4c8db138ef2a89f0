"""EL103 unresolved-image-reference: image reference depends on values ecs-lint cannot know.

## What it does
Flags image references whose registry or repository depends on variables with no known value:
a Dockerfile ``ARG`` without a default and no ``--build-arg``, ``${IMAGE}`` placeholders filled in
by a deploy tool, or template expressions that cannot be resolved statically. A reference whose
only unknown part is its tag (``nginx:${TAG}``) is not flagged here: its registry is known, and
EL101/EL102 judge it.

## Why is this bad?
Whatever the variable becomes decides where the image is pulled from. ecs-lint will not guess:
an unresolved reference may still point at Docker Hub and hit its rate limit.

## Example
```dockerfile
ARG BASE
FROM ${BASE}
```

## How to fix
Give the variable a default, or pass its value with ``--build-arg NAME=VALUE`` (or the
equivalent option for the format), so ecs-lint can check the real reference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity, brief
from ecs_lint.model import Model, UnresolvedRef
from ecs_lint.references import known_repository
from ecs_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for use in model.images:
        ref = use.reference
        if not isinstance(ref, UnresolvedRef) or known_repository(ref) is not None:
            continue  # a reference whose registry is known is judged by the registry rules
        variables = brief(", ".join(ref.variables))
        values = "value" if len(ref.variables) == 1 else "values"
        yield ctx.finding(
            use.span,
            f"{use.kind.value} '{brief(ref.original)}' depends on {variables}, with no known "
            f"{values}, so its registry is unknown; {use.values_hint}",
        )


RULE = Rule("EL103", "unresolved-image-reference", Severity.WARNING, check, __doc__ or "")
