"""Amazon ECS task definitions in JSON.

Accepted forms, as the AWS tools and Terraform write them:

* ``aws ecs register-task-definition --cli-input-json`` input: an object with
  ``containerDefinitions`` (and ``family``, ``executionRoleArn``, ...);
* ``aws ecs describe-task-definition`` output: ``{"taskDefinition": {...}, "tags": [...]}``;
  its read-only fields (``taskDefinitionArn``, ``revision``, ``status``...) are simply not read;
* a bare ``containerDefinitions`` list (Terraform's ``container_definitions = file(...)``);
* a JSON list of task definitions in either of the first two forms.

Any other JSON (``package.json``...) is somebody else's file: an empty document, no problem.

The parts rules read are checked against the shapes ECS accepts. Each wrong value is reported
once (EL902) where it is and then skipped, so one bad field does not hide the rest of the file.
Reading and shape checks are shared with the CloudFormation and Terraform sources
(:mod:`ecs_lint.sources._tasks`); this module only finds the task definitions in a JSON file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ecs_lint import jsonpos
from ecs_lint.jsonpos import JsonArray, JsonError, JsonNode, JsonObject
from ecs_lint.model import Document, Problem, ProblemKind, TaskView
from ecs_lint.sources._shapes import printable
from ecs_lint.sources._tasks import CAMEL, JsonView, TaskReader, shape_problems

if TYPE_CHECKING:
    from ecs_lint.jsonpos import PathPart
    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText


def parse(source: SourceText, settings: Settings) -> Document:
    """The task definitions in one JSON file; never raises."""
    document = Document(source.path)
    if not source.text.strip():  # an empty .json claims nothing
        return document
    try:
        parsed = jsonpos.parse(source.text)
    except JsonError as error:
        document.problems.append(json_problem(source, error))
        return document
    found = _find_task_definitions(parsed.root)
    if found:
        report_duplicates(source, document, parsed.root, parsed.duplicates)
        reader = TaskReader(CAMEL)
        for place in found:
            view = JsonView(place.node, source.span, source.text)
            document.problems.extend(
                shape_problems(view, place.path, CAMEL, containers_only=place.containers_only)
            )
            if place.containers_only:
                task = TaskView(None, view.span, reader.containers(view))
            else:
                task = reader.task(view)
            document.tasks.append(task)
        document.images.extend(reader.images)
    return document


def json_problem(source: SourceText, error: JsonError) -> Problem:
    end = min(error.offset + 1, len(source.text))
    return Problem(
        ProblemKind.PARSE, f"invalid JSON: {error.message}", source.span(error.offset, end)
    )


def report_duplicates(
    source: SourceText,
    document: Document,
    root: JsonNode,
    duplicates: tuple[jsonpos.Duplicate, ...],
) -> None:
    """A duplicate-key problem at the earlier of each pair (the one AWS tools ignore)."""
    paths = jsonpos.find_paths(root, [duplicate.obj for duplicate in duplicates])
    for duplicate in duplicates:
        path = paths.get(id(duplicate.obj))
        where = jsonpos.format_path(path) if path else "the top-level object"
        key = duplicate.earlier
        message = (
            f"duplicate key '{printable(key.key)}' in {where}; the last value wins, as in AWS tools"
        )
        span = source.span(key.key_start, key.key_end)
        document.problems.append(Problem(ProblemKind.DUPLICATE_KEY, message, span))


# --- Which form the file is in ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Found:
    """A task definition (or a bare container list) and its path from the top of the file."""

    node: JsonObject | JsonArray
    path: tuple[PathPart, ...]

    @property
    def containers_only(self) -> bool:
        return isinstance(self.node, JsonArray)


def _find_task_definitions(root: JsonNode) -> list[_Found]:
    if isinstance(root, JsonObject):
        found = _task_definition(root, ())
        return [found] if found else []
    if not isinstance(root, JsonArray):
        return []
    tasks = [_task_definition(item, (i,)) for i, item in enumerate(root.items)]
    if any(tasks):
        return [task for task in tasks if task is not None]
    # A bare containerDefinitions list: recognised by containers that name an image.
    if any(isinstance(item, JsonObject) and "image" in item.index for item in root.items):
        return [_Found(root, ())]
    return []


def _task_definition(node: JsonNode, path: tuple[PathPart, ...]) -> _Found | None:
    """The register form itself, or the task definition inside the describe form."""
    if not isinstance(node, JsonObject):
        return None
    inner = node.get("taskDefinition")
    if isinstance(inner, JsonObject):
        return _Found(inner, (*path, "taskDefinition"))
    if "containerDefinitions" in node.index:
        return _Found(node, path)
    return None
