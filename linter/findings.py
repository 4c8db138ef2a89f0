"""Findings: what rules report, in the shape every reporter and the JSON contract share."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from ecs_lint.model import Span


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


def brief(text: str, limit: int = 60) -> str:
    """Text a headline quotes (a reference, a list of names), whole or cut to ``limit``
    characters with an ellipsis: the headline stays one short line whatever a file holds."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def message_lines(headline: str, details: Iterable[str] = ()) -> str:
    """A finding's message: the headline, then one line per detail."""
    return "\n".join([headline, *details])


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


_SHARED_EXTRAS: dict[tuple[tuple[str, object], ...], Mapping[str, Any]] = {}


def _read_only(extra: Mapping[str, Any]) -> Mapping[str, Any]:
    """A read-only copy of ``extra``; one made of absent values and flags (``{"evidence":
    None}``) shared by every finding that has it: a run of 10,000 files made 30,000 copies."""
    if any(value is not None and type(value) is not bool for value in extra.values()):
        return MappingProxyType(dict(extra))
    key = tuple(extra.items())
    shared = _SHARED_EXTRAS.get(key)
    if shared is None:
        shared = _SHARED_EXTRAS[key] = MappingProxyType(dict(extra))
    return shared


@dataclass(frozen=True, slots=True)
class Finding:
    """What a rule reports, complete when made: ``extra`` (the rule's own JSON keys) is a
    read-only copy of the mapping given.

    ``message`` is one line (the headline: what is wrong and what to do, in at most about 300
    characters), then a line per detail of this finding, if any (``RuleContext.finding`` joins
    them). What holds for every finding of the rule belongs to its documentation, not to the
    message. File text a message quotes stays as it is (the JSON formats carry it verbatim), so
    a line break in it splits the message there too: the reporters that print lines show each
    line escaped and marked as a detail, never as a line of their own."""

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
            object.__setattr__(self, "extra", _read_only(self.extra))

    @property
    def headline(self) -> str:
        """The message's first line."""
        return self.message.partition("\n")[0]

    @property
    def details(self) -> list[str]:
        """The message's further lines: details of this finding."""
        return self.message.split("\n")[1:]

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.span.path, self.span.line, self.span.column, self.rule)
