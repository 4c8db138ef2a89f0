"""The YAML composer behind :mod:`ecs_lint.yamlpos`; imports PyYAML, so it is imported lazily.

PyYAML's parser (libyaml's when it is installed) turns text into events; this module composes
those events into PyYAML nodes itself instead of using PyYAML's composer, because the stock
composer recurses once per nesting level, refuses redefined anchors (which YAML 1.2 and the Go
YAML library used by Kubernetes and Docker Compose allow), and hands back alias targets without
any accounting, so a few hundred bytes of nested aliases ("billion laughs") can make any consumer
that walks the tree run out of time or memory. Here composition is iterative, every alias use is
charged the size of what it would expand to, and the stream is refused at the alias that goes over
the budget. Nothing is ever constructed: tags such as ``!Ref`` or ``!!python/object`` stay tag
strings on nodes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, cast

import yaml
from yaml.events import (
    AliasEvent,
    DocumentEndEvent,
    Event,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

if TYPE_CHECKING:
    from yaml.error import Mark

MAX_ALIAS_EXPANSION = 100_000
"""Nodes that alias uses may add to a stream when expanded; real files stay in the hundreds."""
MAX_DEPTH = 500
"""Nesting levels; far beyond any real manifest, and keeps recursive consumers safe."""

_STRING_TAG = "tag:yaml.org,2002:str"
_SEQUENCE_TAG = "tag:yaml.org,2002:seq"
_MAPPING_TAG = "tag:yaml.org,2002:map"


class ComposeError(Exception):
    """Input this composer refuses; ``offset`` indexes the text where the problem is."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(slots=True, eq=False)
class ComposedDocument:
    root: Node
    start: int
    end: int
    shared: set[int] = field(default_factory=set)
    """``id()`` of every node that an alias makes reachable from more than one place."""


@dataclass(slots=True, eq=False)
class _Open:
    """A collection whose end event has not been read yet."""

    node: SequenceNode | MappingNode
    anchor: str | None
    key: Node | None = None


