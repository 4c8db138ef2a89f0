"""Configuration files: ``[tool.ecs-lint]`` in ``pyproject.toml``, or ``.ecs-lint.toml``.

The file used is ``--config PATH`` when given, else the nearest one walking up from the current
directory (in each directory ``.ecs-lint.toml`` first, then a ``pyproject.toml`` that has a
``[tool.ecs-lint]`` table). ``.ecs-lint.toml`` holds the same keys at its top level.

``KEYS`` is the one table of configuration keys: each maps a key onto a ``Settings`` field through
a converter that validates the TOML value. Adding a key is one line there. Command-line options
override the file (see :func:`resolve_settings`); an unknown key or a bad value is a
``ConfigError`` naming the key and the file.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecs_lint.findings import Severity
from ecs_lint.settings import MAX_FILE_SIZE, PerFileIgnore, Settings

CONFIG_FILE_NAME = ".ecs-lint.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "ecs-lint")

_CODE_SELECTOR = re.compile(r"^(?:ALL|[A-Z]+[0-9]*)$")
_CONTAINER_NAME = re.compile(r"^[A-Za-z0-9_\-*?\[\]!]+$")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file (and key)."""


class BadValue(Exception):
    """Raised by a converter; the loader adds the key and the file."""


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """A configuration file found on disk and the table of ecs-lint keys in it."""

    path: Path
    table: Mapping[str, Any]

    @property
    def base(self) -> Path:
        """The directory relative paths and ``per-file-ignores`` globs are resolved against."""
        return self.path.parent

    @property
    def where(self) -> str:
        prefix = "[tool.ecs-lint] " if self.path.name == PYPROJECT else ""
        return f"{shown(self.path)}: {prefix}"


def shown(path: Path) -> str:
    """How messages name a file: relative to the current directory when inside it."""
    if path.is_absolute():
        relative = os.path.relpath(path)
        if not relative.startswith(".."):
            return relative
    return str(path)


Converter = Callable[[object, ConfigFile], Any]


@dataclass(frozen=True, slots=True)
class ConfigKey:
    """A configuration key: its TOML name, the ``Settings`` field it sets, and its converter.

    A dotted name (``pull-through-cache.region``) is a key inside a sub-table.
    """

    name: str
    field: str
    convert: Converter
    help: str


# ---------------------------------------------------------------------------------------------
# Converters: TOML value → Settings value, raising BadValue with a message a user can act on.


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
    """A rule code (``EL101``) or, where allowed, a prefix (``EL1``) or ``ALL``, upper-cased."""
    code = text.strip().upper()
    known = _known_codes()
    if allow_prefix and _CODE_SELECTOR.match(code):
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
    if sep and pattern and container and _CONTAINER_NAME.match(container):
        return pattern.replace("\\", "/"), container
    if not key.strip():
        raise BadValue("a per-file-ignores pattern is empty")
    return key.replace("\\", "/"), None


def build_args(value: object, _: ConfigFile) -> dict[str, str]:
    args: dict[str, str] = {}
    for name, text in _table(value).items():
        if not isinstance(text, str):
            # An unquoted 3.10 would become 3.1: insist on strings rather than guess.
            raise BadValue(f'{name}: expected a string (quote it: {name} = "{text}")')
        args[name] = text
    return args


def build_contexts(value: object, config: ConfigFile) -> dict[str, str]:
    """Named build contexts: values strings, names checked by :func:`context_names`."""
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


_SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([KMG]i?B|B)?\s*$", re.IGNORECASE)
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
    match = _SIZE.match(text)
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


_REGION = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-[0-9]+$")
_ACCOUNT = re.compile(r"^[0-9]{12}$")
_ECR_PREFIX = re.compile(r"^[a-z0-9]+(?:[._/-][a-z0-9]+)*$")


