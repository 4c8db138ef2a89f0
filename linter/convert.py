"""Values: what a configuration key or a command-line option was given → its ``Settings`` value.

Every converter checks what it is given and raises :class:`BadValue` with a message a user can act
on. A configuration key's converter (``Key.convert``) takes the TOML value and the file (the loader
adds the key and the file to the message); an option's (``Option.convert``) takes what typer or
``cli.fastpath`` read and the option's name, and its message is the whole error.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from ecs_lint.dockerhub import ANONYMOUS, AUTHENTICATED, PullLimit, parse_limit
from ecs_lint.findings import Severity

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping

    from ecs_lint.config import ConfigFile
    from ecs_lint.globs import PathGlob
    from ecs_lint.settings import PerFileIgnore

_T = TypeVar("_T")
_CODE_SELECTOR = r"^(?:ALL|[A-Z]+[0-9]*)$"
_CONTAINER_NAME = r"^[A-Za-z0-9_\-*?\[\]!]+$"


class BadValue(Exception):
    """A value a key or an option cannot take; the message says why."""


# ---------------------------------------------------------------------------------------------
# Configuration values: the TOML value → Settings value (``Key.convert``).


def _type_name(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return names.get(type(value), type(value).__name__)


def boolean(value: object, _: ConfigFile) -> bool:
    if not isinstance(value, bool):
        raise BadValue(f"expected true or false, got {_type_name(value)}")
    return value


def string(value: object, _: ConfigFile) -> str:
    if not isinstance(value, str):
        raise BadValue(f"expected a string, got {_type_name(value)}")
    return value


def positive_number(value: object, _: ConfigFile) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise BadValue(f"expected a positive number, got {value!r}")
    return float(value)


def path_value(value: object, config: ConfigFile) -> str:
    """A file or directory path, relative to the configuration file's directory."""
    text = string(value, config)
    if not text:
        raise BadValue("expected a path, got an empty string")
    return str(config.base / Path(text).expanduser())


def _strings(value: object) -> list[str]:
    if not isinstance(value, list):
        raise BadValue(f"expected an array of strings, got {_type_name(value)}")
    bad = [item for item in value if not isinstance(item, str)]
    if bad:
        raise BadValue(f"expected an array of strings, got {_type_name(bad[0])} {bad[0]!r}")
    return list(value)


def _known_codes() -> tuple[str, ...]:
    from ecs_lint.rules import RULES

    return tuple(rule.code for rule in RULES)


