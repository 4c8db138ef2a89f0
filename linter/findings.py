"""Findings: what rules report, in the shape every reporter and the JSON contract share."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping

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
    """What a rule reports, complete when made: ``extra`` (the rule's own JSON keys) is a
    read-only copy of the mapping given."""

    rule: str
    name: str
    severity: Severity
    span: Span
    message: str
    image: str | None = None
    replacement: str | None = None
    fix: Fix | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.extra, MappingProxyType):
            object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.path, self.span.line, self.span.column, self.rule)
