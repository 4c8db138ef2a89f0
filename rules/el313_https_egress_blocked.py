"""EL313 https-egress-blocked: the tasks' security groups allow no outbound HTTPS.

## What it does
Live only (``ecs-lint aws``). For each service that may run on Fargate, checks that at least one
of its tasks' security groups (the VPC's ``default`` group when the service names none) has an
outbound rule allowing TCP port 443 (all traffic, or a TCP range containing 443).

## Why is this bad?
Image pulls, the ECR auth token, Secrets Manager, SSM and CloudWatch Logs are all HTTPS. Security
groups are stateful but deny every outbound connection no rule allows, through a NAT gateway and
through VPC endpoints alike: the task fails to start with an i/o timeout.

## Example
A security group whose only outbound rule allows TCP 5432 to the database.

## How to fix
Add an outbound rule for TCP 443: to ``0.0.0.0/0`` behind a NAT gateway, or to the VPC endpoints'
security group and the S3 prefix list (``pl-...``) in a subnet without one.
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
    from ecs_lint.reachability import network_checked

    for service in model.services:
        network = network_checked(service)
        if network is None or not network.security_groups:
            continue
        if any(group.https_egress for group in network.security_groups):
            continue
        groups = ", ".join(group.group_id for group in network.security_groups)
        yield ctx.finding(
            network.security_groups[0].span,
            f"no security group of service {service.name} ({groups}) allows outbound TCP 443: "
            "its tasks cannot reach ECR, Secrets Manager, CloudWatch Logs or Docker Hub, "
            "through a NAT gateway or VPC endpoints alike, and fail to start with an i/o "
            "timeout; add an outbound rule for TCP 443",
            service=service.name,
            security_groups=[group.group_id for group in network.security_groups],
        )


RULE = Rule(
    "EL313", "https-egress-blocked", Severity.ERROR, check, __doc__ or "", lookups=(Lookup.NETWORK,)
)
