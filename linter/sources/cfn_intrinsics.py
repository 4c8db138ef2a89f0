"""CloudFormation intrinsic functions, worked out statically as far as a template allows.

A template arrives here as a format-neutral tree of raw nodes (:class:`RawScalar`, :class:`RawMap`,
:class:`RawList` and :class:`RawCall` for ``Ref``/``Fn::*``, whether written in JSON's long form or
YAML's short-form tags). :class:`Resolver` turns a raw subtree into the values of
:mod:`ecs_lint.sources._values`:

* ``Ref`` to a parameter gives its value: ``--parameter Name=Value``, else its ``Default``
  (``AWS::SSM::Parameter::Value<...>`` parameters hold the name of a parameter to read at deploy
  time, so only ``--parameter`` gives them a value). Pseudo parameters (``AWS::AccountId``,
  ``AWS::Region``...) are known only when given with ``--parameter``. ``AWS::NoValue`` removes the
  property or item it stands in.
* ``Ref``/``Fn::GetAtt`` to a resource give what CloudFormation returns where that is known from
  the template (a repository's or log group's name and ARN), and otherwise a hole labelled with
  the logical id (``${DockerHubSecret}``, ``${TaskExecutionRole.Arn}``): the same label wherever
  the template refers to that resource, so an IAM policy written against ``!Ref DockerHubSecret``
  is matched with certainty against a task that uses ``!Ref DockerHubSecret``.
* ``Fn::Sub`` (both forms), ``Fn::Join``, ``Fn::Select``, ``Fn::Split``, ``Fn::FindInMap`` (also
  with an unknown key, when every candidate holds the same value), ``Fn::Base64``, ``Fn::Length``,
  ``Fn::ToJsonString`` compute their result, keeping holes where their inputs have them.
* ``Fn::If`` follows its condition when ``Conditions`` decide it; an unknown condition is assumed
  by the caller (the CloudFormation source lints each combination: both branches).
* Anything else (``Fn::ImportValue``, ``Fn::GetAZs``, ``Fn::Cidr``, unknown functions) is unknown,
  never guessed.

A resolved value keeps the span of the node that computed it: a finding about an image from
``!Ref ImageParameter`` points at the ``!Ref``, not at the parameter's default.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final, TypeAlias

from ecs_lint.sources._values import (
    UNKNOWN,
    Hole,
    Mapping,
    Member,
    Opaque,
    Part,
    Scalar,
    Sequence,
    Str,
    Value,
    Where,
    any_within,
    label_text,
    span_of,
)

if TYPE_CHECKING:
    from collections.abc import Mapping as MappingABC

    from ecs_lint.model import Span

__all__ = [
    "MAX_VARIANTS_CONDITIONS",
    "PSEUDO_PARAMETERS",
    "Parameter",
    "RawCall",
    "RawList",
    "RawMap",
    "RawMember",
    "RawNode",
    "RawScalar",
    "Resolver",
    "Resource",
    "Template",
]

MAX_DEPTH: Final = 100
"""Nested intrinsic functions followed; real templates nest a handful."""
MAX_VARIANTS_CONDITIONS: Final = 5
"""Unknown conditions combined per resource (2**5 variants); more are left unknown."""
MAX_STRING: Final = 1_000_000
"""Characters a computed string may reach; beyond it the value is unknown."""

PSEUDO_PARAMETERS: Final = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)
_LIST_PSEUDO: Final = frozenset({"AWS::NotificationARNs"})

# --- The raw template ---------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class RawScalar:
    """A scalar as written; every non-null scalar is text (CloudFormation reads ``80`` and
    ``true`` as the strings a String property needs)."""

    value: str | None
    at: Span | Where
    editable: bool = False

    @property
    def span(self) -> Span:
        return span_of(self.at)


@dataclass(slots=True, eq=False)
class RawMember:
    key: str
    key_at: Span | Where
    value: RawNode


@dataclass(slots=True, eq=False)
class RawMap:
    members: dict[str, RawMember]
    at: Span | Where

    @property
    def span(self) -> Span:
        return span_of(self.at)

    def get(self, key: str) -> RawNode | None:
        member = self.members.get(key)
        return None if member is None else member.value


@dataclass(slots=True, eq=False)
class RawList:
    items: list[RawNode]
    at: Span | Where

    @property
    def span(self) -> Span:
        return span_of(self.at)


@dataclass(slots=True, eq=False)
class RawCall:
    """An intrinsic function: ``Ref``, ``Condition`` (YAML's ``!Condition``) or ``Fn::Name``."""

    name: str
    arg: RawNode
    at: Span | Where

    @property
    def span(self) -> Span:
        return span_of(self.at)


RawNode: TypeAlias = RawScalar | RawMap | RawList | RawCall


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    type: str
    default: RawNode | None

    @property
    def is_list(self) -> bool:
        kind = self.type.strip()
        return kind == "CommaDelimitedList" or kind.startswith("List<")

    @property
    def is_ssm(self) -> bool:
        return self.type.strip().startswith("AWS::SSM::Parameter::Value<")


@dataclass(slots=True, eq=False)
class Resource:
    """One entry of ``Resources``; ``span`` runs from its logical id to the end of its body."""

    logical_id: str
    type: str
    node: RawMap
    at: Span | Where
    condition: str | None = None

    @property
    def span(self) -> Span:
        return span_of(self.at)

    @property
    def properties(self) -> RawNode | None:
        return self.node.get("Properties")

    @property
    def metadata(self) -> RawNode | None:
        return self.node.get("Metadata")


@dataclass(slots=True, eq=False)
class Template:
    parameters: dict[str, Parameter] = field(default_factory=dict)
    mappings: dict[str, RawNode] = field(default_factory=dict)
    conditions: dict[str, RawNode] = field(default_factory=dict)
    resources: dict[str, Resource] = field(default_factory=dict)


# What ``Ref`` returns for resource types whose Ref is a name the template may set, and the
# property that sets it. Others return a hole labelled with the logical id.
_NAME_PROPERTY: Final = {
    "AWS::IAM::Role": "RoleName",
    "AWS::ECR::Repository": "RepositoryName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::SSM::Parameter": "Name",
    "AWS::ECS::Cluster": "ClusterName",
}
# ``Fn::GetAtt`` attributes that are the same value as ``Ref`` (a secret's ``Id`` is its ARN).
_SAME_AS_REF: Final = {("AWS::SecretsManager::Secret", "Id")}

_SUB_VARIABLE: Final = re.compile(r"\$\{([^}]*)\}")


def _call_label(name: str, *args: str) -> str:
    return label_text(f"{name}({', '.join(args)})")


class Resolver:
    """Resolves raw nodes of one template; ``given`` are ``--parameter`` values, ``assumed`` the
    values this variant takes for conditions the template leaves unknown."""

    def __init__(
        self,
        template: Template,
        given: MappingABC[str, str] | None = None,
        assumed: MappingABC[str, bool] | None = None,
    ) -> None:
        self.template = template
        self.given = dict(given or {})
        self.assumed = dict(assumed or {})
        self._conditions: dict[str, bool | None] = {}
        self._evaluating: set[str] = set()
        self._naming: set[str] = set()

    def assuming(self, assumed: MappingABC[str, bool]) -> Resolver:
        """A resolver for one variant; condition answers already worked out are shared."""
        other = Resolver(self.template, self.given, {**self.assumed, **assumed})
        other._conditions = {k: v for k, v in self._conditions.items() if v is not None}
        return other

    # --- Values ---------------------------------------------------------------------------

    def resolve(self, node: RawNode, depth: int = 0) -> Value | None:
        """The value of ``node``; ``None`` when ``AWS::NoValue`` removes it."""
        if depth > MAX_DEPTH:
            return Opaque(("nesting too deep",), node.at)
        if isinstance(node, RawScalar):
            if node.value is None:
                return Scalar(None, node.at)
            return Str.known(node.value, node.at, node.editable)
        if isinstance(node, RawList):
            items = (self.resolve(item, depth + 1) for item in node.items)
            return Sequence([item for item in items if item is not None], node.at)
        if isinstance(node, RawMap):
            members: dict[str, Member] = {}
            for key, member in node.members.items():
                value = self.resolve(member.value, depth + 1)
                if value is not None:
                    members[key] = Member(key, member.key_at, value)
            return Mapping(members, node.at)
        return self._call(node, depth + 1)

    def _call(self, call: RawCall, depth: int) -> Value | None:
        handler = _HANDLERS.get(call.name)
        if handler is None:
            return Opaque((call.name,), call.at)
        return handler(self, call, depth)

    def _ref(self, call: RawCall, depth: int) -> Value | None:
        name = _scalar_text(call.arg)
        if name is None:
            return Opaque(("Ref",), call.at)
        return self.ref(name, call.at, depth)

    def ref(self, name: str, span: Span | Where, depth: int = 0) -> Value | None:
        """What ``Ref name`` gives, at ``span``."""
        if name == "AWS::NoValue":
            return None
        parameter = self.template.parameters.get(name)
        if name in self.given:
            is_list = name in _LIST_PSEUDO or (parameter is not None and parameter.is_list)
            return _given_value(self.given[name], is_list, span)
        if name in PSEUDO_PARAMETERS:
            if name in _LIST_PSEUDO:
                return Opaque((name,), span)
            return Str((Hole(name),), span)
        if parameter is not None:
            return self._parameter(parameter, span, depth)
        resource = self.template.resources.get(name)
        if resource is not None:
            return Str(self.resource_name(resource, depth), span)
        return Str((Hole(name),), span)  # an undefined name: a broken template, not a guess

    def _parameter(self, parameter: Parameter, span: Span | Where, depth: int) -> Value:
        if parameter.default is None or parameter.is_ssm:
            if parameter.is_list:
                return Opaque((parameter.name,), span)
            return Str((Hole(parameter.name),), span)
        value = self.resolve(parameter.default, depth + 1)
        if isinstance(value, Str) and value.is_known and parameter.is_list:
            return _given_value(value.value, True, span)
        if value is None:
            return Str((Hole(parameter.name),), span)
        return _respan(value, span)

    def resource_name(self, resource: Resource, depth: int) -> tuple[Part, ...]:
        """The name a resource's ``Ref`` gives when its type returns a name the template sets."""
        prop = _NAME_PROPERTY.get(resource.type)
        properties = resource.properties
        if prop is None or not isinstance(properties, RawMap) or prop not in properties.members:
            return (Hole(resource.logical_id),)
        if resource.logical_id in self._naming:
            return (Hole(resource.logical_id),)
        self._naming.add(resource.logical_id)
        try:
            value = self.resolve(properties.members[prop].value, depth + 1)
        finally:
            self._naming.discard(resource.logical_id)
        if isinstance(value, Str) and value.parts:
            return value.parts
        return (Hole(resource.logical_id),)

    def _get_att(self, call: RawCall, depth: int) -> Value:
        target = _get_att_target(call.arg)
        if target is None:
            return Opaque(("Fn::GetAtt",), call.at)
        logical_id, attribute = target
        return Str(self.get_att(logical_id, attribute, depth), call.at)

    def get_att(self, logical_id: str, attribute: str, depth: int = 0) -> tuple[Part, ...]:
        resource = self.template.resources.get(logical_id)
        if resource is None:
            return (Hole(f"{logical_id}.{attribute}"),)
        kind = resource.type
        if (kind, attribute) in _SAME_AS_REF:
            return (Hole(logical_id),)
        pseudo = self.pseudo_parts
        if kind == "AWS::ECR::Repository" and attribute == "Arn":
            name = self.resource_name(resource, depth)
            return _concat(
                "arn:",
                *pseudo("AWS::Partition"),
                ":ecr:",
                *pseudo("AWS::Region"),
                ":",
                *pseudo("AWS::AccountId"),
                ":repository/",
                *name,
            )
        if kind == "AWS::ECR::Repository" and attribute == "RepositoryUri":
            name = self.resource_name(resource, depth)
            return _concat(
                *pseudo("AWS::AccountId"),
                ".dkr.ecr.",
                *pseudo("AWS::Region"),
                ".",
                *pseudo("AWS::URLSuffix"),
                "/",
                *name,
            )
        if kind == "AWS::KMS::Key" and attribute == "Arn":
            # Ref gives the key id, so both spellings name the key by the same label.
            return _concat(
                "arn:",
                *pseudo("AWS::Partition"),
                ":kms:",
                *pseudo("AWS::Region"),
                ":",
                *pseudo("AWS::AccountId"),
                ":key/",
                Hole(logical_id),
            )
        if kind == "AWS::Logs::LogGroup" and attribute == "Arn":
            name = self.resource_name(resource, depth)
            return _concat(
                "arn:",
                *pseudo("AWS::Partition"),
                ":logs:",
                *pseudo("AWS::Region"),
                ":",
                *pseudo("AWS::AccountId"),
                ":log-group:",
                *name,
                ":*",
            )
        return (Hole(f"{logical_id}.{attribute}"),)

    def pseudo_parts(self, name: str) -> tuple[Part, ...]:
        if name in self.given:
            return (self.given[name],)
        return (Hole(name),)

    def _sub(self, call: RawCall, depth: int) -> Value:
        arg = call.arg
        variables: dict[str, RawNode] = {}
        template_node = arg
        if isinstance(arg, RawList):
            if len(arg.items) != 2 or not isinstance(arg.items[1], RawMap):
                return Opaque(("Fn::Sub",), call.at)
            template_node = arg.items[0]
            variables = {key: member.value for key, member in arg.items[1].members.items()}
        template = self.resolve(template_node, depth + 1)
        if not isinstance(template, Str) or not template.is_known:
            return Opaque(("Fn::Sub",), call.at)
        parts: list[Part] = []
        last = 0
        text = template.value
        for found in _SUB_VARIABLE.finditer(text):
            parts.append(text[last : found.start()])
            last = found.end()
            name = found.group(1).strip()
            if name.startswith("!"):  # ${!Literal} is the text ${Literal}
                parts.append("${" + found.group(1)[found.group(1).index("!") + 1 :] + "}")
                continue
            parts.extend(self._sub_variable(name, variables, call.at, depth))
        parts.append(text[last:])
        return Str(_concat(*parts), call.at)

    def _sub_variable(
        self, name: str, variables: dict[str, RawNode], span: Span | Where, depth: int
    ) -> tuple[Part, ...]:
        if name in variables:
            value = self.resolve(variables[name], depth + 1)
        elif "." in name and name not in self.template.parameters:
            logical_id, attribute = name.split(".", 1)
            return self.get_att(logical_id, attribute, depth)
        else:
            value = self.ref(name, span, depth)
        return _as_parts(value, name)

    def _join(self, call: RawCall, depth: int) -> Value:
        args = _list_args(call.arg, 2)
        if args is None:
            return Opaque(("Fn::Join",), call.at)
        delimiter = self.resolve(args[0], depth + 1)
        items = self.resolve(args[1], depth + 1)
        if not (isinstance(delimiter, Str) and delimiter.is_known):
            return Opaque(_labels(delimiter) or ("Fn::Join",), call.at)
        if isinstance(items, Opaque):
            return Str((Hole(_call_label("Fn::Join", *items.labels)),), call.at)
        if not isinstance(items, Sequence):
            return Opaque(("Fn::Join",), call.at)
        parts: list[Part] = []
        for index, item in enumerate(items.items):
            if index:
                parts.append(delimiter.value)
            parts.extend(_as_parts(item, "Fn::Join"))
        return Str(_concat(*parts), call.at)

    def _select(self, call: RawCall, depth: int) -> Value:
        args = _list_args(call.arg, 2)
        if args is None:
            return Opaque(("Fn::Select",), call.at)
        index = self.resolve(args[0], depth + 1)
        items = self.resolve(args[1], depth + 1)
        position = _integer(index)
        if position is None or not isinstance(items, Sequence):
            labels = _labels(index) + _labels(items)
            return Str((Hole(_call_label("Fn::Select", *labels)),), call.at)
        if not 0 <= position < len(items.items):
            return Opaque(("Fn::Select index out of range",), call.at)
        return _respan(items.items[position], call.at)

    def _split(self, call: RawCall, depth: int) -> Value:
        args = _list_args(call.arg, 2)
        if args is None:
            return Opaque(("Fn::Split",), call.at)
        delimiter = self.resolve(args[0], depth + 1)
        source = self.resolve(args[1], depth + 1)
        if not (isinstance(delimiter, Str) and delimiter.is_known and delimiter.value):
            return Opaque(_labels(delimiter) or ("Fn::Split",), call.at)
        if not isinstance(source, Str):
            return Opaque(_labels(source) or ("Fn::Split",), call.at)
        pieces: list[list[Part]] = [[]]
        for part in source.parts:
            if isinstance(part, Hole):
                pieces[-1].append(part)  # a hole is assumed not to hold the delimiter
                continue
            first, *rest = part.split(delimiter.value)
            pieces[-1].append(first)
            pieces.extend([piece] for piece in rest)
        return Sequence([Str(_concat(*piece), call.at) for piece in pieces], call.at)

    def _find_in_map(self, call: RawCall, depth: int) -> Value:
        args = _list_args(call.arg, 3)
        if args is None:
            return Opaque(("Fn::FindInMap",), call.at)
        keys = [self.resolve(arg, depth + 1) for arg in args]
        texts = [key.value if isinstance(key, Str) and key.is_known else None for key in keys]
        label = _call_label(
            "Fn::FindInMap",
            *(
                text if text is not None else ", ".join(_labels(key)) or _display(key)
                for text, key in zip(texts, keys, strict=True)
            ),
        )
        if texts[0] is None:
            return Str((Hole(label),), call.at)
        mapping = self.template.mappings.get(texts[0])
        candidates = _lookup(mapping, texts[1:])
        values = [self.resolve(node, depth + 1) for node in candidates]
        plain = {json.dumps(_plain(v), sort_keys=True, default=str) for v in values}
        if not values or len(plain) != 1 or UNKNOWN in (_plain(v) for v in values):
            return Str((Hole(label),), call.at)
        found = values[0]
        return Str((Hole(label),), call.at) if found is None else _respan(found, call.at)

    def _if(self, call: RawCall, depth: int) -> Value | None:
        args = _list_args(call.arg, 3)
        if args is None:
            return Opaque(("Fn::If",), call.at)
        name = _scalar_text(args[0])
        if name is None:
            return Opaque(("Fn::If",), call.at)
        decided = self.condition(name)
        if decided is None:
            return Opaque((f"condition {name}",), call.at)
        return self.resolve(args[1] if decided else args[2], depth + 1)

    def _base64(self, call: RawCall, depth: int) -> Value:
        value = self.resolve(call.arg, depth + 1)
        if isinstance(value, Str) and value.is_known:
            encoded = base64.b64encode(value.value.encode("utf-8", "surrogatepass")).decode()
            return Str.known(encoded, call.at)
        return Str((Hole(_call_label("Fn::Base64", *_labels(value))),), call.at)

    def _length(self, call: RawCall, depth: int) -> Value:
        value = self.resolve(call.arg, depth + 1)
        if isinstance(value, Sequence):
            return Str.known(str(len(value.items)), call.at)
        return Str((Hole(_call_label("Fn::Length", *_labels(value))),), call.at)

    def _to_json_string(self, call: RawCall, depth: int) -> Value:
        value = self.resolve(call.arg, depth + 1)
        plain = _plain(value)
        if value is None or _has_unknown(value):
            return Str((Hole(_call_label("Fn::ToJsonString", *_labels(value))),), call.at)
        return Str.known(json.dumps(plain, separators=(",", ":")), call.at)

    def _import_value(self, call: RawCall, depth: int) -> Value:
        value = self.resolve(call.arg, depth + 1)
        return Str((Hole(_call_label("Fn::ImportValue", _display(value))),), call.at)

    # --- Conditions -----------------------------------------------------------------------

    def condition(self, name: str) -> bool | None:
        """A named condition's value: ``None`` when it depends on something unknown."""
        if name in self.assumed:
            return self.assumed[name]
        if name in self._conditions:
            return self._conditions[name]
        node = self.template.conditions.get(name)
        if node is None or name in self._evaluating:
            return None
        self._evaluating.add(name)
        try:
            value = self.evaluate(node, 0)
        finally:
            self._evaluating.discard(name)
        self._conditions[name] = value
        return value

    def evaluate(self, node: RawNode, depth: int) -> bool | None:
        """A condition expression, three-valued (``None``: unknown)."""
        if depth > MAX_DEPTH:
            return None
        reference = _condition_reference(node)
        if reference is not None:
            return self.condition(reference)
        if not isinstance(node, RawCall):
            return None
        if node.name == "Fn::Equals":
            args = _list_args(node.arg, 2)
            if args is None:
                return None
            left, right = (self.resolve(arg, depth + 1) for arg in args)
            return _equals(left, right)
        operands = node.arg.items if isinstance(node.arg, RawList) else []
        values = [self.evaluate(operand, depth + 1) for operand in operands]
        if node.name == "Fn::Not":
            return None if len(values) != 1 or values[0] is None else not values[0]
        if node.name == "Fn::And":
            if False in values:
                return False
            return None if None in values or not values else True
        if node.name == "Fn::Or":
            if True in values:
                return True
            return None if None in values or not values else False
        return None

    def unknown_conditions(self, node: RawNode | None) -> list[str]:
        """Conditions of the ``Fn::If`` calls under ``node`` that nothing decides, in order."""
        found: dict[str, None] = {}
        pending: list[tuple[RawNode, int]] = [(node, 0)] if node is not None else []
        while pending:
            current, depth = pending.pop()
            if depth > MAX_DEPTH:
                continue
            if isinstance(current, RawCall):
                if current.name == "Fn::If" and isinstance(current.arg, RawList):
                    name = _scalar_text(current.arg.items[0]) if current.arg.items else None
                    if name is not None and self.condition(name) is None:
                        found[name] = None
                pending.append((current.arg, depth + 1))
            elif isinstance(current, RawList):
                pending.extend((item, depth + 1) for item in reversed(current.items))
            elif isinstance(current, RawMap):
                members = list(current.members.values())
                pending.extend((member.value, depth + 1) for member in reversed(members))
        return list(found)

    def variants(self, node: RawNode | None) -> list[Resolver]:
        """One resolver per combination of the unknown conditions under ``node`` (just this one
        when there are none): linting every variant lints both branches of each ``Fn::If``."""
        names = self.unknown_conditions(node)[:MAX_VARIANTS_CONDITIONS]
        if not names:
            return [self]
        return [
            self.assuming(dict(zip(names, values, strict=True)))
            for values in itertools.product((True, False), repeat=len(names))
        ]


_HANDLERS: Final = {
    "Ref": Resolver._ref,
    "Fn::GetAtt": Resolver._get_att,
    "Fn::Sub": Resolver._sub,
    "Fn::Join": Resolver._join,
    "Fn::Select": Resolver._select,
    "Fn::Split": Resolver._split,
    "Fn::FindInMap": Resolver._find_in_map,
    "Fn::If": Resolver._if,
    "Fn::Base64": Resolver._base64,
    "Fn::Length": Resolver._length,
    "Fn::ToJsonString": Resolver._to_json_string,
    "Fn::ImportValue": Resolver._import_value,
}


# --- Helpers ------------------------------------------------------------------------------------


def _scalar_text(node: RawNode) -> str | None:
    return node.value if isinstance(node, RawScalar) else None


def _list_args(node: RawNode, count: int) -> list[RawNode] | None:
    if isinstance(node, RawList) and len(node.items) == count:
        return node.items
    return None


def _get_att_target(arg: RawNode) -> tuple[str, str] | None:
    if isinstance(arg, RawScalar) and arg.value and "." in arg.value:
        logical_id, attribute = arg.value.split(".", 1)
        return logical_id, attribute
    if isinstance(arg, RawList) and len(arg.items) == 2:
        first, second = (_scalar_text(item) for item in arg.items)
        if first and second:
            return first, second
    return None


def _condition_reference(node: RawNode) -> str | None:
    """The name in ``{"Condition": name}`` or ``!Condition name``."""
    if isinstance(node, RawCall) and node.name == "Condition":
        return _scalar_text(node.arg)
    if isinstance(node, RawMap) and len(node.members) == 1 and "Condition" in node.members:
        return _scalar_text(node.members["Condition"].value)
    return None


def _given_value(text: str, is_list: bool, span: Span | Where) -> Value:
    if is_list:
        return Sequence([Str.known(item.strip(), span) for item in text.split(",")], span)
    return Str.known(text, span)


def _concat(*parts: Part) -> tuple[Part, ...]:
    """Parts with adjacent text merged and empty text dropped."""
    merged: list[Part] = []
    for part in parts:
        if isinstance(part, str):
            if not part:
                continue
            if merged and isinstance(merged[-1], str):
                merged[-1] += part
                continue
        merged.append(part)
    if sum(len(part) for part in merged if isinstance(part, str)) > MAX_STRING:
        return (Hole("string too long"),)
    return tuple(merged)


def _as_parts(value: Value | None, context: str) -> tuple[Part, ...]:
    """A value used inside a string: its text, or one hole when it is not a known string."""
    if isinstance(value, Str):
        return value.parts
    if isinstance(value, Scalar) and value.value is not None:
        return (str(value.value),)
    if isinstance(value, Opaque):
        return (Hole(value.display or ", ".join(value.labels)),)
    return (Hole(context),)


def _labels(value: Value | None) -> tuple[str, ...]:
    if isinstance(value, Str):
        return value.holes
    if isinstance(value, Opaque):
        return value.labels
    return ()


def _display(value: Value | None) -> str:
    if isinstance(value, Str):
        return value.value
    if isinstance(value, Opaque):
        return ", ".join(value.labels)
    return "?"


def _integer(value: Value | None) -> int | None:
    if isinstance(value, Str) and value.is_known and value.value.strip().isdigit():
        return int(value.value.strip())
    return None


def _plain(value: Value | None) -> object:
    return None if value is None else value.plain()


def _has_unknown(value: Value) -> bool:
    return any_within(value, _is_unknown)


def _is_unknown(value: Value) -> bool:
    return isinstance(value, Opaque) or (isinstance(value, Str) and not value.is_known)


def _equals(left: Value | None, right: Value | None) -> bool | None:
    if isinstance(left, Str) and isinstance(right, Str):
        if left.is_known and right.is_known:
            return left.value == right.value
        return True if left.parts == right.parts else None
    if left is None or right is None or _has_unknown(left) or _has_unknown(right):
        return None
    return left.plain() == right.plain()


def _lookup(mapping: RawNode | None, keys: list[str | None]) -> list[RawNode]:
    """The values ``Fn::FindInMap`` may select: every candidate at a level whose key is unknown."""
    level: list[RawNode] = [mapping] if mapping is not None else []
    for key in keys:
        following: list[RawNode] = []
        for node in level:
            if not isinstance(node, RawMap):
                return []
            if key is None:
                following.extend(member.value for member in node.members.values())
            elif key in node.members:
                following.append(node.members[key].value)
            else:
                return []
        level = following
    return level


def _respan(value: Value, span: Span | Where) -> Value:
    """A value computed elsewhere (a default, a mapping), placed at the node that uses it."""
    if isinstance(value, Str):
        return Str(value.parts, span)
    if isinstance(value, Opaque):
        return Opaque(value.labels, span, value.display)
    if isinstance(value, Scalar):
        return Scalar(value.value, span)
    if isinstance(value, Sequence):
        return Sequence([_respan(item, span) for item in value.items], span)
    return Mapping(
        {
            k: replace(m, key_at=span, value=_respan(m.value, span))
            for k, m in value.members.items()
        },
        span,
    )
