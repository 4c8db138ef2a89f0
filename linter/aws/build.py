"""The documents of one region: one per task definition and one per service.

Task definitions go through the same reader and shape checks as task-definition files
(:mod:`ecs_lint.sources._tasks`), walking the API answer with :class:`LiveNode`, so the rules see
exactly what they see for a file. A document's path is the resource ARN.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecs_lint.aws.inventory import service_task_definition
from ecs_lint.aws.livejson import LiveNode, logical_span
from ecs_lint.aws.network import network_view
from ecs_lint.model import Document, Located, ServiceView
from ecs_lint.sources._tasks import CAMEL, TaskReader, shape_problems

if TYPE_CHECKING:
    from ecs_lint.aws.inventory import RegionInventory
    from ecs_lint.model import TaskView

__all__ = ["region_documents"]


def region_documents(inventory: RegionInventory) -> list[Document]:
    documents: list[Document] = []
    tasks: dict[str, TaskView] = {}
    for arn in sorted(inventory.task_definitions):
        document = _task_document(arn, inventory.task_definitions[arn])
        tasks[arn] = document.tasks[0]
        documents.append(document)
    for service in inventory.services:
        documents.append(
            Document(service["serviceArn"], services=[_service(service, tasks, inventory)])
        )
    return documents


def _task_document(arn: str, raw: dict[str, Any]) -> Document:
    root = LiveNode(raw, arn)
    reader = TaskReader(CAMEL)
    task = reader.task(root)
    return Document(
        arn, images=reader.images, tasks=[task], problems=shape_problems(root, (), CAMEL)
    )


def _service(
    raw: dict[str, Any], tasks: dict[str, TaskView], inventory: RegionInventory
) -> ServiceView:
    arn = raw["serviceArn"]
    cluster = str(raw.get("clusterArn", "")).rsplit("/", 1)[-1]
    name = f"{cluster}/{raw['serviceName']}" if cluster else raw["serviceName"]
    task_arn = service_task_definition(raw)
    strategy = raw.get("capacityProviderStrategy") or []
    return ServiceView(
        name=name,
        span=logical_span(arn),
        desired_count=Located(str(raw.get("desiredCount", 0)), logical_span(arn, "desiredCount")),
        task_definition=Located(task_arn, logical_span(arn, "taskDefinition"))
        if task_arn
        else None,
        tasks=(tasks[task_arn],) if task_arn in tasks else (),
        launch_type=raw.get("launchType") or None,
        capacity_providers=tuple(str(item.get("capacityProvider", "")) for item in strategy),
        region=inventory.region,
        network=network_view(raw, inventory),
        max_count=_scaling_maximum(arn, inventory.express.get(arn)),
    )


def _scaling_maximum(arn: str, express: dict[str, Any] | None) -> Located | None:
    """The most tasks an Express Mode service scales out to: the highest ``maxTaskCount`` of its
    active configurations (two while a deployment replaces one)."""
    found: Located | None = None
    for index, config in enumerate((express or {}).get("activeConfigurations") or []):
        target = config.get("scalingTarget") if isinstance(config, dict) else None
        count = target.get("maxTaskCount") if isinstance(target, dict) else None
        if not isinstance(count, int) or isinstance(count, bool):
            continue
        if found is None or count > int(found.value):
            path = f"activeConfigurations[{index}].scalingTarget.maxTaskCount"
            found = Located(str(count), logical_span(arn, path))
    return found
