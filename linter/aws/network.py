"""A Fargate service's network as neutral facts: each subnet's way out, endpoints, security groups.

How a subnet reaches the internet is decided from the route table in force (the subnet's own,
else the VPC's main table) and its IPv4 default route (``0.0.0.0/0``, blackholes ignored):

* to a NAT gateway: internet;
* to an internet gateway: internet only when tasks get a public IP (``assignPublicIp``
  ``ENABLED``), else none — the classic "public subnet, no public IP" failure;
* to a transit gateway, a peering connection, a virtual private gateway, an instance or a network
  interface (a NAT instance, a firewall): unknown, since the path continues out of sight;
* no IPv4 default route: none, unless an IPv6 default route exists (unknown: dual-stack
  endpoints may be reachable).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecs_lint.aws.inventory import awsvpc
from ecs_lint.aws.livejson import logical_span, named_item
from ecs_lint.model import Egress, EndpointView, NetworkView, SecurityGroupView, SubnetView

if TYPE_CHECKING:
    from ecs_lint.aws.inventory import RegionInventory

__all__ = ["endpoint_service", "https_destinations", "network_view", "subnet_egress"]

AWSVPC_PATH = "networkConfiguration.awsvpcConfiguration"
_UNSEEN_TARGETS = (
    ("TransitGatewayId", "transit gateway"),
    ("VpcPeeringConnectionId", "VPC peering connection"),
    ("NetworkInterfaceId", "network interface"),
    ("InstanceId", "instance"),
    ("CarrierGatewayId", "carrier gateway"),
    ("LocalGatewayId", "local gateway"),
    ("CoreNetworkArn", "Cloud WAN core network"),
)


def network_view(service: dict[str, Any], inventory: RegionInventory) -> NetworkView | None:
    """The network of a service's tasks; ``None`` when it has no ``awsvpc`` configuration or
    its network was not read."""
    config = awsvpc(service)
    if config is None or not inventory.subnets:
        return None
    arn = service["serviceArn"]
    public_ip = config.get("assignPublicIp") == "ENABLED"
    subnets = tuple(
        _subnet(arn, subnet_id, inventory, public_ip) for subnet_id in config["subnets"]
    )
    first = inventory.subnets.get(config["subnets"][0])
    vpc_id: str | None = first.get("VpcId") if first else None
    endpoints = tuple(
        view
        for raw in inventory.endpoints.get(vpc_id or "", [])
        if (view := _endpoint(raw, inventory.region)) is not None
    )
    return NetworkView(
        vpc_id=vpc_id,
        subnets=subnets,
        endpoints=endpoints,
        security_groups=_groups(arn, config, vpc_id, inventory),
        assign_public_ip=public_ip,
        span=logical_span(arn, AWSVPC_PATH),
    )


def _subnet(
    service_arn: str, subnet_id: str, inventory: RegionInventory, public_ip: bool
) -> SubnetView:
    span = logical_span(service_arn, named_item(f"{AWSVPC_PATH}.subnets", subnet_id, ""))
    subnet = inventory.subnets.get(subnet_id)
    if subnet is None:
        return SubnetView(subnet_id, Egress.UNKNOWN, "the subnet was not found", None, span)
    table = _route_table(subnet_id, inventory.route_tables.get(subnet["VpcId"], []))
    if table is None:
        return SubnetView(subnet_id, Egress.UNKNOWN, "no route table was found", None, span)
    egress, route = subnet_egress(table, public_ip)
    return SubnetView(subnet_id, egress, route, table["RouteTableId"], span)


def _route_table(subnet_id: str, tables: list[dict[str, Any]]) -> dict[str, Any] | None:
    main = None
    for table in tables:
        for association in table.get("Associations", []):
            if association.get("SubnetId") == subnet_id:
                return table
            if association.get("Main"):
                main = table
    return main


def subnet_egress(table: dict[str, Any], public_ip: bool) -> tuple[Egress, str]:
    """How a subnet using route table ``table`` reaches the internet, and why, in words."""
    table_id = table.get("RouteTableId", "?")
    routes = [route for route in table.get("Routes", []) if route.get("State") != "blackhole"]
    default = next((r for r in routes if r.get("DestinationCidrBlock") == "0.0.0.0/0"), None)
    if default is None:
        if any(route.get("DestinationIpv6CidrBlock") == "::/0" for route in routes):
            return Egress.UNKNOWN, f"route table {table_id} has an IPv6 default route only"
        return Egress.NONE, f"route table {table_id} has no default route (0.0.0.0/0)"
    via = f"0.0.0.0/0 via {{}} (route table {table_id})"
    if default.get("NatGatewayId"):
        return Egress.INTERNET, via.format(default["NatGatewayId"])
    gateway = str(default.get("GatewayId") or "")
    if gateway.startswith("igw-"):
        if public_ip:
            return Egress.INTERNET, via.format(gateway)
        return Egress.NONE, (
            f"{via.format(gateway)}, but tasks get no public IP (assignPublicIp is DISABLED), "
            "and an internet gateway carries only traffic from public addresses"
        )
    if gateway.startswith("vgw-"):
        return Egress.UNKNOWN, via.format(f"virtual private gateway {gateway}")
    for key, what in _UNSEEN_TARGETS:
        if default.get(key):
            return Egress.UNKNOWN, via.format(f"{what} {default[key]}")
    return Egress.UNKNOWN, via.format(gateway or "an unrecognised target")


def endpoint_service(service_name: str, region: str) -> str | None:
    """``com.amazonaws.eu-west-1.ecr.dkr`` → ``ecr.dkr``; ``None`` for another region's or a
    third party's (PrivateLink) service."""
    marker = f".{region}."
    if marker not in service_name or ".vpce." in service_name:
        return None
    return service_name.split(marker, 1)[1] or None


