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
    from ecs_lint.rule import Services
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
    say(f"ecs-lint: error: {message}")
    raise typer.Exit(EXIT_ERROR)


def say(message: str) -> None:
    """One line on stderr. Messages quote file names, file text and server answers, so control
    characters are shown escaped: nothing a linted file holds reaches the terminal raw."""
    from ecs_lint.reporters.text import printable

    typer.echo(printable(message), err=True)


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
    parameter: Annotated[
        list[str] | None,
        typer.Option(
            "--parameter",
            help="CloudFormation parameter value, NAME=VALUE (repeatable); wins over the "
            "template's Default. Pseudo parameters too: --parameter AWS::AccountId=123456789012.",
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
        typer.Option(
            help="Rule codes or prefixes to enable on top of the selection.", metavar="CODES"
        ),
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
        bool,
        typer.Option("--diff", help="Print the fixes as a unified diff; write nothing."),
    ] = False,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline",
            help="No network look-ups: ECR Public equivalents from the embedded catalog only "
            "(also ECS_LINT_OFFLINE=1).",
        ),
    ] = False,
    iam: Annotated[
        list[str] | None,
        typer.Option(
            "--iam",
            help="Output of 'aws iam get-account-authorization-details': the roles and managed "
            "policies the execution-role checks use (repeatable).",
            metavar="FILE",
        ),
    ] = None,
    role_policy: Annotated[
        list[str] | None,
        typer.Option(
            "--role-policy",
            help="A policy document of an execution role, by role name or ARN (repeatable; the "
            "files given for a role are all of its policies).",
            metavar="ROLE=FILE",
        ),
    ] = None,
    secret_kms_key: Annotated[
        list[str] | None,
        typer.Option(
            "--secret-kms-key",
            help="The customer-managed KMS key (id, ARN or alias) encrypting a secret or SSM "
            "parameter, by its name or ARN (repeatable).",
            metavar="SECRET=KEY",
        ),
    ] = None,
    aws: Annotated[
        bool,
        typer.Option(
            "--aws",
            help="Look execution roles, managed policies, secrets and KMS keys up in AWS "
            "(standard credential chain; read-only IAM, Secrets Manager, SSM and KMS calls).",
        ),
    ] = False,
    region: Annotated[
        str | None,
        typer.Option(
            "--region",
            help="Region of the tasks and of --aws look-ups (completes bare secret names).",
            metavar="REGION",
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="AWS profile for --aws look-ups.", metavar="PROFILE"),
    ] = None,
) -> None:
    """Lint task definitions and Dockerfiles (the default command)."""
    from ecs_lint.discover import MissingPath
    from ecs_lint.engine import lint_paths
    from ecs_lint.iam.live import AwsError
    from ecs_lint.iam.sources import PolicySourceError
    from ecs_lint.reporters import REPORTERS, reporter

    if output_format not in REPORTERS:
        fail(f"unknown output format '{output_format}' (choose from {', '.join(REPORTERS)})")
    # Settings field → option value; None means "not given", so the config file's value stands.
    options: dict[str, object] = {
        "build_args": parse_assignments(build_arg, "--build-arg") if build_arg else None,
        "env": parse_assignments(env, "--env") if env else None,
        "parameters": parse_assignments(parameter, "--parameter") if parameter else None,
        "select": option_codes(select, "--select"),
        "ignore": option_codes(ignore, "--ignore"),
        "extend_select": option_codes(extend_select, "--extend-select"),
        "exit_zero": True if exit_zero else None,
        "fail_level": option_severity(fail_level, "--fail-level"),
        "use_suppressions": False if no_suppressions else None,
        "offline": True if offline else None,
        "fix": True if fix else None,
        "unsafe_fixes": True if unsafe_fixes else None,
        "diff": True if diff else None,
        "iam_files": tuple(iam) if iam else None,
        "role_policy_files": parse_role_policies(role_policy) if role_policy else None,
        "secret_kms_keys": (
            parse_assignments(secret_kms_key, "--secret-kms-key") if secret_kms_key else None
        ),
        "aws": True if aws else None,
        "aws_region": region,
        "aws_profile": profile,
    }
    settings = load_settings(options, config)
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
    if statistics:
        from ecs_lint.reporters import statistics as per_rule

        per_rule.report(result, sys.stdout, as_json=output_format == "json", quiet=quiet)
    else:
        reporter(output_format)(result, sys.stdout, color=use_color(sys.stdout), quiet=quiet)
    raise typer.Exit(exit_status(result, settings))


def parse_role_policies(values: list[str]) -> dict[str, tuple[str, ...]]:
    """``--role-policy ROLE=FILE`` values; a role given several times keeps every file."""
    files: dict[str, tuple[str, ...]] = {}
    for value in values:
        role, sep, path = value.partition("=")
        if not sep or not role or not path:
            fail(f"--role-policy expects ROLE=FILE (a role name or ARN), got '{value}'")
        files[role] = (*files.get(role, ()), path)
    return files


def lookup_services(settings: Settings) -> Services:
    """The run's look-up services (ECR Public equivalents); a bad endpoint is a usage error."""
    from ecs_lint.gallery.service import EcrPublicEquivalents
    from ecs_lint.rule import Services

    try:
        return Services(ecr_public=EcrPublicEquivalents(settings))
    except ValueError as error:  # EndpointError: a configured URL is not acceptable
        fail(str(error))


def report_lookup_warnings(services: Services) -> None:
    if services.ecr_public is not None:
        for warning in services.ecr_public.warnings:
            say(f"ecs-lint: warning: {warning}")
        services.ecr_public.close()


def show_diff(result: RunResult, settings: Settings) -> NoReturn:
    """``--diff``: print what the fixes would change, write nothing; exit 1 when there is any."""
    from ecs_lint.fixes import plan_fixes, unified_diff

    plan = plan_fixes(result, unsafe=settings.unsafe_fixes)
    for change in plan.files:
        sys.stdout.write(unified_diff(change))
    for message in plan.skipped:
        say(f"ecs-lint: {message}")
    files = len(plan.files)
    typer.echo(
        f"Would fix {plan.fixed_count} finding{'s' if plan.fixed_count != 1 else ''} "
        f"in {files} file{'s' if files != 1 else ''}{_withheld(plan.unsafe_withheld)}.",
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
        f"Fixed {fixed} finding{'s' if fixed != 1 else ''} in {len(written)} "
        f"file{'s' if len(written) != 1 else ''}{_withheld(plan.unsafe_withheld)}.",
        err=True,
    )
    return lint_paths(paths, settings, services) if written else result


def _withheld(count: int) -> str:
    if not count:
        return ""
    return f" ({count} more fix{'es' if count != 1 else ''} available with --unsafe-fixes)"


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
    _tolerate_unencodable_output()
    app(args, prog_name="ecs-lint")


def _tolerate_unencodable_output() -> None:
    """Escape what the terminal's encoding cannot show (a lone surrogate from a JSON escape, or
    any non-ASCII text on a non-UTF-8 console) instead of dying with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
