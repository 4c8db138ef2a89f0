"""EL101 docker-hub-anonymous-pull: image pulled anonymously from Docker Hub.

## What it does
Flags every image that resolves to Docker Hub (``docker.io``, including short names such as
``nginx`` or ``user/app``) and is pulled without registry credentials: a task-definition container
without ``repositoryCredentials``, and every Dockerfile ``FROM``, ``COPY --from`` and
``RUN --mount=...,from=`` image.

## Why is this bad?
Docker Hub allows 100 anonymous pulls per 6 hours per IPv4 address (or IPv6 /64). Behind a NAT
gateway every task in the VPC shares one address, so a deployment or scale-out can exhaust the
limit and new tasks stop with
``CannotPullContainerError: ... toomanyrequests: You have reached your pull rate limit``.

## Example
```json
{"name": "web", "image": "nginx:1.25"}
```

## How to fix
Pull the same image from the Amazon ECR Public Gallery
(``public.ecr.aws/docker/library/nginx:1.25``), copy it into a private ECR repository or an ECR
pull-through cache, or authenticate the pull with ``repositoryCredentials`` (a Secrets Manager
secret the task execution role can read).
"""

from __future__ import annotations

from collections.abc import Iterator

from ecs_lint.findings import Finding, Severity
from ecs_lint.model import ImageRef, Model, RegistryKind
from ecs_lint.rule import Rule, RuleContext

ANONYMOUS_LIMIT = "100 pulls per 6 hours per IP address"
REMEDIES = (
    "pull it from the Amazon ECR Public Gallery, copy it into a private ECR repository or "
    "pull-through cache, or authenticate with repositoryCredentials"
)


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    equivalents = ctx.services.ecr_public
    for use in model.images:
        ref = use.reference
        if not isinstance(ref, ImageRef) or ref.registry is not RegistryKind.DOCKER_HUB:
            continue
        if ctx.settings.is_trusted(ref.domain, ref.path):
            continue
        if use.authenticated:
            continue
        problem = (
            f"{ref} ({use.kind.value}) is pulled anonymously from Docker Hub, which allows "
            f"{ANONYMOUS_LIMIT} (shared by a whole VPC behind a NAT gateway)"
        )
        if equivalents is None:
            yield ctx.finding(use.span, f"{problem}; {REMEDIES}", image=str(ref), evidence=None)
            continue
        advice = equivalents.advise(use, ref)
        remedy = advice.hint
        if advice.evidence is None:
            remedy += ", or authenticate with repositoryCredentials"
        yield ctx.finding(
            use.span,
            f"{problem}; {remedy}",
            image=str(ref),
            replacement=advice.replacement,
            fix=advice.fix,
            evidence=advice.evidence,
        )


RULE = Rule(
    "EL101", "docker-hub-anonymous-pull", Severity.ERROR, check, __doc__ or "", fixable=True
)
