"""The pipeline: discover → load (sources) → requested files → model → rules → findings.

Each stage is a module of its own (``discover``, ``load``, ``requested``, the rules); this one
runs them in order: :func:`load_model` builds the run's model (every command that reads files
calls it, and ``ecs-lint aws`` with the documents it read from AWS), :func:`lint_model` runs the
rules over it. Reporters and fixes take the ``RunResult`` from here; nothing here prints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint import parallel, suppress
from ecs_lint.context import RunFiles, add_context
from ecs_lint.load import GivenText, load_document, load_given
from ecs_lint.model import Model, ProblemKind, Span
from ecs_lint.requested import lint_requested_files
from ecs_lint.rule import Lookup, Rule, RuleContext, Services
from ecs_lint.rules import BY_CODE, RULES
from ecs_lint.textio import absorb_reads, reading_once, run_reads

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ecs_lint.discover import Candidate
    from ecs_lint.findings import Finding
    from ecs_lint.model import Document
    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText


@dataclass(slots=True)
class RunResult:
    """What a run found, and what it checked."""

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
    not_checked: list[tuple[str, str]] = field(default_factory=list)
    """Files a format claims that are templates another tool renders first, with what kind of
    template: not checked, said once."""
    notices: list[str] = field(default_factory=list)
    """What the user should know about the configurations found (said on stderr)."""

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


def lint_paths(
    paths: list[str],
    settings: Settings,
    services: Services | None = None,
    given: Iterable[GivenText] = (),
) -> RunResult:
    """Lint files and directories (a path that does not exist is a parse problem of its own),
    and texts ``given`` on stdin."""
    return lint_model(load_model(paths, settings, given=given), settings, services)


def load_model(
    paths: list[str],
    settings: Settings,
    documents: Iterable[Document] = (),
    given: Iterable[GivenText] = (),
) -> Model:
    """The run's model: every file ``paths`` hold, read and parsed (one that cannot be, or a
    path that does not exist, is a parse problem of its document), the texts ``given`` on
    stdin, what they depend on in their repositories read as context (``ecs_lint.context``), the
    files they ask for linted with them, the files their values come from (inside ``paths``),
    the plain lint of files that documents lint as modules they call dropped, and ``documents``
    read elsewhere (from AWS); then pull identities and services' task definitions resolved
    across all of them. Each file is parsed with its own settings (``Settings.for_path``)."""
    with reading_once():
        return _load_model(paths, settings, documents, given)


def _load_model(
    paths: list[str],
    settings: Settings,
    documents: Iterable[Document],
    given: Iterable[GivenText],
) -> Model:
    files = RunFiles(settings)
    model = Model()
    roots: dict[str, str] = {}
    named = _load_named(files.discovery.named(paths), settings)
    # A text given on stdin stands for the file its name names, if any, in its repository.
    texts = [
        (load_given(text, settings.for_path(text.name)), *_given_place(text)) for text in given
    ]
    for loaded, real, top in [*named, *texts]:
        if loaded is None:
            continue
        document, source = loaded
        if real and source is not None and document.path == source.path:
            model.remember_real_path(document.path, real)
        if document.not_checked is not None:
            model.not_checked.append(document)
            continue
        model.documents.append(document)
        if source is not None:
            model.sources[document.path] = source
        if real and source is not None:
            roots[real] = files.repository_of(real, top)
    add_context(model, files, roots)
    lint_requested_files(model, files, [*paths, *set(roots.values())])
    _add_related_texts(model, paths)
    model.drop_covered()
    model.documents.extend(documents)
    if model.context:
        # Findings are about the files checked and those their own values come from (the
        # Dockerfile a compose file checked builds, a module it calls), never about the context.
        model.reported = {model.real_path(path) for path in roots}
        for document in model.documents:
            model.reported.update(model.real_path(path) for path in document.span_paths())
    model.resolve_built_images()
    model.resolve_pull_identities()
    model.resolve_task_definitions()
    return model


# Formats whose parse shares work with other files of the run through a process-wide cache
# (a Terraform module's files are parsed and evaluated once for all of them): parsed here, not
# in a worker, so that the cache and its values are this process's.
_PARSED_HERE = frozenset({"terraform"})


class _Here:
    """A worker's answer for a file of a format parsed only in the main process. A plain class:
    a dataclass would cost every run its creation (about 4 M instructions) for no field."""

    __slots__ = ()


def _load_named(
    candidates: list[Candidate], settings: Settings
) -> list[tuple[tuple[Document, SourceText | None] | None, str, str]]:
    """Each candidate loaded with its own settings, on every core for a large run
    (``ecs_lint.parallel``), in the order of the candidates either way."""
    # Each file's settings are looked up here: reading a configuration may say something
    # (``RunResult.notices``), which must be said by this process.
    work = [(candidate, settings.for_path(candidate.display)) for candidate in candidates]
    loaded = parallel.map_forked(_load_shareable, work, run_reads, absorb_reads)
    return [
        (load_document(*item) if isinstance(result, _Here) else result, item[0].real, item[0].top)
        for item, result in zip(work, loaded, strict=True)
    ]


def _load_shareable(
    item: tuple[Candidate, Settings],
) -> tuple[Document, SourceText | None] | _Here | None:
    loaded = load_document(*item)
    if parallel.in_worker() and loaded is not None and loaded[0].format in _PARSED_HERE:
        return _Here()
    return loaded


def _given_place(text: GivenText) -> tuple[str, str]:
    """The real path a text given on stdin stands for, and its directory: ``("", "")`` when its
    name places it nowhere (``-``, or a directory that does not exist)."""
    directory = os.path.dirname(os.path.abspath(text.name))  # noqa: PTH100, PTH120
    if text.name == "-" or not os.path.isdir(directory):  # noqa: PTH112
        return "", ""
    real = os.path.realpath(text.name)
    return real, os.path.dirname(real)  # noqa: PTH120


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
    """Run the rules over a model that is already built (from files, or live from AWS).

    Each file's findings come from the rules run with its own settings (``Settings.for_path``):
    with several configurations in the run, the rules run once per configuration, over the
    whole model, and each keeps the findings in its files."""
    services = services or Services()
    by_settings = _settings_groups(model, settings)
    # One configuration (the usual run): the run's services; several: each its own policies.
    alone = len(by_settings) == 1
    groups = [
        (group, paths, services if alone else replace(services, policies=None, memo={}))
        for group, paths in by_settings
    ]
    for group, _, group_services in groups:
        _prepare_policies(model, group, group_services)
    if services.ecr_public is not None and needs_lookup(Lookup.ECR_PUBLIC, settings):
        # One concurrent batch for the whole run, before any rule asks.
        services.ecr_public.prefetch(model.images)
    findings: list[Finding] = []
    suppressed: list[Finding] = []
    for group, paths, group_services in groups:
        found = [f for f in run_rules(model, group, group_services) if model.reports(f.span)]
        if not alone:
            found = [f for f in found if not f.span.path or _group_of(f, settings) is group]
        reported, hidden = settle(found, model, group, paths)
        findings += reported
        suppressed += hidden
    if not alone:
        findings = _without_repeats(sorted(findings, key=lambda finding: finding.sort_key))
        suppressed.sort(key=lambda finding: finding.sort_key)
    checked = [document.path for document in model.documents]
    checked += [path for path in model.checked_through_callers if path not in checked]
    result = RunResult(findings, len(checked), model.sources, checked, suppressed)
    result.not_checked = [
        (document.path, document.not_checked or "") for document in model.not_checked
    ]
    if settings.configurations is not None:
        result.notices = list(settings.configurations.notices)
    return result


def _settings_groups(model: Model, settings: Settings) -> list[tuple[Settings, set[str] | None]]:
    """The distinct settings of the reported files, each with the display paths of its
    documents (``None``: every document, when there is one set of settings)."""
    if settings.configurations is None:
        return [(settings, None)]
    groups: dict[int, tuple[Settings, set[str]]] = {}
    for document in model.documents:
        if document.format is None:  # not from a file (live AWS): the run's settings
            groups.setdefault(id(settings), (settings, set()))[1].add(document.path)
            continue
        for path in document.span_paths():
            own = settings.for_path(path)
            groups.setdefault(id(own), (own, set()))[1].add(path)
    if len(groups) <= 1:
        only = next(iter(groups.values()))[0] if groups else settings
        return [(only, None)]
    return list(groups.values())


def _group_of(finding: Finding, settings: Settings) -> Settings:
    if finding.span.logical is not None:
        return settings
    return settings.for_path(finding.span.path)


def _prepare_policies(model: Model, settings: Settings, services: Services) -> None:
    if services.policies is None and _needs_policies(model, settings):
        from ecs_lint.iam.provider import build_policy_provider

        # Raises PolicySourceError for a bad --iam/--role-policy file, before any rule runs.
        services.policies = build_policy_provider(settings, model)
    if services.policies is not None:
        # Live IAM look-ups (--aws) happen here, before the rules and the other look-ups, so an
        # AwsError (no credentials, a missing permission) stops the run with its message
        # instead of costing single rules.
        services.policies.prefetch(model.tasks)


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
    findings: list[Finding], model: Model, settings: Settings, paths: set[str] | None = None
) -> tuple[list[Finding], list[Finding]]:
    """Apply suppressions (reporting unused ones, of the documents at ``paths``: all when
    ``None``) and severity overrides.

    Returns the findings to report and the suppressed ones.
    """
    outcome = suppress.apply(findings, model, settings, paths)
    return (
        suppress.with_severity(outcome.findings, settings),
        suppress.with_severity(outcome.suppressed, settings),
    )


def run_rules(model: Model, settings: Settings, services: Services) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        if settings.is_selected(rule.code):
            findings.extend(_checked(rule, model, settings, services))
        elif ProblemKind.MISSING in rule.reports:
            # A path the user named that does not exist is a mistake to report whatever the
            # selection: otherwise a typo reads "All clear".
            missing = replace(rule, reports=(ProblemKind.MISSING,))
            findings.extend(_checked(missing, model, settings, services))
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
