"""What a rule is, and what it is handed when it runs.

A rule is a module in ``ecs_lint.rules`` holding a ``RULE`` value: its code, name, default
severity, a pure ``check`` function over the model, and its documentation (the module docstring).
The other layers know no rule codes: a source reports problems of a kind (``ProblemKind``), the
IAM layer requirements of a kind (``ecs_lint.iam.Need``), and a rule says in ``reports`` which
kinds it reports; in ``lookups``, what the run must fetch for it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecs_lint.findings import Finding, Fix, Severity, message_lines
from ecs_lint.model import ProblemKind

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from ecs_lint.gallery.service import EcrPublicEquivalents
    from ecs_lint.iam import Need
    from ecs_lint.iam.provider import PolicyProvider
    from ecs_lint.model import Model, Span
    from ecs_lint.settings import Settings


class Lookup(enum.Enum):
    """What a rule needs fetched besides the files; a run fetches it only for selected rules."""

    ECR_PUBLIC = "ECR Public equivalents"  # Services.ecr_public, which the engine prefetches
    NETWORK = "networks"  # ServiceView.network, which ecs-lint aws reads with EC2 calls


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: its code, name and default severity, its check, its documentation, and what
    it reports and looks up."""

    code: str
    name: str
    severity: Severity
    check: Callable[[Model, RuleContext], Iterable[Finding]]
    doc: str
    fixable: bool = False
    reports: tuple[ProblemKind | Need, ...] = ()
    lookups: tuple[Lookup, ...] = ()

    @property
    def means_unchecked(self) -> bool:
        """Whether its findings say that a file (or a part of the run) could not be checked."""
        return ProblemKind.PARSE in self.reports

    @property
    def summary(self) -> str:
        """The first line of the documentation, without the code and name."""
        first = self.doc.strip().splitlines()[0]
        return first.split(":", 1)[1].strip() if ":" in first else first

    @property
    def body(self) -> str:
        """The documentation after its first line."""
        return self.doc.strip().split("\n", 1)[1].strip() if "\n" in self.doc.strip() else ""


@dataclass(slots=True)
class RuleContext:
    """What a running rule may use: the run's settings and look-up services, and a way to report."""

    rule: Rule
    settings: Settings
    services: Services

    def finding(
        self,
        span: Span,
        message: str,
        *,
        details: Iterable[str] = (),
        image: str | None = None,
        replacement: str | None = None,
        fix: Fix | None = None,
        **extra: Any,
    ) -> Finding:
        """A finding of the running rule: ``message`` is its headline, one line of at most
        about 300 characters; ``details``, further lines about this finding."""
        return Finding(
            rule=self.rule.code,
            name=self.rule.name,
            severity=self.rule.severity,
            span=span,
            message=message_lines(message, details),
            image=image,
            replacement=replacement,
            fix=fix,
            extra=extra,
        )


def report_problems(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    """The check of rules that report the problems of the kinds they ``reports``, as found."""
    for problem in model.problems(ctx.rule.reports):
        about: dict[str, Any] = {} if problem.about is None else {"about": problem.about}
        yield ctx.finding(problem.span, problem.message, **about)


@dataclass(slots=True)
class Services:
    """Look-ups handed to rules, so that rules stay pure.

    Each service is optional: a rule that needs an absent one degrades to what it can say offline.
    """

    memo: dict[str, Any] = field(default_factory=dict)
    ecr_public: EcrPublicEquivalents | None = None
    """ECR Public equivalents of Docker Hub images; prefetched by the engine for the rules that
    look them up."""
    policies: PolicyProvider | None = None
    """Execution roles' policies, secrets and keys (EL203-EL212); built by the engine from the
    settings and the run's documents when not given."""
