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
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ecs_lint import jsonpos
from ecs_lint.jsonpos import JsonArray, JsonError, JsonNode, JsonObject, JsonScalar
from ecs_lint.model import (
    ContainerView,
    Document,
    ImageUse,
    Located,
    LogView,
    Problem,
    SecretView,
    Span,
    TaskView,
    UseKind,
)
from ecs_lint.references import resolve_reference

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

    from ecs_lint.jsonpos import JsonValue, PathPart
    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText

# --- The shapes rules read, as ECS's RegisterTaskDefinition API accepts them ---------------------

_STRING = {"type": "string"}
_STRINGS = {"type": "array", "items": _STRING}
CONTAINER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["name", "image"],
    "properties": {
        "name": _STRING,
        "image": _STRING,
        "repositoryCredentials": {
            "type": "object",
            "required": ["credentialsParameter"],
            "properties": {"credentialsParameter": _STRING},
        },
        "secrets": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "valueFrom"],
                "properties": {"name": _STRING, "valueFrom": _STRING},
            },
        },
        "logConfiguration": {
            "type": "object",
            "required": ["logDriver"],
            "properties": {
                "logDriver": _STRING,
                "options": {"type": "object", "additionalProperties": _STRING},
            },
        },
    },
}
CONTAINER_LIST_SCHEMA: dict[str, Any] = {"type": "array", "items": CONTAINER_SCHEMA}
TASK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["containerDefinitions"],
    "properties": {
        "family": _STRING,
        "executionRoleArn": _STRING,
        "networkMode": _STRING,
        "requiresCompatibilities": _STRINGS,
        "containerDefinitions": CONTAINER_LIST_SCHEMA,
    },
}

_JSON_TYPES = {str: "string", bool: "boolean", int: "number", float: "number", list: "array"}
_WITH_ARTICLE = {"string": "a string", "object": "an object", "array": "an array"}


def parse(source: SourceText, settings: Settings) -> Document:
    """The task definitions in one JSON file; never raises."""
    document = Document(source.path)
    if not source.text.strip():  # an empty .json claims nothing
        return document
    try:
        parsed = jsonpos.parse(source.text)
    except JsonError as error:
        document.problems.append(_invalid_json(source, error))
        return document
    found = _find_task_definitions(parsed.root)
    if found:
        reader = _Reader(source, document)
        reader.report_duplicates(parsed.root, parsed.duplicates)
        for place in found:
            reader.read(place)
    return document


def _invalid_json(source: SourceText, error: JsonError) -> Problem:
    end = min(error.offset + 1, len(source.text))
    return Problem("EL900", f"invalid JSON: {error.message}", source.span(error.offset, end))


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


