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

# Options of every command that lints (check, aws): defined once here, used by each.
SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Rule codes or prefixes to enable (comma-separated or repeated).", metavar="CODES"
    ),
]

IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        help="Rule codes or prefixes to disable (comma-separated or repeated).", metavar="CODES"
    ),
]

ExitZeroOption = Annotated[
    bool, typer.Option("--exit-zero", help="Exit 0 even when findings remain.")
]

ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config",
        help="Configuration file (.ecs-lint.toml, or pyproject.toml with [tool.ecs-lint]); "
        "default: the nearest one from the current directory up.",
        metavar="PATH",
    ),
]

ExtendSelectOption = Annotated[
    list[str] | None,
    typer.Option(help="Rule codes or prefixes to enable on top of the selection.", metavar="CODES"),
]

FailLevelOption = Annotated[
    str | None,
    typer.Option(
        help="Lowest severity that makes the exit status 1: error, warning or info.",
        metavar="LEVEL",
    ),
]

NoSuppressionsOption = Annotated[
    bool,
    typer.Option(
        "--no-suppressions",
        help="Ignore suppression comments and per-file-ignores: show everything.",
    ),
]

StatisticsOption = Annotated[
    bool,
    typer.Option("--statistics", help="Print the number of findings per rule instead."),
]

QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print only the findings, no summary.")
]

OfflineOption = Annotated[
    bool,
    typer.Option(
        "--offline",
        help="No network look-ups: ECR Public equivalents from the embedded catalog only "
        "(also ECS_LINT_OFFLINE=1).",
    ),
]

ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile", help="AWS profile (default: the standard credential chain).", metavar="PROFILE"
    ),
]

