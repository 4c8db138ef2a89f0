"""EL310 vpc-endpoint-missing: a Fargate service in a subnet with no way out lacks a VPC endpoint.

## What it does
Live only (``ecs-lint aws``). For each service that may run on Fargate, finds the subnets it
places tasks in that have no route to a NAT gateway or an internet gateway (or an internet gateway
but no public IP for the tasks). In such a subnet only VPC endpoints reach AWS, so it checks the
VPC has an available endpoint for each service the tasks use:

- ``ecr.api``, ``ecr.dkr`` and ``s3`` for a private ECR image of the same region (``s3`` as a
  gateway endpoint on the subnet's route table, or an interface endpoint);
- ``secretsmanager`` for ``secrets`` and ``repositoryCredentials`` in Secrets Manager, ``ssm``
  for SSM parameters;
- ``logs`` for the ``awslogs`` log driver.

One finding per missing endpoint, naming the subnets and what needs it. Subnets whose default
route goes somewhere ecs-lint cannot see past (a transit gateway, a firewall, a peering) are
not judged.

## Why is this bad?
The task cannot start: ``ResourceInitializationError: unable to pull secrets or registry auth``,
``CannotPullContainerError: ... dial tcp ...:443: i/o timeout``, or the log driver cannot start.

## Example
A private subnet whose route table has only the ``local`` route, with ``ecr.api`` and ``ecr.dkr``
interface endpoints but no ``s3`` gateway endpoint: the image manifest is found, its layers are
not.

## How to fix
Create the missing endpoint in the service's VPC (``com.amazonaws.<region>.<service>``; for
``s3`` a gateway endpoint associated with the subnets' route tables), or give the subnets a route
to a NAT gateway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity
from ecs_lint.rule import Lookup, Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.model import Model, NetworkView


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    if not any(service.network for service in model.services):
        return  # network facts come from live AWS only: no run of files imports reachability
    from ecs_lint.reachability import (
        NO_ROUTE,
        describe_subnets,
        endpoint_needs,
        isolated_services,
        serving_endpoints,
    )

    for isolated in isolated_services(model):
        service, network = isolated.service, isolated.network
        for need in endpoint_needs(service):
            lacking = [
                subnet
                for subnet in isolated.subnets
                if not serving_endpoints(network, need.service, subnet)
            ]
            if not lacking:
                continue
            needs = "needs" if len(need.reasons) == 1 else "need"
            gateway = " (a gateway endpoint on their route tables)" if need.service == "s3" else ""
            yield ctx.finding(
                network.span,
                f"service {service.name} cannot reach {need.service} "
                f"({_absence(network, need.service)}) from subnets with {NO_ROUTE}; create the "
                f"{need.service} endpoint{gateway} or route the subnets through a NAT gateway",
                details=[
                    f"Subnets: {describe_subnets(lacking)}; there only a VPC endpoint reaches "
                    f"{need.service}.",
                    f"{', '.join(need.reasons)} {needs} it, so the tasks fail to start "
                    "(ResourceInitializationError, or CannotPullContainerError with an i/o "
                    "timeout).",
                ],
                service=service.name,
                endpoint=need.service,
                subnets=[subnet.subnet_id for subnet in lacking],
            )


def _absence(network: NetworkView, service: str) -> str:
    """Why no endpoint serves ``service``: none, not available, or a gateway on other tables."""
    vpc = network.vpc_id or "the VPC"
    existing = [endpoint for endpoint in network.endpoints if endpoint.service == service]
    if not existing:
        return f"{vpc} has no {service} endpoint"
    described = ", ".join(
        f"{endpoint.endpoint_id} is {endpoint.state}"
        if endpoint.state != "available"
        else f"gateway endpoint {endpoint.endpoint_id} is not on their route tables"
        for endpoint in existing
    )
    return f"in {vpc} {described}"


RULE = Rule(
    "EL310", "vpc-endpoint-missing", Severity.ERROR, check, __doc__ or "", lookups=(Lookup.NETWORK,)
)
