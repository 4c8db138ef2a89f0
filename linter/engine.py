"""The pipeline: discover → sources → model → rules → findings.

Reporters and fixes take the ``RunResult`` from here; nothing in this module prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint import suppress
from ecs_lint.discover import Candidate, discover
from ecs_lint.findings import Finding, Severity
from ecs_lint.model import Document, LintRequest, Model, Problem, Span
from ecs_lint.rule import Rule, RuleContext, Services
from ecs_lint.rules import RULES
from ecs_lint.sources import format_named, formats_for
from ecs_lint.textio import SourceText, UnreadableFile, read_source

if TYPE_CHECKING:
    from ecs_lint.settings import Settings
    from ecs_lint.sources import Parser


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

    @property
    def could_not_check(self) -> bool:
        return any(finding.rule == "EL900" for finding in self.findings)


def lint_paths(paths: list[str], settings: Settings, services: Services | None = None) -> RunResult:
    """Lint files and directories; raises ``MissingPath`` for a path that does not exist."""
    model = Model()
    sources: dict[str, SourceText] = {}
    for candidate in discover(paths):
        loaded = load_document(candidate, settings)
        if loaded is None:
            continue
        document, source = loaded
        model.documents.append(document)
        if source is not None:
            sources[document.path] = source
    lint_requested_files(model, sources, settings, paths)
    model.resolve_pull_identities()
    return lint_model(model, settings, services, sources)


def lint_model(
    model: Model,
    settings: Settings,
    services: Services | None = None,
    sources: dict[str, SourceText] | None = None,
) -> RunResult:
    """Run the rules over a model that is already built (from files, or live from AWS)."""
    services = services or Services()
    if services.policies is None:
        from ecs_lint.iam.provider import build_policy_provider

        # Raises PolicySourceError for a bad --iam/--role-policy file, before any rule runs.
        services.policies = build_policy_provider(settings, model)
    # Live IAM look-ups (--aws) happen here, before the rules, so an AwsError (no credentials, a
    # missing permission) stops the run with its message instead of costing single rules.
    services.policies.prefetch(model.tasks)
    if services.ecr_public is not None:
        # One concurrent batch for the whole run, before any rule asks.
        services.ecr_public.prefetch(model.images)
    findings, suppressed = settle(run_rules(model, settings, services), model, settings)
    checked = [document.path for document in model.documents]
    return RunResult(findings, len(model.documents), sources or {}, checked, suppressed)


def settle(
    findings: list[Finding], model: Model, settings: Settings
) -> tuple[list[Finding], list[Finding]]:
    """Apply suppressions (reporting unused ones as EL901) and severity overrides.

    Returns the findings to report and the suppressed ones.
    """
    outcome = suppress.apply(findings, model, settings)
    return (
        suppress.with_severity(outcome.findings, settings),
        suppress.with_severity(outcome.suppressed, settings),
    )


def load_document(
    candidate: Candidate, settings: Settings
) -> tuple[Document, SourceText | None] | None:
    """Read and parse one candidate; ``None`` when no format claims it."""
    if candidate.refused is not None:
        return _unreadable(candidate.display, UnreadableFile(candidate.refused)), None
    try:
        source = read_source(candidate.path, candidate.display)
    except UnreadableFile as error:
        if not candidate.explicit and not _claimed_by_name(candidate):
            return None
        return _unreadable(candidate.display, error), None
    formats = formats_for(candidate.path.name, source.text, explicit=candidate.explicit)
    if not formats:
        return None
    try:
        return formats[0].parser()(source, settings), source
    except Exception as error:  # a source bug must cost one file, not the run
        message = (
            f"internal error while parsing ({type(error).__name__}: {error}); please report it"
        )
        return _unreadable(candidate.display, UnreadableFile(message)), source


def _claimed_by_name(candidate: Candidate) -> bool:
    # A binary *.json found in a walk is somebody else's file; a binary "Dockerfile" is ours.
    return candidate.path.suffix.lower() not in {".json", ".yaml", ".yml"}


def lint_requested_files(
    model: Model, sources: dict[str, SourceText], settings: Settings, roots: list[str]
) -> None:
    """Lint the files documents asked for: a compose service's Dockerfile with its build args.

    A requested file is linted once per distinct set of arguments, and those lints are merged
    into one document that replaces the plain lint a directory walk gave the file, so nothing in
    it is reported twice: an image every argument set resolves alike is reported once, and one
    that depends on the arguments once per value. Only files inside the working directory or a
    linted path are read, so a compose file cannot make ecs-lint print parts of other files.
    """
    requests = [request for doc in model.documents for request in doc.lint_requests]
    if not requests:
        return
    by_file: dict[Path, list[LintRequest]] = {}
    for request in requests:
        by_file.setdefault(Path(request.path).resolve(), []).append(request)
    model.documents = [doc for doc in model.documents if Path(doc.path).resolve() not in by_file]
    parse = format_named("dockerfile").parser()
    allowed = [Path.cwd().resolve(), *(_root_directory(root) for root in roots)]
    for resolved, group in by_file.items():
        display = group[0].path
        try:
            if not any(resolved.is_relative_to(root) for root in allowed):
                raise UnreadableFile(
                    "outside the working directory and the linted paths, so not read "
                    "(run ecs-lint from the project root)"
                )
            source = read_source(Path(display), display)
        except UnreadableFile as error:
            message = f"cannot lint Dockerfile '{display}': {error.message}"
            sites = dict.fromkeys(request.requested_at for request in group)
            problems = [Problem("EL900", message, site) for site in sites]
            model.documents.append(Document(group[0].requested_at.path, problems=problems))
            continue
        merged: Document | None = None
        for args in dict.fromkeys(request.build_args for request in group):
            arg_settings = replace(settings, build_args={**settings.build_args, **dict(args)})
            document = _parse_guarded(parse, source, arg_settings)
            merged = document if merged is None else _merge(merged, document)
        assert merged is not None
        model.documents.append(merged)
        sources[display] = source


def _root_directory(root: str) -> Path:
    path = Path(root).resolve()
    return path if path.is_dir() else path.parent


def _merge(first: Document, other: Document) -> Document:
    """One document for two lints of the same file; suppressions come from the first."""
    first.images += [use for use in other.images if use not in first.images]
    first.problems += [problem for problem in other.problems if problem not in first.problems]
    return first


def _parse_guarded(parse: Parser, source: SourceText, settings: Settings) -> Document:
    try:
        return parse(source, settings)
    except Exception as error:  # a source bug must cost one file, not the run
        name = type(error).__name__
        message = f"internal error while parsing ({name}: {error}); please report it"
        return _unreadable(source.path, UnreadableFile(message))


def _unreadable(path: str, error: UnreadableFile) -> Document:
    span = Span(path, error.line, error.column, error.line, error.column + 1)
    return Document(path, problems=[Problem("EL900", error.message, span)])


def run_rules(model: Model, settings: Settings, services: Services) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        if settings.is_selected(rule.code):
            findings.extend(_checked(rule, model, RuleContext(rule, settings, services)))
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


def _checked(rule: Rule, model: Model, context: RuleContext) -> list[Finding]:
    """A rule's findings; a bug in one rule costs that rule's findings, never the run.

    The crash is reported as an EL900 finding without a file (so the exit status is 2: the
    run did not check everything), never as a traceback.
    """
    try:
        return list(rule.check(model, context))
    except Exception as error:
        message = (
            f"internal error in rule {rule.code} ({type(error).__name__}: {error}); its findings "
            "are missing, please report it"
        )
        span = Span("", 1, 1, 1, 1, logical="ecs-lint")
        return [Finding("EL900", "parse-error", Severity.ERROR, span, message)]
