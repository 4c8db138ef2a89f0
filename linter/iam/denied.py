"""What the rules that report denied requests of an execution role share (EL211, EL212).

A rule's denied checks are grouped by the place that needs them (a container's image, its log
group), so each place is reported once with all of its denials, and each group makes one finding:
``ROLE cannot DO the SUBJECT: WHY; CONSEQUENCE``, ending with the statement that would allow the
requests, which its fix suggests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.iam.explain import denials, role_label

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from ecs_lint.findings import Finding
    from ecs_lint.iam.provider import Check
    from ecs_lint.model import Model
    from ecs_lint.rule import RuleContext

__all__ = ["denial_finding", "denied_by_place"]


def denied_by_place(model: Model, ctx: RuleContext) -> Iterator[list[Check]]:
    """The running rule's denied checks of each task, grouped by place, in order (nothing
    without a policy provider)."""
    provider = ctx.services.policies
    if provider is None:
        return
    for task in model.tasks:
        groups: dict[tuple[int, str], list[Check]] = {}
        for check in provider.checks(task):
            if check.requirement.rule == ctx.rule.code and check.decision.denied:
                key = (check.requirement.span.start, check.requirement.subject)
                groups.setdefault(key, []).append(check)
        yield from groups.values()


def denial_finding(
    ctx: RuleContext, checks: Sequence[Check], action: str, consequence: str
) -> Finding:
    """The finding for the denied ``checks`` of one place, at that place: ``action`` is what
    the role cannot do (``cannot pull``), ``consequence`` what then happens to the task."""
    first = checks[0]
    message = (
        f"{role_label(first.role)} {action} the {first.requirement.subject}: {denials(checks)}; "
        f"{consequence}"
    )
    # Imported for a denial only: a policy suggestion costs start-up otherwise.
    from ecs_lint.iam.suggest import allow_fix, message_with

    fix = allow_fix(checks)
    return ctx.finding(first.requirement.span, message_with(message, fix), fix=fix)
