"""``ecs-lint policy``: the least-privilege IAM policy each execution role needs."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

from ecs_lint.cli.common import EXIT_CLEAN, EXIT_FINDINGS, fail, say

if TYPE_CHECKING:
    from ecs_lint.settings import Settings


def policy(paths: list[str] | None, settings: Settings) -> NoReturn:
    """Print the least-privilege IAM policy each execution role needs for its task definitions.

    Reads files, or with --aws and --cluster/--service/--task-definition what runs in AWS (with
    --aws alone: every service of every cluster in the region).
    """
    from ecs_lint.aws.inventory import Scope
    from ecs_lint.discover import MissingPath
    from ecs_lint.iam.live import AwsError
    from ecs_lint.iam.policy_command import PolicyCommandError, policy_output
    from ecs_lint.iam.sources import PolicySourceError

    scope = Scope.of(settings)
    reads_aws = scope != Scope() or (settings.aws and not paths)
    try:
        output = policy_output(
            paths or [],
            settings,
            output_format=settings.policy_format,
            missing=settings.policy_missing,
            role=settings.policy_role,
            policy_name=settings.policy_name,
            scope=scope if reads_aws else None,
        )
    except MissingPath as missing_path:
        fail(f"path '{missing_path}' does not exist")
    except (PolicyCommandError, PolicySourceError, AwsError) as error:
        fail(error.message)
    for note in output.notes:
        say(f"ecs-lint: {note}")
    sys.stdout.write(output.text)
    sys.exit(EXIT_FINDINGS if settings.policy_missing and output.anything_missing else EXIT_CLEAN)