DockerHubLimitOption = Annotated[
    int | None,
    typer.Option(
        "--docker-hub-limit",
        help="Anonymous Docker Hub pulls allowed per address in its window, for the pull budget "
        "(EL150; default 100, Docker Hub's limit per 6 hours).",
        metavar="PULLS",
        min=1,
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
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    exit_zero: ExitZeroOption = False,
    config: ConfigOption = None,
    extend_select: ExtendSelectOption = None,
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
        bool,
        typer.Option("--diff", help="Print the fixes as a unified diff; write nothing."),
    ] = False,
    offline: OfflineOption = False,
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
    profile: ProfileOption = None,
    docker_hub_limit: DockerHubLimitOption = None,
) -> None:
    """Lint task definitions and Dockerfiles (the default command)."""
    from ecs_lint.discover import MissingPath
    from ecs_lint.engine import lint_paths
    from ecs_lint.iam.live import AwsError
    from ecs_lint.iam.sources import PolicySourceError

    require_output_format(output_format)
    # Settings field → option value; None means "not given", so the config file's value stands.
    options: dict[str, object] = {
        "build_args": parse_assignments(build_arg, "--build-arg") if build_arg else None,
        "env": parse_assignments(env, "--env") if env else None,
        "parameters": parse_assignments(parameter, "--parameter") if parameter else None,
        **selection_options(select, ignore, extend_select, exit_zero, fail_level),
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
        "docker_hub_limit": docker_hub_limit,
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
    report_and_exit(result, settings, output_format, statistics=statistics, quiet=quiet)


def report_and_exit(
    result: RunResult, settings: Settings, output_format: str, *, statistics: bool, quiet: bool
) -> NoReturn:
    """Print the findings (or ``--statistics``) on stdout and exit with the run's status."""
    from ecs_lint.reporters import reporter

    if statistics:
        from ecs_lint.reporters import statistics as per_rule

        per_rule.report(result, sys.stdout, as_json=output_format == "json", quiet=quiet)
    else:
        reporter(output_format)(result, sys.stdout, color=use_color(sys.stdout), quiet=quiet)
    raise typer.Exit(exit_status(result, settings))


def require_output_format(output_format: str) -> None:
    from ecs_lint.reporters import REPORTERS

    if output_format not in REPORTERS:
        fail(f"unknown output format '{output_format}' (choose from {', '.join(REPORTERS)})")


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


@app.command("policy")
def policy(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files and directories to read.")
    ] = None,
    policy_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="json (a policy document), cloudformation (an AWS::IAM::Role Policies item) "
            "or terraform (an aws_iam_role_policy block).",
            metavar="FORMAT",
        ),
    ] = "json",
    missing: Annotated[
        bool,
        typer.Option(
            "--missing",
            help="Print only what the role's current policies (--iam, --role-policy, the "
            "template, --aws) do not allow yet; exit 1 when anything is missing.",
        ),
    ] = False,
    role: Annotated[
        str | None,
        typer.Option("--role", help="Only this execution role (name or ARN).", metavar="ROLE"),
    ] = None,
    policy_name: Annotated[
        str, typer.Option("--policy-name", help="The policy's name.", metavar="NAME")
    ] = "ecs-task-execution",
    parameter: Annotated[
        list[str] | None,
        typer.Option(
            "--parameter",
            help="CloudFormation parameter value, NAME=VALUE (repeatable).",
            metavar="NAME=VALUE",
        ),
    ] = None,
    iam: Annotated[
        list[str] | None,
        typer.Option(
            "--iam",
            help="Output of 'aws iam get-account-authorization-details' (repeatable).",
            metavar="FILE",
        ),
    ] = None,
    role_policy: Annotated[
        list[str] | None,
        typer.Option(
            "--role-policy",
            help="A policy document of an execution role (repeatable).",
            metavar="ROLE=FILE",
        ),
    ] = None,
    secret_kms_key: Annotated[
        list[str] | None,
        typer.Option(
            "--secret-kms-key",
            help="The customer-managed KMS key of a secret or SSM parameter (repeatable).",
            metavar="SECRET=KEY",
        ),
    ] = None,
    aws: Annotated[
        bool,
        typer.Option(
            "--aws",
            help="Look roles, policies, secrets and KMS keys up in AWS (read-only calls).",
        ),
    ] = False,
    region: Annotated[
        str | None,
        typer.Option(
            "--region", help="Region the tasks run in (completes bare names).", metavar="REGION"
        ),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", help="AWS profile for --aws look-ups.", metavar="PROFILE"),
    ] = None,
    config: Annotated[
        str | None,
        typer.Option("--config", help="Configuration file.", metavar="PATH"),
    ] = None,
    cluster: Annotated[
        list[str] | None,
        typer.Option(
            "--cluster",
            help="Read the services of this cluster from AWS, as 'ecs-lint aws' (repeatable).",
            metavar="CLUSTER",
        ),
    ] = None,
    service: Annotated[
        list[str] | None,
        typer.Option(
            "--service", help="Read this service from AWS (repeatable).", metavar="SERVICE"
        ),
    ] = None,
    task_definition: Annotated[
        list[str] | None,
        typer.Option(
            "--task-definition",
            help="Read this task definition from AWS, FAMILY[:REVISION] or ARN (repeatable).",
            metavar="TASKDEF",
        ),
    ] = None,
) -> None:
    """Print the least-privilege IAM policy each execution role needs for its task definitions.

    Reads files, or with --aws and --cluster/--service/--task-definition what runs in AWS (with
    --aws alone: every service of every cluster in the region).
    """
    from ecs_lint.discover import MissingPath
    from ecs_lint.iam.live import AwsError
    from ecs_lint.iam.policy_command import PolicyCommandError, policy_output
    from ecs_lint.iam.sources import PolicySourceError

    options: dict[str, object] = {
        "parameters": parse_assignments(parameter, "--parameter") if parameter else None,
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
    scope = None
    if cluster or service or task_definition or (aws and not paths):
        from ecs_lint.aws.inventory import Scope

        scope = Scope(tuple(cluster or ()), tuple(service or ()), tuple(task_definition or ()))
    try:
        output = policy_output(
            paths or [],
            settings,
            output_format=policy_format,
            missing=missing,
            role=role,
            policy_name=policy_name,
            scope=scope,
        )
    except MissingPath as missing_path:
        fail(f"path '{missing_path}' does not exist")
    except (PolicyCommandError, PolicySourceError, AwsError) as error:
        fail(error.message)
    for note in output.notes:
        say(f"ecs-lint: {note}")
    sys.stdout.write(output.text)
    raise typer.Exit(EXIT_FINDINGS if missing and output.anything_missing else EXIT_CLEAN)


@app.command("aws")
def aws_command(
    output_format: OutputFormat = "text",
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
    cluster: Annotated[
        list[str] | None,
        typer.Option(
            "--cluster", help="Only this cluster, by name or ARN (repeatable).", metavar="CLUSTER"
        ),
    ] = None,
    service: Annotated[
        list[str] | None,
        typer.Option(
            "--service",
            help="Only this service, by name or ARN, in any cluster read (repeatable).",
            metavar="SERVICE",
        ),
    ] = None,
    task_definition: Annotated[
        list[str] | None,
        typer.Option(
            "--task-definition",
            help="FAMILY[:REVISION] or ARN (repeatable). Alone: lint just these task definitions "
            "(a family: its latest ACTIVE revision); with --cluster or --service: only the "
            "services running one of them.",
            metavar="TASKDEF",
        ),
    ] = None,
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
    from ecs_lint.aws.run import Scope, lint_aws
    from ecs_lint.iam.live import AwsError

    require_output_format(output_format)
    regions = tuple(option_region(value) for value in region or ())
    options: dict[str, object] = {
        **selection_options(select, ignore, extend_select, exit_zero, fail_level),
        "use_suppressions": False if no_suppressions else None,
        "offline": True if offline else None,
        "aws": True,
        "aws_region": regions[0] if regions else None,
        "aws_profile": profile,
        "docker_hub_limit": docker_hub_limit,
    }
    settings = load_settings(options, config)
    services = lookup_services(settings)
    scope = Scope(tuple(cluster or ()), tuple(service or ()), tuple(task_definition or ()))
    try:
        result = lint_aws(settings, scope, regions, ecr_public=services.ecr_public)
    except AwsError as error:
        fail(error.message)
    finally:
        report_lookup_warnings(services)
    report_and_exit(result, settings, output_format, statistics=statistics, quiet=quiet)


def selection_options(
    select: list[str] | None,
    ignore: list[str] | None,
    extend_select: list[str] | None,
    exit_zero: bool,
    fail_level: str | None,
) -> dict[str, object]:
    """The Settings values of the rule-selection options every linting command has."""
    return {
        "select": option_codes(select, "--select"),
        "ignore": option_codes(ignore, "--ignore"),
        "extend_select": option_codes(extend_select, "--extend-select"),
        "exit_zero": True if exit_zero else None,
        "fail_level": option_severity(fail_level, "--fail-level"),
    }


def option_region(value: str) -> str:
    from ecs_lint.config import BadValue, aws_region

    try:
        return aws_region(value, None)  # type: ignore[arg-type]  # the file is not consulted
    except BadValue as error:
        fail(f"--region: {error}")


@app.command("ratelimit")
def ratelimit_command(
    output_format: Annotated[
        str, typer.Option("--output-format", "-o", help="text or json.", metavar="FORMAT")
    ] = "text",
    config: ConfigOption = None,
) -> None:
    """Show Docker Hub's pull limit for this machine's address and the pulls left.

    Authenticated when DOCKERHUB_USERNAME and DOCKERHUB_TOKEN are set, or Docker's config.json
    holds Docker Hub credentials (credential helpers are not run). Exit status 1 when no pulls
    are left. A HEAD request: checking does not use up a pull.
    """
    import json

    from ecs_lint.ratelimit import RateLimitError, check_rate_limit

    if output_format not in ("text", "json"):
        fail(f"unknown output format '{output_format}' for ratelimit (choose from text, json)")
    settings = load_settings({}, config)
    try:
        answer, notes = check_rate_limit(settings)
    except RateLimitError as error:
        fail(error.message)
    for note in notes:
        say(f"ecs-lint: warning: {note}")
    if output_format == "json":
        typer.echo(json.dumps(answer.as_json(), indent=2))
    else:
        from ecs_lint.reporters.text import printable

        # The answer quotes a header the server chose (the address counted against).
        typer.echo(printable(answer.as_text().rstrip("\n")))
    raise typer.Exit(EXIT_FINDINGS if answer.exhausted else EXIT_CLEAN)


COMMANDS = frozenset(
    {
        "check",
        "version",
        "rules",
        "rule",
        "policy",
        "aws",
        "ratelimit",
        "--help",
        "-h",
        "--version",
    }
)


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