def region(text: str) -> str:
    """An AWS region name such as ``us-east-1`` (``aws-region``, and the ``--region`` option)."""
    if not _REGION.match(text):
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
    if not _ACCOUNT.match(account):
        raise BadValue(f"account: expected a 12-digit AWS account ID, got {account!r}")
    try:
        region = aws_region(table["region"], config)
    except BadValue as error:
        raise BadValue(f"region: {error}") from None
    prefix = string(table["prefix"], config).strip("/")
    if not _ECR_PREFIX.match(prefix):
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
# The table. ``extend_select`` is not a Settings field: resolve_settings folds it into ``select``.

EXTEND_SELECT = "extend_select"

KEYS: tuple[ConfigKey, ...] = (
    ConfigKey("select", "select", rule_codes, "Rule codes or prefixes to enable (default: all)."),
    ConfigKey("ignore", "ignore", rule_codes, "Rule codes or prefixes to disable."),
    ConfigKey("extend-select", EXTEND_SELECT, rule_codes, "Codes to enable on top of `select`."),
    ConfigKey(
        "per-file-ignores",
        "per_file_ignores",
        per_file_ignores,
        'Glob (or `glob:container`) → codes ignored there: `"ecs/*.json:web" = ["EL105"]`.',
    ),
    ConfigKey("severity", "severity_overrides", severity_overrides, "Code → severity override."),
    ConfigKey(
        "fail-level", "fail_level", fail_level, "Lowest severity that makes the exit status 1."
    ),
    ConfigKey("build-args", "build_args", build_args, "Dockerfile ARG values (name → string)."),
    ConfigKey(
        "build-contexts",
        "build_contexts",
        build_contexts,
        "Named build contexts of Dockerfile builds (name → value, as --build-context).",
    ),
    ConfigKey(
        "trusted-registries",
        "trusted_registries",
        trusted_registries,
        "Registry hosts (or `host/namespace`) treated as safe: EL101/EL102 skip them.",
    ),
    # ECR Public equivalents (ecs_lint.gallery)
    ConfigKey("offline", "offline", boolean, "No network look-ups: the embedded catalog only."),
    ConfigKey("gallery-url", "gallery_url", endpoint, "ECR Public Gallery API endpoint."),
    ConfigKey("registry-url", "registry_url", endpoint, "ECR Public registry endpoint."),
    ConfigKey(
        "dockerhub-registry-url",
        "dockerhub_registry_url",
        endpoint,
        "Docker Hub registry endpoint (digest checks).",
    ),
    ConfigKey("dockerhub-auth-url", "dockerhub_auth_url", endpoint, "Docker Hub token endpoint."),
    ConfigKey("cache-dir", "cache_dir", path_value, "Look-up cache directory."),
    ConfigKey("cache-ttl", "cache_ttl", non_negative_number, "Cache lifetime, seconds (0: off)."),
    ConfigKey("lookup-budget", "lookup_budget", positive_number, "Seconds all look-ups may take."),
    ConfigKey(
        "lookup-concurrency",
        "lookup_concurrency",
        positive_integer,
        "Look-up requests in flight at once per host.",
    ),
    ConfigKey(
        "identity-check",
        "identity_check",
        boolean,
        "Compare Docker Hub digests to call a replacement identical.",
    ),
    ConfigKey(
        "pull-through-cache",
        "pull_through_cache",
        pull_through_cache,
        "ECR pull-through cache for Docker Hub: `{account, region, prefix}`.",
    ),
    # Execution-role checks (ecs_lint.iam)
    ConfigKey(
        "iam-files", "iam_files", paths, "`aws iam get-account-authorization-details` outputs."
    ),
    ConfigKey(
        "role-policies",
        "role_policy_files",
        role_policies,
        "Role name or ARN → policy file (or list of files): all of the role's policies.",
    ),
    ConfigKey(
        "secret-kms-keys",
        "secret_kms_keys",
        secret_kms_keys,
        "Secret or parameter → the customer-managed KMS key that encrypts it.",
    ),
    ConfigKey("aws-region", "aws_region", aws_region, "The region tasks run in."),
    # Live AWS calls (--aws, ecs-lint aws, policy --aws): ecs_lint.iam.wire
    ConfigKey(
        "aws-connect-timeout",
        "aws_connect_timeout",
        positive_number,
        "Seconds to wait for a connection to AWS.",
    ),
    ConfigKey(
        "aws-read-timeout",
        "aws_read_timeout",
        positive_number,
        "Seconds to wait for AWS to answer one request.",
    ),
    ConfigKey(
        "aws-max-attempts",
        "aws_max_attempts",
        positive_integer,
        "Attempts per AWS request, retries included.",
    ),
    ConfigKey("aws-budget", "aws_budget", positive_number, "Seconds all AWS calls may take."),
    ConfigKey(
        "docker-hub-credentials",
        "docker_hub_credentials",
        secret_reference,
        "Secrets Manager secret with Docker Hub credentials, offered as repositoryCredentials.",
    ),
    ConfigKey(
        "docker-hub-limit",
        "docker_hub_limit",
        positive_integer,
        "Anonymous Docker Hub pulls per address per window, for the pull budget (EL150).",
    ),
    ConfigKey(
        "max-file-size",
        "max_file_size",
        file_size,
        "Largest input file read (default 10MiB): bytes, or `20MiB`, `512KiB`...",
    ),
)

