"""EL102 docker-hub-authenticated-pull: image pulled from Docker Hub with credentials.

## What it does
Flags images that resolve to Docker Hub and are pulled with registry credentials (a container
with ``repositoryCredentials``).

## Why is this bad?
Authenticated pulls are still rate-limited: a Docker Personal account allows
{{authenticated limit}} (Docker's documented limit; paid plans are not limited: set yours with
``docker-hub-limit``'s ``authenticated``, and the messages use it), shared by every task that
uses the same credentials. A large deployment or a crash loop can still exhaust it, and the pull
then fails with ``toomanyrequests``.

## Example
```json
{"name": "web", "image": "nginx:1.25",
 "repositoryCredentials": {"credentialsParameter": "dockerhub"}}
```

## How to fix
Prefer the Amazon ECR Public Gallery copy of the image, a private ECR repository, or an ECR
pull-through cache rule for Docker Hub; keep the credentials for images that exist only on
Docker Hub, on a paid plan sized for your pull volume. As for EL101, ``ecs-lint --fix`` rewrites
the reference when the ECR Public equivalent is identical or verified.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.dockerhub import docker_hub_pulls, repository_is_known, with_limits
from ecs_lint.findings import Finding, Severity, brief
from ecs_lint.rule import Lookup, Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.model import Model

REMEDIES = "prefer the ECR Public Gallery, a private ECR copy or a pull-through cache"


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    equivalents = ctx.services.ecr_public
    for use, ref in docker_hub_pulls(model.images, ctx.settings, authenticated=True):
        problem = (
            f"{brief(str(ref), 90)}{use.details} is pulled from Docker Hub with credentials, "
            f"still limited to {ctx.settings.authenticated_limit} per account"
        )
        if equivalents is None or not repository_is_known(use):
            yield ctx.finding(use.span, f"{problem}; {REMEDIES}", image=str(ref), evidence=None)
            continue
        advice = equivalents.advise(use, ref)
        yield ctx.finding(
            use.span,
            f"{problem}; {advice.hint}",
            details=advice.details,
            image=str(ref),
            replacement=advice.replacement,
            fix=advice.fix,
            evidence=advice.evidence,
        )


RULE = Rule(
    "EL102",
    "docker-hub-authenticated-pull",
    Severity.WARNING,
    check,
    with_limits(__doc__ or ""),
    fixable=True,
    lookups=(Lookup.ECR_PUBLIC,),
)