class _Composer:
    """Composes the documents of one stream from a loader's events."""

    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader) -> None:
        self._loader = loader
        self._anchors: dict[str, Node] = {}
        self._open_anchors: set[str] = set()
        self._sizes: dict[int, int] = {}
        self._expanded = 0

    def has_document(self) -> bool:
        loader = self._loader
        if loader.check_event(StreamStartEvent):
            loader.get_event()
        return not loader.check_event(StreamEndEvent)

    def document(self) -> ComposedDocument:
        start = _mark(self._event().start_mark).index  # DocumentStartEvent
        shared: set[int] = set()
        root = self._compose(shared)
        end_event = self._event()
        assert isinstance(end_event, DocumentEndEvent)
        self._anchors = {}
        self._sizes = {}
        return ComposedDocument(root, start, _mark(end_event.end_mark).index, shared)

    def _event(self) -> Event:
        event = self._loader.get_event()
        assert event is not None
        return event

    def _compose(self, shared: set[int]) -> Node:
        # The hot loop of loading: one pass per event, exact type checks, bound methods.
        get_event = self._loader.get_event
        stack: list[_Open] = []
        while True:
            event = get_event()
            kind = type(event)
            node: Node
            if kind is ScalarEvent:
                node = self._scalar(event)  # type: ignore[arg-type]
            elif kind is SequenceStartEvent or kind is MappingStartEvent:
                stack.append(self._open(event, depth=len(stack)))  # type: ignore[arg-type]
                continue
            elif kind is AliasEvent:
                node = self._alias(event, shared)  # type: ignore[arg-type]
            else:  # the end of the innermost open collection
                assert event is not None
                closed = stack.pop()
                node = closed.node
                node.end_mark = _mark(event.end_mark)
                if closed.anchor is not None:
                    self._open_anchors.discard(closed.anchor)
            if not stack:
                return node
            parent = stack[-1]
            if isinstance(parent.node, SequenceNode):
                parent.node.value.append(node)
            elif parent.key is None:
                parent.key = node
            else:
                parent.node.value.append((parent.key, node))
                parent.key = None

    def _scalar(self, event: ScalarEvent) -> ScalarNode:
        tag = event.tag
        if tag is None or tag == "!":
            if event.implicit[0]:  # a plain scalar: its type depends on its text
                tag = self._loader.resolve(ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
            else:
                tag = _STRING_TAG
        # libyaml reports plain scalars with style '' and PyYAML's parser with None.
        node = ScalarNode(
            tag,
            event.value,
            event.start_mark,  # type: ignore[arg-type]
            event.end_mark,  # type: ignore[arg-type]
            event.style or None,
        )
        if event.anchor is not None:
            self._anchors[event.anchor] = node
        return node

    def _open(self, event: SequenceStartEvent | MappingStartEvent, depth: int) -> _Open:
        if depth >= MAX_DEPTH:
            raise ComposeError(
                f"nesting deeper than {MAX_DEPTH} levels; refused", _mark(event.start_mark).index
            )
        node: SequenceNode | MappingNode
        explicit = event.tag if event.tag not in (None, "!") else None
        if isinstance(event, SequenceStartEvent):
            node = SequenceNode(
                explicit or _SEQUENCE_TAG, [], _mark(event.start_mark), None, event.flow_style
            )
        else:
            node = MappingNode(
                explicit or _MAPPING_TAG, [], _mark(event.start_mark), None, event.flow_style
            )
        if event.anchor is not None:
            self._anchors[event.anchor] = node
            self._open_anchors.add(event.anchor)
        return _Open(node, event.anchor)

    def _alias(self, event: AliasEvent, shared: set[int]) -> Node:
        name = event.anchor or ""
        offset = _mark(event.start_mark).index
        if name in self._open_anchors:
            raise ComposeError(f"alias *{name} refers to a node that contains it; refused", offset)
        target = self._anchors.get(name)
        if target is None:
            raise ComposeError(f"alias *{name} refers to no anchor &{name} before it", offset)
        self._expanded += self._size(target)
        if self._expanded > MAX_ALIAS_EXPANSION:
            raise ComposeError(
                f"alias *{name} would expand the file past {MAX_ALIAS_EXPANSION:,} nodes "
                "(an alias bomb?); refused",
                offset,
            )
        _mark_shared(target, shared)
        return target

    def _size(self, root: Node) -> int:
        """How many nodes ``root`` stands for once every alias inside it is expanded."""
        sizes = self._sizes
        pending: list[tuple[Node, bool]] = [(root, False)]
        while pending:
            node, children_done = pending.pop()
            if id(node) in sizes:
                continue
            children = _children(node)
            if children_done:
                sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            else:
                pending.append((node, True))
                pending.extend((child, False) for child in children if id(child) not in sizes)
        return sizes[id(root)]


def _mark(mark: object) -> Mark:
    """An event's mark; every event from a parser has both (the stubs say they may be None)."""
    assert mark is not None
    return cast("Mark", mark)


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _mark_shared(root: Node, shared: set[int]) -> None:
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) not in shared:
            shared.add(id(node))
            pending.extend(_children(node))


def _loader_base() -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    return yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


def compose_documents(text: str) -> list[ComposedDocument]:
    """Every document of a YAML stream; raises :class:`ComposeError` for any bad input."""
    loader = _loader_base()(text)
    composer = _Composer(loader)
    try:
        documents: list[ComposedDocument] = []
        while composer.has_document():
            documents.append(composer.document())
        return documents
    except yaml.MarkedYAMLError as error:
        raise _marked_error(error, text) from None
    except yaml.reader.ReaderError as error:
        # libyaml reports a byte offset here, PyYAML a character offset: the first occurrence of
        # the character is where either stopped, since both read the text in order.
        character = chr(error.character) if isinstance(error.character, int) else error.character
        offset = max(text.find(character), 0)
        raise ComposeError(
            f"character U+{ord(character):04X} is not allowed in YAML", offset
        ) from None
    except yaml.YAMLError as error:  # any other parser complaint, without a position
        raise ComposeError(f"invalid YAML ({type(error).__name__})", 0) from None
    finally:
        loader.dispose()


def _marked_error(error: yaml.MarkedYAMLError, text: str) -> ComposeError:
    mark = error.problem_mark or error.context_mark
    offset = mark.index if mark is not None else 0
    problem = error.problem or error.context or "invalid YAML"
    message = problem
    if error.context and error.problem:
        context = error.context
        if error.context_mark is not None:
            line = text.count("\n", 0, error.context_mark.index) + 1
            context += f" started on line {line}"
        message = f"{problem} ({context})"
    return ComposeError(message, offset)