def rule_code(text: str, *, allow_prefix: bool = True) -> str:
    """A rule code (``EL101``) or, where allowed, a prefix (``EL1``) or ``ALL``, upper-cased; a
    rule's name (``docker-hub-anonymous-pull``) stands for its code."""
    from ecs_lint.rules import RULES

    by_name = {rule.name: rule.code for rule in RULES}
    if text.strip().lower() in by_name:
        return by_name[text.strip().lower()]
    code = text.strip().upper()
    known = _known_codes()
    if allow_prefix and re.compile(_CODE_SELECTOR).match(code):
        if code == "ALL" or any(known_code.startswith(code) for known_code in known):
            return code
    elif code in known:
        return code
    from difflib import get_close_matches  # for a mistake only: it costs start-up otherwise

    close = get_close_matches(code, known, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    raise BadValue(f"unknown rule code {text!r}{hint}")


def rule_codes(value: object, _: ConfigFile) -> tuple[str, ...]:
    return tuple(rule_code(item) for item in _strings(value))


def severity(text: object) -> Severity:
    choices = ", ".join(f'"{level.value}"' for level in Severity)
    if not isinstance(text, str):
        raise BadValue(f"expected one of {choices}, got {_type_name(text)}")
    try:
        return Severity(text.lower())
    except ValueError:
        raise BadValue(f"expected one of {choices}, got {text!r}") from None


def fail_level(value: object, _: ConfigFile) -> Severity:
    return severity(value)


def _table(value: object) -> Mapping[str, object]:
    if not isinstance(value, dict):
        raise BadValue(f"expected a table, got {_type_name(value)}")
    return value


def severity_overrides(value: object, _: ConfigFile) -> dict[str, Severity]:
    overrides: dict[str, Severity] = {}
    for code, level in _table(value).items():
        selector = rule_code(code)
        try:
            overrides[selector] = severity(level)
        except BadValue as error:
            raise BadValue(f"{code}: {error}") from None
    return overrides


def per_file_ignores(value: object, config: ConfigFile) -> tuple[PerFileIgnore, ...]:
    """``"glob" = ["EL105"]`` or, for one container of a task definition, ``"glob:web"``."""
    from ecs_lint.settings import PerFileIgnore

    entries: list[PerFileIgnore] = []
    for key, codes in _table(value).items():
        pattern, container = split_container(key)
        try:
            parsed = rule_codes(codes, config)
        except BadValue as error:
            raise BadValue(f"{key!r}: {error}") from None
        entries.append(PerFileIgnore(pattern, parsed, str(config.base), container))
    return tuple(entries)


def split_container(key: str) -> tuple[str, str | None]:
    """Split ``ecs/*.json:web`` into the file glob and the container-name glob."""
    pattern, sep, container = key.rpartition(":")
    if sep and pattern and container and re.compile(_CONTAINER_NAME).match(container):
        return pattern.replace("\\", "/"), container
    if not key.strip():
        raise BadValue("a per-file-ignores pattern is empty")
    return key.replace("\\", "/"), None


def path_globs(value: object, config: ConfigFile) -> tuple[PathGlob, ...]:
    """``exclude``/``extend-exclude``: globs relative to the configuration file's directory."""
    return _globs(_strings(value), str(config.base.absolute()))


def _globs(patterns: list[str], base: str) -> tuple[PathGlob, ...]:
    from ecs_lint.globs import BadGlob, PathGlob, translate

    globs: list[PathGlob] = []
    for pattern in patterns:
        if not pattern.strip():
            raise BadValue("a pattern is empty")
        try:
            translate(pattern)
        except BadGlob as error:
            raise BadValue(str(error)) from None
        globs.append(PathGlob(pattern, base))
    return tuple(globs)


def build_args(value: object, _: ConfigFile) -> dict[str, str]:
    args: dict[str, str] = {}
    for name, text in _table(value).items():
        if not isinstance(text, str):
            # An unquoted 3.10 would become 3.1: insist on strings rather than guess.
            raise BadValue(f'{name}: expected a string (quote it: {name} = "{text}")')
        args[name] = text
    return args


def build_contexts(value: object, config: ConfigFile) -> dict[str, str]:
    """Named build contexts: values strings, names as :func:`context_names` checks them."""
    return context_names(build_args(value, config))


def context_names(contexts: dict[str, str]) -> dict[str, str]:
    """``contexts``, whose names must be what ``docker buildx build --build-context`` takes: an
    image reference (``base``, ``alpine:3.20``)."""
    from ecs_lint.references import familiar_name

    bad = next((name for name in contexts if familiar_name(name) is None), None)
    if bad is not None:
        raise BadValue(f"invalid context name {bad!r} (a name is an image reference: lowercase)")
    return contexts


def registry_host(text: str) -> str:
    """A registry host, or ``host/namespace`` prefix, normalised like image references are."""
    from ecs_lint.references import DEFAULT_DOMAIN, DOCKER_HUB_HOSTS

    entry = text.strip().rstrip("/")
    if "://" in entry:
        raise BadValue(f"expected a registry host such as 'registry.example.com', got {text!r}")
    host, _, path = entry.partition("/")
    host = host.lower()
    if not host or not ("." in host or ":" in host or host == "localhost"):
        raise BadValue(f"{text!r} is not a registry host (a host has a '.' or ':' or is localhost)")
    if host in DOCKER_HUB_HOSTS:
        host = DEFAULT_DOMAIN
    return f"{host}/{path}" if path else host


def trusted_registries(value: object, _: ConfigFile) -> tuple[str, ...]:
    return tuple(registry_host(item) for item in _strings(value))


def non_negative_number(value: object, _: ConfigFile) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise BadValue(f"expected a number of seconds (0 or more), got {value!r}")
    return float(value)


def positive_integer(value: object, _: ConfigFile) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise BadValue(f"expected a whole number of 1 or more, got {value!r}")
    return value


def docker_hub_limits(value: object, _: ConfigFile) -> dict[str, PullLimit]:
    """``docker-hub-limit``: a count (``100``) or pulls in a window (``"100/6h"``) of anonymous
    pulls, or a table with ``anonymous`` and ``authenticated`` ones."""
    if not isinstance(value, dict):
        return {ANONYMOUS: _pull_limit(value)}
    unknown = sorted(set(value) - {ANONYMOUS, AUTHENTICATED})
    if unknown:
        raise BadValue(f"unknown key '{unknown[0]}' (expected {ANONYMOUS} or {AUTHENTICATED})")
    return {kind: _pull_limit(item) for kind, item in value.items()}


def _pull_limit(value: object) -> PullLimit:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BadValue(f'expected pulls in a window such as "100/6h", got {_type_name(value)}')
    try:
        return parse_limit(str(value))
    except ValueError as error:
        raise BadValue(str(error)) from None


_SIZE = r"(?i)^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMG]i?B|B)?\s*$"
_SIZE_UNITS = {
    "B": 1,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "KIB": 1 << 10,
    "MIB": 1 << 20,
    "GIB": 1 << 30,
}


def byte_size(text: str) -> int:
    """A size in bytes: ``20971520``, or a number with a unit, ``20MiB``, ``512 KiB``,
    ``1.5GB`` (``KiB``/``MiB``/``GiB`` count 1024s, ``KB``/``MB``/``GB`` 1000s). Also the
    ``--max-file-size`` option."""
    match = re.compile(_SIZE).match(text)
    size = 0
    if match is not None:
        size = int(float(match.group(1)) * _SIZE_UNITS[(match.group(2) or "B").upper()])
    if size < 1:
        raise BadValue(f"expected a size such as '20MiB' or a number of bytes, got {text!r}")
    return size


def file_size(value: object, config: ConfigFile) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return byte_size(str(value))
    if not isinstance(value, str):
        raise BadValue(f'expected a size such as "20MiB" or a number of bytes, got {value!r}')
    return byte_size(value)


def endpoint(value: object, config: ConfigFile) -> str:
    """An https URL (plain http only for loopback hosts, so tests can run a local server)."""
    from ecs_lint.gallery.endpoints import EndpointError, checked_url

    try:
        return checked_url(string(value, config), "")
    except EndpointError as error:
        raise BadValue(str(error).removeprefix(": ")) from None


def paths(value: object, config: ConfigFile) -> tuple[str, ...]:
    return tuple(path_value(item, config) for item in _strings(value))


def role_policies(value: object, config: ConfigFile) -> dict[str, tuple[str, ...]]:
    """Role name or ARN → a policy file, or a list of them (all of the role's policies)."""
    mapping: dict[str, tuple[str, ...]] = {}
    for role, files in _table(value).items():
        try:
            listed = [files] if isinstance(files, str) else _strings(files)
            mapping[role] = tuple(path_value(item, config) for item in listed)
        except BadValue as error:
            raise BadValue(f"{role}: {error}") from None
    return mapping


def secret_kms_keys(value: object, config: ConfigFile) -> dict[str, str]:
    """Secret (or parameter) name or ARN → the KMS key (id, ARN or alias) that encrypts it."""
    from ecs_lint.iam.arns import BadReference, parse_kms_key

    keys: dict[str, str] = {}
    for secret, key in _table(value).items():
        text = string(key, config)
        parsed = parse_kms_key(text)
        if isinstance(parsed, BadReference):
            raise BadValue(f"{secret}: {text!r} {parsed.reason}")
        keys[secret] = text
    return keys


_REGION = r"^[a-z]{2}(?:-[a-z]+)+-[0-9]+$"
_ACCOUNT = r"^[0-9]{12}$"
_ECR_PREFIX = r"^[a-z0-9]+(?:[._/-][a-z0-9]+)*$"


def region(text: str) -> str:
    """An AWS region name such as ``us-east-1`` (``aws-region``, and the ``--region`` option)."""
    if not re.compile(_REGION).match(text):
        raise BadValue(f"expected an AWS region such as 'us-east-1', got {text!r}")
    return text


def aws_region(value: object, config: ConfigFile) -> str:
    return region(string(value, config))


def pull_through_cache(value: object, config: ConfigFile) -> dict[str, str]:
    """``{account = "123456789012", region = "eu-west-1", prefix = "docker-hub"}``."""
    table = dict(_table(value))
    missing = [name for name in ("account", "region", "prefix") if name not in table]
    extra = sorted(set(table) - {"account", "region", "prefix"})
    if missing or extra:
        problem = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(extra)}"
        raise BadValue(f"expected a table of account, region and prefix ({problem})")
    account = string(table["account"], config)
    if not re.compile(_ACCOUNT).match(account):
        raise BadValue(f"account: expected a 12-digit AWS account ID, got {account!r}")
    try:
        region = aws_region(table["region"], config)
    except BadValue as error:
        raise BadValue(f"region: {error}") from None
    prefix = string(table["prefix"], config).strip("/")
    if not re.compile(_ECR_PREFIX).match(prefix):
        raise BadValue(
            f"prefix: {prefix!r} is not an ECR repository prefix (lower-case a-z, 0-9, ._-/)"
        )
    return {"account": account, "region": region, "prefix": prefix}


