"""``ecs-lint policy --format terraform``: an ``aws_iam_role_policy`` resource block.

The document is written with ``jsonencode`` as HCL, aligned as ``terraform fmt`` aligns it. A
role or resource the configuration knows by a reference (``${aws_iam_role.exec.arn}``) is
written as that reference; any other ``${`` is escaped, so Terraform reads it as text.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ecs_lint.iam.generate import RolePolicy

_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_REFERENCE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\])+")
_TEMPLATE_VALUE: Final = re.compile(r"\$\{([^}]*)\}")
_ROLE_REFERENCE: Final = re.compile(
    r"\$\{(aws_iam_role\.[A-Za-z_][A-Za-z0-9_-]*)\.(?:arn|name|id)\}"
)
_LABEL_CHARS: Final = re.compile(r"[^A-Za-z0-9_]+")


def render(policies: Sequence[RolePolicy], policy_name: str) -> str:
    return "\n".join(_block(entry, policy_name) for entry in policies)


def _block(entry: RolePolicy, policy_name: str) -> str:
    role, label = _role(entry)
    body = _value(entry.document(references=_is_reference), 2)
    lines = [
        f"# Execution role {entry.label} (tasks: {', '.join(entry.tasks)})",
        f'resource "aws_iam_role_policy" "{label}" {{',
        f"  name   = {_string(policy_name)}",
        f"  role   = {role}",
        f"  policy = jsonencode({body})",
        "}",
    ]
    return "\n".join(lines) + "\n"


def _role(entry: RolePolicy) -> tuple[str, str]:
    """The ``role`` argument (the role's name) and a resource label derived from it."""
    reference = _ROLE_REFERENCE.fullmatch(entry.role or "")
    if reference is not None:
        name = reference.group(1).split(".", 1)[1]
        return f"{reference.group(1)}.name", _label(name)
    if entry.name is not None:
        return _string(entry.name), _label(entry.name)
    return '"REPLACE_WITH_ROLE_NAME"', "task_execution"


def _is_reference(label: str) -> bool:
    return _REFERENCE.fullmatch(label) is not None


def _label(name: str) -> str:
    label = _LABEL_CHARS.sub("_", name).strip("_") or "role"
    if not (label[0].isalpha() or label[0] == "_"):
        label = "_" + label
    return f"{label}_task_execution"


def _value(value: Any, indent: int) -> str:
    if isinstance(value, str):
        return _string(value)
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, list):
        if len(value) == 1 and isinstance(value[0], str):
            return f"[{_string(value[0])}]"
        items = [f"{inner}{_value(item, indent + 2)}," for item in value]
        return "[\n" + "\n".join(items) + f"\n{pad}]"
    keys = [_key(key) for key in value]
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(key) for key, _ in run), default=0)
        lines.extend(f"{inner}{key.ljust(width)} = {text}" for key, text in run)
        run.clear()

    for key, item in zip(keys, value.values(), strict=True):
        text = _value(item, indent + 2)
        run.append((key, text))
        if "\n" in text:  # its first line still aligns with the ones before, as in fmt
            flush()
    flush()
    return "{\n" + "\n".join(lines) + f"\n{pad}}}"


def _key(key: str) -> str:
    return key if _IDENTIFIER.fullmatch(key) else _string(key)


def _string(text: str) -> str:
    """An HCL string: JSON escapes, ``%{`` escaped, ``${`` escaped unless it is a reference."""
    out: list[str] = []
    last = 0
    for match in _TEMPLATE_VALUE.finditer(text):
        out.append(_escape(text[last : match.start()]))
        inner = match.group(1)
        out.append(
            match.group() if _REFERENCE.fullmatch(inner) else "$$" + _escape(match.group()[1:])
        )
        last = match.end()
    out.append(_escape(text[last:]))
    return '"' + "".join(out) + '"'


def _escape(text: str) -> str:
    escaped = json.dumps(text, ensure_ascii=False)[1:-1]
    return escaped.replace("${", "$${").replace("%{", "%%{")
