"""The typer application: every command, registered. Imported by ``main`` for any command line
``cli.fastpath`` does not take (importing typer costs about 0.04 s of a start).

A command's options are not written here: :func:`command` makes typer's parameters of the options
declared on ``Settings`` for that command (``ecs_lint.options``), so typer parses, checks and
documents them (help, usage errors, exit statuses), and hands their values, as
``cli.values.load_settings`` makes them ``Settings``, to the command's module.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ecs_lint import __version__
from ecs_lint.cli.aws import aws
from ecs_lint.cli.check import check
from ecs_lint.cli.policy import policy
from ecs_lint.cli.ratelimit import ratelimit
from ecs_lint.cli.rule_docs import rule_command, rules
from ecs_lint.cli.server import server
from ecs_lint.cli.values import load_settings
from ecs_lint.options import AWS, CHECK, POLICY, RATELIMIT, RULES, SERVER, command_options

if TYPE_CHECKING:
    from collections.abc import Callable

    from ecs_lint.options import CommandOption

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


def command(
    name: str, run: Callable[..., None], *arguments: inspect.Parameter, configured: bool = True
) -> Callable[..., None]:
    """Typer's callback for command ``name``: its ``arguments``, then a parameter per option it
    takes. It calls ``run`` with the arguments and the run's ``Settings`` (``configured``: laid
    over the configuration file)."""
    options = command_options(name)

    def invoke(**values: Any) -> None:
        given = {option.name: values.pop(option.name) for option in options}
        run(**values, settings=load_settings(name, given, configured=configured))

    parameters = [*arguments, *(_parameter(option) for option in options)]
    invoke.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    invoke.__doc__ = run.__doc__
    return invoke


def _parameter(declared: CommandOption) -> inspect.Parameter:
    option = declared.option
    kinds = {bool: bool, int: int | None, list: list[str] | None}
    text = str if isinstance(declared.unset, str) else str | None
    info = typer.Option(
        *option.spellings, help=option.help, metavar=option.metavar, min=option.minimum
    )
    return _keyword(declared.name, Annotated[kinds.get(option.takes, text), info], declared.unset)


def _keyword(
    name: str, annotation: Any, default: Any = inspect.Parameter.empty
) -> inspect.Parameter:
    return inspect.Parameter(
        name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default
    )


def version_command() -> None:
    """Print the version."""
    typer.echo(f"ecs-lint {__version__}")


PATHS = Annotated[list[str], typer.Argument(help="Files and directories to lint.")]
READ_PATHS = Annotated[list[str] | None, typer.Argument(help="Files and directories to read.")]
check_command = command(CHECK, check, _keyword("paths", PATHS))
app.command(CHECK)(check_command)
app.command("version")(version_command)
app.command(RULES)(command(RULES, rules, configured=False))
app.command("rule")(rule_command)
app.command(POLICY)(command(POLICY, policy, _keyword("paths", READ_PATHS, None)))
app.command(AWS)(command(AWS, aws))
app.command(RATELIMIT)(command(RATELIMIT, ratelimit))
app.command(SERVER)(command(SERVER, server, configured=False))
