"""What a service's tasks must reach over the network, for the network rules (EL310-EL313).

Pure functions over the model. On Fargate the task's own network interface pulls images, reads
secrets and sends awslogs logs; on EC2 the container instance does, through its own subnet, which
ecs-lint does not read, so the network rules look only at services that may run on Fargate.

In a subnet with no route out of the VPC (``Egress.NONE``) only VPC endpoints reach AWS:

* a private ECR image of the service's own region needs ``ecr.api`` (the auth token), ``ecr.dkr``
  (manifests) and ``s3`` (layers: a gateway endpoint on the subnet's route table, or an interface
  endpoint);
* a Secrets Manager secret (``secrets``, ``repositoryCredentials``) needs ``secretsmanager``; an
  SSM parameter ``ssm``;
* the ``awslogs`` driver needs ``logs``;

and nothing reaches Docker Hub, ECR Public, any other registry, or ECR in another region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ecs_lint.model import Egress, ImageRef, RegistryKind
from ecs_lint.references import ecr_private_parts

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.model import (
        ContainerView,
        EndpointView,
        ImageUse,
        Model,
        NetworkView,
        ServiceView,
        SubnetView,
    )

__all__ = [
    "ENDPOINT_ORDER",
    "NO_ROUTE",
    "EndpointNeed",
    "InternetImage",
    "IsolatedService",
    "describe_subnets",
    "endpoint_needs",
    "internet_images",
    "isolated_services",
    "network_checked",
    "serving_endpoints",
]

ENDPOINT_ORDER: Final = ("ecr.api", "ecr.dkr", "s3", "secretsmanager", "ssm", "logs")
NO_ROUTE: Final = "no route to a NAT gateway or internet gateway"


@dataclass(frozen=True, slots=True)
class EndpointNeed:
    """A VPC endpoint the tasks need in an isolated subnet, and what needs it (in words)."""

    service: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InternetImage:
    """An image no VPC endpoint can serve, and why."""

    use: ImageUse
    reference: ImageRef
    where: str


@dataclass(frozen=True, slots=True)
class IsolatedService:
    """A service the network rules check, and the subnets it places tasks in that have no route
    out of the VPC (``subnets``, never empty)."""

    service: ServiceView
    network: NetworkView
    subnets: list[SubnetView]


def network_checked(service: ServiceView) -> NetworkView | None:
    """The service's network when the network rules apply to it (it may run on Fargate)."""
    if service.network is None or service.platform in ("EC2", "EXTERNAL"):
        return None
    return service.network


def isolated_services(model: Model) -> Iterator[IsolatedService]:
    """The services that may run on Fargate in a subnet with no route out, where only VPC
    endpoints reach AWS (EL310-EL312), each with those subnets."""
    for service in model.services:
        network = network_checked(service)
        if network is None:
            continue
        subnets = [subnet for subnet in network.subnets if subnet.egress is Egress.NONE]
        if subnets:
            yield IsolatedService(service, network, subnets)


def describe_subnets(subnets: list[SubnetView]) -> str:
    """``subnet-1 (route table rtb-1 has no default route ...)``, joined."""
    return "; ".join(f"{subnet.subnet_id} ({subnet.route})" for subnet in subnets)


def endpoint_needs(service: ServiceView) -> list[EndpointNeed]:
    """Every endpoint the service's tasks need without a route out, in a fixed order."""
    reasons: dict[str, list[str]] = {name: [] for name in ENDPOINT_ORDER}
    for task in service.tasks:
        for container in task.containers:
            _container_needs(container, service.region, reasons)
    return [
        EndpointNeed(name, tuple(dict.fromkeys(found))) for name, found in reasons.items() if found
    ]


def _container_needs(
    container: ContainerView, region: str | None, reasons: dict[str, list[str]]
) -> None:
    # Imported for an isolated service only: the IAM modules cost every run's start-up otherwise.
    from ecs_lint.iam.arns import (
        BadReference,
        SecretValueRef,
        UnknownValueFrom,
        parse_credentials_parameter,
        parse_value_from,
    )

    label = f"container {container.name}"
    use = container.image
    if use is not None and isinstance(use.reference, ImageRef):
        parts = ecr_private_parts(use.reference.domain)
        if use.reference.registry is RegistryKind.ECR_PRIVATE and parts and parts[1] == region:
            image = f"private ECR image {use.reference} ({label})"
            for name in ("ecr.api", "ecr.dkr", "s3"):
                reasons[name].append(image)
    if container.credentials_parameter is not None:
        ref = parse_credentials_parameter(container.credentials_parameter.value)
        if not isinstance(ref, BadReference) and ref.region in (None, region):
            reasons["secretsmanager"].append(f"repositoryCredentials ({label})")
    for secret in container.secrets:
        value = parse_value_from(secret.value_from.value)
        if isinstance(value, BadReference | UnknownValueFrom):
            continue  # which endpoint it needs is not known
        if isinstance(value, SecretValueRef):
            if value.secret.region in (None, region):
                reasons["secretsmanager"].append(f"secret {secret.name} ({label})")
        elif value.region in (None, region):
            reasons["ssm"].append(f"SSM parameter of secret {secret.name} ({label})")
    if container.log is not None and container.log.driver.value == "awslogs":
        reasons["logs"].append(f"the awslogs log driver ({label})")


def internet_images(service: ServiceView) -> list[InternetImage]:
    """The images of the service's tasks that only an internet route reaches, once each."""
    found: dict[str, InternetImage] = {}
    for task in service.tasks:
        for container in task.containers:
            use = container.image
            if use is None or not isinstance(use.reference, ImageRef):
                continue
            where = _internet_registry(use.reference, service.region)
            if where is not None:
                found.setdefault(str(use.reference), InternetImage(use, use.reference, where))
    return list(found.values())


def _internet_registry(ref: ImageRef, region: str | None) -> str | None:
    if ref.registry is RegistryKind.DOCKER_HUB:
        return "Docker Hub"
    if ref.registry is RegistryKind.ECR_PUBLIC:
        return "ECR Public (public.ecr.aws has no VPC endpoint)"
    if ref.registry is RegistryKind.ECR_PRIVATE:
        parts = ecr_private_parts(ref.domain)
        if parts is None or region is None or parts[1] == region:
            return None
        return f"ECR in {parts[1]} (this region's endpoints serve only {region})"
    return f"the registry {ref.domain}"


def serving_endpoints(network: NetworkView, service: str, subnet: SubnetView) -> list[EndpointView]:
    """The available endpoints for ``service`` that tasks in ``subnet`` can use: any interface
    endpoint of the VPC, or a gateway endpoint on the subnet's route table."""
    return [
        endpoint
        for endpoint in network.endpoints
        if endpoint.service == service
        and endpoint.state == "available"
        and (
            endpoint.kind != "Gateway"
            or (subnet.route_table is not None and subnet.route_table in endpoint.route_tables)
        )
    ]
