"""The ``ecs-lint`` command line.

``ecs-lint PATH...`` is short for ``ecs-lint check PATH...``. Exit status: 0 when nothing is
found, 1 when findings remain, 2 for usage errors or when a file could not be checked (EL900).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from ecs_lint import __version__

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.findings import Severity
    from ecs_lint.settings import Settings

app = typer.Typer(
    name="ecs-lint",
    help="Find Docker Hub rate-limit risks and broken registry credentials in ECS task "
    "definitions and Dockerfiles before you deploy.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def fail(message: str) -> NoReturn:
    """A usage or input error: one line on stderr, exit status 2, never a traceback."""
    typer.echo(f"ecs-lint: error: {message}", err=True)
    raise typer.Exit(EXIT_ERROR)


def parse_assignments(values: list[str], option: str) -> dict[str, str]:
    assignments: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name:
            fail(f"{option} expects NAME=VALUE, got '{value}'")
        assignments[name] = text
    return assignments


def split_codes(values: list[str]) -> tuple[str, ...]:
    return tuple(code.strip().upper() for value in values for code in value.split(",") if code)


OutputFormat = Annotated[
    str,
    typer.Option(
        "--output-format",
        "-o",
        help="Output format: text, concise, json, sarif, github, gitlab or junit.",
        metavar="FORMAT",
    ),
]


@app.command()
def check(
    paths: Annotated[list[str], typer.Argument(help="Files and directories to lint.")],
    output_format: OutputFormat = "text",
    build_arg: Annotated[
        list[str] | None,
        typer.Option("--build-arg", help="Dockerfile ARG value, NAME=VALUE (repeatable)."),
    ] = None,
    env: Annotated[
        list[str] | None,
        typer.Option(
            "--env",
            help="Variable for Docker Compose interpolation, NAME=VALUE (repeatable); "
            "wins over the compose file's .env.",
        ),
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option(help="Rule codes or prefixes to enable (comma-separated or repeated)."),
    ] = None,
    ignore: Annotated[
        list[str] | None,
        typer.Option(help="Rule codes or prefixes to disable (comma-separated or repeated)."),
    ] = None,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when findings remain.")
    ] = False,
    config: Annotated[
        str | None,
        typer.Option(
            "--config",
            help="Configuration file (.ecs-lint.toml, or pyproject.toml with [tool.ecs-lint]); "
            "default: the nearest one from the current directory up.",
            metavar="PATH",
        ),
    ] = None,
    extend_select: Annotated[
        list[str] | None,
        typer.Option(help="Rule codes or prefixes to enable on top of the selection."),
    ] = None,
    fail_level: Annotated[
        str | None,
        typer.Option(
            help="Lowest severity that makes the exit status 1: error, warning or info.",
            metavar="LEVEL",
        ),
    ] = None,
    no_suppressions: Annotated[
        bool,
        typer.Option(
            "--no-suppressions",
            help="Ignore suppression comments and per-file-ignores: show everything.",
        ),
    ] = False,
    statistics: Annotated[
        bool,
        typer.Option("--statistics", help="Print the number of findings per rule instead."),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print only the findings, no summary.")
    ] = False,
) -> None:
    """Lint task definitions and Dockerfiles (the default command)."""
    from ecs_lint.discover import MissingPath
    from ecs_lint.engine import lint_paths
    from ecs_lint.reporters import REPORTERS, reporter

    if output_format not in REPORTERS:
        fail(f"unknown output format '{output_format}' (choose from {', '.join(REPORTERS)})")
    # Settings field → option value; None means "not given", so the config file's value stands.
    options: dict[str, object] = {
        "build_args": parse_assignments(build_arg, "--build-arg") if build_arg else None,
        "env": parse_assignments(env, "--env") if env else None,
        "select": option_codes(select, "--select"),
        "ignore": option_codes(ignore, "--ignore"),
        "extend_select": option_codes(extend_select, "--extend-select"),
        "exit_zero": True if exit_zero else None,
        "fail_level": option_severity(fail_level, "--fail-level"),
        "use_suppressions": False if no_suppressions else None,
    }
    settings = load_settings(options, config)
    try:
        result = lint_paths(paths, settings)
    except MissingPath as missing:
        fail(f"path '{missing}' does not exist")
    if statistics:
        from ecs_lint.reporters import statistics as per_rule

        per_rule.report(result, sys.stdout, as_json=output_format == "json", quiet=quiet)
    else:
        reporter(output_format)(result, sys.stdout, color=use_color(sys.stdout), quiet=quiet)
    raise typer.Exit(exit_status(result, settings))


def load_settings(options: dict[str, object], config: str | None) -> Settings:
    """Settings from the configuration file, overridden by the options that were given."""
    from ecs_lint.config import ConfigError, resolve_settings

    try:
        return resolve_settings(options, config_path=config)
    except ConfigError as error:
        fail(str(error))


def option_codes(values: list[str] | None, option: str) -> tuple[str, ...] | None:
    """Rule codes from a repeatable, comma-separated option, each checked against the rules."""
    if not values:
        return None
    from ecs_lint.config import BadValue, rule_code

    try:
        return tuple(rule_code(code) for code in split_codes(values))
    except BadValue as error:
        fail(f"{option}: {error}")


def option_severity(value: str | None, option: str) -> Severity | None:
    if value is None:
        return None
    from ecs_lint.config import BadValue, severity

    try:
        return severity(value)
    except BadValue as error:
        fail(f"{option}: {error}")


def exit_status(result: RunResult, settings: Settings) -> int:
    if result.could_not_check:
        return EXIT_ERROR
    if any(settings.fails_on(finding.severity) for finding in result.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN


def use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(f"ecs-lint {__version__}")


@app.command("rules")
def list_rules(
    output_format: Annotated[
        str, typer.Option("--output-format", "-o", help="text or json.", metavar="FORMAT")
    ] = "text",
) -> None:
    """List every rule: code, name, severity and whether it has a fix."""
    from ecs_lint.docs import rules_json, rules_table
    from ecs_lint.rules import RULES

    if output_format not in ("text", "json"):
        fail(f"unknown output format '{output_format}' for rules (choose from text, json)")
    typer.echo(rules_json(RULES) if output_format == "json" else rules_table(RULES), nl=False)


@app.command("rule")
def explain_rule(
    code: Annotated[str, typer.Argument(help="A rule code (EL101) or name.", metavar="CODE")],
) -> None:
    """Print a rule's documentation."""
    from ecs_lint.docs import find_rule, terminal
    from ecs_lint.rules import RULES

    rule = find_rule(RULES, code)
    if rule is None:
        fail(f"unknown rule '{code}' (ecs-lint rules lists them)")
    color = use_color(sys.stdout)
    typer.echo(terminal(rule, color=color), nl=False, color=color)


COMMANDS = frozenset({"check", "version", "rules", "rule", "--help", "-h", "--version"})


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "--version":
        args = ["version"]
    elif args and args[0] not in COMMANDS:
        args = ["check", *args]
    app(args, prog_name="ecs-lint")
