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
from typer.core import TyperCommand

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

    # typer's own click (vendored since typer 0.22), whose classes TyperCommand's methods take.
    from typer._click import Context, HelpFormatter

    from ecs_lint.options import CommandOption

app = typer.Typer(
    name="ecs-lint",
    help="Find Docker Hub rate-limit risks and broken registry credentials in ECS task "
    "definitions, Dockerfiles and templates before you deploy.\n\n"
    "ecs-lint PATH... is short for ecs-lint check PATH...; ecs-lint check and ecs-lint policy "
    "without a path read the current directory.",
    add_completion=False,
    no_args_is_help=True,
    # ``-h`` too, in every command (``main`` already hands a line starting with it to the app).
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class HelpCommand(TyperCommand):
    """A typer command whose help names each argument by its metavar alone, as click does:
    typer would add its Python type (``PATH <list[str]>``) and brace a required one in the
    usage line (``{CODE}``), which say nothing to a user."""

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = param.metavar or (param.name or "").upper()
                name = name if param.required else f"[{name}]"
                pieces.append(f"{name}..." if param.nargs != 1 else name)
        return pieces

    def format_options(self, ctx: Context, formatter: HelpFormatter) -> None:
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            if param.param_type_name == "argument":
                name, text = record
                arguments.append((name.split(" <", 1)[0], text))
            else:
                options.append(record)
        for title, records in (("Arguments", arguments), ("Options", options)):
            if records:
                with formatter.section(title):
                    formatter.write_dl(records)


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
    kinds = {bool: bool, list: list[str] | None}
    text = str if isinstance(declared.unset, str) else str | None
    info = typer.Option(*option.spellings, help=option.help, metavar=option.metavar)
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


def _version_option(given: bool) -> None:
    if given:
        version_command()
        raise typer.Exit


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="Print the version and exit.",
            is_eager=True,
            callback=_version_option,
        ),
    ] = False,
) -> None:
    # ``main`` prints the version itself before importing typer; declared here for the help.
    pass


PATHS = Annotated[
    list[str] | None,
    typer.Argument(
        help="Files and directories to lint (default: the current directory); - reads stdin.",
        metavar="PATH",
        show_default=False,
    ),
]
READ_PATHS = Annotated[
    list[str] | None,
    typer.Argument(
        help="Files and directories to read (default: the current directory, unless AWS "
        "targets are given).",
        metavar="PATH",
        show_default=False,
    ),
]
check_command = command(CHECK, check, _keyword("paths", PATHS, None))
app.command(CHECK, cls=HelpCommand)(check_command)
app.command("version", cls=HelpCommand)(version_command)
app.command(RULES, cls=HelpCommand)(command(RULES, rules, configured=False))
app.command("rule", cls=HelpCommand)(rule_command)
app.command(POLICY, cls=HelpCommand)(command(POLICY, policy, _keyword("paths", READ_PATHS, None)))
app.command(AWS, cls=HelpCommand)(command(AWS, aws))
app.command(RATELIMIT, cls=HelpCommand)(command(RATELIMIT, ratelimit))
app.command(SERVER, cls=HelpCommand)(command(SERVER, server, configured=False))
