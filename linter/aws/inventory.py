"""Read what runs in one region: clusters, services, their task definitions and network.

Every call goes through :class:`~ecs_lint.awsapi.client.AwsClient` (its clients have timeouts,
bounded adaptive retries and the run's time budget; its errors name the call that failed). List
operations use paginators. Independent calls run on a bounded thread pool, phase after phase, so
no call waits for another in the same pool; the first failure ends the phase: calls not started
are cancelled and those in flight stop at their next attempt. Each task-definition revision is
described once per run, however many services run it.

Every call here is essential: what could not be listed could not be checked, so any failure is
an ``AwsError`` (exit status 2), never a partial, falsely clean report. Every answer is checked
for the values read from it (a missing ``taskDefinition`` is an error naming the call).

Express Mode services are ECS services: ``ListServices`` lists them and ``DescribeServices``
gives their task definition, like any other's. Only their scaling maximum is elsewhere, in
``DescribeExpressGatewayService``, asked for each service Express Mode manages
(``resourceManagementType`` ``ECS``).

Permissions used: ``ecs:ListClusters`` (or ``ecs:DescribeClusters`` with ``--cluster``),
``ecs:ListServices``, ``ecs:DescribeServices``, ``ecs:DescribeTaskDefinition``,
``ecs:DescribeExpressGatewayService`` (for Express Mode services only), and for Fargate
services' networks ``ec2:DescribeSubnets``, ``ec2:DescribeRouteTables``,
``ec2:DescribeVpcEndpoints``, ``ec2:DescribeSecurityGroups`` (only when a network rule, EL31x,
is selected: ``fetch_region(..., network=True)``).
"""

from __future__ import annotations

from concurrent.futures import FIRST_EXCEPTION, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ecs_lint.awsapi.wire import AwsError, items, member

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from concurrent.futures import ThreadPoolExecutor

    from ecs_lint.aws.progress import Tracker
    from ecs_lint.awsapi.client import AwsClient
    from ecs_lint.settings import Settings

__all__ = [
    "CONCURRENCY",
    "RegionInventory",
    "Scope",
    "fetch_region",
    "map_or_stop",
    "task_definition_matches",
]

CONCURRENCY: Final = 8
"""AWS calls in flight at once: enough to hide latency, few enough not to be throttled."""
SERVICES_PER_DESCRIBE: Final = 10  # DescribeServices takes at most 10 services
CLUSTERS_PER_DESCRIBE: Final = 100
VALUES_PER_FILTER: Final = 200  # EC2 accepts at most 200 values in one filter

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Scope:
    """What to read: ``--cluster``, ``--service`` and ``--task-definition`` (names or ARNs).

    Nothing given: every service of every cluster. ``task_definitions`` alone: only those task
    definitions (a family alone is its latest ``ACTIVE`` revision), no services. With clusters or
    services as well, they keep only the services running one of them.
    """

    clusters: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    task_definitions: tuple[str, ...] = ()

    @classmethod
    def of(cls, settings: Settings) -> Scope:
        return cls(settings.aws_clusters, settings.aws_services, settings.aws_task_definitions)

    @property
    def task_definitions_only(self) -> bool:
        return bool(self.task_definitions) and not self.clusters and not self.services


@dataclass(slots=True)
class RegionInventory:
    """The raw API answers for one region, as plain JSON values."""

    region: str
    services: list[dict[str, Any]] = field(default_factory=list)
    """``DescribeServices`` entries of ``ACTIVE`` services, in cluster and name order."""
    task_definitions: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``DescribeTaskDefinition`` answers' ``taskDefinition``, by ARN."""
    express: dict[str, dict[str, Any]] = field(default_factory=dict)
    """``DescribeExpressGatewayService`` answers' ``service``, by service ARN, for the services
    Express Mode manages."""
    subnets: dict[str, dict[str, Any]] = field(default_factory=dict)
    route_tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """By VPC id."""
    endpoints: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """VPC endpoints by VPC id."""
    security_groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    default_groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each VPC's ``default`` security group, which tasks get when the service names none."""


def task_definition_matches(arn: str, wanted: Iterable[str]) -> bool:
    """Whether a task-definition ARN is one of ``wanted`` (ARN, ``family:revision``, family)."""
    family_revision = arn.rsplit("/", 1)[-1]
    family = family_revision.rsplit(":", 1)[0]
    return any(text in (arn, family_revision, family) for text in wanted)


