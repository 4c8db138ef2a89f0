"""The options several commands share, declared for typer.

Each shared option is a typed alias declared once here (``SelectOption``...), so a command's
signature lists only names and defaults; an option only one command has stays in its module.
How the values given become the run's ``Settings`` is :mod:`ecs_lint.cli.values`, which does not
import typer (the plain ``check`` line never does: ``cli.fastpath``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from ecs_lint.aws.inventory import Scope

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
TerraformVarOption = Annotated[
    list[str] | None,
    typer.Option(
        "--var",
        help="Terraform root module variable, NAME=VALUE (repeatable; a string: lists and maps "
        "go in a --var-file); wins over every variables file.",
        metavar="NAME=VALUE",
    ),
]
TerraformVarFileOption = Annotated[
    list[str] | None,
    typer.Option(
        "--var-file",
        help="Terraform variables file, HCL (.tfvars) or JSON (.tfvars.json) (repeatable); read "
        "after terraform.tfvars and *.auto.tfvars, later files winning.",
        metavar="FILE",
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
