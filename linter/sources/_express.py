"""Amazon ECS Express Mode services, as every source of them reads them.

An Express service (the ``CreateExpressGatewayService`` API, CloudFormation's
``AWS::ECS::ExpressGatewayService``, Terraform's ``aws_ecs_express_gateway_service``) runs one
container from a task definition that Express Mode registers for it. Its documented defaults
decide what that task definition holds: Fargate and ``awsvpc``; the primary container named
``Main``; the ``awslogs`` driver in the service's region, to ``awsLogsConfiguration``'s group
and stream prefix (``ecs`` unless given) or else to a log group Express Mode creates,
``/aws/ecs/<cluster>/<service>-<suffix>``; the service's execution role. The service starts
``scalingTarget.minTaskCount`` tasks (1 unless given) and scales out to ``maxTaskCount`` (20
unless given).

:class:`ExpressReader` reads such a service, spelled by a :class:`~ecs_lint.sources._tasks.Naming`
(ECS's camelCase JSON, CloudFormation's PascalCase), into the same ``TaskView``,
``ContainerView`` and ``ServiceView`` values as any ECS task and service, so every rule applies
to it unchanged. A service given ``taskDefinitionArn`` instead of a primary container runs that
task definition: its ``ServiceView`` names it, and an unresolved image use stands for its images
until the run's own task definitions are matched (``Model.resolve_task_definitions``).
:func:`shape_problems` checks the parts read against the shapes the API accepts (EL902).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Final

from ecs_lint.model import (
    ImageUse,
    Located,
    LogView,
    Problem,
    ServiceView,
    TaskView,
    UnresolvedRef,
    UseKind,
)
from ecs_lint.sources._shapes import Shape, spelled
from ecs_lint.sources._tasks import CREDENTIALS_SCHEMA, SECRETS_SCHEMA, STRING_SCHEMA, JsonView

if TYPE_CHECKING:
    from ecs_lint.jsonpos import PathPart
    from ecs_lint.model import ContainerView, Span
    from ecs_lint.sources._tasks import Naming, Node, TaskReader

__all__ = ["ExpressReader", "ExpressService", "shape_problems"]

PRIMARY_CONTAINER: Final = "Main"
"""The name Express Mode gives the primary container in the task definition it registers."""
DEFAULT_MIN_TASKS: Final = "1"
DEFAULT_MAX_TASKS: Final = "20"
DEFAULT_STREAM_PREFIX: Final = "ecs"
DEFAULT_CLUSTER: Final = "default"
ELSEWHERE_HINT: Final = (
    "lint that task definition in the same run (its JSON file, as aws ecs "
    "describe-task-definition writes it) or the live service with ecs-lint aws"
)


@dataclass(frozen=True, slots=True)
class ExpressService:
    """What one Express service contributes: its task (``None`` when it runs a task definition
    given by ARN), its service, and the image uses read (the primary container's, or the one
    standing for the images of the task definition it names)."""

    task: TaskView | None
    service: ServiceView
    images: tuple[ImageUse, ...]


@dataclass(slots=True)
class ExpressReader:
    """Reads Express services with ``reader`` (its naming, image references and insertions)."""

    reader: TaskReader

    def read(
        self, node: Node, *, default_name: str, span: Span, region: Located | None = None
    ) -> ExpressService:
        """The service in ``node`` (its properties, or the API's input); ``default_name`` names
        one without ``serviceName``; ``region`` is the service's region when the source knows
        it (a template's ``${AWS::Region}``)."""
        key = self.reader.naming
        name = _string(node.get(key("serviceName"))) or default_name
        start = len(self.reader.images)
        task = None
        container_node = node.get(key("primaryContainer"))
        named = self.reader.located(node.get(key("taskDefinitionArn")))
        if container_node is not None or named is None:
            task = self._task(node, container_node, name, span, region)
        images = tuple(self.reader.images[start:])
        scaling = node.get(key("scalingTarget"))
        minimum = _count(scaling.get(key("minTaskCount"))) if scaling is not None else None
        maximum = _count(scaling.get(key("maxTaskCount"))) if scaling is not None else None
        service = ServiceView(
            name,
            span,
            desired_count=minimum if minimum is not None else Located(DEFAULT_MIN_TASKS, span),
            desired_count_is_default=minimum is None,
            task_definition=named if task is None else None,
            tasks=(task,) if task is not None else (),
            capacity_providers=("FARGATE",),
            max_count=maximum if maximum is not None else Located(DEFAULT_MAX_TASKS, span),
            max_count_is_default=maximum is None,
        )
        if task is None and named is not None:
            images = (_elsewhere(named),)
            service = replace(service, unchecked_images=images[0])
        return ExpressService(task, service, images)

    def _task(
        self,
        node: Node,
        container_node: Node | None,
        name: str,
        span: Span,
        region: Located | None,
    ) -> TaskView:
        key = self.reader.naming
        containers: tuple[ContainerView, ...] = ()
        unknown = container_node.unknown() if container_node is not None else None
        if container_node is not None and unknown is not None:
            # Its image too is unknown, which must be said, not skipped.
            self.reader.unresolved_image(container_node, unknown, PRIMARY_CONTAINER)
        elif container_node is not None and container_node.entries() is not None:
            container = self.reader.container(container_node, name=PRIMARY_CONTAINER)
            log = self._log(node, container_node, name, region)
            containers = (replace(container, log=log),)
        return TaskView(
            family=None,
            span=span,
            containers=containers,
            execution_role=self.reader.located(node.get(key("executionRoleArn"))),
            requires_compatibilities=("FARGATE",),
            network_mode="awsvpc",
            region=region.value if region is not None and region.value else None,
            title=f"Express service '{name}'",
        )

    def _log(self, node: Node, container: Node, service: str, region: Located | None) -> LogView:
        """The awslogs configuration Express Mode writes into the task definition."""
        key = self.reader.naming
        given = container.get(key("awsLogsConfiguration"))
        at = given.span if given is not None else container.span
        group = prefix = None
        if given is not None:
            group = self.reader.located(given.get(key("logGroup")))
            prefix = self.reader.located(given.get(key("logStreamPrefix")))
        if group is None:
            group = Located(self._default_log_group(node, service), at)
        options = {
            "awslogs-group": group,
            # Express Mode logs in the service's own region; unknown until deploy time when the
            # source does not say (``--region`` then tells it).
            "awslogs-region": region or Located("", at, ("the service's region",)),
            "awslogs-stream-prefix": prefix or Located(DEFAULT_STREAM_PREFIX, at),
        }
        return LogView(Located("awslogs", at), options)

    def _default_log_group(self, node: Node, service: str) -> str:
        """``/aws/ecs/<cluster>/<service>-<suffix>``, the group Express Mode creates, as a
        pattern: ``*`` for the suffix it chooses and for any part the file leaves unknown."""
        cluster_node = node.get(self.reader.naming("cluster"))
        cluster = DEFAULT_CLUSTER
        if cluster_node is not None:
            text = cluster_node.text()
            known = text is not None and not text.unresolved
            cluster = text.value.rsplit("/", 1)[-1] if text is not None and known else "*"
        if node.get(self.reader.naming("serviceName")) is None:
            service = "*"  # Express Mode names the service itself
        return f"/aws/ecs/{cluster}/{service}-*"


def _elsewhere(named: Located) -> ImageUse:
    """The use that stands for the images of a task definition the service names by ARN."""
    short = named.value.rsplit("/", 1)[-1] if named.is_known else named.value
    where = f"task definition {short}"
    return ImageUse(
        reference=UnresolvedRef(f"(in {where})", (where,)),
        span=named.span,
        kind=UseKind.CONTAINER,
        values_hint=ELSEWHERE_HINT,
    )


def _string(node: Node | None) -> str | None:
    text = node.text() if node is not None else None
    return text.value if text is not None and not text.unresolved else None


def _count(node: Node | None) -> Located | None:
    """A task count as written: a number (a string in templates), or an unknown value."""
    if node is None:
        return None
    text = node.text()
    if text is not None:
        return text.located()
    unknown = node.unknown()
    if unknown is not None:
        return Located(", ".join(unknown), node.span, unknown)
    value = node.plain()
    if isinstance(value, int) and not isinstance(value, bool):
        return Located(str(value), node.span)
    return None


# --- Shape checks -------------------------------------------------------------------------------

_STRING = STRING_SCHEMA
_COUNT: Final[dict[str, Any]] = {"type": "integer"}
_SERVICE_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "properties": {
        "serviceName": _STRING,
        "cluster": _STRING,
        "executionRoleArn": _STRING,
        "taskDefinitionArn": _STRING,
        "primaryContainer": {
            "type": "object",
            "required": ["image"],
            "properties": {
                "image": _STRING,
                "repositoryCredentials": CREDENTIALS_SCHEMA,
                "secrets": SECRETS_SCHEMA,
                "awsLogsConfiguration": {
                    "type": "object",
                    "required": ["logGroup"],
                    "properties": {"logGroup": _STRING, "logStreamPrefix": _STRING},
                },
            },
        },
        "scalingTarget": {
            "type": "object",
            "properties": {"minTaskCount": _COUNT, "maxTaskCount": _COUNT},
        },
    },
}
"""The parts of an Express service ecs-lint reads, in the API's spelling, as it accepts them."""


@functools.cache
def _shape(naming: Naming) -> Shape:
    """The shape in ``naming``'s spelling; a template (PascalCase) may write a number as a
    string, as CloudFormation accepts."""
    schema = spelled(_SERVICE_SCHEMA, naming)
    if naming.pascal:
        counts = schema["properties"][naming("scalingTarget")]["properties"]
        for key in counts:
            counts[key] = {"type": ["integer", "string"]}
    return Shape(schema)


def shape_problems(node: Node, where: tuple[PathPart, ...], naming: Naming) -> list[Problem]:
    """A shape problem for each value of the wrong shape among the parts of an Express service
    rules read, in text order. ``where`` is the path to ``node`` from the top of its file."""
    return _shape(naming).problems(node, where, decoded=isinstance(node, JsonView))
