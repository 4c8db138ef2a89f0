"""The network checks (EL310-EL313) on VPCs, subnets, route tables, endpoints and security groups
created in the local AWS; each rule with cases that must and must not be reported."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aws_world import PRIVATE_IMAGE

from support import run_cli

if TYPE_CHECKING:
    from aws_world import World

ECR_ENDPOINTS = ("ecr.api", "ecr.dkr", "s3")
AWSLOGS = {
    "logDriver": "awslogs",
    "options": {
        "awslogs-group": "/ecs/web",
        "awslogs-region": "eu-west-1",
        "awslogs-stream-prefix": "web",
    },
}


def network_findings(*codes: str) -> list[dict[str, Any]]:
    run = run_cli("aws", "--select", ",".join(codes), "-o", "json")
    assert run.status in (0, 1), run.stderr
    findings: list[dict[str, Any]] = json.loads(run.stdout)
    return findings


def private_service(
    world: World,
    egress: str = "none",
    *,
    endpoints: tuple[str, ...] = (),
    private_dns: bool = True,
    https: bool = True,
    image: str = PRIVATE_IMAGE,
    public_ip: bool = False,
    **container: Any,
) -> str:
    """A Fargate service in one subnet of a new VPC; returns the service ARN."""
    vpc = world.vpc()
    subnet, table = world.subnet(vpc, egress)
    world.endpoints(vpc, subnet, table, *endpoints, private_dns=private_dns)
    group = world.security_group(vpc, https=https)
    arn = world.task_definition("web", image, **container)
    return world.service("web", arn, subnets=(subnet,), groups=(group,), public_ip=public_ip)


# --- EL310 vpc-endpoint-missing -----------------------------------------------------------------


def test_el310_an_isolated_subnet_without_ecr_endpoints(world: World) -> None:
    service = private_service(world)
    findings = network_findings("EL310")
    assert [f["endpoint"] for f in findings] == list(ECR_ENDPOINTS)
    first = findings[0]
    assert (first["file"], first["logical"]) == (
        service,
        "networkConfiguration.awsvpcConfiguration",
    )
    assert "has no default route (0.0.0.0/0)" in first["message"]
    assert f"private ECR image {PRIVATE_IMAGE} (container c0)" in first["message"]


def test_el310_not_reported_with_the_endpoints_or_a_nat_gateway(world: World) -> None:
    private_service(world, endpoints=ECR_ENDPOINTS)
    assert network_findings("EL310") == []
    world.ecs.delete_service(cluster="prod", service="web", force=True)
    private_service(world, "nat")
    assert network_findings("EL310") == []


def test_el310_secrets_and_awslogs_need_their_endpoints(world: World) -> None:
    secret = world.secret("db")
    private_service(
        world,
        endpoints=ECR_ENDPOINTS,
        secrets=[{"name": "DB", "valueFrom": secret}, {"name": "FLAG", "valueFrom": "/app/flag"}],
        logConfiguration=AWSLOGS,
    )
    findings = network_findings("EL310")
    assert [f["endpoint"] for f in findings] == ["secretsmanager", "ssm", "logs"]
    assert "secret DB (container c0)" in findings[0]["message"]
    assert "the awslogs log driver (container c0)" in findings[2]["message"]


def test_el310_an_s3_gateway_on_another_route_table_does_not_count(world: World) -> None:
    vpc = world.vpc()
    subnet, _ = world.subnet(vpc)
    other, other_table = world.subnet(vpc, cidr="10.0.2.0/24")
    world.endpoints(vpc, other, other_table, *ECR_ENDPOINTS)
    arn = world.task_definition("web", PRIVATE_IMAGE)
    world.service("web", arn, subnets=(subnet,), groups=(world.security_group(vpc),))
    (finding,) = network_findings("EL310")
    assert finding["endpoint"] == "s3"
    assert "is not on their route tables" in finding["message"]


def test_el310_ec2_services_pull_through_their_instances(world: World) -> None:
    vpc = world.vpc()
    subnet, _ = world.subnet(vpc)
    arn = world.task_definition("web", PRIVATE_IMAGE, fargate=False, memory=512)
    world.service("web", arn, subnets=(subnet,), launch="EC2")
    assert network_findings("EL310", "EL312", "EL313") == []


# --- EL311 vpc-endpoint-private-dns-disabled ----------------------------------------------------


def test_el311_interface_endpoints_without_private_dns(world: World) -> None:
    private_service(world, endpoints=ECR_ENDPOINTS, private_dns=False)
    findings = network_findings("EL311")
    assert [f["message"].split(" endpoint ")[0] for f in findings] == [
        "the ecr.api",
        "the ecr.dkr",
    ]  # the s3 gateway endpoint has no DNS name of its own
    assert "private DNS disabled" in findings[0]["message"]


def test_el311_not_reported_with_private_dns_or_a_way_out(world: World) -> None:
    private_service(world, endpoints=ECR_ENDPOINTS)
    assert network_findings("EL311") == []
    world.ecs.delete_service(cluster="prod", service="web", force=True)
    private_service(world, "nat", endpoints=ECR_ENDPOINTS, private_dns=False)
    assert network_findings("EL311") == []


# --- EL312 registry-unreachable ------------------------------------------------------------------


def test_el312_docker_hub_from_an_isolated_subnet(world: World) -> None:
    private_service(world, image="nginx:1.25", endpoints=ECR_ENDPOINTS)
    (finding,) = network_findings("EL312")
    assert finding["image"] == "docker.io/library/nginx:1.25"
    assert "comes from Docker Hub" in finding["message"]
    assert "no VPC endpoint reaches Docker Hub" in finding["message"]


def test_el312_a_public_subnet_without_a_public_ip(world: World) -> None:
    private_service(world, "igw", image="nginx:1.25")
    (finding,) = network_findings("EL312")
    assert "assignPublicIp is DISABLED" in finding["message"]


def test_el312_not_reported_with_a_way_out_or_an_ecr_image(world: World) -> None:
    private_service(world, "nat", image="nginx:1.25")
    assert network_findings("EL312") == []
    world.ecs.delete_service(cluster="prod", service="web", force=True)
    private_service(world, "igw", image="nginx:1.25", public_ip=True)
    assert network_findings("EL312") == []
    world.ecs.delete_service(cluster="prod", service="web", force=True)
    private_service(world, endpoints=ECR_ENDPOINTS)
    assert network_findings("EL312") == []


# --- EL313 https-egress-blocked ------------------------------------------------------------------


def test_el313_security_groups_without_outbound_https(world: World) -> None:
    service = private_service(world, "nat", https=False)
    (finding,) = network_findings("EL313")
    assert finding["file"] == service
    assert finding["logical"].startswith(
        "networkConfiguration.awsvpcConfiguration.securityGroups[?@=='sg-"
    )
    assert "allows outbound TCP 443" in finding["message"]


def test_el313_not_reported_with_https_or_the_default_group(world: World) -> None:
    private_service(world, "nat")
    assert network_findings("EL313") == []
    world.ecs.delete_service(cluster="prod", service="web", force=True)
    vpc = world.vpc()
    subnet, _ = world.subnet(vpc, "nat")
    world.service("web", world.task_definition("web", "nginx:1.25"), subnets=(subnet,))
    assert network_findings("EL313") == []  # the VPC's default group allows all outbound
