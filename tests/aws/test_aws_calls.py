"""What ``ecs-lint aws`` asks AWS: each task-definition revision and each role once per run.

The calls are counted where they leave boto3 (botocore's ``before-send`` event, one per HTTP
request, retries included), so the counts are of real requests to the local moto server.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import TYPE_CHECKING, Any

import boto3

from ecs_lint.aws.run import Scope, lint_aws
from ecs_lint.iam.live import LiveAws
from ecs_lint.settings import Settings

if TYPE_CHECKING:
    from aws_world import World

REGION = "eu-west-1"


class Requests:
    """HTTP requests sent by one boto3 session, by ``service.Operation``."""

    def __init__(self) -> None:
        self.session = boto3.session.Session(region_name=REGION)
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.session.events.register("before-send", self._count)

    def _count(self, event_name: str, **_: Any) -> None:
        operation = ".".join(event_name.split(".")[1:])
        with self._lock:
            self.counts[operation] += 1

    def lint(
        self,
        scope: Scope | None = None,
        regions: tuple[str, ...] = (REGION,),
        select: tuple[str, ...] = (),
    ) -> list[str]:
        """The codes found by every rule, or those ``select`` names (which may read less)."""
        live = LiveAws(REGION, _session=self.session)
        result = lint_aws(Settings(select=select), scope or Scope(), regions, live=live)
        return [finding.rule for finding in result.findings]


def test_each_revision_and_role_is_fetched_once(world: World) -> None:
    role = world.role("exec")
    first = world.task_definition("web", "nginx:1.25", role=role)
    second = world.task_definition("web", "nginx:1.27", role=role)
    for index in range(4):
        world.service(f"web-{index}", first)
    world.service("canary", second)
    world.service("api", world.task_definition("api", "redis:7", role=role), cluster="staging")
    requests = Requests()
    rules = requests.lint()
    assert rules.count("EL101") == 3
    assert requests.counts["ecs.DescribeTaskDefinition"] == 3
    assert requests.counts["iam.GetRole"] == 1
    assert requests.counts["iam.ListRolePolicies"] == 1
    assert requests.counts["iam.ListAttachedRolePolicies"] == 1
    assert requests.counts["iam.GetPolicy"] == 0  # the AWS managed policy is embedded
    assert requests.counts["ecs.ListClusters"] == 1
    assert requests.counts["ecs.ListServices"] == 2  # one per cluster
    assert requests.counts["ecs.DescribeServices"] == 2


def test_a_role_used_in_two_regions_is_read_once(world: World) -> None:
    role = world.role("exec")
    world.service("web", world.task_definition("web", "nginx:1.25", role=role))
    far = type(world)("us-east-1")
    far.service("web", far.task_definition("web", "nginx:1.25", role=role))
    requests = Requests()
    requests.lint(regions=(REGION, "us-east-1"))
    assert requests.counts["ecs.DescribeTaskDefinition"] == 2
    assert requests.counts["iam.GetRole"] == 1


def test_services_are_described_ten_at_a_time(world: World) -> None:
    arn = world.task_definition("web", "public.ecr.aws/nginx/nginx:1.25")
    for index in range(23):
        world.service(f"web-{index:02}", arn)
    requests = Requests()
    # Every rule about a service's images and network, so the network is read too.
    assert requests.lint(select=("EL101", "EL150", "EL31")) == []
    assert requests.counts["ecs.DescribeServices"] == 3
    assert requests.counts["ecs.DescribeTaskDefinition"] == 1


def test_a_task_definition_named_and_run_is_described_once(world: World) -> None:
    arn = world.task_definition("web", "nginx:1.25")
    world.service("web", arn)
    requests = Requests()
    requests.lint(Scope(clusters=("prod",), task_definitions=("web:1",)))
    assert requests.counts["ecs.DescribeTaskDefinition"] == 1
    assert requests.counts["ecs.DescribeClusters"] == 1
    assert requests.counts["ecs.ListClusters"] == 0


def test_the_network_is_read_once_per_region(world: World) -> None:
    vpc = world.vpc()
    subnet, _ = world.subnet(vpc, "nat")
    group = world.security_group(vpc)
    arn = world.task_definition("web", "nginx:1.25")
    for index in range(5):
        world.service(f"web-{index}", arn, subnets=(subnet,), groups=(group,))
    requests = Requests()
    requests.lint()
    for operation in ("DescribeSubnets", "DescribeRouteTables", "DescribeVpcEndpoints"):
        assert requests.counts[f"ec2.{operation}"] == 1, operation
    assert requests.counts["ec2.DescribeSecurityGroups"] == 1  # no service uses the default group
