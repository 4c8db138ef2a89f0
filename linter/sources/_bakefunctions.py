"""The functions of Bake files that decide a build's values, evaluated as buildx evaluates them.

buildx gives Bake files go-cty's standard library and a few functions of its own. Where
Terraform's function of the same name gives the same result, it is Terraform's
(:data:`ecs_lint.sources._tffunctions.FUNCTIONS`); where the two differ, Bake's is here:
``replace`` replaces a substring (never a regular expression), ``coalesce`` skips nulls only
(an empty string is a value). ``equal``, ``notequal``, ``and``, ``or`` and ``not`` are the
operators written as calls (``notequal("", TAG)``). Any other call (the time, UUIDs, hashes,
regular expressions, the file's own ``function`` blocks) is unknown, as is a call with an
unknown argument: what the linter does not know it never guesses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from ecs_lint.sources._hcl import binary_operation, is_null, known_text, unary_operation
from ecs_lint.sources._tffunctions import FUNCTIONS as TERRAFORM_FUNCTIONS
from ecs_lint.sources._tffunctions import eager
from ecs_lint.sources._values import Opaque, Str

if TYPE_CHECKING:
    from tree_sitter import Node

    from ecs_lint.sources._hcl import Evaluator, Function
    from ecs_lint.sources._values import Value

__all__ = ["BAKE_FUNCTIONS"]

_ALIKE_IN_TERRAFORM: Final = (
    *("can", "coalescelist", "compact", "concat", "contains", "distinct", "element", "flatten"),
    *("format", "join", "jsonencode", "keys", "length", "lookup", "lower", "merge", "split"),
    *("substr", "trimprefix", "trimspace", "trimsuffix", "try", "upper", "values", "zipmap"),
)
"""go-cty's functions that Terraform's of the same name agree with on every value."""


def _replace(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    texts = [known_text(arg) for arg in args]
    if len(texts) != 3 or any(text is None for text in texts):
        return ev.unknown(node)
    text, old, new = (t or "" for t in texts)
    return Str.known(text.replace(old, new), ev.where(node))


def _coalesce(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    for value in args:
        if is_null(value):
            continue
        if isinstance(value, Opaque):
            return ev.unknown(node)  # may be null: the choice is not known
        return value
    return ev.failed(node, "no non-null argument")


def _trim(ev: Evaluator, node: Node, args: list[Value]) -> Value:
    texts = [known_text(arg) for arg in args]
    if len(texts) != 2 or texts[0] is None or texts[1] is None:
        return ev.unknown(node)
    return Str.known(texts[0].strip(texts[1]), ev.where(node))


def _operator(symbol: str) -> Function:
    """``equal(a, b)`` as ``a == b``; ``not(a)`` as ``!a``."""

    def apply(ev: Evaluator, node: Node, args: list[Value]) -> Value:
        if len(args) != (1 if symbol == "!" else 2):
            return ev.unknown(node)
        if symbol == "!":
            return unary_operation(ev, node, symbol, args[0])
        return binary_operation(ev, node, symbol, args[0], args[1])

    return eager(apply)


BAKE_FUNCTIONS: Final[dict[str, Function]] = {
    **{name: TERRAFORM_FUNCTIONS[name] for name in _ALIKE_IN_TERRAFORM},
    "replace": eager(_replace),
    "coalesce": eager(_coalesce),
    "trim": eager(_trim),
    "equal": _operator("=="),
    "notequal": _operator("!="),
    "and": _operator("&&"),
    "or": _operator("||"),
    "not": _operator("!"),
}
