"""EL312 registry-unreachable: an image's registry cannot be reached from the tasks' subnets.

## What it does
Live only (``ecs-lint aws``). For each service that may run on Fargate and places tasks in
subnets with no route to a NAT gateway or internet gateway, flags every image whose registry no
VPC endpoint can serve: Docker Hub, ECR Public (``public.ecr.aws``), any other registry, and
private ECR in another region.

## Why is this bad?
Docker Hub is on the internet, and no VPC endpoint reaches it. Without a NAT gateway (or an
internet gateway and a public IP) the pull times out and the task never starts:
``CannotPullContainerError: ... dial tcp ...:443: i/o timeout``.

## Example
```json
{"name": "web", "image": "nginx:1.25"}
```
in a service whose subnets' route tables have only the ``local`` route.

## How to fix
Serve the image from ECR in the same region (an ECR pull-through cache for Docker Hub works
through the ``ecr.api``, ``ecr.dkr`` and ``s3`` endpoints), or give the subnets a route to a NAT
gateway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity, brief
from ecs_lint.rule import Lookup, Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.model import Model


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    if not any(service.network for service in model.services):
        return  # network facts come from live AWS only: no run of files imports reachability
    from ecs_lint.reachability import NO_ROUTE, describe_subnets, internet_images, isolated_services

    for isolated in isolated_services(model):
        service = isolated.service
        for image in internet_images(service):
            container = image.use.container or "?"
            hint = (
                "no VPC endpoint reaches Docker Hub"
                if image.where == "Docker Hub"
                else "no VPC endpoint reaches it"
            )
            yield ctx.finding(
                isolated.network.span,
                f"{brief(str(image.reference), 90)} (container {container}) comes from "
                f"{image.where}, but service {service.name} places tasks in subnets with "
                f"{NO_ROUTE}; serve the image from ECR in this region or route the subnets "
                "through a NAT gateway",
                details=[
                    f"Subnets: {describe_subnets(isolated.subnets)}.",
                    f"As {hint}, the pull times out (CannotPullContainerError).",
                    "An ECR pull-through cache for Docker Hub works through the ecr.api, ecr.dkr "
                    "and s3 endpoints.",
                ],
                image=str(image.reference),
                service=service.name,
            )


RULE = Rule(
    "EL312", "registry-unreachable", Severity.ERROR, check, __doc__ or "", lookups=(Lookup.NETWORK,)
)
