"""``terraform show -json`` output, of a plan (``planned_values``) or a state (``values``).

Resources are read from the root module and every child module. A value unknown until apply is
left out of ``planned_values`` and marked in ``resource_changes[].change.after_unknown``; its
reference in ``configuration`` (``aws_iam_role.exec.arn``, followed through module variables to
the module call's argument) names it, so it becomes a hole labelled with that reference, else an
unknown value. JSON held in strings (``container_definitions``, policies) is mapped back to the
characters of the file, so findings point inside the string.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ecs_lint import jsonpos
from ecs_lint.jsonpos import JsonArray, JsonError, JsonNode, JsonObject, JsonScalar
from ecs_lint.model import Problem, ProblemKind
from ecs_lint.sources._mapped import MappedStr, decoded_json_string
from ecs_lint.sources._values import Hole, Mapping, Member, Opaque, Scalar, Sequence, Str
from ecs_lint.sources.terraform import TfResource, strip_index

if TYPE_CHECKING:
    from ecs_lint.model import Document, Span
    from ecs_lint.sources._values import Value
    from ecs_lint.textio import SourceText

__all__ = ["json_value", "read_plan"]

# Attributes whose string value is JSON that ecs-lint reads.
_JSON_ATTRIBUTES: Final = frozenset({"container_definitions", "policy"})
# Attributes whose configuration reference is worth following when the value is unknown.
_KNOWN_AFTER_APPLY: Final = "known after apply"
MAX_MODULE_DEPTH: Final = 64


def read_plan(source: SourceText, document: Document) -> list[TfResource]:
    try:
        parsed = jsonpos.parse(source.text)
    except JsonError as error:
        end = min(error.offset + 1, len(source.text))
        span = source.span(error.offset, end)
        document.problems.append(Problem(ProblemKind.PARSE, f"invalid JSON: {error.message}", span))
        return []
    root = parsed.root
    if not isinstance(root, JsonObject):
        return []
    values = root.get("planned_values") or root.get("values")
    module = values.get("root_module") if isinstance(values, JsonObject) else None
    if not isinstance(module, JsonObject):
        return []
    reader = _PlanReader(source, _unknowns(root), _Configuration(root.get("configuration")))
    resources: list[TfResource] = []
    pending: list[tuple[JsonObject, int]] = [(module, 0)]
    while pending:
        current, depth = pending.pop()
        for node in _items(current.get("resources")):
            resource = reader.resource(node)
            if resource is not None:
                resources.append(resource)
        if depth < MAX_MODULE_DEPTH:
            children = [
                c for c in _items(current.get("child_modules")) if isinstance(c, JsonObject)
            ]
            pending.extend((child, depth + 1) for child in reversed(children))
    return resources


def _items(node: JsonNode | None) -> list[JsonNode]:
    return node.items if isinstance(node, JsonArray) else []


def _text(node: JsonNode | None) -> str | None:
    if isinstance(node, JsonScalar) and isinstance(node.value, str):
        return node.value
    return None


def _unknowns(root: JsonObject) -> dict[str, JsonNode]:
    """``after_unknown`` of each resource change, by address."""
    found: dict[str, JsonNode] = {}
    for change in _items(root.get("resource_changes")):
        if not isinstance(change, JsonObject):
            continue
        address = _text(change.get("address"))
        details = change.get("change")
        unknown = details.get("after_unknown") if isinstance(details, JsonObject) else None
        if address is not None and unknown is not None:
            found[address] = unknown
    return found


@dataclass(slots=True)
class _Configuration:
    """The ``configuration`` section: each attribute's references, by module."""

    root: JsonNode | None

    def module(self, prefix: str) -> JsonObject | None:
        """The configuration of the module at ``prefix`` (``module.a.module.b.``)."""
        node = self.root.get("root_module") if isinstance(self.root, JsonObject) else None
        for name in _module_names(prefix):
            calls = node.get("module_calls") if isinstance(node, JsonObject) else None
            call = calls.get(name) if isinstance(calls, JsonObject) else None
            node = call.get("module") if isinstance(call, JsonObject) else None
        return node if isinstance(node, JsonObject) else None

    def expression(self, prefix: str, address: str, attribute: str) -> JsonNode | None:
        """How a resource's ``attribute`` is written; ``None`` when the configuration leaves it
        to the provider (a computed attribute)."""
        module = self.module(prefix)
        for resource in _items(module.get("resources") if module else None):
            if isinstance(resource, JsonObject) and _text(resource.get("address")) == address:
                expressions = resource.get("expressions")
                return expressions.get(attribute) if isinstance(expressions, JsonObject) else None
        return None

    def reference(self, prefix: str, expression: JsonNode | None) -> str | None:
        """What an expression refers to first, as an absolute reference."""
        return self._absolute(prefix, _first_reference(expression), 0)

    def _absolute(self, prefix: str, reference: str | None, depth: int) -> str | None:
        """``var.x`` inside a module becomes what the module call passes as ``x``."""
        if reference is None or depth > MAX_MODULE_DEPTH:
            return None
        if not reference.startswith("var.") or not prefix:
            return prefix + reference
        variable = reference.split(".")[1]
        names = _module_names(prefix)
        parent = "".join(f"module.{name}." for name in names[:-1])
        module = self.module(parent)
        calls = module.get("module_calls") if module else None
        call = calls.get(names[-1]) if isinstance(calls, JsonObject) else None
        expressions = call.get("expressions") if isinstance(call, JsonObject) else None
        argument = expressions.get(variable) if isinstance(expressions, JsonObject) else None
        found = self._absolute(parent, _first_reference(argument), depth + 1)
        return found if found is not None else prefix + reference