# --- Reading the model ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Reader:
    """Turns found task definitions into model views; every read tolerates a wrong shape."""

    source: SourceText
    document: Document

    def read(self, found: _Found) -> None:
        self.document.problems.extend(_shape_problems(self.source, found))
        if isinstance(found.node, JsonArray):
            task = TaskView(None, self._span(found.node), self._containers(found.node))
        else:
            task = self._task(found.node)
        self.document.tasks.append(task)
        self.document.images.extend(c.image for c in task.containers if c.image is not None)

    def report_duplicates(self, root: JsonNode, duplicates: tuple[jsonpos.Duplicate, ...]) -> None:
        paths = jsonpos.find_paths(root, [duplicate.obj for duplicate in duplicates])
        for duplicate in duplicates:
            path = paths.get(id(duplicate.obj))
            where = jsonpos.format_path(path) if path else "the top-level object"
            key = duplicate.earlier
            message = (
                f"duplicate key '{_printable(key.key)}' in {where}; "
                "the last value wins, as in AWS tools"
            )
            span = self.source.span(key.key_start, key.key_end)
            self.document.problems.append(Problem("EL903", message, span))

    def _task(self, node: JsonObject) -> TaskView:
        containers = node.get("containerDefinitions")
        compatibilities = node.get("requiresCompatibilities")
        return TaskView(
            family=_string_value(node.get("family")),
            span=self._span(node),
            containers=self._containers(containers) if isinstance(containers, JsonArray) else (),
            execution_role=self._located(node.get("executionRoleArn")),
            requires_compatibilities=self._strings(compatibilities),
            network_mode=_string_value(node.get("networkMode")),
        )

    def _containers(self, node: JsonArray) -> tuple[ContainerView, ...]:
        return tuple(self._container(item) for item in node.items if isinstance(item, JsonObject))

    def _container(self, node: JsonObject) -> ContainerView:
        name = _string_value(node.get("name"))
        credentials = node.get("repositoryCredentials")
        parameter = None
        if isinstance(credentials, JsonObject):
            parameter = self._located(credentials.get("credentialsParameter"))
        authenticated = parameter is not None and bool(parameter.value)
        return ContainerView(
            name=name or "",
            span=self._span(node),
            image=self._image(node.get("image"), name, authenticated),
            credentials_parameter=parameter,
            secrets=self._secrets(node.get("secrets")),
            log=self._log(node.get("logConfiguration")),
        )

    def _image(self, node: JsonNode | None, container: str | None, auth: bool) -> ImageUse | None:
        located = self._located(node)
        if located is None:
            return None
        # A fix replaces the text between the quotes; with escapes (\u002f) that text is not the
        # value, and writing a plain reference over part of it would be wrong.
        raw = self.source.text[located.span.start : located.span.end]
        return ImageUse(
            reference=resolve_reference(located.value),
            span=located.span,
            kind=UseKind.CONTAINER,
            authenticated=auth,
            edit_span=located.span if raw == located.value else None,
            container=container,
        )

    def _secrets(self, node: JsonNode | None) -> tuple[SecretView, ...]:
        if not isinstance(node, JsonArray):
            return ()
        secrets = []
        for item in node.items:
            if isinstance(item, JsonObject):
                name = _string_value(item.get("name"))
                value_from = self._located(item.get("valueFrom"))
                if name is not None and value_from is not None:
                    secrets.append(SecretView(name, value_from))
        return tuple(secrets)

    def _log(self, node: JsonNode | None) -> LogView | None:
        if not isinstance(node, JsonObject):
            return None
        driver = self._located(node.get("logDriver"))
        if driver is None:
            return None
        options = node.get("options")
        located: dict[str, Located] = {}
        if isinstance(options, JsonObject):
            for key, member in options.index.items():
                value = self._located(member.value)
                if value is not None:
                    located[key] = value
        return LogView(driver, located)

    def _strings(self, node: JsonNode | None) -> tuple[str, ...]:
        if not isinstance(node, JsonArray):
            return ()
        values = (_string_value(item) for item in node.items)
        return tuple(value for value in values if value is not None)

    def _located(self, node: JsonNode | None) -> Located | None:
        """A string value with the span of its text between the quotes."""
        if isinstance(node, JsonScalar) and isinstance(node.value, str):
            return Located(node.value, self.source.span(node.start + 1, node.end - 1))
        return None

    def _span(self, node: JsonNode) -> Span:
        return self.source.span(node.start, node.end)


def _string_value(node: JsonNode | None) -> str | None:
    if isinstance(node, JsonScalar) and isinstance(node.value, str):
        return node.value
    return None


