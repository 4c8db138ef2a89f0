"""``ecs-lint aws``: lint what runs in AWS, with the same rules as for files."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, NoReturn

from ecs_lint.cli.common import (
    HUMAN_FORMATS,
    fail,
    lookup_services,
    report_and_exit,
    report_lookup_warnings,
    require_report_options,
    say,
)

if TYPE_CHECKING:
    from ecs_lint.settings import Settings


def aws(settings: Settings) -> NoReturn:
    """Lint the ECS services and task definitions registered in AWS (read-only calls).

    With no filter: every service of every cluster in the region(s) and the task definitions
    they run, with live execution-role, secret and network look-ups.
    """
    from ecs_lint.aws.run import Scope, lint_aws
    from ecs_lint.awsapi.wire import AwsError
    from ecs_lint.iam.live import LiveAws
    from ecs_lint.settings import ROLE_POLICY_HINT_AWS_COMMAND

    require_report_options(settings)
    regions = settings.aws_regions
    settings = replace(
        settings,
        aws=True,
        aws_region=regions[0] if regions else settings.aws_region,
        role_policy_hint=ROLE_POLICY_HINT_AWS_COMMAND,
    )
    services = lookup_services(settings)
    live = LiveAws.for_settings(settings, alternative=None)
    try:
        result = lint_aws(
            settings, Scope.of(settings), regions, ecr_public=services.ecr_public, live=live
        )
    except AwsError as error:
        fail(error.message)
    finally:
        report_lookup_warnings(services, live)
    if result.nothing_found and settings.output_format not in HUMAN_FORMATS:
        say(f"ecs-lint: {result.nothing_found}")  # the report itself has no place to say it
    report_and_exit(result, settings)
