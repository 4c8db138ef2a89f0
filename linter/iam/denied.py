"""What the rules that report denied requests of an execution role share (EL203, EL205, EL210,
EL211, EL212).

Each finding reads ``ROLE cannot DO the SUBJECT: WHY; CONSEQUENCE`` and ends with the statement
that would allow the requests, which its fix suggests. The secret rules (EL203, EL205, EL210)
report each denied request on its own (:func:`each_denial`), explaining for a secret read the
traps that make a statement miss it (a name without the suffix of the secret's ARN, letter
case). EL211 and EL212 group the denials of one place (a container's image, its log group), so
each place is reported once with all of its denials (:func:`denied_by_place`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.iam.explain import (
    START_FAILURE,
    alias_trap,
    case_trap,
    denials,
    role_label,
    suffix_trap,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from ecs_lint.findings import Finding
    from ecs_lint.iam.provider import Check, PolicyProvider
    from ecs_lint.model import Model, TaskView
    from ecs_lint.rule import RuleContext

__all__ = ["denial_finding", "denied_by_place", "each_denial"]


def _denied(provider: PolicyProvider, task: TaskView, code: str) -> Iterator[Check]:
    """The checks of ``task`` that rule ``code`` reports and its role's policies deny."""
    for check in provider.checks(task):
        if check.requirement.rule == code and check.decision.denied:
            yield check


def each_denial(
    model: Model,
    ctx: RuleContext,
    action: str,
    consequence: str = START_FAILURE,
    *,
    explain_traps: bool = False,
) -> Iterator[Finding]:
    """One finding per denied check of the running rule, in task order (nothing without a
    policy provider). ``explain_traps`` adds why a statement written for the resource misses
    it: a secret's name without its ARN suffix, the wrong letter case, a KMS key's alias ARN."""
    provider = ctx.services.policies
    if provider is None:
        return
    for task in model.tasks:
        for check in _denied(provider, task, ctx.rule.code):
            trap = None
            if explain_traps:
                trap = (
                    suffix_trap(check, provider.placement(task))
                    or case_trap(check)
                    or alias_trap(check)
                )
            yield denial_finding(ctx, [check], action, consequence, trap)


def denied_by_place(model: Model, ctx: RuleContext) -> Iterator[list[Check]]:
    """The running rule's denied checks of each task, grouped by place, in order (nothing
    without a policy provider)."""
    provider = ctx.services.policies
    if provider is None:
        return
    for task in model.tasks:
        groups: dict[tuple[int, str], list[Check]] = {}
        for check in _denied(provider, task, ctx.rule.code):
            key = (check.requirement.span.start, check.requirement.subject)
            groups.setdefault(key, []).append(check)
        yield from groups.values()


def denial_finding(
    ctx: RuleContext,
    checks: Sequence[Check],
    action: str,
    consequence: str,
    detail: str | None = None,
) -> Finding:
    """The finding for the denied ``checks`` of one place, at that place: ``action`` is what
    the role cannot do (``cannot pull``), ``consequence`` what then happens to the task, and
    ``detail`` (a sentence) what else explains the denial."""
    first = checks[0]
    message = (
        f"{role_label(first.role)} {action} the {first.requirement.subject}: {denials(checks)}; "
        f"{consequence}"
    )
    if detail is not None:
        message += f". {detail}"
    # Imported for a denial only: a policy suggestion costs start-up otherwise.
    from ecs_lint.iam.suggest import allow_fix, message_with

    fix = allow_fix(checks)
    return ctx.finding(first.requirement.span, message_with(message, fix), fix=fix)
