"""``ecs-lint policy PATH...``: read the task definitions, print what their execution roles need.

Files are read with the same sources as ``ecs-lint check`` (task-definition JSON, CloudFormation,
Terraform); role policies, secrets and keys come from the same places as the credentials rules
(``--iam``, ``--role-policy``, ``--secret-kms-key``, templates, ``--aws``). Nothing is printed
when a file cannot be read: :class:`PolicyCommandError` names the file, line and column first.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from ecs_lint.iam.generate import (
    INLINE_ROLE_POLICY_LIMIT,
    MANAGED_POLICY_LIMIT,
    generate_role_policies,
    policy_size,
    template_values,
)

if TYPE_CHECKING:
    from ecs_lint.aws.inventory import Scope
    from ecs_lint.iam.generate import RolePolicy
    from ecs_lint.iam.live import LiveAws
    from ecs_lint.model import Model
    from ecs_lint.settings import Settings

__all__ = [
    "FORMATS",
    "PolicyCommandError",
    "PolicyOutput",
    "live_model",
    "load_model",
    "policy_output",
]

FORMATS: Final = {
    "json": "ecs_lint.iam.policy_json",
    "cloudformation": "ecs_lint.iam.policy_cloudformation",
    "terraform": "ecs_lint.iam.policy_terraform",
}
DEFAULT_POLICY_NAME: Final = "ecs-task-execution"


class PolicyCommandError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class PolicyOutput:
    text: str
    """What goes to standard output (possibly empty)."""
    notes: list[str] = field(default_factory=list)
    """Warnings and notes for standard error."""
    policies: list[RolePolicy] = field(default_factory=list)

    @property
    def anything_missing(self) -> bool:
        return any(entry.requirements for entry in self.policies)


def load_model(paths: list[str], settings: Settings) -> Model:
    """Every document the paths hold; raises ``PolicyCommandError`` for a file that cannot be
    read or parsed, naming the place, and ``MissingPath`` for a missing path."""
    from ecs_lint.discover import discover
    from ecs_lint.load import load_document
    from ecs_lint.model import Model, ProblemKind

    model = Model()
    for candidate in discover(paths):
        loaded = load_document(candidate, settings)
        if loaded is None:
            continue
        document, _ = loaded
        for problem in document.problems:
            if problem.kind is ProblemKind.PARSE:
                span = problem.span
                raise PolicyCommandError(
                    f"{span.path}:{span.line}:{span.column}: {problem.message}"
                )
        model.documents.append(document)
    return model


def live_model(settings: Settings, scope: Scope, live: LiveAws) -> tuple[Model, str]:
    """The task definitions ``ecs-lint aws`` would read for ``scope`` (services of clusters,
    or task definitions alone), in one region, and that region."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    from ecs_lint.aws.build import region_model
    from ecs_lint.aws.inventory import CONCURRENCY, fetch_region
    from ecs_lint.aws.progress import tracker_for
    from ecs_lint.aws.run import regions_to_read

    given = (settings.aws_region,) if settings.aws_region else ()
    region = regions_to_read(given, settings, live)[0]
    if live.region is None:
        live.region = region
    with (
        tracker_for(sys.stderr) as tracker,
        ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="ecs-lint-aws") as pool,
    ):
        inventory = fetch_region(live, region, scope, tracker, pool)
    return region_model(inventory), region


