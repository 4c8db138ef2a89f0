"""Safe, position-tracking YAML for sources: nodes with exact offsets, and a small way to walk them.

``load_documents`` composes every document of a stream into PyYAML nodes (``ScalarNode``,
``SequenceNode``, ``MappingNode``) whose ``start_mark.index`` / ``end_mark.index`` are offsets
into the decoded text, so a source can turn any value into a :class:`~ecs_lint.model.Span` with
``SourceText.span``. Loading is safe: nothing is ever constructed, so custom tags (CloudFormation's
``!Ref``, ``!Sub``, ``!GetAtt``... and hostile ones such as ``!!python/object``) stay tag strings
on the node (``short_tag``); aliases are charged the size of what they would expand to, and a
stream whose aliases would expand past a fixed budget is refused at that alias; nesting is
limited. Errors of every kind become a :class:`YamlError` with an offset.

The walking helpers follow YAML as Kubernetes and Docker Compose read it: merge keys (``<<:``)
apply, explicit keys override merged ones, and the last of duplicate keys wins.

PyYAML is imported only when a file is loaded, never at import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeGuard

if TYPE_CHECKING:
    from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "Entry",
    "YamlDocument",
    "YamlError",
    "entries",
    "get",
    "get_value",
    "is_mapping",
    "is_null",
    "is_scalar",
    "is_sequence",
    "items",
    "load_documents",
    "node_span",
    "scalar_span",
    "short_tag",
    "text",
    "value_span",
]

NULL_TAG = "tag:yaml.org,2002:null"
MERGE_TAG = "tag:yaml.org,2002:merge"
MAX_MERGE_DEPTH = 32
"""Merge keys followed through merged mappings; real files use one or two levels."""

_QUOTES = ("'", '"')
_TRAILING_SPACE = " \t\r\n"


class YamlError(ValueError):
    """Text that cannot be loaded; ``offset`` indexes the text where the problem was found."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (at offset {offset})")
        self.message = message
        self.offset = offset


@dataclass(slots=True, eq=False)
class YamlDocument:
    """One document of a stream: its root node and the offsets of its text."""

    root: Node
    start: int
    end: int
    _shared: set[int] = field(default_factory=set, repr=False)

    def is_shared(self, node: Node) -> bool:
        """Whether an alias makes ``node`` (or a collection holding it) appear in several places.

        Editing the text of a shared node changes every place that uses it, so sources do not
        offer such a node's text as a fix target.
        """
        return id(node) in self._shared


@dataclass(frozen=True, slots=True, eq=False)
class Entry:
    """One mapping entry: the key node (a scalar) and its value node."""

    key: ScalarNode
    value: Node


def load_documents(text: str) -> list[YamlDocument]:
    """Every document of a YAML stream, in order; raises :class:`YamlError` for bad input."""
    from ecs_lint._yamlloader import ComposeError, compose_documents

    try:
        composed = compose_documents(text)
    except ComposeError as error:
        raise YamlError(error.message, error.offset) from None
    except RecursionError:  # defensive: composition is iterative, but never show a traceback
        raise YamlError("nesting too deep", 0) from None
    return [YamlDocument(doc.root, doc.start, doc.end, doc.shared) for doc in composed]


def is_scalar(node: Node | None) -> TypeGuard[ScalarNode]:
    return getattr(node, "id", None) == "scalar"


def is_sequence(node: Node | None) -> TypeGuard[SequenceNode]:
    return getattr(node, "id", None) == "sequence"


def is_mapping(node: Node | None) -> TypeGuard[MappingNode]:
    return getattr(node, "id", None) == "mapping"


def is_null(node: Node | None) -> bool:
    """True for a missing node and for ``null``, ``~`` or an empty value."""
    return node is None or (is_scalar(node) and node.tag == NULL_TAG)


def text(node: Node | None) -> str | None:
    """The string value of a scalar (whatever its type: ``1.25`` gives ``"1.25"``), else None.

    ``None`` also for null. Custom tags do not change the text: ``!Ref Name`` gives ``"Name"``;
    look at :func:`short_tag` to tell them apart.
    """
    if not is_scalar(node) or node.tag == NULL_TAG:
        return None
    value: str = node.value
    return value


def short_tag(node: Node | None) -> str | None:
    """A local tag such as ``!Ref`` or ``!GetAtt`` written on the node, else None."""
    if node is None or not node.tag.startswith("!"):
        return None
    return node.tag


def items(node: Node | None) -> list[Node]:
    """The items of a sequence; empty for anything else."""
    if not is_sequence(node):
        return []
    values: list[Node] = node.value
    return values


def get(node: Node | None, key: str) -> Entry | None:
    """The entry for ``key`` in a mapping (merge keys applied, last duplicate wins), else None."""
    return _get(node, key, 0)


def get_value(node: Node | None, key: str) -> Node | None:
    entry = get(node, key)
    return None if entry is None else entry.value


def entries(node: Node | None) -> list[Entry]:
    """Every entry of a mapping with a scalar key, merge keys applied, one per key."""
    return list(_entries(node, 0).values())


def _get(node: Node | None, key: str, depth: int) -> Entry | None:
    if not is_mapping(node):
        return None
    merges: list[Node] = []
    for key_node, value in reversed(node.value):
        if not is_scalar(key_node):
            continue
        if key_node.tag == MERGE_TAG:
            merges.append(value)
        elif key_node.value == key:
            return Entry(key_node, value)
    if depth >= MAX_MERGE_DEPTH:
        return None
    for merged in reversed(merges):  # back in file order: the first merged mapping wins
        for source in items(merged) if is_sequence(merged) else [merged]:
            found = _get(source, key, depth + 1)
            if found is not None:
                return found
    return None


def _entries(node: Node | None, depth: int) -> dict[str, Entry]:
    if not is_mapping(node):
        return {}
    own: dict[str, Entry] = {}
    merged: dict[str, Entry] = {}
    for key_node, value in node.value:
        if not is_scalar(key_node):
            continue
        if key_node.tag != MERGE_TAG:
            own[key_node.value] = Entry(key_node, value)
        elif depth < MAX_MERGE_DEPTH:
            for source in items(value) if is_sequence(value) else [value]:
                for name, entry in _entries(source, depth + 1).items():
                    merged.setdefault(name, entry)
    return merged | own


def node_span(node: Node, source: str) -> tuple[int, int]:
    """Offsets of a node's text, tag and anchor included, without trailing blank space."""
    start = node.start_mark.index
    end = node.end_mark.index
    while end > start and source[end - 1] in _TRAILING_SPACE:
        end -= 1
    return start, end


def value_span(node: Node, source: str) -> tuple[int, int] | None:
    """Offsets of text that is exactly the scalar's value (inside quotes for a quoted scalar).

    ``None`` when no text is: block scalars (``|``, ``>``), values folded over several lines,
    and quoted values written with escapes (``\\t``, ``''``). Replacing the text in this span
    with other plain characters changes the value and nothing else.
    """
    if not is_scalar(node):
        return None
    value: str = node.value
    end = node.end_mark.index
    style = node.style
    if style in _QUOTES:
        if source[end - 1 : end] != style:
            return None
        end -= 1
    elif style is not None:
        return None
    start = end - len(value)
    if start < node.start_mark.index:
        return None
    if style is not None and source[start - 1 : start] != style:
        return None
    raw = source[start:end]
    if raw != value or "\n" in raw or "\r" in raw:
        return None
    return start, end


def scalar_span(node: Node, source: str) -> tuple[int, int]:
    """The value's own text when there is one (see :func:`value_span`), else the node's text."""
    return value_span(node, source) or node_span(node, source)
