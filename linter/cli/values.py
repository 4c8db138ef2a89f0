"""How the options a command was given become the run's ``Settings``: each value checked (a bad
one is a usage error), then laid over the configuration file.

Apart from typer's declarations (``cli.options``), so that the plain ``check`` command line,
parsed by ``cli.fastpath``, runs without importing typer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.cli.common import fail

if TYPE_CHECKING:
    from ecs_lint.findings import Severity
    from ecs_lint.settings import Settings


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
    build_context: list[str] | None = None,
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
        "build_contexts": _build_contexts(build_context),
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


def _build_contexts(values: list[str] | None) -> dict[str, str] | None:
    """``--build-context NAME=VALUE``; a name must be a reference, as buildx insists."""
    contexts = _assignments(values, "--build-context")
    from ecs_lint.config import BadValue, context_names

    try:
        return None if contexts is None else context_names(contexts)
    except BadValue as error:
        fail(f"--build-context: {error}")


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

    # A blank item is skipped, spaces and all: ``--select "EL101, "`` as ``--select EL101,``.
    items = (item.strip().upper() for value in values for item in value.split(","))
    codes = [code for code in items if code]
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
