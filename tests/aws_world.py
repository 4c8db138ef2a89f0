"""A small AWS world for ``ecs-lint aws`` tests, built through boto3 on the local moto server.

Imported as ``aws_world`` (tests/ is on pytest's pythonpath); the ``world`` fixture is in
tests/aws/conftest.py.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3

if TYPE_CHECKING:
    from pathlib import Path

REGION = "eu-west-1"
ACCOUNT = "123456789012"
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
PRIVATE_IMAGE = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/app:1.4"


def credentials_task_file(
    directory: Path, role: str, credentials: str = "dockerhub", name: str = "td.json"
) -> str:
    """A task definition file whose container pulls a Docker Hub image with
    ``repositoryCredentials`` through the execution role ``role`` (an ARN or name)."""
    task = {
        "family": "web",
        "executionRoleArn": role,
        "containerDefinitions": [
            {
                "name": "web",
                "image": "acme/web:1.4",
                "repositoryCredentials": {"credentialsParameter": credentials},
            }
        ],
    }
    path = directory / name
    path.write_text(json.dumps(task, indent=2))
    return str(path)


class World:
    """What a test creates in the local AWS; every call is a real boto3 call over HTTP."""

    def __init__(self, region: str = REGION) -> None:
        self.region = region
        self.ecs = boto3.client("ecs", region_name=region)
        self.ec2 = boto3.client("ec2", region_name=region)
        self.iam = boto3.client("iam", region_name=region)
        self.secrets = boto3.client("secretsmanager", region_name=region)
        self._clusters: set[str] = set()

    # --- Network ------------------------------------------------------------------------------

    def vpc(self) -> str:
        vpc: str = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        return vpc

    def subnet(self, vpc: str, egress: str = "none", cidr: str = "10.0.1.0/24") -> tuple[str, str]:
        """A subnet with its own route table: ``none`` (local only), ``nat`` or ``igw``."""
        subnet: str = self.ec2.create_subnet(VpcId=vpc, CidrBlock=cidr)["Subnet"]["SubnetId"]
        table: str = self.ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        self.ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
        if egress == "nat":
            nat = self.ec2.create_nat_gateway(SubnetId=subnet)["NatGateway"]["NatGatewayId"]
            self.ec2.create_route(
                RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat
            )
        elif egress == "igw":
            igw = self.ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
            self.ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
            self.ec2.create_route(
                RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw
            )
        return subnet, table

    def endpoints(
        self,
        vpc: str,
        subnet: str,
        table: str,
        *services: str,
        private_dns: bool = True,
    ) -> None:
        """Interface endpoints for ``services`` (``s3``: a gateway endpoint on ``table``)."""
        for service in services:
            name = f"com.amazonaws.{self.region}.{service}"
            if service == "s3":
                self.ec2.create_vpc_endpoint(
                    VpcId=vpc, ServiceName=name, VpcEndpointType="Gateway", RouteTableIds=[table]
                )
            else:
                self.ec2.create_vpc_endpoint(
                    VpcId=vpc,
                    ServiceName=name,
                    VpcEndpointType="Interface",
                    SubnetIds=[subnet],
                    PrivateDnsEnabled=private_dns,
                )

    def security_group(self, vpc: str, *, https: bool = True, name: str = "tasks") -> str:
        """A group whose only outbound rule is TCP 443 to anywhere, or TCP 5432 (no HTTPS)."""
        group: str = self.ec2.create_security_group(GroupName=name, Description="tasks", VpcId=vpc)[
            "GroupId"
        ]
        everything = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
        self.ec2.revoke_security_group_egress(GroupId=group, IpPermissions=everything)
        port = 443 if https else 5432
        self.ec2.authorize_security_group_egress(
            GroupId=group,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": port,
                    "ToPort": port,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
        )
        return group

    # --- IAM and secrets ----------------------------------------------------------------------

    def role(self, name: str, *, managed: tuple[str, ...] = (EXECUTION_POLICY,)) -> str:
        arn: str = self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))[
            "Role"
        ]["Arn"]
        for policy in managed:
            self.iam.attach_role_policy(RoleName=name, PolicyArn=policy)
        return arn

    def secret(self, name: str) -> str:
        arn: str = self.secrets.create_secret(Name=name, SecretString='{"u": "p"}')["ARN"]
        return arn

    # --- ECS ----------------------------------------------------------------------------------

    def task_definition(
        self,
        family: str,
        *images: str,
        role: str | None = None,
        fargate: bool = True,
        **container: Any,
    ) -> str:
        """One container per image (``c0``, ``c1``...); ``container`` adds keys to each."""
        options: dict[str, Any] = {}
        if fargate:
            options.update(
                requiresCompatibilities=["FARGATE"], networkMode="awsvpc", cpu="256", memory="512"
            )
        if role is not None:
            options["executionRoleArn"] = role
        arn: str = self.ecs.register_task_definition(
            family=family,
            containerDefinitions=[
                {"name": f"c{index}", "image": image, **container}
                for index, image in enumerate(images)
            ],
            **options,
        )["taskDefinition"]["taskDefinitionArn"]
        return arn

    def service(
        self,
        name: str,
        task_definition: str,
        *,
        count: int = 1,
        cluster: str = "prod",
        subnets: tuple[str, ...] = (),
        groups: tuple[str, ...] = (),
        public_ip: bool = False,
        launch: str = "FARGATE",
    ) -> str:
        if cluster not in self._clusters:
            self.ecs.create_cluster(clusterName=cluster)
            self._clusters.add(cluster)
        options: dict[str, Any] = {"launchType": launch}
        if subnets:
            options["networkConfiguration"] = {
                "awsvpcConfiguration": {
                    "subnets": list(subnets),
                    "securityGroups": list(groups),
                    "assignPublicIp": "ENABLED" if public_ip else "DISABLED",
                }
            }
        arn: str = self.ecs.create_service(
            cluster=cluster,
            serviceName=name,
            taskDefinition=task_definition,
            desiredCount=count,
            **options,
        )["service"]["serviceArn"]
        return arn
