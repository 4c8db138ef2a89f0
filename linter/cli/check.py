"""``ecs-lint check PATH...`` (the default command): lint files, and with ``--fix`` or ``--diff``
apply or show the fixes."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from ecs_lint.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    fail,
    lookup_services,
    plural,
    report_and_exit,
    report_lookup_warnings,
    require_output_format,
    say,
)
from ecs_lint.cli.options import (
    AwsOption,
    ConfigOption,
    DockerHubLimitOption,
    ExitZeroOption,
    ExtendSelectOption,
    FailLevelOption,
    IamOption,
    IgnoreOption,
    MaxFileSizeOption,
    NoSuppressionsOption,
    OfflineOption,
    OutputFormatOption,
    ParameterOption,
    ProfileOption,
    QuietOption,
    RegionOption,
    RolePolicyOption,
    SecretKmsKeyOption,
    SelectOption,
    StatisticsOption,
    load_settings,
)

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.rule import Services
    from ecs_lint.settings import Settings


def check_command(
    paths: Annotated[list[str], typer.Argument(help="Files and directories to lint.")],
    output_format: OutputFormatOption = "text",
    build_arg: Annotated[
        list[str] | None,
        typer.Option(
            "--build-arg",
            help="Dockerfile ARG value, NAME=VALUE (repeatable).",
            metavar="NAME=VALUE",
        ),
    ] = None,
    env: Annotated[
        list[str] | None,
        typer.Option(
            "--env",
            help="Variable for Docker Compose interpolation, NAME=VALUE (repeatable); "
            "wins over the compose file's .env.",
            metavar="NAME=VALUE",
        ),
    ] = None,
    parameter: ParameterOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    extend_select: ExtendSelectOption = None,
    exit_zero: ExitZeroOption = False,
    config: ConfigOption = None,
    fail_level: FailLevelOption = None,
    no_suppressions: NoSuppressionsOption = False,
    statistics: StatisticsOption = False,
    quiet: QuietOption = False,
    fix: Annotated[
        bool, typer.Option("--fix", help="Apply safe fixes, then report what remains.")
    ] = False,
    unsafe_fixes: Annotated[
        bool,
        typer.Option(
            "--unsafe-fixes",
            help="Also apply unsafe fixes (e.g. an ECR Public image whose tag was not checked).",
        ),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print the fixes as a unified diff; write nothing.")
    ] = False,
    offline: OfflineOption = False,
    iam: IamOption = None,
    role_policy: RolePolicyOption = None,
    secret_kms_key: SecretKmsKeyOption = None,
    aws: AwsOption = False,
    region: RegionOption = None,
    profile: ProfileOption = None,
    docker_hub_limit: DockerHubLimitOption = None,
    max_file_size: MaxFileSizeOption = None,
) -> None:
    """Lint task definitions and Dockerfiles (the default command)."""
    from ecs_lint.discover import MissingPath
    from ecs_lint.engine import lint_paths
    from ecs_lint.iam.sources import PolicySourceError
    from ecs_lint.iam.wire import AwsError  # not iam.live: boto3 glue a file lint never needs
    from ecs_lint.reporters import REPORTERS
    from ecs_lint.settings import ROLE_POLICY_HINT_LIVE

    require_output_format(output_format, REPORTERS)
    settings = load_settings(
        config,
        select=select,
        ignore=ignore,
        extend_select=extend_select,
        exit_zero=exit_zero,
        fail_level=fail_level,
        no_suppressions=no_suppressions,
        offline=offline,
        docker_hub_limit=docker_hub_limit,
        build_arg=build_arg,
        env=env,
        parameter=parameter,
        iam=iam,
        role_policy=role_policy,
        secret_kms_key=secret_kms_key,
        aws=aws,
        region=region,
        profile=profile,
        fix=fix,
        unsafe_fixes=unsafe_fixes,
        diff=diff,
        role_policy_hint=ROLE_POLICY_HINT_LIVE if aws else None,
        max_file_size=max_file_size,
    )
    services = lookup_services(settings)
    try:
        result = lint_paths(paths, settings, services)
        if settings.diff:
            show_diff(result, settings)
        if settings.fix:
            result = apply_fixes(paths, result, settings, services)
    except MissingPath as missing:
        fail(f"path '{missing}' does not exist")
    except (PolicySourceError, AwsError) as error:
        fail(error.message)
    finally:
        report_lookup_warnings(services)
    report_and_exit(result, settings, output_format, statistics=statistics, quiet=quiet)


def show_diff(result: RunResult, settings: Settings) -> NoReturn:
    """``--diff``: print what the fixes would change, write nothing; exit 1 when there is any."""
    from ecs_lint.fixes import plan_fixes, unified_diff

    plan = plan_fixes(result, unsafe=settings.unsafe_fixes)
    for change in plan.files:
        sys.stdout.write(unified_diff(change))
    for message in plan.skipped:
        say(f"ecs-lint: {message}")
    typer.echo(
        f"Would fix {plural(plan.fixed_count, 'finding')} in {plural(len(plan.files), 'file')}"
        f"{_withheld(plan.unsafe_withheld)}.",
        err=True,
    )
    if result.could_not_check:
        raise typer.Exit(EXIT_ERROR)
    raise typer.Exit(EXIT_FINDINGS if plan.files else EXIT_CLEAN)


def apply_fixes(
    paths: list[str], result: RunResult, settings: Settings, services: Services
) -> RunResult:
    """``--fix``: write the fixes, then lint again so the report shows what remains."""
    from ecs_lint.engine import lint_paths
    from ecs_lint.fixes import plan_fixes, write_fixes

    plan = plan_fixes(result, unsafe=settings.unsafe_fixes)
    written, problems = write_fixes(plan)
    for message in [*plan.skipped, *problems]:
        say(f"ecs-lint: {message}")
    if not written and not plan.unsafe_withheld:
        return result
    fixed = sum(len(change.findings) for change in written)
    typer.echo(
        f"Fixed {plural(fixed, 'finding')} in {plural(len(written), 'file')}"
        f"{_withheld(plan.unsafe_withheld)}.",
        err=True,
    )
    return lint_paths(paths, settings, services) if written else result


def _withheld(count: int) -> str:
    if not count:
        return ""
    return f" ({plural(count, 'more fix', 'more fixes')} available with --unsafe-fixes)"
