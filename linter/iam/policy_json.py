"""``ecs-lint policy --format json``: IAM policy documents, as ``put-role-policy`` takes them.

One execution role prints its policy document alone, ready for ``aws iam put-role-policy
--policy-document file://policy.json``; several print one object mapping each role (as the
task definitions name it) to its document.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ecs_lint.iam.generate import RolePolicy


def render(policies: Sequence[RolePolicy], policy_name: str) -> str:
    documents = {entry.label: entry.document() for entry in policies}
    if not documents:
        return ""
    value = next(iter(documents.values())) if len(documents) == 1 else documents
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"
