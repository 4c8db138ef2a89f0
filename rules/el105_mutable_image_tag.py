"""EL105 mutable-image-tag: image without a tag or with the ``latest`` tag.

## What it does
Flags image references that have no tag and no digest (Docker pulls ``latest``) or that use the
``latest`` tag explicitly.

## Why is this bad?
``latest`` moves. Two tasks of one service can run different code, a rollback does not roll back,
and every new image defeats the container instance's image cache, so more pulls count against
registry rate limits.

## Example
```dockerfile
FROM python
```

## How to fix
Pin a version tag (``python:3.12-slim``) or, for full reproducibility, a digest
(``python:3.12-slim@sha256:...``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity
from ecs_lint.model import ImageRef, Model
from ecs_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for use in model.images:
        ref = use.reference
        if not isinstance(ref, ImageRef) or ref.digest is not None:
            continue
        if ref.tag is None:
            reason = "has no tag, so Docker pulls 'latest'"
        elif ref.tag == "latest":
            reason = "uses the mutable 'latest' tag"
        else:
            continue
        yield ctx.finding(
            use.span,
            f"{ref.original}{use.details} {reason}; pin a version tag or a digest",
            image=str(ref),
        )


RULE = Rule("EL105", "mutable-image-tag", Severity.WARNING, check, __doc__ or "")
