"""Configuration files: ``[tool.ecs-lint]`` in ``pyproject.toml``, or ``.ecs-lint.toml``.

The file used is ``--config PATH`` when given, else the nearest one walking up from the current
directory (in each directory ``.ecs-lint.toml`` first, then a ``pyproject.toml`` that has a
``[tool.ecs-lint]`` table). ``.ecs-lint.toml`` holds the same keys at its top level.

``KEYS`` are the configuration keys, each declared on the ``Settings`` field it sets
(``ecs_lint.options``) with the converter that checks its TOML value. Command-line options
override the file (see :func:`resolve_settings`); an unknown key or a bad value is a
``ConfigError`` naming the key and the file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecs_lint.convert import BadValue
from ecs_lint.options import Key, config_keys
from ecs_lint.settings import MAX_FILE_SIZE, Settings

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

CONFIG_FILE_NAME = ".ecs-lint.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "ecs-lint")


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file (and key)."""


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


KEYS: tuple[Key, ...] = config_keys()
EXTEND_SELECT = "extend_select"
"""Folded into ``select`` and ``ignore`` by :func:`resolve_settings`."""
KEY_BY_NAME: dict[str, Key] = {key.name: key for key in KEYS}
SECTIONS: frozenset[str] = frozenset(key.name.rsplit(".", 1)[0] for key in KEYS if "." in key.name)


# ---------------------------------------------------------------------------------------------
# Finding and reading the file.


def project_directory(start: Path, limit: int = MAX_FILE_SIZE) -> Path | None:
    """The directory of the configuration file nearest to ``start`` (a directory), if any."""
    found = find_config_file(start, limit)
    return found.parent if found is not None else None


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
        data = read_limited(pyproject, limit)
    except UnreadableFile:
        return True  # unreadable or too large: reading it as the configuration says why
    if b"ecs-lint" not in data:
        return False  # no table of ours, however written: not worth a TOML parser's start
    try:
        return _tool_table(_parsed_toml(pyproject, data)) is not None
    except ConfigError:
        return True  # a broken pyproject.toml that mentions us is reported, not skipped


def _read_toml(path: Path, limit: int = MAX_FILE_SIZE) -> dict[str, Any]:
    from ecs_lint.textio import UnreadableFile, read_limited

    try:
        # Read as every linted file is: a regular file within max-file-size (not a FIFO or
        # device); only --max-file-size can raise the limit for the file that could set it.
        data = read_limited(path, limit)
    except UnreadableFile as error:
        reason = error.message.removeprefix("cannot read file: ")
        raise ConfigError(f"{shown(path)}: cannot read configuration: {reason}") from None
    return _parsed_toml(path, data)


def _parsed_toml(path: Path, data: bytes) -> dict[str, Any]:
    import tomllib

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


def resolve_settings(options: Mapping[str, Any], *, cwd: Path | None = None) -> Settings:
    """The run's settings: its configuration file overridden by command-line ``options``.

    ``options`` maps Settings field names to option values; ``None`` means "not given on the
    command line". The file is ``config_file`` (``--config``), else the nearest one from
    ``cwd``. Rule selection layers as in ruff: ``--select`` replaces the file's selection (its
    ``ignore`` included), ``--ignore`` adds to the file's, ``--extend-select`` adds to whichever
    selection is in force. ``--build-arg`` values override the file's per name, and
    ``--extend-exclude`` adds to the file's ``extend-exclude``.

    The settings carry the :class:`Configurations` of the run, which give each file linted the
    keys of the configuration nearest to it (unless ``--config`` names one for all).
    """
    limit = options.get("max_file_size") or MAX_FILE_SIZE
    explicit = options.get("config_file")
    config = load_config(explicit, cwd, limit)
    given = {name: value for name, value in options.items() if value is not None}
    settings = Settings(**_merged(file_values(config) if config is not None else {}, given))
    if config is not None:
        settings.config_file = str(config.path)
    if explicit is None:
        settings.configurations = Configurations(given, settings, config, limit)
    return settings


