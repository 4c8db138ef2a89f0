"""``ecs-lint policy --format cloudformation``: an item for an ``AWS::IAM::Role``'s ``Policies``.

Printed as YAML (a comment names the role and its tasks). A resource the template knows by a
logical id is written as ``!Ref``/``!GetAtt`` and text with template values as ``!Sub``, so the
policy names exactly what the template creates.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Final

from ecs_lint.iam.generate import template_values

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ecs_lint.iam.generate import RolePolicy

_PLAIN: Final = re.compile(r"[A-Za-z][A-Za-z0-9:/_.*?@+=,\-]*")
_YAML_WORDS: Final = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
_TEMPLATE_VALUE: Final = re.compile(r"\$\{([^}]*)\}")
_LOGICAL_ID: Final = re.compile(r"[A-Za-z0-9]+")
_ATTRIBUTE: Final = re.compile(r"[A-Za-z0-9]+\.[A-Za-z0-9.]+")
_SUB_NAME: Final = re.compile(r"(?:AWS::[A-Za-z]+|[A-Za-z0-9]+(?:\.[A-Za-z0-9.]+)?)")


def render(policies: Sequence[RolePolicy], policy_name: str) -> str:
    blocks = []
    for entry in policies:
        item = {"PolicyName": policy_name, "PolicyDocument": entry.document(references=_resolvable)}
        header = f"# Execution role {entry.label} (tasks: {', '.join(entry.tasks)})\n"
        blocks.append(header + "\n".join(_lines([item], 0)) + "\n")
    return "\n".join(blocks)


def _resolvable(label: str) -> bool:
    """A ``${...}`` name ``Fn::Sub`` resolves: a logical id, ``Id.Attribute`` or ``AWS::X``."""
    return _SUB_NAME.fullmatch(label) is not None


def unsupported_values(entry: RolePolicy) -> list[str]:
    """Template values a CloudFormation ``!Sub`` cannot resolve (from another tool's syntax)."""
    found: list[str] = []
    for value in template_values(entry.document(references=_resolvable)):
        if not _SUB_NAME.fullmatch(value[2:-1]):
            found.append(value)
    return found


def _lines(value: Any, indent: int) -> list[str]:
    """Block YAML for a list or a mapping whose leaves are strings."""
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, list):
        for item in value:
            nested = _lines(item, indent + 2) if isinstance(item, dict | list) else None
            if nested is None:
                out.append(f"{pad}- {_scalar(item)}")
            else:
                out.append(f"{pad}- {nested[0].lstrip()}")
                out.extend(nested[1:])
        return out
    for key, item in value.items():
        if isinstance(item, dict | list):
            out.append(f"{pad}{_scalar(key)}:")
            out.extend(_lines(item, indent + 2))
        else:
            out.append(f"{pad}{_scalar(key)}: {_scalar(item)}")
    return out


def _scalar(text: str) -> str:
    if "${" in text:
        return _intrinsic(text)
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def _intrinsic(text: str) -> str:
    whole = _TEMPLATE_VALUE.fullmatch(text)
    if whole is not None and _LOGICAL_ID.fullmatch(whole.group(1)):
        return f"!Ref {whole.group(1)}"
    if whole is not None and _ATTRIBUTE.fullmatch(whole.group(1)):
        return f"!GetAtt {whole.group(1)}"
    return f"!Sub {json.dumps(text, ensure_ascii=False)}"
