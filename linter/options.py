"""Every option and configuration key, declared once: on the ``Settings`` field it sets.

A field of :class:`~ecs_lint.settings.Settings` declares with :func:`setting` its default and where
its value can come from: a configuration :class:`Key`, and an :class:`Option` for the commands that
take it on the command line. Everything else is derived from those declarations:

* ``config.KEYS``, the configuration keys the file may hold, each checked by its converter;
* each command's typer parameters (``cli.commands``): typer gives the help, usage errors and exit
  statuses, as for any typer application;
* the parser of the plain ``check`` line (``cli.fastpath``), which runs without importing typer;
* the run's ``Settings`` from the values given (``cli.values.load_settings``).

Adding an option is one declaration on its field (the field too when it is new) and the code that
uses the value; ``ARCHITECTURE.md`` has the steps.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import TYPE_CHECKING, Any, Final, TypeVar, overload

if TYPE_CHECKING:
    from collections.abc import Callable, Collection

    from ecs_lint.config import ConfigFile

_T = TypeVar("_T")

CHECK, AWS, POLICY, RATELIMIT, RULES = "check", "aws", "policy", "ratelimit", "rules"
SERVER = "server"
LINTING: Final = (CHECK, AWS)
"""The commands that lint and report findings."""
LINTING_AND_SERVER: Final = (CHECK, AWS, SERVER)
"""Those and the language server, which lints what an editor has open: the options choosing
the rules and the look-ups."""
ROLE_SOURCES: Final = (CHECK, POLICY)
"""The commands that read task definitions' execution roles from files (``--iam``...)."""
READING_AWS: Final = (AWS, POLICY)
"""The commands that read what runs in AWS (``--cluster``...)."""
_DECLARED: Final = "ecs_lint.declared"


# Plain classes, not dataclasses: every start-up makes the whole table, and a dataclass costs
# a few tenths of a millisecond to create.


class Key:
    """A configuration key: its TOML name (dotted inside a sub-table: ``table.key``), the
    converter that checks its value, and a line of help. ``field`` is the ``Settings`` field it
    sets (:func:`config_keys` fills it in).

    ``run_wide`` keys hold for the whole run (the network, the cache, AWS calls, input limits,
    the exit status), so they are read from the run's configuration only (``--config``, else
    the nearest one from the working directory); every other key is read per file, from the
    configuration nearest the file (``config.Configurations``)."""

    __slots__ = ("convert", "field", "help", "name", "run_wide")

    def __init__(
        self,
        name: str,
        convert: Callable[[object, ConfigFile], Any],
        help: str,
        field: str = "",
        *,
        run_wide: bool = False,
    ) -> None:
        self.name = name
        self.convert = convert
        self.help = help
        self.field = field
        self.run_wide = run_wide


class Option:
    """A command-line option of ``commands`` that sets its field.

    ``takes`` is what it is given: ``bool`` (a flag, no value: it sets the field to the opposite
    of its default), ``str`` or ``list`` (a text, repeatable); numbers are texts its
    ``convert`` reads (``--max-file-size 20MiB``).
    ``convert(given, name)`` makes the field's value of what was given (its message names the
    option: ``BadValue("--select: unknown rule code 'X'")``); without it a list becomes a tuple
    and anything else is kept as given.
    """

    __slots__ = ("commands", "convert", "help", "metavar", "spellings", "takes")

    def __init__(
        self,
        *spellings: str,
        commands: Collection[str],
        help: str,
        metavar: str | None = None,
        takes: type = str,
        convert: Callable[[Any, str], Any] | None = None,
    ) -> None:
        self.spellings = spellings
        self.commands = commands
        self.help = help
        self.metavar = metavar
        self.takes = takes
        self.convert = convert


class CommandOption:
    """An option as one command takes it: the field it sets (its parameter name) and that
    field's default, and the value a parser passes when the option is not given (``unset``:
    typer shows a text default)."""

    __slots__ = ("default", "name", "option")

    def __init__(self, name: str, option: Option, default: Any) -> None:
        self.name = name
        self.option = option
        self.default = default

    @property
    def unset(self) -> Any:
        if self.option.takes is bool:
            return False
        if self.option.takes is str and isinstance(self.default, str):
            return self.default
        return None

    def given(self, value: Any) -> bool:
        return value is not None and value is not False and value != []

    def value(self, given: Any) -> Any:
        """The field's value for what the option was given; ``BadValue`` when it is wrong."""
        option = self.option
        if option.convert is not None:
            return option.convert(given, option.spellings[0])
        if option.takes is bool:
            return not self.default
        return tuple(given) if option.takes is list else given


@overload
def setting(*declared: Key | Option, default: _T) -> _T: ...
@overload
def setting(*declared: Key | Option, factory: Callable[[], _T]) -> _T: ...
def setting(
    *declared: Key | Option, default: Any = dataclasses.MISSING, factory: Any = dataclasses.MISSING
) -> Any:
    """A ``Settings`` field with its default and the key and options that set it."""
    return dataclasses.field(
        default=default, default_factory=factory, metadata={_DECLARED: declared}
    )


def _declarations(settings: type) -> list[tuple[dataclasses.Field[Any], Key | Option]]:
    return [
        (field, declared)
        for field in dataclasses.fields(settings)
        for declared in field.metadata.get(_DECLARED, ())
    ]


@cache
def config_keys() -> tuple[Key, ...]:
    """Every configuration key, in the order of the fields."""
    from ecs_lint.settings import Settings

    return tuple(
        Key(declared.name, declared.convert, declared.help, field.name, run_wide=declared.run_wide)
        for field, declared in _declarations(Settings)
        if isinstance(declared, Key)
    )


@cache
def command_options(command: str) -> tuple[CommandOption, ...]:
    """The options ``command`` takes, in the order of the fields."""
    from ecs_lint.settings import Settings

    return tuple(
        CommandOption(field.name, declared, _default(field))
        for field, declared in _declarations(Settings)
        if isinstance(declared, Option) and command in declared.commands
    )


def _default(field: dataclasses.Field[Any]) -> Any:
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default
