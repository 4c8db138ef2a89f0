"""The live source's pure parts: logical paths into API answers, and each subnet's way out."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_lint.aws.livejson import LiveNode
from ecs_lint.aws.network import endpoint_service, https_destinations, subnet_egress
from ecs_lint.model import Egress
from ecs_lint.sources._tasks import CAMEL, TaskReader

ARN = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7"


def test_spans_name_the_resource_the_container_and_the_path() -> None:
    answer = {
        "family": "web",
        "containerDefinitions": [
            {
                "name": "web",
                "image": "nginx:1.25",
                "secrets": [{"name": "DB", "valueFrom": "/db"}],
                "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/g"}},
            },
            {"name": "it's", "image": "redis:7"},
        ],
    }
    task = TaskReader(CAMEL).task(LiveNode(answer, ARN))
    web, odd = task.containers
    assert (task.span.path, task.span.logical) == (ARN, ARN)
    assert web.image is not None and web.image.span.path == ARN
    assert web.image.span.logical == "containerDefinitions[?name=='web'].image"
    assert web.secrets[0].value_from.span.logical == (
        "containerDefinitions[?name=='web'].secrets[?name=='DB'].valueFrom"
    )
    assert web.log is not None
    assert web.log.options["awslogs-group"].span.logical == (
        "containerDefinitions[?name=='web'].logConfiguration.options.\"awslogs-group\""
    )
    assert odd.span.logical == "containerDefinitions[?name=='it\\'s']"


def test_items_without_a_unique_name_are_addressed_by_index() -> None:
    node = LiveNode([{"name": "a"}, {"name": "a"}, "x"], ARN, "list")
    assert [item.span.logical for item in node.elements() or []] == [
        "list[0]",
        "list[1]",
        "list[2]",
    ]


def table(*routes: dict[str, Any]) -> dict[str, Any]:
    local = {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}
    return {"RouteTableId": "rtb-1", "Routes": [local, *routes]}


def default(**target: str) -> dict[str, Any]:
    return {"DestinationCidrBlock": "0.0.0.0/0", "State": "active", **target}


@pytest.mark.parametrize(
    ("routes", "public_ip", "egress", "words"),
    [
        ((), False, Egress.NONE, "has no default route"),
        ((default(NatGatewayId="nat-1"),), False, Egress.INTERNET, "via nat-1"),
        ((default(GatewayId="igw-1"),), True, Egress.INTERNET, "via igw-1"),
        ((default(GatewayId="igw-1"),), False, Egress.NONE, "assignPublicIp is DISABLED"),
        ((default(TransitGatewayId="tgw-1"),), False, Egress.UNKNOWN, "transit gateway tgw-1"),
        ((default(NetworkInterfaceId="eni-1"),), False, Egress.UNKNOWN, "network interface"),
        ((default(NatGatewayId="nat-1", State="blackhole"),), False, Egress.NONE, "no default"),
        (
            ({"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-1"},),
            False,
            Egress.UNKNOWN,
            "IPv6 default route only",
        ),
    ],
)
def test_a_subnets_way_out(
    routes: tuple[dict[str, Any], ...], public_ip: bool, egress: Egress, words: str
) -> None:
    found, why = subnet_egress(table(*routes), public_ip)
    assert found is egress
    assert words in why


def test_endpoint_service_names() -> None:
    assert endpoint_service("com.amazonaws.eu-west-1.ecr.dkr", "eu-west-1") == "ecr.dkr"
    assert endpoint_service("cn.com.amazonaws.cn-north-1.ecr.api", "cn-north-1") == "ecr.api"
    assert endpoint_service("com.amazonaws.us-east-1.s3", "eu-west-1") is None
    assert endpoint_service("com.amazonaws.vpce.eu-west-1.vpce-svc-0abc", "eu-west-1") is None


def test_https_destinations() -> None:
    group = {
        "IpPermissionsEgress": [
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "a"}]},
            {"IpProtocol": "tcp", "FromPort": 0, "ToPort": 1024, "PrefixListIds": [
                {"PrefixListId": "pl-1"}]},
            {"IpProtocol": "udp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "b"}]},
            {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-2"}]},
        ]
    }  # fmt: skip
    assert https_destinations(group) == ("pl-1", "sg-2")
    assert https_destinations({"IpPermissionsEgress": []}) == ()
