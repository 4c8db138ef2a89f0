"""``ecs-lint aws`` and Express Mode services: listed and described as the ECS services they
are, with their scaling maximum from ``DescribeExpressGatewayService`` for EL150 (moto does not
implement Express Mode: tests/servers/express_mode.py answers its calls)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from servers.express_mode import ExpressMode
from servers.faulty_aws import aws_error

from support import run_cli

if TYPE_CHECKING:
    from aws_world import World
    from servers.faulty_aws import FaultyAws


def test_a_scale_out_to_the_maximum_is_the_estimate(world: World, faulty_aws: FaultyAws) -> None:
    express = ExpressMode().install(faulty_aws)
    # Express Mode registers the task definition: the primary container is named Main.
    web = world.service("web", world.task_definition("web", "nginx:1.27"))
    api = world.service("api", world.task_definition("api", "redis:7"))
    express.manage(web, 20, 150)  # a deployment replacing the configuration with 20 at most
    run = run_cli("aws", "--select", "EL150", "-o", "json")
    assert run.status == 1, run.stderr
    by_service = {finding["file"]: finding for finding in json.loads(run.stdout)}
    assert by_service[api]["severity"] == "warning"  # its one pull counts in the total
    finding = by_service[web]
    assert finding["logical"] == "activeConfigurations[1].scalingTarget.maxTaskCount"
    assert (finding["severity"], finding["pulls"], finding["total_pulls"]) == ("error", 150, 151)
    assert (
        "service prod/web starts 1 task per deployment and scales out to 150 tasks"
        in finding["message"]
    )
    # Only the services Express Mode manages are asked about.
    assert faulty_aws.calls["ecs:DescribeExpressGatewayService"] == 1
    assert api not in express.services


def test_without_express_services_nothing_more_is_asked(
    world: World, faulty_aws: FaultyAws
) -> None:
    ExpressMode().install(faulty_aws)
    world.service("web", world.task_definition("web", "nginx:1.27"), count=3)
    run = run_cli("aws", "--select", "EL150", "--docker-hub-limit", "2", "-o", "json")
    (finding,) = json.loads(run.stdout)
    assert finding["logical"] == "desiredCount"
    assert faulty_aws.calls["ecs:DescribeExpressGatewayService"] == 0


def test_a_denied_express_call_stops_the_run_naming_it(world: World, faulty_aws: FaultyAws) -> None:
    express = ExpressMode().install(faulty_aws)
    express.manage(world.service("web", world.task_definition("web", "nginx:1.27")), 5)
    faulty_aws.faults["ecs:DescribeExpressGatewayService"] = aws_error(
        400, "AccessDeniedException", "not authorized to perform ecs:DescribeExpressGatewayService"
    )
    run = run_cli("aws", "--select", "EL150")
    assert run.status == 2
    assert "ecs:DescribeExpressGatewayService" in run.stderr
    assert "All clear" not in run.stdout