def secret_reference(value: object, config: ConfigFile) -> str:
    """A Secrets Manager secret ARN or name, as ``repositoryCredentials`` takes it."""
    from ecs_lint.iam.arns import BadReference, parse_credentials_parameter

    text = string(value, config)
    parsed = parse_credentials_parameter(text)
    if isinstance(parsed, BadReference):
        raise BadValue(f"{text!r} {parsed.reason}")
    return text


# ---------------------------------------------------------------------------------------------
# Command-line values: what the option was given → Settings value (``Option.convert``).


def _named(option: str, convert: Callable[[], _T]) -> _T:
    try:
        return convert()
    except BadValue as error:
        raise BadValue(f"{option}: {error}") from None


def codes(values: list[str], option: str) -> tuple[str, ...]:
    """Rule codes from a repeatable, comma-separated option, each checked against the rules."""
    # A blank item is skipped, spaces and all: ``--select "EL101, "`` as ``--select EL101,``.
    items = (item.strip().upper() for value in values for item in value.split(","))
    return _named(option, lambda: tuple(rule_code(code) for code in items if code))


def globs(values: list[str], option: str) -> tuple[PathGlob, ...]:
    """``--exclude``/``--extend-exclude``: comma-separated globs, relative to the working
    directory."""
    patterns = [item.strip() for value in values for item in value.split(",") if item.strip()]
    return _named(option, lambda: _globs(patterns, str(Path.cwd())))


