"""The AWS managed policies ecs-lint knows exactly, from ``data/managed_policies.json``.

Only policies whose default version can be stated exactly are embedded. Any other AWS managed
policy (``SecretsManagerReadWrite``, ``ReadOnlyAccess``...) is unknown: a role that carries one is
reported as having unknown policies (EL207) rather than guessed at; ``--iam`` or ``--aws``
supplies its document.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING

from ecs_lint.iam.arns import parse_arn

if TYPE_CHECKING:
    from ecs_lint.iam.evaluator import Policy

__all__ = ["aws_managed_arn", "aws_managed_policy", "is_aws_managed", "known_names"]

ORIGIN = "AWS managed policy"


def is_aws_managed(arn: str) -> bool:
    """``arn:aws:iam::aws:policy/...`` (in any partition)."""
    parsed = parse_arn(arn)
    return parsed is not None and parsed.service == "iam" and parsed.account == "aws"


def aws_managed_policy(arn: str) -> Policy | None:
    """The embedded document of an AWS managed policy, by ARN; ``None`` when not embedded."""
    parsed = parse_arn(arn)
    if parsed is None or parsed.service != "iam" or parsed.account != "aws":
        return None
    return _by_resource().get(parsed.resource)


def aws_managed_arn(name: str) -> str | None:
    """The ARN of the embedded AWS managed policy called ``name`` (its path included, in the
    ``aws`` partition, whose policies the others mirror); ``None`` for any other name."""
    for resource, policy in _by_resource().items():
        if policy.name == name:
            return f"arn:aws:iam::aws:{resource}"
    return None


def known_names() -> tuple[str, ...]:
    return tuple(policy.name for policy in _by_resource().values())


@functools.cache
def _by_resource() -> dict[str, Policy]:
    from importlib import resources  # a few milliseconds of start-up, for roles that use one

    from ecs_lint.iam.evaluator import parse_policy

    text = resources.files("ecs_lint").joinpath("data/managed_policies.json").read_text("utf-8")
    policies: dict[str, Policy] = {}
    for entry in json.loads(text)["policies"]:
        resource = f"policy{entry['path']}{entry['name']}"
        policies[resource] = parse_policy(entry["document"], entry["name"], ORIGIN)
    return policies
