"""Wording shared by the execution-role rules, so every message names things the same way."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from ecs_lint.iam.evaluator import Match, match_resource

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ecs_lint.iam.arns import Placement
    from ecs_lint.iam.provider import Check, KnownRole

START_FAILURE: Final = (
    "the task will stop at start with ResourceInitializationError: unable to pull secrets or "
    "registry auth (AccessDeniedException)"
)


def role_label(role: KnownRole) -> str:
    return f"execution role '{role.name or role.display}' (policies from {role.source})"


def denial(check: Check) -> str:
    """``ACTION on RESOURCE is denied: WHY``."""
    return denials([check])


def denials(checks: Sequence[Check]) -> str:
    """Several denials in one sentence each per reason: ``A and B on R are denied: WHY``."""
    by_reason: dict[str, dict[str, list[str]]] = {}
    for check in checks:
        request = check.decision.request
        by_resource = by_reason.setdefault(check.decision.explain(), {})
        by_resource.setdefault(str(request.resource), []).append(request.action)
    sentences = []
    for reason, by_resource in by_reason.items():
        parts = [f"{_and(actions)} on {resource}" for resource, actions in by_resource.items()]
        count = sum(len(actions) for actions in by_resource.values())
        verb = "is" if count == 1 else "are"
        sentences.append(f"{', '.join(parts)} {verb} denied: {reason}")
    return "; ".join(sentences)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def suffix_trap(check: Check, placement: Placement) -> str | None:
    """Explain a policy that names the secret without the suffix every secret ARN carries.

    Secrets Manager appends ``-`` and six random characters to each secret's name in its ARN, so a
    ``Resource`` of ``...:secret:dockerhub`` never matches ``...:secret:dockerhub-AbCdEf``.
    """
    secret = check.requirement.secret
    decision = check.decision
    if secret is None or not decision.denied or decision.denied_by:
        return None
    bare = secret.unsuffixed_arn(placement)
    for statement in decision.near_misses:
        if statement.not_resource:
            continue
        for pattern in statement.resources:
            if pattern.endswith(("*", "?")):
                continue
            if match_resource(pattern, bare, variables=statement.variables) is not Match.NO:
                fixed = f"{bare.as_pattern()}-??????"
                return (
                    f"{statement.describe()} allows '{pattern}', which names the secret without "
                    "the 6-character suffix Secrets Manager adds to every secret ARN (the real "
                    f"ARN is {check.decision.request.resource}), so it never matches; write "
                    f"'{fixed}' or the secret's full ARN"
                )
    return None