def service_task_definition(service: dict[str, Any]) -> str:
    """The task definition a service runs: its own, else (an ``EXTERNAL`` or CodeDeploy
    deployment controller) its primary task set's; empty when it names none."""
    arn = service.get("taskDefinition")
    if isinstance(arn, str) and arn:
        return arn
    sets = [item for item in service.get("taskSets") or [] if isinstance(item, dict)]
    primary = [item for item in sets if item.get("status") == "PRIMARY"] or sets
    found = primary[0].get("taskDefinition") if primary else None
    return found if isinstance(found, str) else ""


def is_fargate_candidate(service: dict[str, Any]) -> bool:
    """Whether tasks of this service may run on Fargate, where the task's own network interface
    pulls images and fetches secrets (on EC2 the container instance's network does)."""
    launch = service.get("launchType")
    if launch:
        return bool(launch == "FARGATE")
    providers = [item.get("capacityProvider", "") for item in _strategy(service)]
    return not providers or any(name.startswith("FARGATE") for name in providers)


def _strategy(service: dict[str, Any]) -> list[dict[str, Any]]:
    strategy = service.get("capacityProviderStrategy") or []
    return [item for item in strategy if isinstance(item, dict)]


def awsvpc(service: dict[str, Any]) -> dict[str, Any] | None:
    config = (service.get("networkConfiguration") or {}).get("awsvpcConfiguration")
    return config if isinstance(config, dict) and config.get("subnets") else None


def fetch_region(
    live: AwsClient,
    region: str,
    scope: Scope,
    tracker: Tracker,
    pool: ThreadPoolExecutor,
    *,
    network: bool = False,
) -> RegionInventory:
    """What runs in ``region`` for ``scope``; with ``network``, also the networks of its Fargate
    services (EC2 calls, and EC2 permissions, that only the network rules need)."""
    return _RegionReader(live, region, tracker, pool).read(scope, network=network)


def map_or_stop(
    pool: ThreadPoolExecutor, live: AwsClient, function: Callable[[T], R], work: Sequence[T]
) -> list[R]:
    """``function`` over ``work`` on ``pool``, in order. The first error is raised as soon as it
    happens, after cancelling the calls not started and stopping ``live``'s calls in flight at
    their next attempt (the run has failed: without this, the pool would drain its queue, each
    call waiting out its own timeouts)."""
    if len(work) <= 1:
        return [function(item) for item in work]

    failures: list[BaseException] = []  # in the order they happened (list.append is atomic)

    def stopping(item: T) -> R:
        try:
            return function(item)
        except BaseException as error:
            failures.append(error)
            live.stop()  # here, before this worker takes the next item from the queue
            raise

    futures = [pool.submit(stopping, item) for item in work]
    wait(futures, return_when=FIRST_EXCEPTION)
    if failures:
        for future in futures:
            future.cancel()
        # The first real failure: the calls the stop refused afterwards only echo it.
        raise next((e for e in failures if not getattr(e, "echo", False)), failures[0])
    return [future.result() for future in futures]


