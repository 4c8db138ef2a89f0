"""``ecs-lint policy --format terraform``: an ``aws_iam_role_policy`` resource block.

The document is written with ``jsonencode`` as HCL, aligned as ``terraform fmt`` aligns it. A
role or resource the configuration knows by a reference (``${aws_iam_role.exec.arn}``) is
written as that reference; any other ``${`` is escaped, so Terraform reads it as text.

What Terraform cannot resolve is said, never left for ``terraform apply`` to take as text: a
comment above the block names each value to fill in (the role of tasks without an execution role,
a template's ``${AWS::Region}``), and a role that only a CloudFormation template can name
(``!GetAtt ExecutionRole.Arn``) is not written at all (:func:`refusal`).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Final

from ecs_lint.iam.generate import template_values

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ecs_lint.iam.generate import RolePolicy

_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# A Terraform reference starts with var, local, module or data, or with a resource type, which
# has its provider's prefix and an underscore (aws_iam_role). A CloudFormation logical id has no
# underscore, so ``${ExecutionRole.Arn}`` (from !GetAtt) is no reference here.
_REFERENCE: Final = re.compile(
    r"(?:var|local|module|data|[a-z][a-z0-9]*_[a-z0-9_]*)"
    r"(?:\.[A-Za-z_][A-Za-z0-9_-]*|\[[0-9]+\])+"
)
_CLOUDFORMATION_VALUE: Final = re.compile(r"AWS::[A-Za-z]+|[A-Za-z0-9]+(?:\.[A-Za-z0-9.]+)?")
_ROLE_PLACEHOLDER: Final = "REPLACE_WITH_ROLE_NAME"
_TEMPLATE_VALUE: Final = re.compile(r"\$\{([^}]*)\}")
_ROLE_REFERENCE: Final = re.compile(
    r"\$\{(aws_iam_role\.[A-Za-z_][A-Za-z0-9_-]*)\.(?:arn|name|id)\}"
)
_LABEL_CHARS: Final = re.compile(r"[^A-Za-z0-9_]+")


def render(policies: Sequence[RolePolicy], policy_name: str) -> str:
    return "\n".join(_block(entry, policy_name) for entry in policies)


def refusal(entry: RolePolicy) -> str | None:
    """Why no ``aws_iam_role_policy`` can be written for ``entry``'s role: it is named by a
    template value that is no Terraform reference (a role a CloudFormation template creates)."""
    role = entry.role
    if role is None or "${" not in role or _ROLE_REFERENCE.fullmatch(role):
        return None
    labels = [match.group(1) for match in _TEMPLATE_VALUE.finditer(role)]
    if labels and all(_REFERENCE.fullmatch(label) for label in labels):
        return None  # var.exec_role_arn: written as a value to fill in, see fill_ins()
    tasks = ", ".join(entry.tasks)
    if labels and all(_CLOUDFORMATION_VALUE.fullmatch(label) for label in labels):
        known = entry.known
        where = f" in {known.source}" if known is not None and known.scope is not None else ""
        what = f"a role that a CloudFormation template creates{where}"
    else:
        what = "a value ecs-lint cannot resolve"
    return (
        f"--format terraform cannot write the policy of execution role {role} (tasks: {tasks}): "
        f"it is {what}, which a Terraform aws_iam_role_policy cannot name; print the policy "
        "with --format cloudformation (an item for the role's Policies) or --format json"
    )


def fill_ins(entry: RolePolicy) -> list[str]:
    """What the printed block leaves for the user to fill in, one line each: the role's name
    when ecs-lint cannot write it, and the template values Terraform would read as text."""
    found: list[str] = []
    role, _ = _role(entry)
    if role == f'"{_ROLE_PLACEHOLDER}"':
        if entry.role is None:
            whose = f"the execution role you create for tasks {', '.join(entry.tasks)}"
        else:
            whose = f"the role {entry.role}"
        found.append(f'role = "{_ROLE_PLACEHOLDER}": the name of {whose}')
    for value in template_values(entry.document(references=_is_reference)):
        if not _REFERENCE.fullmatch(value[2:-1]):
            found.append(
                f"$${value[1:]}: the value {value} stands for (Terraform reads it as text)"
            )
    return found


def _block(entry: RolePolicy, policy_name: str) -> str:
    role, label = _role(entry)
    body = _value(entry.document(references=_is_reference), 2)
    lines = [f"# Execution role {entry.label} (tasks: {', '.join(entry.tasks)})"]
    blanks = fill_ins(entry)
    if blanks:
        lines.append("# Fill in before applying, ecs-lint could not resolve:")
        lines.extend(f"#   {blank}" for blank in blanks)
    lines += [
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
    return f'"{_ROLE_PLACEHOLDER}"', "task_execution"


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
