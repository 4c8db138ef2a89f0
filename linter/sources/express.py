"""Amazon ECS Express Mode services in JSON: the API's own input.

``aws ecs create-express-gateway-service --cli-input-json file://web.json`` and
``update-express-gateway-service`` read a JSON object in the API's spelling: ``primaryContainer``
(``image``, ``repositoryCredentials``, ``secrets``, ``awsLogsConfiguration``),
``executionRoleArn``, ``scalingTarget``, or ``taskDefinitionArn`` instead of the first two. The
file is recognised by its content: an object with ``primaryContainer``, or with
``taskDefinitionArn`` and the ``infrastructureRoleArn`` (create) or ``serviceArn`` (update) of an
Express service. Any other JSON is somebody else's file: an empty document, no problem.

The service is read as every source reads Express services (:mod:`ecs_lint.sources._express`):
a task and a service like any other ECS task and service. The region is the one the AWS CLI
deploys to, unknown here (``--region`` tells it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from ecs_lint import jsonpos
from ecs_lint.jsonpos import JsonError, JsonObject
from ecs_lint.model import Document
from ecs_lint.sources._express import ExpressReader, shape_problems
from ecs_lint.sources._tasks import CAMEL, JsonView, TaskReader
from ecs_lint.sources.taskdef import json_problem, report_duplicates

if TYPE_CHECKING:
    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText

UNNAMED: Final = "(unnamed)"


def parse(source: SourceText, settings: Settings) -> Document:
    """The Express service in one JSON file; never raises."""
    document = Document(source.path)
    if not source.text.strip():
        return document
    try:
        parsed = jsonpos.parse(source.text)
    except JsonError as error:
        document.problems.append(json_problem(source, error))
        return document
    root = parsed.root
    if not isinstance(root, JsonObject) or not is_express_input(root):
        return document
    report_duplicates(source, document, root, parsed.duplicates)
    view = JsonView(root, source.span, source.text)
    document.problems.extend(shape_problems(view, (), CAMEL))
    read = ExpressReader(TaskReader(CAMEL)).read(
        view, default_name=_name_of_arn(root) or UNNAMED, span=view.span
    )
    if read.task is not None:
        document.tasks.append(read.task)
    document.services.append(read.service)
    document.images.extend(read.images)
    return document


def is_express_input(root: JsonObject) -> bool:
    """Whether a JSON object is the input of ``create-`` or ``update-express-gateway-service``."""
    keys = root.index
    if "primaryContainer" in keys:
        return True
    return "taskDefinitionArn" in keys and ("infrastructureRoleArn" in keys or "serviceArn" in keys)


def _name_of_arn(root: JsonObject) -> str | None:
    """The service name an update's ``serviceArn`` ends with."""
    arn = root.get("serviceArn")
    value = arn.value if arn is not None else None
    return value.rsplit("/", 1)[-1] or None if isinstance(value, str) else None