def level(value: str, option: str) -> Severity:
    return _named(option, lambda: severity(value))


def size(value: str, option: str) -> int:
    return _named(option, lambda: byte_size(value))


def region_name(value: str, option: str) -> str:
    return _named(option, lambda: region(value))


def region_names(values: list[str], option: str) -> tuple[str, ...]:
    return tuple(region_name(value, option) for value in values)


def assignments(values: list[str], option: str) -> dict[str, str]:
    """``NAME=VALUE`` options as a mapping (a later value of a name wins)."""
    mapping: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name:
            raise BadValue(f"{option} expects NAME=VALUE, got '{value}'")
        mapping[name] = text
    return mapping


def pull_limits(values: list[str], option: str) -> dict[str, PullLimit]:
    """``--docker-hub-limit [anonymous=|authenticated=]PULLS[/WINDOW]`` values (repeatable; a
    bare value is the anonymous limit)."""
    limits: dict[str, PullLimit] = {}
    for value in values:
        kind, sep, text = value.partition("=")
        if not sep:
            kind, text = ANONYMOUS, value
        if kind not in (ANONYMOUS, AUTHENTICATED):
            raise BadValue(
                f"{option}: expected {ANONYMOUS}=, {AUTHENTICATED}= or nothing before the limit, "
                f"got '{kind}='"
            )
        limits[kind] = _named(option, partial(_pull_limit, text))
    return limits


def existing_files(values: list[str], option: str) -> tuple[str, ...]:
    """Files an option names, each checked to be one."""
    for value in values:
        if not Path(value).is_file():
            raise BadValue(f"{option}: no such file '{value}'")
    return tuple(values)


def context_assignments(values: list[str], option: str) -> dict[str, str]:
    """``--build-context NAME=VALUE`` options, names checked as buildx checks them."""
    return _named(option, lambda: context_names(assignments(values, option)))


def role_policy_files(values: list[str], option: str) -> dict[str, tuple[str, ...]]:
    """``--role-policy ROLE=FILE`` values; a role given several times keeps every file."""
    files: dict[str, tuple[str, ...]] = {}
    for value in values:
        role, sep, path = value.partition("=")
        if not sep or not role or not path:
            raise BadValue(f"{option} expects ROLE=FILE (a role name or ARN), got '{value}'")
        files[role] = (*files.get(role, ()), path)
    return files


def unknown_choice(
    what: str, value: str, choices: Collection[str], command: str | None = None
) -> BadValue:
    where = f" for {command}" if command else ""
    return BadValue(f"unknown {what} '{value}'{where} (choose from {', '.join(choices)})")


def report_format(value: str, _: str) -> str:
    """An output format of the linting commands: one of the reporters."""
    from ecs_lint.reporters import REPORTERS

    if value not in REPORTERS:
        raise unknown_choice("output format", value, REPORTERS)
    return value
