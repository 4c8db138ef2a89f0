"""The shapes of the values rules read, each written once, as JSON Schema.

A source's shapes use a small part of JSON Schema: ``type`` (one kind or a list), ``required``,
``properties``, ``items`` and ``additionalProperties``. :class:`Shape` runs the plain-Python
check of that part (:func:`checker`) on every value, since nearly every file is right, and only for
a value that fails it asks jsonschema (slow to import and to run) what is wrong, as shape
problems at the spans of the wrong values. A value whose shape is unknown (``UNKNOWN``: a
template's value) fits anywhere: it is not known to be wrong.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Protocol, cast

from ecs_lint import jsonpos
from ecs_lint.model import Problem, ProblemKind
from ecs_lint.sources._text import UNKNOWN, shape_of

if TYPE_CHECKING:
    from collections.abc import Callable

    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

    from ecs_lint.jsonpos import PathPart
    from ecs_lint.model import Span

_JSON_TYPES: Final = {str: "string", bool: "boolean", int: "number", float: "number", list: "array"}
_WITH_ARTICLE: Final = {
    "string": "a string",
    "object": "an object",
    "array": "an array",
    "integer": "an integer",
}


class ShapeNode(Protocol):
    """What the shape checks read of a value of any source (``_tasks.Node``)."""

    @property
    def span(self) -> Span: ...

    def get(self, key: str) -> ShapeNode | None: ...

    def entries(self) -> Any: ...

    def elements(self) -> Any: ...

    def plain(self) -> object: ...


class Shape:
    """One schema: its check, and the validator that explains a failed one (made on need)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self.fits = checker(schema)
        """Whether a value has this shape (the plain-Python check)."""
        self._validator: Validator | None = None

    def validator(self) -> Validator:
        if self._validator is None:
            import jsonschema  # ~0.1 s to import; only values of a wrong shape need it

            self._validator = jsonschema.Draft202012Validator(self.schema)
        return self._validator

    def problems(
        self, node: ShapeNode, where: tuple[PathPart, ...], *, decoded: bool = False
    ) -> list[Problem]:
        """A shape problem for each wrong value below ``node``, in text order; ``where`` is the
        path to ``node`` from the top of its file, for messages. ``decoded``: ``node.plain()``
        is the parsed JSON itself (cheap), not a template's tree to compute."""
        value = node.plain() if decoded else checked_parts(node, self.schema)
        if self.fits(value):
            return []
        problems: dict[tuple[int, str], Problem] = {}
        for error in self.validator().iter_errors(cast("Any", value)):
            if error.instance is UNKNOWN:
                continue
            for problem in describe_shape_error(node, where, error):
                problems.setdefault((problem.span.start, problem.message), problem)
        return sorted(problems.values(), key=lambda problem: problem.span.start)


def checker(schema: dict[str, Any]) -> Callable[[object], bool]:
    """Whether a value has the shape ``schema`` describes, as jsonschema would say: a function
    made once per schema, which reads no schema when it runs (every task definition of a run
    is asked)."""
    kinds = schema["type"]
    if kinds == "object":
        return _object_checker(schema)
    if kinds == "array":
        return _array_checker(checker(schema["items"]))
    kinds = [kinds] if isinstance(kinds, str) else kinds
    strings, integers = "string" in kinds, "integer" in kinds

    def scalar(value: object) -> bool:
        if value is UNKNOWN or (strings and isinstance(value, str)):
            return True
        return integers and isinstance(value, int) and not isinstance(value, bool)

    return scalar


def _object_checker(schema: dict[str, Any]) -> Callable[[object], bool]:
    required = tuple(schema.get("required", ()))
    properties = {key: checker(inner) for key, inner in schema.get("properties", {}).items()}
    extra = schema.get("additionalProperties")
    extra_fits = None if extra is None else checker(extra)

    def check(value: object) -> bool:
        # Plain loops, not all() over generators: see checker.
        if value is UNKNOWN:
            return True
        if not isinstance(value, dict):
            return False
        for key in required:
            if key not in value:
                return False
        for key, fits in properties.items():
            if key in value and not fits(value[key]):
                return False
        if extra_fits is not None:
            for key, item in value.items():
                if key not in properties and not extra_fits(item):
                    return False
        return True

    return check


def _array_checker(item_fits: Callable[[object], bool]) -> Callable[[object], bool]:
    def check(value: object) -> bool:
        if value is UNKNOWN:
            return True
        if not isinstance(value, list):
            return False
        for item in value:  # noqa: SIM110 (see checker)
            if not item_fits(item):
                return False
        return True

    return check


def checked_parts(node: ShapeNode, schema: dict[str, Any]) -> object:
    """The plain value of ``node`` restricted to the parts ``schema`` describes: a template's
    computed tree is turned into plain values only there, not in its environment variables or
    port mappings."""
    if "items" in schema:
        items = node.elements()
        if items is None:
            return shape_of(node)
        return [checked_parts(item, schema["items"]) for item in items]
    if "properties" in schema and "additionalProperties" not in schema:
        if node.entries() is None:
            return shape_of(node)
        picked: dict[str, object] = {}
        for key, inner in schema["properties"].items():
            child = node.get(key)
            if child is not None:
                picked[key] = checked_parts(child, inner)
        return picked
    return shape_of(node)


def spelled(schema: dict[str, Any], spell: Any) -> dict[str, Any]:
    """``schema`` with the keys it names spelled by ``spell`` (``Naming``: ``Image`` in
    CloudFormation for ``image``)."""
    result = dict(schema)
    if "required" in schema:
        result["required"] = [spell(key) for key in schema["required"]]
    if "properties" in schema:
        properties = schema["properties"].items()
        result["properties"] = {spell(key): spelled(inner, spell) for key, inner in properties}
    for part in ("items", "additionalProperties"):
        if part in schema:
            result[part] = spelled(schema[part], spell)
    return result


def printable(text: str) -> str:
    """Text safe to print: lone surrogates (valid in JSON escapes) become escapes."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def describe_shape_error(
    node: ShapeNode, where: tuple[PathPart, ...], error: ValidationError
) -> list[Problem]:
    """The shape problems jsonschema's ``error`` stands for, at the values below ``node``."""
    relative = list(error.absolute_path)
    span = _descend(node, relative).span
    path = jsonpos.format_path([*where, *relative])
    required = error.validator_value
    if error.validator == "required" and isinstance(error.instance, dict):
        assert isinstance(required, list), "the schemas list required keys"
        missing = [key for key in required if key not in error.instance]
        return [
            Problem(ProblemKind.SHAPE, f'{path} has no "{key}", which ECS requires', span)
            for key in missing
        ]
    if error.validator == "type":
        kinds = required if isinstance(required, list) else [required]
        wanted = " or ".join(_WITH_ARTICLE.get(str(kind), str(kind)) for kind in kinds)
        got = _json_type(error.instance)
        return [Problem(ProblemKind.SHAPE, f"{path} must be {wanted}, got {got}", span)]
    return [Problem(ProblemKind.SHAPE, f"{path}: {printable(error.message)}", span)]


def _descend(node: ShapeNode, path: list[PathPart]) -> ShapeNode:
    """The node at ``path`` below ``node`` (as far as it exists)."""
    for part in path:
        child: ShapeNode | None = None
        if isinstance(part, str):
            child = node.get(part)
        else:
            items = node.elements()
            if items is not None and part < len(items):
                child = items[part]
        if child is None:
            break
        node = child
    return node


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    return _JSON_TYPES.get(type(value), "object")
