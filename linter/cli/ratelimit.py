"""``ecs-lint ratelimit``: Docker Hub's pull limit for this machine's address."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from ecs_lint.cli.common import EXIT_CLEAN, EXIT_FINDINGS, fail, require_output_format, say

if TYPE_CHECKING:
    from ecs_lint.settings import Settings


def ratelimit(settings: Settings) -> None:
    """Show Docker Hub's pull limit for this machine's address and the pulls left.

    Authenticated when DOCKERHUB_USERNAME and DOCKERHUB_TOKEN are set, or Docker's config.json
    holds Docker Hub credentials (credential helpers are not run). Exit status 1 when no pulls
    are left. A HEAD request: checking does not use up a pull. Beside it, the limit ecs-lint's
    rules assume (docker-hub-limit, else Docker's documented limit).
    """
    import json

    from ecs_lint.ratelimit import Configured, RateLimitError, check_rate_limit

    require_output_format(settings.output_format, ("text", "json"), command="ratelimit")
    try:
        answer, notes = check_rate_limit(settings)
    except RateLimitError as error:
        fail(error.message)
    for note in notes:
        say(f"ecs-lint: warning: {note}")
    configured = Configured.of(settings, answer)
    if settings.output_format == "json":
        typer.echo(json.dumps({**answer.as_json(), "configured": configured.as_json()}, indent=2))
    else:
        from ecs_lint.textio import printable

        # The answer quotes a header the server chose (the address counted against).
        typer.echo(printable(answer.as_text().rstrip("\n")))
        typer.echo(configured.as_text(answer).rstrip("\n"))
    raise typer.Exit(EXIT_FINDINGS if answer.exhausted else EXIT_CLEAN)