def _merged(from_file: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """The Settings values of a configuration file's values with the options given over them."""
    merged: dict[str, Any] = {**from_file, **given}
    for name in from_file.keys() & given.keys():
        if isinstance(from_file[name], dict) and isinstance(given[name], dict):
            # Mappings (build args, role policies...) merge per entry, the option winning.
            merged[name] = {**from_file[name], **given[name]}
    if EXTEND_EXCLUDE in given:
        merged[EXTEND_EXCLUDE] = (*from_file.get(EXTEND_EXCLUDE, ()), *given[EXTEND_EXCLUDE])
    merged["select"], merged["ignore"] = _merge_selection(from_file, given)
    merged.pop(EXTEND_SELECT, None)
    return merged


EXTEND_EXCLUDE = "extend_exclude"


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


# ---------------------------------------------------------------------------------------------
# Each file's configuration.

PER_FILE_FIELDS: frozenset[str] = frozenset(
    {key.field for key in KEYS if not key.run_wide} | {"select", "ignore"}
)
"""The Settings fields a sub-project's configuration sets for its files (``select`` and
``ignore`` with ``extend-select`` folded in)."""

NEAR_NAMES: tuple[str, ...] = (
    "ecs-lint.toml",
    "ecs_lint.toml",
    ".ecs_lint.toml",
    "ecslint.toml",
    ".ecslint.toml",
    ".ecs-lint.yaml",
    ".ecs-lint.yml",
    ".ecs-lint.json",
    ".ecs-lint.ini",
    ".ecs-lint",
    ".ecs-lint.toml.txt",
)
"""File names someone may write meaning ours: each one found gets a hint, never read."""


_CONFIG_NAMES = frozenset({CONFIG_FILE_NAME, PYPROJECT, *NEAR_NAMES})


def _config_files_in(directory: str) -> frozenset[str]:
    """The configuration files in ``directory`` (and the files named close to one), by name:
    one listing instead of a look-up per name, for every directory above a run's files."""
    try:
        with os.scandir(directory) as listing:
            names = [entry.name for entry in listing if entry.name in _CONFIG_NAMES]
    except OSError:  # searchable but not listable: each name looked up
        names = list(_CONFIG_NAMES)
    paths = {name: os.path.join(directory, name) for name in names}  # noqa: PTH118
    return frozenset(name for name, path in paths.items() if os.path.isfile(path))  # noqa: PTH113


class Configurations:
    """The settings of each file of a run, as ruff finds them: the keys of the configuration
    file nearest to the file (``.ecs-lint.toml``, or ``pyproject.toml`` with ``[tool.ecs-lint]``,
    in its directory or the nearest parent that has one), with the command-line options over
    them. A file with no configuration above it takes the run's. Run-wide keys (``Key.run_wide``:
    the network, the cache, AWS calls, limits, the exit status) come from the run's
    configuration only; one set differently in another file is said once (``notices``) and
    not used.

    Every directory's nearest file is looked up once, and every file read once, per run.
    """

    def __init__(
        self,
        options: Mapping[str, Any],
        run: Settings,
        run_config: ConfigFile | None,
        limit: int = MAX_FILE_SIZE,
    ) -> None:
        self._options = dict(options)
        self._run = run
        """The run's settings as the configuration gave them: what a run-wide key is compared
        with."""
        self._run_config = run_config.path.absolute() if run_config is not None else None
        self._limit = limit
        self._nearest: dict[str, Path | None] = {}
        self._by_file: dict[Path, dict[str, Any]] = {}
        self._derived: dict[tuple[int, Path], tuple[Settings, Settings]] = {}
        self.notices: list[str] = []
        """What the user should know about the configurations found (said once each)."""

    def for_path(self, base: Settings, path: str, *, is_dir: bool = False) -> Settings:
        """``base`` (the run's settings, as the command made them) with the per-file keys of the
        configuration nearest to the file (or, with ``is_dir``, the directory) at ``path``."""
        absolute = os.path.abspath(path)  # noqa: PTH100 (once per file of a run)
        return self.for_directory(base, absolute if is_dir else os.path.dirname(absolute))  # noqa: PTH120

    def for_directory(
        self, base: Settings, directory: str, names: frozenset[str] | None = None
    ) -> Settings:
        """``base`` with the per-file keys of the configuration of the files of ``directory``
        (absolute); ``names`` are its entries when the caller listed it."""
        found = self._nearest_file(directory, names)
        if found is None or found == self._run_config:
            return base
        key = (id(base), found)
        cached = self._derived.get(key)
        if cached is None or cached[0] is not base:
            values = self._by_file.get(found)
            if values is None:
                values = self._read(found)
                self._by_file[found] = values
            cached = (base, replace(base, config_file=str(found), **values))
            self._derived[key] = cached
        return cached[1]

    def project_directory(self, directory: str) -> str | None:
        """The directory of the configuration file nearest to ``directory``, if any."""
        found = self._nearest_file(os.path.abspath(directory), None)  # noqa: PTH100
        return str(found.parent) if found is not None else None

    def _nearest_file(self, directory: str, names: frozenset[str] | None) -> Path | None:
        if directory in self._nearest:
            return self._nearest[directory]
        found = self._in_directory(directory, names)
        if found is None:
            parent = os.path.dirname(directory)  # noqa: PTH120 (once per directory of a walk)
            found = None if parent == directory else self._nearest_file(parent, None)
        self._nearest[directory] = found
        return found

    def _in_directory(self, directory: str, names: frozenset[str] | None) -> Path | None:
        if names is None:
            names = _config_files_in(directory)
        for near in NEAR_NAMES:
            if near in names:
                self._hint(Path(directory, near))
        if CONFIG_FILE_NAME in names:
            return Path(directory, CONFIG_FILE_NAME)
        if PYPROJECT in names:
            pyproject = Path(directory, PYPROJECT)
            if _has_tool_table(pyproject, self._limit):
                return pyproject
        return None

    def _hint(self, path: Path) -> None:
        notice = (
            f"{shown(path)} is not read: ecs-lint reads {CONFIG_FILE_NAME} or [tool.ecs-lint] "
            f"in {PYPROJECT} (rename it to {CONFIG_FILE_NAME}, in TOML)"
        )
        if notice not in self.notices:
            self.notices.append(notice)

    def _read(self, path: Path) -> dict[str, Any]:
        """The per-file Settings values of the configuration at ``path``, with the options."""
        config = read_config_file(path, self._limit)
        values = file_values(config)
        for key in KEYS:
            if key.run_wide and values.get(key.field, getattr(self._run, key.field)) != getattr(
                self._run, key.field
            ):
                self.notices.append(
                    f"{config.where}{key.name} holds for the whole run, so it is read only "
                    "from the configuration of the directory ecs-lint runs in (or --config); "
                    "here it is not used"
                )
        merged = _merged(values, self._options)
        per_file = {name: value for name, value in merged.items() if name in PER_FILE_FIELDS}
        for name in PER_FILE_FIELDS - per_file.keys():
            per_file[name] = _field_default(name)
        return per_file


def _field_default(name: str) -> Any:
    import dataclasses

    field = Settings.__dataclass_fields__[name]
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default