KEY_BY_NAME: dict[str, ConfigKey] = {key.name: key for key in KEYS}
SECTIONS: frozenset[str] = frozenset(key.name.rsplit(".", 1)[0] for key in KEYS if "." in key.name)


# ---------------------------------------------------------------------------------------------
# Finding and reading the file.


def find_config_file(start: Path, limit: int = MAX_FILE_SIZE) -> Path | None:
    """The nearest configuration file in ``start`` or a parent directory."""
    for directory in (start, *start.parents):
        dedicated = directory / CONFIG_FILE_NAME
        if dedicated.is_file():
            return dedicated
        pyproject = directory / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject, limit):
            return pyproject
    return None


def _has_tool_table(pyproject: Path, limit: int) -> bool:
    from ecs_lint.textio import UnreadableFile, read_limited

    try:
        return _tool_table(_read_toml(pyproject, limit)) is not None
    except ConfigError:
        # A broken pyproject.toml that may hold our table is reported, not silently skipped.
        try:
            return b"ecs-lint" in read_limited(pyproject, limit)
        except UnreadableFile:
            return True  # unreadable or too large: reading it again says why


def _read_toml(path: Path, limit: int = MAX_FILE_SIZE) -> dict[str, Any]:
    import tomllib

    from ecs_lint.textio import UnreadableFile, read_limited

    try:
        # Read as every linted file is: a regular file within max-file-size (not a FIFO or
        # device); only --max-file-size can raise the limit for the file that could set it.
        data = read_limited(path, limit)
    except UnreadableFile as error:
        reason = error.message.removeprefix("cannot read file: ")
        raise ConfigError(f"{shown(path)}: cannot read configuration: {reason}") from None
    try:
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{shown(path)}: invalid TOML: {error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{shown(path)}: invalid TOML: not UTF-8 text") from None


def _tool_table(document: Mapping[str, Any]) -> Mapping[str, Any] | None:
    table: Any = document
    for part in PYPROJECT_TABLE:
        if not isinstance(table, dict) or part not in table:
            return None
        table = table[part]
    return table if isinstance(table, dict) else None


def read_config_file(path: Path, limit: int = MAX_FILE_SIZE) -> ConfigFile:
    if not path.is_file():
        raise ConfigError(f"{shown(path)}: configuration file not found")
    document = _read_toml(path, limit)
    if path.name == PYPROJECT:
        table = _tool_table(document)
        if table is None and "ecs-lint" in document.get("tool", {}):
            raise ConfigError(f"{shown(path)}: [tool.ecs-lint] must be a table")
        return ConfigFile(path, table or {})
    return ConfigFile(path, document)


def _flatten(
    table: Mapping[str, Any], config: ConfigFile, prefix: str = ""
) -> Iterator[tuple[str, Any]]:
    for key, value in table.items():
        name = f"{prefix}{key}"
        if name in KEY_BY_NAME:
            yield name, value
        elif name in SECTIONS and isinstance(value, dict):
            yield from _flatten(value, config, f"{name}.")
        else:
            from difflib import get_close_matches

            close = get_close_matches(name, [*KEY_BY_NAME, *SECTIONS], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ConfigError(f"{config.where}unknown key '{name}'{hint}")


def file_values(config: ConfigFile) -> dict[str, Any]:
    """The Settings values a configuration file sets, by field name."""
    values: dict[str, Any] = {}
    for name, raw in _flatten(config.table, config):
        key = KEY_BY_NAME[name]
        try:
            value = key.convert(raw, config)
        except BadValue as error:
            raise ConfigError(f"{config.where}{name}: {error}") from None
        values[key.field] = value
    return values


def load_config(
    explicit: str | None, cwd: Path | None = None, limit: int = MAX_FILE_SIZE
) -> ConfigFile | None:
    """The configuration to use: ``--config`` when given, else the nearest file, else none."""
    if explicit is not None:
        return read_config_file(Path(explicit), limit)
    found = find_config_file((cwd or Path.cwd()).absolute(), limit)
    return read_config_file(found, limit) if found is not None else None


# ---------------------------------------------------------------------------------------------
# Merging the file with command-line options.


def resolve_settings(
    options: Mapping[str, Any], *, config_path: str | None = None, cwd: Path | None = None
) -> Settings:
    """Settings from the configuration file overridden by command-line ``options``.

    ``options`` maps Settings field names to option values; ``None`` means "not given on the
    command line". Rule selection layers as in ruff: ``--select`` replaces the file's selection
    (its ``ignore`` included), ``--ignore`` adds to the file's, ``--extend-select`` adds to
    whichever selection is in force. ``--build-arg`` values override the file's per name.
    """
    config = load_config(config_path, cwd, options.get("max_file_size") or MAX_FILE_SIZE)
    from_file = file_values(config) if config is not None else {}
    given = {name: value for name, value in options.items() if value is not None}
    merged: dict[str, Any] = {**from_file, **given}
    for name in from_file.keys() & given.keys():
        if isinstance(from_file[name], dict) and isinstance(given[name], dict):
            # Mappings (build args, role policies...) merge per entry, the option winning.
            merged[name] = {**from_file[name], **given[name]}
    merged["select"], merged["ignore"] = _merge_selection(from_file, given)
    merged.pop(EXTEND_SELECT, None)
    if config is not None:
        merged["config_file"] = str(config.path)
    return _settings(merged)


def _merge_selection(
    from_file: Mapping[str, Any], given: Mapping[str, Any]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    select: tuple[str, ...] = from_file.get("select", ())
    ignore: tuple[str, ...] = from_file.get("ignore", ())
    file_extend: tuple[str, ...] = from_file.get(EXTEND_SELECT, ())
    if file_extend:
        select = (*(select or ("ALL",)), *file_extend)
    if "select" in given:
        select, ignore = given["select"], ()
    ignore = (*ignore, *given.get("ignore", ()))
    cli_extend: tuple[str, ...] = given.get(EXTEND_SELECT, ())
    if cli_extend:
        select = (*(select or ("ALL",)), *cli_extend)
        # A later layer re-enables what an earlier one ignored, as in ruff.
        ignore = tuple(code for code in ignore if not code.startswith(cli_extend))
    return select, ignore


def _settings(values: Mapping[str, Any]) -> Settings:
    fields = {f.name for f in dataclasses.fields(Settings)}
    unknown = set(values) - fields
    if unknown:
        raise AssertionError(f"configuration table names no Settings field: {sorted(unknown)}")
    return Settings(**values)
