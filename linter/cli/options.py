"""The options several commands share, and the one way options become the run's ``Settings``.

Each shared option is a typed alias declared once here (``SelectOption``...), so a command's
signature lists only names and defaults; an option only one command has stays in its module.
:func:`load_settings` maps every option onto its ``Settings`` field, validating it, and lays the
options given over the configuration file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ecs_lint.cli.common import fail

if TYPE_CHECKING:
    from ecs_lint.aws.inventory import Scope
    from ecs_lint.findings import Severity
    from ecs_lint.settings import Settings

# --- Reporting (check, aws) -------------------------------------------------------------------

OutputFormatOption = Annotated[
    str,
    typer.Option(
        "--output-format",
        "-o",
        help="Output format: text, concise, json, sarif, github, gitlab or junit.",
        metavar="FORMAT",
    ),
]
TextOrJsonOption = Annotated[
    str, typer.Option("--output-format", "-o", help="text or json.", metavar="FORMAT")
]
StatisticsOption = Annotated[
    bool, typer.Option("--statistics", help="Print the number of findings per rule instead.")
]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="Print only the findings, no summary.")
]

# --- Configuration and rule selection (check, aws; --config everywhere) -----------------------

ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config",
        help="Configuration file (.ecs-lint.toml, or pyproject.toml with [tool.ecs-lint]); "
        "default: the nearest one from the current directory up.",
        metavar="PATH",
    ),
]
SelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--select",
        help="Rule codes or prefixes to enable (comma-separated or repeated).",
        metavar="CODES",
    ),
]
IgnoreOption = Annotated[
    list[str] | None,
    typer.Option(
        "--ignore",
        help="Rule codes or prefixes to disable (comma-separated or repeated).",
        metavar="CODES",
    ),
]
ExtendSelectOption = Annotated[
    list[str] | None,
    typer.Option(
        "--extend-select",
        help="Rule codes or prefixes to enable on top of the selection.",
        metavar="CODES",
    ),
]
ExitZeroOption = Annotated[
    bool, typer.Option("--exit-zero", help="Exit 0 even when findings remain.")
]
FailLevelOption = Annotated[
    str | None,
    typer.Option(
        "--fail-level",
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
OfflineOption = Annotated[
    bool,
    typer.Option(
        "--offline",
        help="No network look-ups: ECR Public equivalents from the embedded catalog only "
        "(also ECS_LINT_OFFLINE=1).",
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

MaxFileSizeOption = Annotated[
    str | None,
    typer.Option(
        "--max-file-size",
        help="Largest input file read, in bytes or with a unit (20MiB, 512KiB; default 10MiB): "
        "linted files, the files they name, --iam and --role-policy files, the configuration.",
        metavar="SIZE",
    ),
]

# --- Where execution roles' policies, secrets and keys come from (check, policy) --------------

ParameterOption = Annotated[
    list[str] | None,
    typer.Option(
        "--parameter",
        help="CloudFormation parameter value, NAME=VALUE (repeatable); wins over the "
        "template's Default. Pseudo parameters too: --parameter AWS::AccountId=123456789012.",
        metavar="NAME=VALUE",
    ),
]
IamOption = Annotated[
    list[str] | None,
    typer.Option(
        "--iam",
        help="Output of 'aws iam get-account-authorization-details': the roles and managed "
        "policies the execution-role checks use (repeatable).",
        metavar="FILE",
    ),
]
RolePolicyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--role-policy",
        help="A policy document of an execution role, by role name or ARN (repeatable; the "
        "files given for a role are all of its policies).",
        metavar="ROLE=FILE",
    ),
]
SecretKmsKeyOption = Annotated[
    list[str] | None,
    typer.Option(
        "--secret-kms-key",
        help="The customer-managed KMS key (id, ARN or alias) encrypting a secret or SSM "
        "parameter, by its name or ARN (repeatable).",
        metavar="SECRET=KEY",
    ),
]
AwsOption = Annotated[
    bool,
    typer.Option(
        "--aws",
        help="Look execution roles, managed policies, secrets and KMS keys up in AWS "
        "(standard credential chain; read-only IAM, Secrets Manager, SSM and KMS calls).",
    ),
]
RegionOption = Annotated[
    str | None,
    typer.Option(
        "--region",
        help="Region of the tasks and of --aws look-ups (completes bare secret names).",
        metavar="REGION",
    ),
]
ProfileOption = Annotated[
    str | None,
    typer.Option(
        "--profile", help="AWS profile (default: the standard credential chain).", metavar="PROFILE"
    ),
]

# --- What to read from AWS (aws, policy) ------------------------------------------------------

ClusterOption = Annotated[
    list[str] | None,
    typer.Option(
        "--cluster",
        help="Read the services of this cluster from AWS, by name or ARN (repeatable).",
        metavar="CLUSTER",
    ),
]
ServiceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--service",
        help="Read this service from AWS, by name or ARN, in any cluster read (repeatable).",
        metavar="SERVICE",
    ),
]
TaskDefinitionOption = Annotated[
    list[str] | None,
    typer.Option(
        "--task-definition",
        help="FAMILY[:REVISION] or ARN (repeatable). Alone: read just these task definitions "
        "(a family: its latest ACTIVE revision); with --cluster or --service: only the "
        "services running one of them.",
        metavar="TASKDEF",
    ),
]


def scope_of(
    cluster: list[str] | None, service: list[str] | None, task_definition: list[str] | None
) -> Scope:
    """What ``--cluster``, ``--service`` and ``--task-definition`` ask to read from AWS."""
    from ecs_lint.aws.inventory import Scope

    return Scope(tuple(cluster or ()), tuple(service or ()), tuple(task_definition or ()))


# --- Options → Settings -----------------------------------------------------------------------


def load_settings(
    config: str | None,
    *,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
    extend_select: list[str] | None = None,
    exit_zero: bool = False,
    fail_level: str | None = None,
    no_suppressions: bool = False,
    offline: bool = False,
    docker_hub_limit: int | None = None,
    build_arg: list[str] | None = None,
    env: list[str] | None = None,
    parameter: list[str] | None = None,
    iam: list[str] | None = None,
    role_policy: list[str] | None = None,
    secret_kms_key: list[str] | None = None,
    aws: bool = False,
    region: str | None = None,
    profile: str | None = None,
    fix: bool = False,
    unsafe_fixes: bool = False,
    diff: bool = False,
    role_policy_hint: str | None = None,
    max_file_size: str | None = None,
) -> Settings:
    """The run's settings: the configuration file (``--config``, else the nearest one) with the
    options given laid over it. Each command passes the options it has, by their own names; an
    option left at its default leaves the file's value standing. A bad value is a usage error.
    """
    from ecs_lint.config import ConfigError, resolve_settings

    options: dict[str, object] = {  # Settings field → value; None: not given
        "select": _codes(select, "--select"),
        "ignore": _codes(ignore, "--ignore"),
        "extend_select": _codes(extend_select, "--extend-select"),
        "exit_zero": _given(exit_zero),
        "fail_level": _severity(fail_level, "--fail-level"),
        "use_suppressions": False if no_suppressions else None,
        "offline": _given(offline),
        "docker_hub_limit": docker_hub_limit,
        "build_args": _assignments(build_arg, "--build-arg"),
        "env": _assignments(env, "--env"),
        "parameters": _assignments(parameter, "--parameter"),
        "iam_files": tuple(iam) if iam else None,
        "role_policy_files": _role_policies(role_policy),
        "secret_kms_keys": _assignments(secret_kms_key, "--secret-kms-key"),
        "aws": _given(aws),
        "aws_region": region_option(region) if region is not None else None,
        "aws_profile": profile,
        "fix": _given(fix),
        "unsafe_fixes": _given(unsafe_fixes),
        "diff": _given(diff),
        "role_policy_hint": role_policy_hint,
        "max_file_size": _file_size(max_file_size),
    }
    try:
        return resolve_settings(options, config_path=config)
    except ConfigError as error:
        fail(str(error))


def region_option(value: str) -> str:
    """A ``--region`` value, checked: a usage error unless it names a region."""
    from ecs_lint.config import BadValue, region

    try:
        return region(value)
    except BadValue as error:
        fail(f"--region: {error}")


def _file_size(value: str | None) -> int | None:
    if value is None:
        return None
    from ecs_lint.config import BadValue, byte_size

    try:
        return byte_size(value)
    except BadValue as error:
        fail(f"--max-file-size: {error}")


def _given(flag: bool) -> bool | None:
    """A flag's Settings value: ``True`` when given, else ``None`` so the file's value stands."""
    return True if flag else None


def _assignments(values: list[str] | None, option: str) -> dict[str, str] | None:
    """``NAME=VALUE`` options as a mapping (a later value of a name wins)."""
    if not values:
        return None
    assignments: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name:
            fail(f"{option} expects NAME=VALUE, got '{value}'")
        assignments[name] = text
    return assignments


def _role_policies(values: list[str] | None) -> dict[str, tuple[str, ...]] | None:
    """``--role-policy ROLE=FILE`` values; a role given several times keeps every file."""
    if not values:
        return None
    files: dict[str, tuple[str, ...]] = {}
    for value in values:
        role, sep, path = value.partition("=")
        if not sep or not role or not path:
            fail(f"--role-policy expects ROLE=FILE (a role name or ARN), got '{value}'")
        files[role] = (*files.get(role, ()), path)
    return files


def _codes(values: list[str] | None, option: str) -> tuple[str, ...] | None:
    """Rule codes from a repeatable, comma-separated option, each checked against the rules."""
    if not values:
        return None
    from ecs_lint.config import BadValue, rule_code

    codes = (code.strip().upper() for value in values for code in value.split(",") if code)
    try:
        return tuple(rule_code(code) for code in codes)
    except BadValue as error:
        fail(f"{option}: {error}")


def _severity(value: str | None, option: str) -> Severity | None:
    if value is None:
        return None
    from ecs_lint.config import BadValue, severity

    try:
        return severity(value)
    except BadValue as error:
        fail(f"{option}: {error}")
