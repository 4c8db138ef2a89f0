"""EL104 invalid-image-reference: image reference that Docker cannot parse.

## What it does
Checks every image reference against Docker's reference grammar: lowercase repository path
components, an optional registry host (with port, or a bracketed IPv6 address), a tag of at most
128 characters, a well-formed digest, and a name of at most 255 characters.

## Why is this bad?
ECS rejects the task definition or the task fails to start with
``CannotPullContainerError: invalid reference format``.

## Example
```json
{"name": "web", "image": "Nginx:latest"}
```

## How to fix
Write the reference in Docker's form: ``[registry[:port]/]repository[:tag][@digest]``, e.g.
``public.ecr.aws/docker/library/nginx:1.25``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity
from ecs_lint.model import InvalidRef, Model
from ecs_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for use in model.images:
        ref = use.reference
        if isinstance(ref, InvalidRef):
            message = f"invalid image reference '{ref.original}'{use.details}: {ref.reason}"
            yield ctx.finding(use.span, message)


RULE = Rule("EL104", "invalid-image-reference", Severity.ERROR, check, __doc__ or "")
