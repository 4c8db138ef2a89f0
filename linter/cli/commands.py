"""The typer application: every command, registered. Imported by ``main`` for any command line
``cli.fastpath`` does not take (importing typer costs about 0.04 s of a start)."""

from __future__ import annotations

import typer

from ecs_lint import __version__
from ecs_lint.cli.aws import aws_command
from ecs_lint.cli.check import check_command
from ecs_lint.cli.policy import policy_command
from ecs_lint.cli.ratelimit import ratelimit_command
from ecs_lint.cli.rule_docs import rule_command, rules_command

app = typer.Typer(
    name="ecs-lint",
    help="Find Docker Hub rate-limit risks and broken registry credentials in ECS task "
    "definitions and Dockerfiles before you deploy.",
    add_completion=False,
    no_args_is_help=True,
    # ``-h`` too, in every command (``main`` already hands a line starting with it to the app).
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def version_command() -> None:
    """Print the version."""
    typer.echo(f"ecs-lint {__version__}")


app.command("check")(check_command)
app.command("version")(version_command)
app.command("rules")(rules_command)
app.command("rule")(rule_command)
app.command("policy")(policy_command)
app.command("aws")(aws_command)
app.command("ratelimit")(ratelimit_command)
