"""The checks of the rules that report denied requests of an execution role.

A rule names in ``Rule.reports`` the kinds of requirement (:class:`~ecs_lint.iam.Need`) it
reports, and takes its check from here, saying how its findings read: a headline ``ROLE ACTION
the SUBJECT``, then lines with the requests denied and why, their consequence, and the statement
that would allow them, which the fix suggests. :func:`each_denial` reports each denied request on
its own, and may explain for a secret read the traps that make a statement miss it (a name
without the suffix of the secret's ARN, letter case); :func:`denials_by_place` reports each place
once (a container's image, its log group) with all of its denials.
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
    from collections.abc import Callable, Iterator, Sequence

    from ecs_lint.findings import Finding
    from ecs_lint.iam.provider import Check, PolicyProvider
    from ecs_lint.model import Model, TaskView
    from ecs_lint.rule import RuleContext

    RuleCheck = Callable[[Model, RuleContext], Iterator[Finding]]

__all__ = ["denials_by_place", "each_denial"]


def _denied(provider: PolicyProvider, task: TaskView, ctx: RuleContext) -> Iterator[Check]:
    """The checks of ``task`` of the kinds the running rule reports that its role denies."""
    for check in provider.checks(task):
        if check.requirement.kind in ctx.rule.reports and check.decision.denied:
            yield check


def each_denial(
    action: str, consequence: str = START_FAILURE, *, explain_traps: bool = False
) -> RuleCheck:
    """A check with one finding per denied request, in task order (nothing without a policy
    provider). ``explain_traps`` adds why a statement written for the resource misses it: a
    secret's name without its ARN suffix, the wrong letter case, a KMS key's alias ARN."""

    def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
        provider = ctx.services.policies
        if provider is None:
            return
        for task in model.tasks:
            for denied in _denied(provider, task, ctx):
                trap = None
                if explain_traps:
                    trap = (
                        suffix_trap(denied, provider.placement(task))
                        or case_trap(denied)
                        or alias_trap(denied)
                    )
                yield denial_finding(ctx, [denied], action, consequence, trap)

    return check


def denials_by_place(action: str, consequence: str) -> RuleCheck:
    """A check with one finding per place of a task whose requests are denied, in order
    (nothing without a policy provider)."""

    def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
        provider = ctx.services.policies
        if provider is None:
            return
        for task in model.tasks:
            groups: dict[tuple[int, str], list[Check]] = {}
            for denied in _denied(provider, task, ctx):
                key = (denied.requirement.span.start, denied.requirement.subject)
                groups.setdefault(key, []).append(denied)
            for group in groups.values():
                yield denial_finding(ctx, group, action, consequence)

    return check


def denial_finding(
    ctx: RuleContext,
    checks: Sequence[Check],
    action: str,
    consequence: str,
    detail: str | None = None,
) -> Finding:
    """The finding for the denied ``checks`` of one place, at that place: its headline says
    which role (and where its policies come from) ``action`` the subject (``cannot pull`` the
    image); then a line with the requests denied and why, and ``consequence``, what then happens
    to the task; ``detail`` (a sentence) what else explains the denial; and the statement that
    would allow them, which the fix suggests."""
    first = checks[0]
    message = f"{role_label(first.role)} {action} the {first.requirement.subject}"
    details = [f"{denials(checks)}; {consequence}."]
    if first.requirement.source is not None:
        details.append(first.requirement.source)
    if detail is not None:
        details.append(f"{detail[:1].upper()}{detail[1:]}.")
    # Imported for a denial only: a policy suggestion costs start-up otherwise.
    from ecs_lint.iam.suggest import allow_fix, allow_line

    fix = allow_fix(checks)
    details += allow_line(fix)
    return ctx.finding(first.requirement.span, message, details=details, fix=fix)
