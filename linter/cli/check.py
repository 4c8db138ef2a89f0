"""``ecs-lint check PATH...`` (the default command), declared for typer; what it does is
``cli.checking``."""

from __future__ import annotations

from typing import Annotated

import typer

from ecs_lint.cli.options import (  # noqa: TC001 (typer reads them at run time)
    AwsOption,
    ConfigOption,
    DockerHubLimitOption,
    ExitZeroOption,
    ExtendSelectOption,
    FailLevelOption,
    IamOption,
    IgnoreOption,
    MaxFileSizeOption,
    NoSuppressionsOption,
    OfflineOption,
    OutputFormatOption,
    ParameterOption,
    ProfileOption,
    QuietOption,
    RegionOption,
    RolePolicyOption,
    SecretKmsKeyOption,
    SelectOption,
    StatisticsOption,
)


def check_command(
    paths: Annotated[list[str], typer.Argument(help="Files and directories to lint.")],
    output_format: OutputFormatOption = "text",
    build_arg: Annotated[
        list[str] | None,
        typer.Option(
            "--build-arg",
            help="Dockerfile ARG value, NAME=VALUE (repeatable).",
            metavar="NAME=VALUE",
        ),
    ] = None,
    build_context: Annotated[
        list[str] | None,
        typer.Option(
            "--build-context",
            help="Named build context of Dockerfile builds, NAME=VALUE (repeatable), as "
            "docker buildx build takes it: a FROM or --from name that is one is no image, unless "
            "VALUE is docker-image://REF.",
            metavar="NAME=VALUE",
        ),
    ] = None,
    env: Annotated[
        list[str] | None,
        typer.Option(
            "--env",
            help="Variable for Docker Compose interpolation and Docker Bake files, NAME=VALUE "
            "(repeatable); wins over the compose file's .env and a Bake variable's default.",
            metavar="NAME=VALUE",
        ),
    ] = None,
    parameter: ParameterOption = None,
    select: SelectOption = None,
    ignore: IgnoreOption = None,
    extend_select: ExtendSelectOption = None,
    exit_zero: ExitZeroOption = False,
    config: ConfigOption = None,
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
        bool, typer.Option("--diff", help="Print the fixes as a unified diff; write nothing.")
    ] = False,
    offline: OfflineOption = False,
    iam: IamOption = None,
    role_policy: RolePolicyOption = None,
    secret_kms_key: SecretKmsKeyOption = None,
    aws: AwsOption = False,
    region: RegionOption = None,
    profile: ProfileOption = None,
    docker_hub_limit: DockerHubLimitOption = None,
    max_file_size: MaxFileSizeOption = None,
) -> None:
    """Lint task definitions and Dockerfiles (the default command)."""
    # Every parameter by name, as cli.fastpath passes them when it parses the line itself
    # (copied before anything else becomes a local).
    options = dict(locals())
    from ecs_lint.cli.checking import check

    check(**options)
