"""Findings: what rules report, in the shape every reporter and the JSON contract share."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecs_lint.model import Span


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the text at ``span`` (by offsets) with ``new_text``."""

    span: Span
    new_text: str


@dataclass(frozen=True, slots=True)
class Fix:
    """A text edit that resolves a finding. Unsafe fixes apply only with ``--unsafe-fixes``.

    ``suggestion`` is a change ecs-lint never makes itself, for the user to apply (an IAM policy
    for an execution role: ``{"kind": "execution-role-policy", "role": ..., "policy_document":
    ...}``). A fix may be only a suggestion (no ``edits``): ``--fix`` then has nothing to apply.
    """

    description: str
    edits: tuple[Edit, ...]
    safe: bool
    suggestion: dict[str, Any] | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    span: Span
    message: str
    image: str | None = None
    replacement: str | None = None
    fix: Fix | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.path, self.span.line, self.span.column, self.rule)
