"""The pipeline: discover → load (sources) → requested files → model → rules → findings.

Each stage is a module of its own (``discover``, ``load``, ``requested``, the rules); this one
runs them in order: :func:`load_model` builds the run's model (every command that reads files
calls it, and ``ecs-lint aws`` with the documents it read from AWS), :func:`lint_model` runs the
rules over it. Reporters and fixes take the ``RunResult`` from here; nothing here prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint import suppress
from ecs_lint.discover import discover
from ecs_lint.load import load_document
from ecs_lint.model import Model, ProblemKind, Span
from ecs_lint.requested import lint_requested_files
from ecs_lint.rule import Lookup, Rule, RuleContext, Services
from ecs_lint.rules import BY_CODE, RULES

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ecs_lint.findings import Finding
    from ecs_lint.model import Document
    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText


@dataclass(slots=True)
class RunResult:
    findings: list[Finding]
    files_checked: int
    sources: dict[str, SourceText] = field(default_factory=dict)
    """The decoded text of every checked file, by display path, for code frames and fixes."""
    checked_paths: list[str] = field(default_factory=list)
    """The display path of every checked file, in discovery order (JUnit lists each one)."""
    suppressed: list[Finding] = field(default_factory=list)
    """Findings hidden by suppression directives or ``per-file-ignores``."""
    checked_counts: dict[str, int] = field(default_factory=dict)
    """What a live AWS run checked, by kind (``task definition``, ``service``): its documents
    are resources, not files. Empty for a run over files."""
    nothing_found: str = ""
    """Why a live AWS run checked nothing, in words (``no ECS services found in eu-west-1``):
    the text report says so instead of "All clear"."""

    @property
    def could_not_check(self) -> bool:
        return any(_means_unchecked(finding) for finding in self.findings)

    @property
    def unchecked_files(self) -> dict[str, str]:
        """The files that could not be read or parsed themselves, with the code that says so."""
        unchecked = filter(_means_unchecked, self.findings)
        return {f.span.path: f.rule for f in unchecked if "about" not in f.extra}

    @property
    def checked_summary(self) -> str:
        """What the run checked, in words: ``3 files checked``, or on a live AWS run
        ``4 task definitions and 2 services checked``."""
        counts = self.checked_counts or {"file": self.files_checked}
        kinds = [f"{count} {kind}{'s' if count != 1 else ''}" for kind, count in counts.items()]
        return f"{' and '.join(kinds)} checked"


def lint_paths(paths: list[str], settings: Settings, services: Services | None = None) -> RunResult:
    """Lint files and directories; raises ``MissingPath`` for a path that does not exist."""
    return lint_model(load_model(paths, settings), settings, services)


def load_model(paths: list[str], settings: Settings, documents: Iterable[Document] = ()) -> Model:
    """The run's model: every file ``paths`` hold, read and parsed (one that cannot be is a
    parse problem of its document), the files they ask for linted with them, the files their
    values come from (inside ``paths``), the plain lint of files that documents lint as modules
    they call dropped, and ``documents`` read elsewhere (from AWS); then pull identities and
    services' task definitions resolved across all of them. Raises ``MissingPath`` for a path
    that does not exist."""
    model = Model()
    for candidate in discover(paths):
        loaded = load_document(candidate, settings)
        if loaded is None:
            continue
        document, source = loaded
        model.documents.append(document)
        if source is not None:
            model.sources[document.path] = source
    lint_requested_files(model, model.sources, settings, paths)
    _add_related_texts(model, paths)
    model.drop_covered()
    model.documents.extend(documents)
    model.resolve_pull_identities()
    model.resolve_task_definitions()
    return model


def _add_related_texts(model: Model, paths: list[str]) -> None:
    """The files documents' values come from, for fixes and code frames: only those inside a
    linted path, so a fix edits no file the run was not asked to check."""
    if not any(document.related_texts for document in model.documents):
        return
    roots = [root for root in map(_directory_of, paths) if root is not None]
    outside: set[str] = set()
    for document in model.documents:
        for text in document.related_texts:
            if text.path in model.sources or text.path in outside:
                continue
            if _inside(text.path, roots):
                model.sources[text.path] = text
            else:
                outside.add(text.path)


def _directory_of(path: str) -> Path | None:
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError):  # a link loop: reported as such, holds no related file
        return None
    return resolved if resolved.is_dir() else resolved.parent


def _inside(path: str, roots: list[Path]) -> bool:
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError):
        return False
    return any(resolved.is_relative_to(root) for root in roots)


def lint_model(model: Model, settings: Settings, services: Services | None = None) -> RunResult:
    """Run the rules over a model that is already built (from files, or live from AWS)."""
    services = services or Services()
    if services.policies is None and _needs_policies(model, settings):
        from ecs_lint.iam.provider import build_policy_provider

        # Raises PolicySourceError for a bad --iam/--role-policy file, before any rule runs.
        services.policies = build_policy_provider(settings, model)
    if services.policies is not None:
        # Live IAM look-ups (--aws) happen here, before the rules, so an AwsError (no
        # credentials, a missing permission) stops the run with its message instead of costing
        # single rules.
        services.policies.prefetch(model.tasks)
    if services.ecr_public is not None and needs_lookup(Lookup.ECR_PUBLIC, settings):
        # One concurrent batch for the whole run, before any rule asks.
        services.ecr_public.prefetch(model.images)
    findings, suppressed = settle(run_rules(model, settings, services), model, settings)
    checked = [document.path for document in model.documents]
    return RunResult(findings, len(model.documents), model.sources, checked, suppressed)


def _needs_policies(model: Model, settings: Settings) -> bool:
    """Whether the run needs the execution-role policy service. The rules ask it about task
    definitions only, so a run without one (Dockerfiles, Compose files...) skips it, and the
    IAM modules with it; ``--iam``, ``--role-policy`` and ``--aws`` are still read (a bad file
    is still reported) whatever the run holds."""
    return bool(settings.iam_files or settings.role_policy_files or settings.aws or model.tasks)


def needs_lookup(lookup: Lookup, settings: Settings) -> bool:
    """Whether a selected rule needs ``lookup`` fetched."""
    return any(lookup in rule.lookups and settings.is_selected(rule.code) for rule in RULES)


def _means_unchecked(finding: Finding) -> bool:
    rule = BY_CODE.get(finding.rule)
    return rule is not None and rule.means_unchecked


def settle(
    findings: list[Finding], model: Model, settings: Settings
) -> tuple[list[Finding], list[Finding]]:
    """Apply suppressions (reporting unused ones) and severity overrides.

    Returns the findings to report and the suppressed ones.
    """
    outcome = suppress.apply(findings, model, settings)
    return (
        suppress.with_severity(outcome.findings, settings),
        suppress.with_severity(outcome.suppressed, settings),
    )


def run_rules(model: Model, settings: Settings, services: Services) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        if settings.is_selected(rule.code):
            findings.extend(_checked(rule, model, settings, services))
    findings.sort(key=lambda finding: finding.sort_key)
    return _without_repeats(findings)


def _without_repeats(findings: list[Finding]) -> list[Finding]:
    """Each finding once: a file read both on its own and through another (Terraform's
    ``file("containers.json")``), or a task linted in several variants (CloudFormation's
    ``Fn::If``), yields the same finding at the same place more than once."""
    seen: set[tuple[str, Span, str]] = set()
    unique: list[Finding] = []
    for finding in findings:
        key = (finding.rule, finding.span, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def _checked(rule: Rule, model: Model, settings: Settings, services: Services) -> list[Finding]:
    """A rule's findings; a bug in one rule costs that rule's findings, never the run.

    The crash is reported as a finding without a file of the rule that reports parse problems
    (so the exit status is 2: the run did not check everything), never as a traceback.
    """
    try:
        return list(rule.check(model, RuleContext(rule, settings, services)))
    except Exception as error:
        message = (
            f"internal error in rule {rule.code} ({type(error).__name__}: {error}); its findings "
            "are missing, please report it"
        )
        reporter = next(rule for rule in RULES if ProblemKind.PARSE in rule.reports)
        context = RuleContext(reporter, settings, services)
        return [context.finding(Span("", 1, 1, 1, 1, logical="ecs-lint"), message)]