def policy_output(
    paths: list[str],
    settings: Settings,
    *,
    output_format: str = "json",
    missing: bool = False,
    role: str | None = None,
    policy_name: str = DEFAULT_POLICY_NAME,
    live: LiveAws | None = None,
    scope: Scope | None = None,
) -> PolicyOutput:
    """The policies as ``output_format`` prints them, with the notes to show beside them.

    ``scope`` (``--cluster``, ``--service``, ``--task-definition``) reads the task definitions
    from AWS as ``ecs-lint aws`` does, besides any ``paths``. Raises ``PolicyCommandError``,
    ``MissingPath``, ``PolicySourceError`` and (live) ``AwsError``, all before anything is
    printed.
    """
    from dataclasses import replace

    from ecs_lint.iam.provider import build_policy_provider

    if output_format not in FORMATS:
        raise PolicyCommandError(
            f"unknown policy format '{output_format}' (choose from {', '.join(FORMATS)})"
        )
    model = load_model(paths, settings) if paths else None
    if scope is not None:
        if live is None:
            from ecs_lint.iam.live import LiveAws

            live = LiveAws.for_settings(settings)
        aws_model, region = live_model(settings, scope, live)
        settings = replace(settings, aws=True, aws_region=region)
        if model is not None:
            aws_model.documents[:0] = model.documents
        model = aws_model
    if model is None:
        raise PolicyCommandError(
            "give files or directories, or AWS targets (--cluster, --service, --task-definition)"
        )
    provider = build_policy_provider(settings, model, live)
    provider.prefetch(model.tasks)
    policies = generate_role_policies(model, provider, missing=missing, role=role)
    output = PolicyOutput("", policies=policies)
    if provider.live is not None:
        output.notes += [f"warning: {warning}" for warning in provider.live.warnings]
    if not model.tasks:
        output.notes.append("no task definitions found")
    elif not policies and role is not None:
        output.notes.append(f"no task definition uses the execution role {role}")
    printed = [entry for entry in policies if entry.requirements]
    if output_format == "terraform":
        printed = _terraform_printable(printed, output)
    for entry in policies:
        output.notes.extend(_notes(entry, output_format, missing))
    renderer = importlib.import_module(FORMATS[output_format])
    output.text = renderer.render(printed, policy_name) if printed else ""
    return output


def _terraform_printable(printed: list[RolePolicy], output: PolicyOutput) -> list[RolePolicy]:
    """The roles an ``aws_iam_role_policy`` can name; each other one gets a note saying why, and
    when none is left that is the error."""
    from ecs_lint.iam.policy_terraform import refusal

    kept: list[RolePolicy] = []
    refused: list[str] = []
    for entry in printed:
        reason = refusal(entry)
        if reason is None:
            kept.append(entry)
        else:
            refused.append(reason)
    if refused and not kept:
        raise PolicyCommandError("; ".join(refused))
    output.notes.extend(refused)
    return kept


def _notes(entry: RolePolicy, output_format: str, missing: bool) -> list[str]:
    where = f"execution role {entry.label}"
    notes = [f"{where}: {note}" for note in entry.notes]
    if entry.role is None:
        notes.append(
            f"{where}: tasks {', '.join(entry.tasks)} have no executionRoleArn; create a role "
            "with this policy and name it there"
        )
    if not entry.requirements:
        already = missing and entry.needed and entry.known is not None
        notes.append(
            f"{where}: its current policies already allow everything its tasks need"
            if already
            else f"{where}: its tasks need nothing of it (nothing printed)"
        )
        return notes
    document = entry.document()
    size = policy_size(document)
    if size > INLINE_ROLE_POLICY_LIMIT:
        notes.append(
            f"{where}: the policy is {size:,} characters without whitespace; IAM accepts at "
            f"most {INLINE_ROLE_POLICY_LIMIT:,} for all of a role's inline policies together: "
            f"split it into managed policies (at most {MANAGED_POLICY_LIMIT:,} each)"
        )
    if output_format == "json":
        values = template_values(document)
        if values:
            notes.append(
                f"{where}: the policy holds values the template leaves unresolved "
                f"({', '.join(values)}): print it with --format cloudformation or --format "
                "terraform, or give them with --parameter"
            )
    elif output_format == "cloudformation":
        from ecs_lint.iam.policy_cloudformation import unsupported_values

        values = unsupported_values(entry)
        if values:
            notes.append(
                f"{where}: CloudFormation cannot resolve {', '.join(values)}; replace them "
                "before deploying"
            )
    elif output_format == "terraform":
        from ecs_lint.iam.policy_terraform import fill_ins, refusal

        if refusal(entry) is None and fill_ins(entry):
            notes.append(
                f"{where}: the Terraform block holds values ecs-lint could not resolve; fill "
                "them in before applying (its comment lists them)"
            )
    return notes
