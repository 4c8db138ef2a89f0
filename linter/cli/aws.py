"""``ecs-lint aws``: lint what runs in AWS, with the same rules as for files."""

from __future__ import annotations

from typing import Annotated

import typer

from ecs_lint.cli.common import (
    fail,
    lookup_services,
    report_and_exit,
    report_lookup_warnings,
    require_output_format,
    say,
)
from ecs_lint.cli.options import (
    ClusterOption,
    ConfigOption,
    DockerHubLimitOption,
    ExitZeroOption,
    ExtendSelectOption,
    FailLevelOption,
    IgnoreOption,
    NoSuppressionsOption,
    OfflineOption,
    OutputFormatOption,
    ProfileOption,
    QuietOption,
    SelectOption,
    ServiceOption,
    StatisticsOption,
    TaskDefinitionOption,
    scope_of,
)
from ecs_lint.cli.values import load_settings, region_option

SUMMARISING_FORMATS = frozenset({"text", "concise"})
"""Output formats whose report ends with a summary line (which says when nothing was found)."""


def aws_command(
    output_format: OutputFormatOption = "text",
    region: Annotated[
        list[str] | None,
        typer.Option(
            "--region",
            help="Region to read (repeatable; default: aws-region in the configuration, else the "
            "profile's or AWS_REGION).",
            metavar="REGION",
        ),
    ] = None,
    profile: ProfileOption = None,
    cluster: ClusterOption = None,
    service: ServiceOption = None,
    task_definition: TaskDefinitionOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    extend_select: ExtendSelectOption = None,
    exit_zero: ExitZeroOption = False,
    config: ConfigOption = None,
    fail_level: FailLevelOption = None,
    no_suppressions: NoSuppressionsOption = False,
    statistics: StatisticsOption = False,
    quiet: QuietOption = False,
    offline: OfflineOption = False,
    docker_hub_limit: DockerHubLimitOption = None,
) -> None:
    """Lint the ECS services and task definitions registered in AWS (read-only calls).

    With no filter: every service of every cluster in the region(s) and the task definitions
    they run, with live execution-role, secret and network look-ups.
    """
    from ecs_lint.aws.run import lint_aws
    from ecs_lint.iam.live import AwsError, LiveAws
    from ecs_lint.reporters import REPORTERS
    from ecs_lint.settings import ROLE_POLICY_HINT_AWS_COMMAND

    require_output_format(output_format, REPORTERS)
    regions = tuple(region_option(value) for value in region or ())
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
        aws=True,
        region=regions[0] if regions else None,
        profile=profile,
        role_policy_hint=ROLE_POLICY_HINT_AWS_COMMAND,
    )
    services = lookup_services(settings)
    scope = scope_of(cluster, service, task_definition)
    live = LiveAws.for_settings(settings, alternative=None)
    try:
        result = lint_aws(settings, scope, regions, ecr_public=services.ecr_public, live=live)
    except AwsError as error:
        fail(error.message)
    finally:
        report_lookup_warnings(services, live)
    if result.nothing_found and output_format not in SUMMARISING_FORMATS:
        say(f"ecs-lint: {result.nothing_found}")  # the report itself has no place to say it
    report_and_exit(result, settings, output_format, statistics=statistics, quiet=quiet)
