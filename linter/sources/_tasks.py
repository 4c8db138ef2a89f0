"""What every source of ECS task definitions shares: reading them into the model, and their shapes.

Task definitions reach ecs-lint as JSON files, inside CloudFormation templates (PascalCase keys,
intrinsic functions) and inside Terraform (a JSON string, ``jsonencode``, a heredoc). Each source
finds the task definitions in its format and hands them to :class:`TaskReader` as a tree of
:class:`Node` values: a JSON tree through :class:`JsonView`, a computed tree through the values of
:mod:`ecs_lint.sources._values`. The reader builds ``TaskView``/``ContainerView``/``ImageUse``
values, and :func:`shape_problems` checks the parts rules read against the shapes ECS accepts
(EL902), each wrong value reported once where it is. The rest of the file is never walked.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Protocol

from ecs_lint.jsonpos import JsonArray, JsonObject, JsonScalar
from ecs_lint.model import (
    ContainerView,
    ImageUse,
    Located,
    LogView,
    Problem,
    SecretView,
    TaskView,
    UnresolvedRef,
    UseKind,
)
from ecs_lint.references import resolve_reference
from ecs_lint.sources import DEPLOY_TIME_VALUES
from ecs_lint.sources._insert import json_view_insertion
from ecs_lint.sources._shapes import Shape, spelled
from ecs_lint.sources._text import Text

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from ecs_lint.jsonpos import JsonNode, PathPart
    from ecs_lint.model import MemberInsertion, Reference, Span

__all__ = [
    "CAMEL",
    "CREDENTIALS_SCHEMA",
    "PASCAL",
    "READ_CONTAINER_KEYS",
    "SECRETS_SCHEMA",
    "STRING_SCHEMA",
    "JsonView",
    "Naming",
    "Node",
    "TaskReader",
    "shape_problems",
    "task_shape",
]


class Node(Protocol):
    """A value in a source with its span, as the task reader walks it."""

    @property
    def span(self) -> Span: ...

    def get(self, key: str) -> Node | None:
        """The member ``key`` of a mapping; ``None`` for a missing key or a non-mapping."""
        ...

    def entries(self) -> Sequence[tuple[str, Node]] | None:
        """Every member of a mapping (the last of duplicates), else ``None``."""
        ...

    def elements(self) -> Sequence[Node] | None:
        """The items of a sequence, else ``None``."""
        ...

    def text(self) -> Text | None:
        """A string value, else ``None``."""
        ...

    def unknown(self) -> tuple[str, ...] | None:
        """What a value that could not be worked out depends on; ``None`` for a known value."""
        ...

    def plain(self) -> object:
        """The JSON-like Python value (``UNKNOWN`` where a value is not known), for shape checks."""
        ...


# --- JSON through the Node protocol -------------------------------------------------------------


class SpanOf(Protocol):
    def __call__(self, start: int, end: int) -> Span: ...


@dataclass(slots=True, eq=False)
class JsonView:
    """A ``jsonpos`` node seen as a :class:`Node`; children are wrapped only when asked for.

    ``span_of`` turns offsets of the parsed text into spans (``SourceText.span`` for a file; a
    mapping into the outer file for JSON held in a string). ``raw`` is the parsed text when a
    value's text is the file's own text (so a fix may edit it), else ``None``.
    """

    node: JsonNode
    span_of: SpanOf
    raw: str | None = None
    put_at: Callable[[int, int], Text | None] | None = None
    """The string a template put at exactly these characters of the parsed text, as written
    where it comes from (a Terraform variable's default): such a string is that one."""

    @property
    def span(self) -> Span:
        return self.span_of(self.node.start, self.node.end)

    def get(self, key: str) -> JsonView | None:
        if not isinstance(self.node, JsonObject):
            return None
        child = self.node.get(key)
        return None if child is None else JsonView(child, self.span_of, self.raw, self.put_at)

    def entries(self) -> list[tuple[str, Node]] | None:
        if not isinstance(self.node, JsonObject):
            return None
        return [
            (key, JsonView(member.value, self.span_of, self.raw, self.put_at))
            for key, member in self.node.index.items()
        ]

    def elements(self) -> list[Node] | None:
        if not isinstance(self.node, JsonArray):
            return None
        return [JsonView(item, self.span_of, self.raw, self.put_at) for item in self.node.items]

    def text(self) -> Text | None:
        node = self.node
        if not (isinstance(node, JsonScalar) and isinstance(node.value, str)):
            return None
        start, end = node.start + 1, node.end - 1  # between the quotes
        put = self.put_at(start, end) if self.put_at is not None else None
        if put is not None and put.value == node.value:
            return put
        # With escapes (\u002f) the text is not the value, and a fix must not write over it.
        editable = self.raw is not None and self.raw[start:end] == node.value
        return Text(node.value, self.span_of(start, end), editable)

    def string(self) -> str | None:
        """A string's value, as ``text()`` has it, without working out where it is."""
        node = self.node
        if isinstance(node, JsonScalar) and isinstance(node.value, str):
            return node.value
        return None

    def located(self) -> Located | None:
        """A string's value and where its text is, as ``text()`` has them, in one step."""
        node = self.node
        if self.put_at is not None or not isinstance(node, JsonScalar):
            text = self.text()
            return None if text is None else text.located()
        if not isinstance(node.value, str):
            return None
        return Located(node.value, self.span_of(node.start + 1, node.end - 1))

    def unknown(self) -> tuple[str, ...] | None:
        return None

    def plain(self) -> object:
        return self.node.value


# --- Key names --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Naming:
    """How a format spells the keys of a task definition: ``containerDefinitions`` in ECS's JSON,
    ``ContainerDefinitions`` in CloudFormation."""

    pascal: bool

    def __call__(self, key: str) -> str:
        return key[:1].upper() + key[1:] if self.pascal else key


CAMEL: Final = Naming(pascal=False)
PASCAL: Final = Naming(pascal=True)
CREDENTIALS_HINT: Final = "authenticate with repositoryCredentials"


# --- Reading the model --------------------------------------------------------------------------


def _plain_reference(text: Text) -> Reference:
    return resolve_reference(text.value)


@dataclass(slots=True)
class TaskReader:
    """Builds model views from task definitions; every read tolerates a wrong shape.

    ``image_reference`` turns an image string into a reference; sources whose strings may hold
    unknown parts give their own. ``images`` collects every image use read, in order.
    """

    naming: Naming = CAMEL
    image_reference: Callable[[Text], Reference] = _plain_reference
    images: list[ImageUse] = field(default_factory=list)
    insertion: Callable[[Node], MemberInsertion | None] | None = None
    """Where a fix may add members to a container; by default, a JSON file's own objects."""
    values_hint: str = DEPLOY_TIME_VALUES
    """How the variables of an image's reference get values, in the source's terms."""

    def task(
        self,
        node: Node,
        *,
        family: str | None = None,
        execution_role: Located | None = None,
        span: Span | None = None,
    ) -> TaskView:
        """A task definition; ``family``/``execution_role`` fill in what the node leaves out."""
        key = self.naming
        compatibilities = node.get(key("requiresCompatibilities"))
        role = self.located(node.get(key("executionRoleArn")))
        return TaskView(
            family=_string(node.get(key("family"))) or family,
            span=span or node.span,
            containers=self.containers(node.get(key("containerDefinitions"))),
            execution_role=role or execution_role,
            requires_compatibilities=self.strings(compatibilities),
            network_mode=_string(node.get(key("networkMode"))),
        )

    def containers(self, node: Node | None) -> tuple[ContainerView, ...]:
        """The containers of a ``containerDefinitions`` list (also a bare list)."""
        if node is None:
            return ()
        unknown = node.unknown()
        if unknown is not None:
            # The whole list is unknown: its images too, which must be said, not skipped.
            self.unresolved_image(node, unknown, None)
            return ()
        items = node.elements() or []
        return tuple(self.container(item) for item in items if _is_mapping(item))

    def container(self, node: Node, *, name: str | None = None) -> ContainerView:
        """One container; ``name`` names one whose node has none (an Express service's primary
        container, which ECS names ``Main``)."""
        key = self.naming
        name = _string(node.get(key("name"))) or name
        credentials = node.get(key("repositoryCredentials"))
        parameter = None
        if credentials is not None:
            parameter = self.located(credentials.get(key("credentialsParameter")))
        authenticated = parameter is not None and bool(parameter.value)
        return ContainerView(
            name=name or "",
            span=node.span,
            image=self._image(node.get(key("image")), name, authenticated),
            credentials_parameter=parameter,
            secrets=self._secrets(node.get(key("secrets"))),
            log=self._log(node.get(key("logConfiguration"))),
            insertion=(self.insertion or self._json_insertion)(node),
        )

    def _json_insertion(self, node: Node) -> MemberInsertion | None:
        return json_view_insertion(node, pascal=self.naming.pascal)

    def _image(self, node: Node | None, container: str | None, auth: bool) -> ImageUse | None:
        if node is None:
            return None
        text = node.text()
        if text is None:
            unknown = node.unknown()
            if unknown is not None:
                return self.unresolved_image(node, unknown, container, auth)
            return None
        use = ImageUse(
            reference=self.image_reference(text),
            span=text.span,
            kind=UseKind.CONTAINER,
            authenticated=auth,
            edit_span=text.edit_span,
            container=container,
            origin=text.origin.phrase if text.origin is not None else "",
            credentials_hint=CREDENTIALS_HINT,
            values_hint=self.values_hint,
        )
        self.images.append(use)
        return use

    def unresolved_image(
        self, node: Node, labels: tuple[str, ...], container: str | None, auth: bool = False
    ) -> ImageUse:
        """The use that stands for an image (or the images of a list) the source cannot know."""
        display = getattr(node, "value", None)
        original = display if isinstance(display, str) and display else ", ".join(labels)
        use = ImageUse(
            reference=UnresolvedRef(original, labels),
            span=node.span,
            kind=UseKind.CONTAINER,
            authenticated=auth,
            container=container,
            credentials_hint=CREDENTIALS_HINT,
            values_hint=self.values_hint,
        )
        self.images.append(use)
        return use

    def _secrets(self, node: Node | None) -> tuple[SecretView, ...]:
        secrets = []
        for item in (node.elements() if node is not None else None) or []:
            name = _string(item.get(self.naming("name")))
            value_from = self.located(item.get(self.naming("valueFrom")))
            if name is not None and value_from is not None:
                secrets.append(SecretView(name, value_from))
        return tuple(secrets)

    def _log(self, node: Node | None) -> LogView | None:
        if node is None:
            return None
        driver = self.located(node.get(self.naming("logDriver")))
        if driver is None:
            return None
        options = node.get(self.naming("options"))
        located: dict[str, Located] = {}
        for key, member in (options.entries() if options is not None else None) or []:
            value = self.located(member)
            if value is not None:
                located[key] = value
        return LogView(driver, located)

    def strings(self, node: Node | None) -> tuple[str, ...]:
        values = (_string(item) for item in (node.elements() if node is not None else None) or [])
        return tuple(value for value in values if value is not None)

    def located(self, node: Node | None) -> Located | None:
        """A string value with the span of its text (between the quotes in JSON)."""
        if type(node) is JsonView:  # most nodes read: no Text on the way
            return node.located()
        text = node.text() if node is not None else None
        return None if text is None else text.located()


def _is_mapping(node: Node) -> bool:
    if type(node) is JsonView:  # most nodes read: said without wrapping each member
        return isinstance(node.node, JsonObject)
    return node.entries() is not None


def _string(node: Node | None) -> str | None:
    if type(node) is JsonView:  # most nodes read: a value, with no span worked out
        return node.string()
    text = node.text() if node is not None else None
    return None if text is None else text.value


# --- Shape checks -------------------------------------------------------------------------------

STRING_SCHEMA: Final[dict[str, Any]] = {"type": "string"}
CREDENTIALS_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["credentialsParameter"],
    "properties": {"credentialsParameter": STRING_SCHEMA},
}
SECRETS_SCHEMA: Final[dict[str, Any]] = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["name", "valueFrom"],
        "properties": {"name": STRING_SCHEMA, "valueFrom": STRING_SCHEMA},
    },
}
"""A container's ``repositoryCredentials`` and ``secrets``, as every API that takes one
accepts them (RegisterTaskDefinition, Express Mode's primary container)."""
_CONTAINER_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["name", "image"],
    "properties": {
        "name": STRING_SCHEMA,
        "image": STRING_SCHEMA,
        "repositoryCredentials": CREDENTIALS_SCHEMA,
        "secrets": SECRETS_SCHEMA,
        "logConfiguration": {
            "type": "object",
            "required": ["logDriver"],
            "properties": {
                "logDriver": STRING_SCHEMA,
                "options": {"type": "object", "additionalProperties": STRING_SCHEMA},
            },
        },
    },
}
_CONTAINER_LIST_SCHEMA: Final[dict[str, Any]] = {"type": "array", "items": _CONTAINER_SCHEMA}
READ_CONTAINER_KEYS: Final = frozenset(_CONTAINER_SCHEMA["properties"])
"""The members of a container definition rules read (in the API's spelling): those the shape
checks cover."""
_TASK_SCHEMA: Final[dict[str, Any]] = {
    "type": "object",
    "required": ["containerDefinitions"],
    "properties": {
        "family": STRING_SCHEMA,
        "executionRoleArn": STRING_SCHEMA,
        "networkMode": STRING_SCHEMA,
        "requiresCompatibilities": {"type": "array", "items": STRING_SCHEMA},
        "containerDefinitions": _CONTAINER_LIST_SCHEMA,
    },
}
"""The parts of a task definition rules read, as ECS's RegisterTaskDefinition API accepts them,
in the API's spelling."""


@functools.cache
def task_shape(naming: Naming, *, containers_only: bool = False) -> Shape:
    """A task definition's shape (or a bare container list's) in ``naming``'s spelling."""
    return Shape(spelled(_CONTAINER_LIST_SCHEMA if containers_only else _TASK_SCHEMA, naming))


def shape_problems(
    node: Node, where: tuple[PathPart, ...], naming: Naming, *, containers_only: bool = False
) -> list[Problem]:
    """A shape problem for each wrong value in a task definition (or bare container list), in
    text order. ``where`` is the path to ``node`` from the top of its file, for messages."""
    shape = task_shape(naming, containers_only=containers_only)
    return shape.problems(node, where, decoded=isinstance(node, JsonView))
