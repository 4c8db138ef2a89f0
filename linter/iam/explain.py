"""Wording shared by the execution-role rules, so every message names things the same way.

The policy evaluator is imported by the functions that explain a denial, not here: the rules
import this module, and a run with no task definition never evaluates a policy.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ecs_lint.iam.arns import Placement
    from ecs_lint.iam.provider import Check, KnownRole

_ALIAS_ARN: Final = r"arn:[^:]*:kms:[^:]*:[^:]*:alias/"
START_FAILURE: Final = (
    "the task will stop at start with ResourceInitializationError: unable to pull secrets or "
    "registry auth (AccessDeniedException)"
)


def role_label(role: KnownRole) -> str:
    return f"execution role '{role.name or role.display}' (policies from {role.source})"


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
    from ecs_lint.iam.arns import SecretForm
    from ecs_lint.iam.evaluator import Match, match_resource

    secret = check.requirement.secret
    decision = check.decision
    if secret is None or not decision.denied or decision.denied_by:
        return None
    if secret.form is SecretForm.UNRESOLVED:
        return None  # a template value that is the secret's ARN, not a name: no bare form
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


def case_trap(check: Check) -> str | None:
    """Explain a policy resource that differs from the requested one only in letter case.

    IAM matches resource ARNs case-sensitively, and a secret's name keeps its case in its ARN:
    ``...:secret:DockerHub-*`` does not match ``...:secret:dockerhub-AbCdEf``.
    """
    from ecs_lint.iam.evaluator import Match, match_resource
    from ecs_lint.iam.requests import Resource

    decision = check.decision
    if not decision.denied or decision.denied_by:
        return None
    resource = decision.request.resource
    folded = Resource(
        tuple(part.lower() if isinstance(part, str) else part for part in resource.parts),
        resource.aliases,
        resource.reference,
    )
    for statement in decision.near_misses:
        if statement.not_resource:
            continue
        for pattern in statement.resources:
            variables = statement.variables
            if match_resource(pattern, resource, variables=variables) is not Match.NO:
                continue  # the resource matches: its condition is what failed
            if match_resource(_fold_case(pattern), folded, variables=variables) is Match.NO:
                continue
            return (
                f"{statement.describe()} allows '{pattern}', which matches {resource} only when "
                "letter case is ignored; IAM compares resource names case-sensitively, so it "
                f"never matches: write the name in its own letter case ('{resource.as_pattern()}')"
            )
    return None


def alias_trap(check: Check) -> str | None:
    """Explain a policy that names a KMS key by an alias ARN.

    IAM authorises ``kms:Decrypt`` against the key's ARN only: an alias ARN in a ``Resource``
    applies to the alias itself, never to the key behind it (see ``KeyRef.resource``).
    """
    decision = check.decision
    if not decision.denied or decision.denied_by or decision.request.action != "kms:Decrypt":
        return None
    for statement in decision.near_misses:
        if statement.not_resource:
            continue
        for pattern in statement.resources:
            if re.compile(_ALIAS_ARN).match(pattern):
                return (
                    f"{statement.describe()} allows '{pattern}', an alias ARN: IAM matches "
                    "kms:Decrypt against the key's own ARN, never an alias's, so it grants "
                    f"nothing on the key: allow '{decision.request.resource.as_pattern()}' "
                    "instead (a kms:ResourceAliases condition keeps it to the alias)"
                )
    return None


def _fold_case(pattern: str) -> str:
    """``pattern`` in lower case, except its ``${...}`` values and policy variables."""
    from ecs_lint.iam.requests import PLACEHOLDER  # imported with the provider already

    parts = PLACEHOLDER.split(pattern)
    # re.split with one group: text, value, text, value, ..., text
    return "".join(
        part.lower() if index % 2 == 0 else "${" + part + "}" for index, part in enumerate(parts)
    )
