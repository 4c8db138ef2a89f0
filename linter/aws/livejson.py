"""An AWS API answer seen as a task-definition :class:`~ecs_lint.sources._tasks.Node`.

A live value has no file position, so each span is logical: ``path`` is the resource ARN and
``logical`` a JMESPath to the value inside it, as ``aws ... --query`` takes it. List items with a
``name`` (containers, secrets) are addressed by it, so the path names the container and stays
the same when containers are reordered::

    arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7
    containerDefinitions[?name=='web'].image
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ecs_lint.model import Span
from ecs_lint.sources._values import Text

if TYPE_CHECKING:
    from ecs_lint.sources._tasks import Node

__all__ = ["LiveNode", "jmespath_key", "logical_span", "named_item"]

_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def logical_span(resource: str, path: str = "") -> Span:
    """The span of a value at ``path`` in ``resource``; the resource itself when ``path`` is empty
    (reporters then show the ARN alone)."""
    return Span(resource, 1, 1, 1, 1, logical=path or resource)


def jmespath_key(path: str, key: str) -> str:
    """``path.key``, quoting a key that is not a bare identifier (``options."awslogs-group"``)."""
    step = key if _IDENTIFIER.fullmatch(key) else json.dumps(key)
    return f"{path}.{step}" if path else step


def named_item(path: str, name: str, field: str = "name") -> str:
    """The item of the list at ``path`` whose ``field`` is ``name``: ``path[?name=='web']``
    (``path[?@=='sg-1']`` for a list of strings, ``field`` empty)."""
    literal = "'" + name.replace("\\", "\\\\").replace("'", "\\'") + "'"
    subject = field or "@"
    return f"{path}[?{subject}=={literal}]"


@dataclass(slots=True, eq=False)
class LiveNode:
    """A JSON value from an API answer; children are wrapped only when asked for."""

    value: object
    resource: str
    path: str = ""

    @property
    def span(self) -> Span:
        return logical_span(self.resource, self.path)

    def get(self, key: str) -> LiveNode | None:
        if not isinstance(self.value, dict) or key not in self.value:
            return None
        return LiveNode(self.value[key], self.resource, jmespath_key(self.path, key))

    def entries(self) -> list[tuple[str, Node]] | None:
        if not isinstance(self.value, dict):
            return None
        return [
            (key, LiveNode(member, self.resource, jmespath_key(self.path, key)))
            for key, member in self.value.items()
        ]

    def elements(self) -> list[Node] | None:
        if not isinstance(self.value, list):
            return None
        items = self.value
        names = Counter(_name(item) for item in items)
        nodes: list[Node] = []
        for index, item in enumerate(items):
            name = _name(item)
            path = (
                named_item(self.path, name)
                if name is not None and names[name] == 1
                else f"{self.path}[{index}]"
            )
            nodes.append(LiveNode(item, self.resource, path))
        return nodes

    def text(self) -> Text | None:
        if not isinstance(self.value, str):
            return None
        return Text(self.value, self.span)

    def unknown(self) -> tuple[str, ...] | None:
        return None  # a live value is always known

    def plain(self) -> object:
        return self.value


def _name(item: object) -> str | None:
    name = item.get("name") if isinstance(item, dict) else None
    return name if isinstance(name, str) and name else None
