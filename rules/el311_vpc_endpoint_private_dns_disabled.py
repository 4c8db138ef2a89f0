"""EL311 vpc-endpoint-private-dns-disabled: the tasks' VPC endpoint does not answer AWS's names.

## What it does
Live only (``ecs-lint aws``). For each service that may run on Fargate and places tasks in
subnets with no route to a NAT gateway or internet gateway, flags each interface VPC endpoint the
tasks need (``ecr.api``, ``ecr.dkr``, ``secretsmanager``, ``ssm``, ``logs``, ``s3`` as an
interface endpoint) whose private DNS is disabled.

## Why is this bad?
Fargate and the ECS agent call the services by their regional names
(``api.ecr.<region>.amazonaws.com``, ``secretsmanager.<region>.amazonaws.com``...). Without
private DNS those names resolve to public addresses, which a subnet with no route out cannot reach:
the endpoint exists but is never used, and the task fails to start with an i/o timeout.

## Example
An ``ecr.dkr`` interface endpoint created with ``PrivateDnsEnabled: false``.

## How to fix
Enable private DNS on the endpoint (the VPC needs ``enableDnsSupport`` and
``enableDnsHostnames``), or answer the service's names from a private hosted zone of your own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity
from ecs_lint.rule import Lookup, Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.model import Model


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    if not any(service.network for service in model.services):
        return  # network facts come from live AWS only: no run of files imports reachability
    from ecs_lint.reachability import NO_ROUTE, endpoint_needs, isolated_services

    for isolated in isolated_services(model):
        service, network = isolated.service, isolated.network
        needed = {need.service: need for need in endpoint_needs(service)}
        names = ", ".join(subnet.subnet_id for subnet in isolated.subnets)
        for endpoint in network.endpoints:
            need = needed.get(endpoint.service)
            if need is None or endpoint.kind != "Interface" or endpoint.private_dns:
                continue
            yield ctx.finding(
                network.span,
                f"the {endpoint.service} endpoint {endpoint.endpoint_id} of service "
                f"{service.name} has private DNS disabled, so its tasks in subnets with "
                f"{NO_ROUTE} cannot reach {endpoint.service}; enable private DNS on the endpoint",
                details=[
                    f"The tasks resolve {endpoint.service}'s public name, which subnets {names} "
                    f"cannot reach, so {', '.join(need.reasons)} fail"
                    f"{'s' if len(need.reasons) == 1 else ''} with an i/o timeout."
                ],
                service=service.name,
                endpoint=endpoint.endpoint_id,
            )


RULE = Rule(
    "EL311",
    "vpc-endpoint-private-dns-disabled",
    Severity.ERROR,
    check,
    __doc__ or "",
    lookups=(Lookup.NETWORK,),
)