def _module_names(prefix: str) -> list[str]:
    parts = strip_index(prefix).split(".")
    return [parts[i + 1] for i in range(0, len(parts) - 1, 2) if parts[i] == "module"]


def _first_reference(expression: JsonNode | None) -> str | None:
    references = expression.get("references") if isinstance(expression, JsonObject) else None
    first = _items(references)[0] if _items(references) else None
    return _text(first)


@dataclass(slots=True)
class _PlanReader:
    source: SourceText
    unknowns: dict[str, JsonNode]
    configuration: _Configuration

    def resource(self, node: JsonNode) -> TfResource | None:
        if not isinstance(node, JsonObject) or _text(node.get("mode")) not in (None, "managed"):
            return None
        address = _text(node.get("address"))
        kind = _text(node.get("type"))
        values = node.get("values")
        if address is None or kind is None or not isinstance(values, JsonObject):
            return None
        span = self.source.span(node.start, node.end)
        converted = self.value(values, None)
        assert isinstance(converted, Mapping)
        plain_address = strip_index(address)
        module_prefix, local = _split_module(plain_address)
        self._fill_unknown(converted, self.unknowns.get(address), span, module_prefix, local)
        indexed = address if address != plain_address else None
        return TfResource(plain_address, kind, converted, span, indexed)

    def value(self, node: JsonNode, attribute: str | None) -> Value:
        return json_value(self.source, node, attribute)

    def _fill_unknown(
        self,
        values: Mapping,
        unknown: JsonNode | None,
        span: Span,
        module_prefix: str,
        local: str,
    ) -> None:
        """Holes for the attributes ``after_unknown`` marks, labelled by their reference."""
        if not isinstance(unknown, JsonObject):
            return
        for key, member in unknown.index.items():
            marker = member.value
            if isinstance(marker, JsonScalar) and marker.value is True:
                if values.get(key) is not None and not isinstance(values.get(key), Scalar):
                    continue
                hole = self._unknown(module_prefix, local, key, span)
                if hole is not None:
                    values.members[key] = Member(key, span, hole)
            elif isinstance(marker, JsonArray | JsonObject):
                _mark_nested(values.get(key), marker, f"{module_prefix}{local}.{key}")

    def _unknown(self, module_prefix: str, local: str, key: str, span: Span) -> Value | None:
        """What an attribute unknown until apply stands for: the reference it is written as,
        else an unknown value; ``None`` for an attribute the configuration does not set (the
        provider computes it, as ``managed_policy_arns`` from attachments)."""
        known_configuration = self.configuration.root is not None
        expression = self.configuration.expression(module_prefix, local, key)
        if expression is None and known_configuration:
            return None
        reference = self.configuration.reference(module_prefix, expression)
        if reference is not None and key not in _JSON_ATTRIBUTES:
            return Str((Hole(reference),), span)
        display = f"{module_prefix}{local}.{key} ({_KNOWN_AFTER_APPLY})"
        return Opaque((reference,) if reference else (display,), span, display)


def json_value(source: SourceText, node: JsonNode, attribute: str | None = None) -> Value:
    """A JSON value as a value tree with spans; the JSON text held by ``attribute``
    (``container_definitions``, ``policy``) mapped back to the characters of the file."""
    if isinstance(node, JsonScalar):
        value = node.value
        if isinstance(value, str):
            span = source.span(node.start + 1, node.end - 1)
            if attribute in _JSON_ATTRIBUTES:
                mapped = decoded_json_string(source, node.start, node.end)
                if mapped is not None:
                    return MappedStr.of((value,) if value else (), span, mapped)
            raw = source.text[node.start + 1 : node.end - 1]
            return Str.known(value, span, raw == value)
        return Scalar(value, source.span(node.start, node.end))
    span = source.span(node.start, node.end)
    if isinstance(node, JsonArray):
        return Sequence([json_value(source, item, attribute) for item in node.items], span)
    members = {
        key: Member(
            key,
            source.span(member.key_start, member.key_end),
            json_value(source, member.value, key),
        )
        for key, member in node.index.items()
    }
    return Mapping(members, span)


def _split_module(address: str) -> tuple[str, str]:
    """``module.a.module.b.aws_x.y`` as (``module.a.module.b.``, ``aws_x.y``)."""
    parts = address.split(".")
    index = 0
    while index + 1 < len(parts) and parts[index] == "module":
        index += 2
    return ".".join(parts[:index]) + ("." if index else ""), ".".join(parts[index:])


def _mark_nested(value: Value | None, marker: JsonNode, label: str) -> None:
    """Unknown parts inside lists and objects (an inline policy's document...)."""
    pending: list[tuple[Value | None, JsonNode, str]] = [(value, marker, label)]
    while pending:
        current, mark, where = pending.pop()
        if isinstance(mark, JsonArray) and isinstance(current, Sequence):
            for index, (item, inner) in enumerate(zip(current.items, mark.items, strict=False)):
                if isinstance(inner, JsonScalar) and inner.value is True:
                    current.items[index] = Opaque(
                        (f"{where}[{index}] ({_KNOWN_AFTER_APPLY})",), item.span
                    )
                else:
                    pending.append((item, inner, f"{where}[{index}]"))
        elif isinstance(mark, JsonObject) and isinstance(current, Mapping):
            for key, member in mark.index.items():
                inner = member.value
                if isinstance(inner, JsonScalar) and inner.value is True:
                    label = f"{where}.{key} ({_KNOWN_AFTER_APPLY})"
                    current.members[key] = Member(key, current.span, Opaque((label,), current.span))
                else:
                    pending.append((current.get(key), inner, f"{where}.{key}"))