def _endpoint(raw: dict[str, Any], region: str) -> EndpointView | None:
    service = endpoint_service(str(raw.get("ServiceName", "")), region)
    if service is None:
        return None
    return EndpointView(
        endpoint_id=raw.get("VpcEndpointId", "?"),
        service=service,
        kind=raw.get("VpcEndpointType", "Interface"),
        state=str(raw.get("State", "unknown")).lower(),
        private_dns=bool(raw.get("PrivateDnsEnabled")),
        route_tables=tuple(raw.get("RouteTableIds") or ()),
    )


def _groups(
    service_arn: str, config: dict[str, Any], vpc_id: str | None, inventory: RegionInventory
) -> tuple[SecurityGroupView, ...]:
    named = config.get("securityGroups") or []
    if not named:
        default = inventory.default_groups.get(vpc_id or "")
        if default is None:
            return ()
        span = logical_span(service_arn, AWSVPC_PATH)
        return (SecurityGroupView(default["GroupId"], https_destinations(default), span),)
    views = []
    for group_id in named:
        group = inventory.security_groups.get(group_id)
        if group is None:
            continue  # not readable: claim nothing about it
        span = logical_span(service_arn, named_item(f"{AWSVPC_PATH}.securityGroups", group_id, ""))
        views.append(SecurityGroupView(group_id, https_destinations(group), span))
    return tuple(views)


def https_destinations(group: dict[str, Any]) -> tuple[str, ...]:
    """Where a security group lets outbound TCP 443 go (CIDRs, prefix lists, groups)."""
    destinations: list[str] = []
    for permission in group.get("IpPermissionsEgress", []):
        if not _allows_https(permission):
            continue
        destinations += [item["CidrIp"] for item in permission.get("IpRanges", [])]
        destinations += [item["CidrIpv6"] for item in permission.get("Ipv6Ranges", [])]
        destinations += [item["PrefixListId"] for item in permission.get("PrefixListIds", [])]
        destinations += [item["GroupId"] for item in permission.get("UserIdGroupPairs", [])]
    return tuple(dict.fromkeys(destinations))


def _allows_https(permission: dict[str, Any]) -> bool:
    protocol = str(permission.get("IpProtocol", ""))
    if protocol == "-1":
        return True
    if protocol not in ("tcp", "6"):
        return False
    low, high = permission.get("FromPort"), permission.get("ToPort")
    return isinstance(low, int) and isinstance(high, int) and low <= 443 <= high