class _RegionReader:
    def __init__(
        self, live: AwsClient, region: str, tracker: Tracker, pool: ThreadPoolExecutor
    ) -> None:
        self.live = live
        self.region = region
        self.tracker = tracker
        self.pool = pool
        self.ecs = live.client("ecs", region)
        self.inventory = RegionInventory(region)

    def read(self, scope: Scope, *, network: bool) -> RegionInventory:
        if not scope.task_definitions_only:
            clusters = self._clusters(scope.clusters)
            services = self._services(clusters, scope.services)
            if scope.task_definitions:
                services = [
                    service
                    for service in services
                    if task_definition_matches(
                        service_task_definition(service), scope.task_definitions
                    )
                ]
            self.inventory.services = services
            self._express_services()
        self._task_definitions(scope.task_definitions)
        if network:
            self._networks()
        return self.inventory

    # --- Clusters and services -------------------------------------------------------------

    def _clusters(self, wanted: Sequence[str]) -> list[str]:
        self.tracker.phase(f"{self.region}: clusters")
        if not wanted:
            self.tracker.expect(1)
            arns: list[str] = self.live.pages(
                "ecs:ListClusters",
                f"clusters in {self.region}",
                self.ecs,
                "list_clusters",
                "clusterArns",
                required=True,
            )
            self.tracker.done()
            return sorted(arns)
        found: list[str] = []
        missing: list[str] = []
        for chunk in _chunks(list(dict.fromkeys(wanted)), CLUSTERS_PER_DESCRIBE):
            self.tracker.expect(1)
            call = ("ecs:DescribeClusters", f"clusters {', '.join(chunk)} in {self.region}")
            answer = self.live.call(*call, self.ecs.describe_clusters, clusters=chunk)
            self.tracker.done()
            for cluster in items(answer, "clusters", dict, *call, keys=("clusterArn",)):
                if cluster.get("status") == "ACTIVE":
                    found.append(cluster["clusterArn"])
            failures = items(answer, "failures", dict, *call, required=False)
            missing += [str(failure.get("arn", "?")) for failure in failures]
        if missing:
            names = ", ".join(sorted(name.rsplit("/", 1)[-1] for name in missing))
            raise AwsError(f"no cluster {names} in {self.region} (--cluster)")
        return found

    def _services(self, clusters: list[str], wanted: Sequence[str]) -> list[dict[str, Any]]:
        self.tracker.phase(f"{self.region}: services")
        if wanted:
            batches = [
                (cluster, chunk)
                for cluster in clusters
                for chunk in _chunks(list(dict.fromkeys(wanted)), SERVICES_PER_DESCRIBE)
            ]
        else:
            self.tracker.expect(len(clusters))
            listed = self._map(self._list_services, clusters)
            batches = [
                (cluster, chunk)
                for cluster, arns in zip(clusters, listed, strict=True)
                for chunk in _chunks(sorted(arns), SERVICES_PER_DESCRIBE)
            ]
        self.tracker.expect(len(batches))
        described = self._map(lambda batch: self._describe_services(*batch), batches)
        services = [service for group in described for service in group]
        if wanted:
            self._require_found(wanted, services, clusters)
        active = [service for service in services if service.get("status") == "ACTIVE"]
        return sorted(active, key=lambda service: str(service.get("serviceArn")))

    def _list_services(self, cluster: str) -> list[str]:
        arns: list[str] = self.live.pages(
            "ecs:ListServices",
            f"services of cluster {_short(cluster)} in {self.region}",
            self.ecs,
            "list_services",
            "serviceArns",
            required=True,
            cluster=cluster,
        )
        self.tracker.done()
        return arns

    def _describe_services(self, cluster: str, names: list[str]) -> list[dict[str, Any]]:
        call = ("ecs:DescribeServices", f"services of cluster {_short(cluster)} in {self.region}")
        answer = self.live.call(*call, self.ecs.describe_services, cluster=cluster, services=names)
        self.tracker.done()
        if answer is None:  # the cluster went away between listing and describing
            return []
        keys = ("serviceArn", "serviceName")
        found: list[dict[str, Any]] = items(answer, "services", dict, *call, keys=keys)
        return found

    def _require_found(
        self, wanted: Sequence[str], services: list[dict[str, Any]], clusters: list[str]
    ) -> None:
        known = {service.get("serviceName") for service in services} | {
            service.get("serviceArn") for service in services
        }
        missing = [name for name in wanted if name not in known]
        if missing:
            where = ", ".join(_short(cluster) for cluster in clusters) or "no cluster"
            raise AwsError(
                f"no service {', '.join(missing)} in {where} ({self.region}) (--service)"
            )

    def _express_services(self) -> None:
        arns = [
            str(service["serviceArn"])
            for service in self.inventory.services
            if service.get("resourceManagementType") == "ECS"
        ]
        if not arns:
            return
        self.tracker.phase(f"{self.region}: Express services")
        self.tracker.expect(len(arns))
        for arn, found in zip(arns, self._map(self._describe_express, arns), strict=True):
            if found is not None:
                self.inventory.express[arn] = found

    def _describe_express(self, arn: str) -> dict[str, Any] | None:
        call = (
            "ecs:DescribeExpressGatewayService",
            f"Express service {_short(arn)} in {self.region}",
        )
        answer = self.live.call(*call, self.ecs.describe_express_gateway_service, serviceArn=arn)
        self.tracker.done()
        if answer is None:  # deleted between listing and describing
            return None
        found: dict[str, Any] = member(answer, "service", dict, *call)
        items(found, "activeConfigurations", dict, *call, required=False)
        return found

    # --- Task definitions ------------------------------------------------------------------

    def _task_definitions(self, standalone: Sequence[str]) -> None:
        self.tracker.phase(f"{self.region}: task definitions")
        running = (service_task_definition(service) for service in self.inventory.services)
        arns = [arn for arn in dict.fromkeys(running) if arn]
        # A task definition asked for by ARN or family:revision that a service already runs is
        # described once; a bare family must be asked, to learn its latest revision.
        extra = [
            text
            for text in dict.fromkeys(standalone)
            if not any(arn == text or arn.endswith(f"/{text}") for arn in arns)
        ]
        wanted = arns + extra
        self.tracker.expect(len(wanted))
        for answer in self._map(self._describe_task_definition, wanted):
            self.inventory.task_definitions.setdefault(answer["taskDefinitionArn"], answer)

    def _describe_task_definition(self, reference: str) -> dict[str, Any]:
        call = ("ecs:DescribeTaskDefinition", f"task definition {reference} in {self.region}")
        answer = self.live.call(*call, self.ecs.describe_task_definition, taskDefinition=reference)
        self.tracker.done()
        if answer is None:
            raise AwsError(f"no task definition {reference} in {self.region}")
        found: dict[str, Any] = member(answer, "taskDefinition", dict, *call)
        member(found, "taskDefinitionArn", str, *call)
        return found

    # --- Networks of Fargate services ------------------------------------------------------

    def _networks(self) -> None:
        configs = [
            config
            for service in self.inventory.services
            if is_fargate_candidate(service) and (config := awsvpc(service)) is not None
        ]
        if not configs:
            return
        self.tracker.phase(f"{self.region}: networks")
        ec2 = self.live.client("ec2", self.region)
        subnet_ids = sorted({subnet for config in configs for subnet in config["subnets"]})
        subnets = self._filtered(
            ec2,
            ("ec2:DescribeSubnets", "describe_subnets", "Subnets", ("SubnetId", "VpcId")),
            "subnet-id",
            subnet_ids,
        )
        self.inventory.subnets = {subnet["SubnetId"]: subnet for subnet in subnets}
        vpcs = sorted({subnet["VpcId"] for subnet in subnets})
        group_ids = sorted(
            {group for config in configs for group in config.get("securityGroups") or []}
        )
        without_groups = sorted(
            {
                self.inventory.subnets[config["subnets"][0]]["VpcId"]
                for config in configs
                if not config.get("securityGroups")
                and config["subnets"][0] in self.inventory.subnets
            }
        )
        groups_call = (
            "ec2:DescribeSecurityGroups",
            "describe_security_groups",
            "SecurityGroups",
            ("GroupId", "VpcId"),
        )
        tables_call = (
            "ec2:DescribeRouteTables",
            "describe_route_tables",
            "RouteTables",
            ("RouteTableId", "VpcId"),
        )
        endpoints_call = (
            "ec2:DescribeVpcEndpoints",
            "describe_vpc_endpoints",
            "VpcEndpoints",
            ("VpcId",),
        )
        jobs: list[Callable[[], list[dict[str, Any]]]] = [
            lambda: self._filtered(ec2, tables_call, "vpc-id", vpcs),
            lambda: self._filtered(ec2, endpoints_call, "vpc-id", vpcs),
            lambda: self._filtered(ec2, groups_call, "group-id", group_ids),
            lambda: self._filtered(
                ec2,
                groups_call,
                "vpc-id",
                without_groups,
                extra=[{"Name": "group-name", "Values": ["default"]}],
            ),
        ]
        tables, endpoints, groups, defaults = self._map(lambda job: job(), jobs)
        for table in tables:
            self.inventory.route_tables.setdefault(table["VpcId"], []).append(table)
        for endpoint in endpoints:
            self.inventory.endpoints.setdefault(endpoint["VpcId"], []).append(endpoint)
        self.inventory.security_groups = {group["GroupId"]: group for group in groups}
        self.inventory.default_groups = {group["VpcId"]: group for group in defaults}

    def _filtered(
        self,
        client: Any,
        call: tuple[str, str, str, tuple[str, ...]],
        name: str,
        values: list[str],
        extra: list[dict[str, Any]] | None = None,
    ) -> list[dict[str, Any]]:
        """Every item an EC2 ``Describe*`` returns for a filter on ``values`` (paginated, in
        chunks of the 200 values a filter takes); nothing to ask for asks nothing. ``call`` is
        the permission, operation, answer key and the string members each item must have."""
        permission, operation, key, keys = call
        found: list[dict[str, Any]] = []
        for chunk in _chunks(values, VALUES_PER_FILTER):
            self.tracker.expect(1)
            filters = [{"Name": name, "Values": chunk}, *(extra or [])]
            what = f"{name} {', '.join(chunk[:3])}{'...' if len(chunk) > 3 else ''}"
            found += self.live.pages(
                permission,
                f"{what} in {self.region}",
                client,
                operation,
                key,
                item=dict,
                keys=keys,
                Filters=filters,
            )
            self.tracker.done()
        return found

    # --- Plumbing --------------------------------------------------------------------------

    def _map(self, function: Callable[[T], R], work: Sequence[T]) -> list[R]:
        """``function`` over ``work`` on the pool, in order; the first error is raised."""
        return map_or_stop(self.pool, self.live, function, work)


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _short(arn: str) -> str:
    return arn.rsplit("/", 1)[-1]
