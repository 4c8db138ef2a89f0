"""``ecs-lint policy``: the least-privilege IAM policy each execution role needs."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ecs_lint.cli.common import EXIT_CLEAN, EXIT_FINDINGS, fail, say
from ecs_lint.cli.options import (
    AwsOption,
    ClusterOption,
    ConfigOption,
    IamOption,
    MaxFileSizeOption,
    ParameterOption,
    ProfileOption,
    RegionOption,
    RolePolicyOption,
    SecretKmsKeyOption,
    ServiceOption,
    TaskDefinitionOption,
    TerraformVarFileOption,
    TerraformVarOption,
    scope_of,
)
from ecs_lint.cli.values import load_settings


def policy_command(
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
    parameter: ParameterOption = None,
    var: TerraformVarOption = None,
    var_file: TerraformVarFileOption = None,
    iam: IamOption = None,
    role_policy: RolePolicyOption = None,
    secret_kms_key: SecretKmsKeyOption = None,
    aws: AwsOption = False,
    region: RegionOption = None,
    profile: ProfileOption = None,
    config: ConfigOption = None,
    cluster: ClusterOption = None,
    service: ServiceOption = None,
    task_definition: TaskDefinitionOption = None,
    max_file_size: MaxFileSizeOption = None,
) -> None:
    """Print the least-privilege IAM policy each execution role needs for its task definitions.

    Reads files, or with --aws and --cluster/--service/--task-definition what runs in AWS (with
    --aws alone: every service of every cluster in the region).
    """
    from ecs_lint.discover import MissingPath
    from ecs_lint.iam.live import AwsError
    from ecs_lint.iam.policy_command import PolicyCommandError, policy_output
    from ecs_lint.iam.sources import PolicySourceError

    settings = load_settings(
        config,
        parameter=parameter,
        var=var,
        var_file=var_file,
        iam=iam,
        role_policy=role_policy,
        secret_kms_key=secret_kms_key,
        aws=aws,
        region=region,
        profile=profile,
        max_file_size=max_file_size,
    )
    reads_aws = bool(cluster or service or task_definition) or (aws and not paths)
    try:
        output = policy_output(
            paths or [],
            settings,
            output_format=policy_format,
            missing=missing,
            role=role,
            policy_name=policy_name,
            scope=scope_of(cluster, service, task_definition) if reads_aws else None,
        )
    except MissingPath as missing_path:
        fail(f"path '{missing_path}' does not exist")
    except (PolicyCommandError, PolicySourceError, AwsError) as error:
        fail(error.message)
    for note in output.notes:
        say(f"ecs-lint: {note}")
    sys.stdout.write(output.text)
    raise typer.Exit(EXIT_FINDINGS if missing and output.anything_missing else EXIT_CLEAN)