def _printable(text: str) -> str:
    """Text safe to print: lone surrogates (valid in JSON escapes) become escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


# --- Shape checks --------------------------------------------------------------------------------


def _shape_problems(source: SourceText, found: _Found) -> list[Problem]:
    """EL902 for each value of the wrong shape, in text order.

    jsonschema is slow to import and to run, and nearly every file is right, so a hand check of
    the same shapes runs first; jsonschema only explains what the hand check found wrong.
    """
    value = found.node.value
    if _containers_ok(value) if found.containers_only else _task_ok(value):
        return []
    problems: dict[tuple[int, str], Problem] = {}
    for error in _validator(found.containers_only).iter_errors(value):
        for problem in _describe(source, found, error):
            problems.setdefault((problem.span.start, problem.message), problem)
    return sorted(problems.values(), key=lambda problem: problem.span.start)


def _describe(source: SourceText, found: _Found, error: ValidationError) -> list[Problem]:
    relative = list(error.absolute_path)
    node = _descend(found.node, relative)
    span = source.span(node.start, node.end)
    where = jsonpos.format_path([*found.path, *relative])
    required = error.validator_value
    if error.validator == "required" and isinstance(error.instance, dict):
        assert isinstance(required, list), "the schemas above list required keys"
        missing = [key for key in required if key not in error.instance]
        return [
            Problem("EL902", f'{where} has no "{key}", which ECS requires', span) for key in missing
        ]
    if error.validator == "type":
        wanted = _WITH_ARTICLE.get(str(error.validator_value), str(error.validator_value))
        got = _json_type(error.instance)
        return [Problem("EL902", f"{where} must be {wanted}, got {got}", span)]
    return [Problem("EL902", f"{where}: {_printable(error.message)}", span)]


def _descend(node: JsonNode, path: list[PathPart]) -> JsonNode:
    """The node at ``path`` below ``node`` (as far as it exists)."""
    for part in path:
        child: JsonNode | None = None
        if isinstance(node, JsonObject) and isinstance(part, str):
            child = node.get(part)
        elif isinstance(node, JsonArray) and isinstance(part, int) and part < len(node.items):
            child = node.items[part]
        if child is None:
            break
        node = child
    return node


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    return _JSON_TYPES.get(type(value), "object")


@functools.cache
def _validator(containers_only: bool) -> Validator:
    import jsonschema  # ~0.1 s to import; only files with a wrong shape need it

    schema = CONTAINER_LIST_SCHEMA if containers_only else TASK_SCHEMA
    validator: Validator = jsonschema.Draft202012Validator(schema)
    return validator


# The hand check: the same shapes as the schemas above, in plain Python.


def _task_ok(task: JsonValue) -> bool:
    return (
        isinstance(task, dict)
        and _optional(task, "family", str)
        and _optional(task, "executionRoleArn", str)
        and _optional(task, "networkMode", str)
        and _all_strings(task.get("requiresCompatibilities", []))
        and "containerDefinitions" in task
        and _containers_ok(task["containerDefinitions"])
    )


def _containers_ok(containers: JsonValue) -> bool:
    return isinstance(containers, list) and all(map(_container_ok, containers))


def _container_ok(container: JsonValue) -> bool:
    if not isinstance(container, dict):
        return False
    if not (isinstance(container.get("name"), str) and isinstance(container.get("image"), str)):
        return False
    credentials = container.get("repositoryCredentials", {"credentialsParameter": ""})
    log = container.get("logConfiguration", {"logDriver": ""})
    return (
        isinstance(credentials, dict)
        and isinstance(credentials.get("credentialsParameter"), str)
        and _secrets_ok(container.get("secrets", []))
        and isinstance(log, dict)
        and isinstance(log.get("logDriver"), str)
        and (isinstance(options := log.get("options", {}), dict))
        and _all_strings(list(options.values()))
    )


def _secrets_ok(secrets: JsonValue) -> bool:
    return isinstance(secrets, list) and all(
        isinstance(secret, dict)
        and isinstance(secret.get("name"), str)
        and isinstance(secret.get("valueFrom"), str)
        for secret in secrets
    )


def _optional(value: dict[str, JsonValue], key: str, kind: type) -> bool:
    return key not in value or isinstance(value[key], kind)


def _all_strings(values: JsonValue) -> bool:
    return isinstance(values, list) and all(isinstance(value, str) for value in values)
