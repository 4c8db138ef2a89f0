"""``ecs-lint policy``: the least-privilege IAM policy each execution role needs.

Files are read as ``ecs-lint check`` reads them (the engine's ``load_model``), what runs in AWS as
``ecs-lint aws`` reads it; role policies, secrets and keys come from the same places as for the
credentials rules (``--iam``, ``--role-policy``, ``--secret-kms-key``, templates, ``--aws``).
Nothing is printed when a file cannot be read: the error names its file, line and column. The
policies are ``iam.generate``'s, printed by one small renderer per format.
"""

from __future__ import annotations

import importlib
import sys
from dataclasses import replace
from typing import TYPE_CHECKING, Final, NoReturn

from ecs_lint.cli.common import EXIT_CLEAN, EXIT_FINDINGS, fail, say

if TYPE_CHECKING:
    from ecs_lint.aws.inventory import Scope
    from ecs_lint.iam.generate import RolePolicy
    from ecs_lint.iam.live import LiveAws
    from ecs_lint.model import Model
    from ecs_lint.settings import Settings

FORMATS: Final = {
    "json": "ecs_lint.iam.policy_json",
    "cloudformation": "ecs_lint.iam.policy_cloudformation",
    "terraform": "ecs_lint.iam.policy_terraform",
}


def policy(paths: list[str] | None, settings: Settings) -> NoReturn:
    """Print the least-privilege IAM policy each execution role needs for its task definitions.

    Reads files (default: the current directory), or with --aws and
    --cluster/--service/--task-definition what runs in AWS (with --aws alone: every service of
    every cluster in the region).
    """
    from ecs_lint.aws.inventory import Scope
    from ecs_lint.awsapi.wire import AwsError
    from ecs_lint.config import ConfigError
    from ecs_lint.iam.generate import generate_role_policies
    from ecs_lint.iam.provider import build_policy_provider
    from ecs_lint.iam.sources import PolicySourceError

    output_format, role = settings.policy_format, settings.policy_role
    if output_format not in FORMATS:
        from ecs_lint.convert import unknown_choice

        fail(str(unknown_choice("policy format", output_format, FORMATS)))
    scope = Scope.of(settings)
    reads_aws = scope != Scope() or (settings.aws and not paths)
    if not paths and not reads_aws:
        paths = ["."]  # as ecs-lint check: the current directory
    try:
        model, settings, live = _model(paths or [], settings, scope if reads_aws else None)
        provider = build_policy_provider(settings, model, live)
        provider.prefetch(model.tasks)
        policies = generate_role_policies(
            model, provider, missing=settings.policy_missing, role=role
        )
    except (PolicySourceError, AwsError) as error:
        fail(error.message)
    except ConfigError as error:  # a sub-project's configuration (Settings.for_path)
        fail(str(error))
    notes = [f"warning: {warning}" for warning in provider.live.warnings] if provider.live else []
    if not model.tasks:
        notes.append("no task definitions found")
    elif not policies and role is not None:
        notes.append(f"no task definition uses the execution role {role}")
    printed = [entry for entry in policies if entry.requirements]
    if output_format == "terraform":
        printed = _terraform_printable(printed, notes)
    for entry in policies:
        notes.extend(_notes(entry, output_format, settings.policy_missing))
    renderer = importlib.import_module(FORMATS[output_format])
    for note in notes:
        say(f"ecs-lint: {note}")
    sys.stdout.write(renderer.render(printed, settings.policy_name) if printed else "")
    missing = settings.policy_missing and any(entry.requirements for entry in policies)
    sys.exit(EXIT_FINDINGS if missing else EXIT_CLEAN)


def _model(
    paths: list[str], settings: Settings, scope: Scope | None
) -> tuple[Model, Settings, LiveAws | None]:
    """The files' model, and with ``scope`` what it names in AWS after them; the settings of
    the run (a live read's region); its AWS clients, if it read AWS."""
    from ecs_lint.engine import load_model
    from ecs_lint.model import ProblemKind

    model = load_model(paths, settings)
    for problem in model.problems((ProblemKind.PARSE, ProblemKind.MISSING)):
        if problem.about is None:  # a file given cannot be read (not a file one of them names)
            span = problem.span
            fail(f"{span.path}:{span.line}:{span.column}: {problem.message}")
    if scope is None:
        return model, settings, None
    from ecs_lint.aws.run import live_documents
    from ecs_lint.iam.live import LiveAws

    # After the files: an unreadable one stops the command before any AWS call.
    live = LiveAws.for_settings(settings)
    documents, region = live_documents(settings, scope, live)
    model.documents.extend(documents)
    return model, replace(settings, aws=True, aws_region=region), live


def _terraform_printable(printed: list[RolePolicy], notes: list[str]) -> list[RolePolicy]:
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
        fail("; ".join(refused))
    notes.extend(refused)
    return kept


def _notes(entry: RolePolicy, output_format: str, missing: bool) -> list[str]:
    from ecs_lint.iam.generate import (
        INLINE_ROLE_POLICY_LIMIT,
        MANAGED_POLICY_LIMIT,
        policy_size,
        template_values,
    )

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
