"""The plain ``ecs-lint [check] [OPTIONS] PATH...`` command line, parsed without typer's parser.

typer coerces every parameter through a pydantic adapter when it parses a command line:
importing pydantic and building an adapter per option costs more CPU (about 0.09 s) than linting
a Dockerfile, and a pre-commit hook starts ecs-lint on every commit. So the command line of
``check`` is parsed here first, from the very declarations typer reads (the ``Annotated``
options of ``check_command``'s signature), and handed to the same function.

Only a plain command line is taken: options written ``--name value``, ``--name=value`` or
``-X value``, flags, and paths. Anything else (``--help``, an unknown option, a missing value,
a value starting with ``-``, a number that is not a plain one within its bounds, grouped short
options, ``--``, no path) is left to typer, whose messages, help and exit statuses stay the
only ones. A parameter of a kind not handled here turns the fast path off for every line.
"""

from __future__ import annotations

import errno
import inspect
import os
import re
import sys
import typing
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.models import ArgumentInfo, OptionInfo

if TYPE_CHECKING:
    from collections.abc import Callable

_FLAG, _TEXT, _TEXTS, _NUMBER = "flag", "text", "texts", "number"
_KINDS: dict[object, str] = {
    bool: _FLAG,
    str: _TEXT,
    str | None: _TEXT,
    list[str] | None: _TEXTS,
    int | None: _NUMBER,
}
# What typer would act on beyond parsing, or a parser other than this one's.
_UNHANDLED_SETTINGS = (
    "callback",
    "envvar",
    "is_eager",
    "prompt",
    "count",
    "default_factory",
    "parser",
    "is_flag",
    "flag_value",
    "autocompletion",
    "shell_complete",
)
_PLAIN_NUMBER = re.compile(r"0|[1-9][0-9]{0,17}")


@dataclass(frozen=True, slots=True)
class _Option:
    parameter: str
    kind: str
    minimum: int | None
    maximum: int | None
    spellings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CommandLine:
    """How a command's options are written, its defaults and its one list of paths."""

    options: dict[str, _Option]
    defaults: dict[str, Any]
    arguments: str

    @classmethod
    def of(cls, command: Callable[..., Any]) -> CommandLine | None:
        """The command line of ``command``; ``None`` when it declares something not handled."""
        hints = typing.get_type_hints(command, include_extras=True)
        options: dict[str, _Option] = {}
        defaults: dict[str, Any] = {}
        arguments: list[str] = []
        for name, parameter in inspect.signature(command).parameters.items():
            hint = hints.get(name)
            if typing.get_origin(hint) is not Annotated:
                return None
            kind, *metadata = typing.get_args(hint)
            info = next((m for m in metadata if isinstance(m, (OptionInfo, ArgumentInfo))), None)
            if isinstance(info, ArgumentInfo):
                if kind != list[str] or parameter.default is not inspect.Parameter.empty:
                    return None
                arguments.append(name)
                continue
            option = _option(name, kind, info, parameter.default)
            if option is None:
                return None
            defaults[name] = parameter.default
            for spelling in option.spellings:
                options[spelling] = option
        if len(arguments) != 1:
            return None
        return cls(options, defaults, arguments[0])

    def parse(self, args: list[str]) -> dict[str, Any] | None:
        """The command's keyword arguments for ``args``, as typer would pass them; ``None`` for
        a line to leave to typer."""
        values = dict(self.defaults)
        paths: list[str] = []
        position = 0
        while position < len(args):
            token = args[position]
            position += 1
            if not token.startswith("-"):
                paths.append(token)
                continue
            # ``--name=value``; a short option only on its own (``-ojson`` is left to typer).
            spelling, equals, attached = (
                token.partition("=") if token[1:2] == "-" else (token, "", "")
            )
            option = self.options.get(spelling)
            if option is None:
                return None
            if option.kind == _FLAG:
                if equals:
                    return None
                values[option.parameter] = True
                continue
            if equals:
                text = attached
            elif position < len(args) and not args[position].startswith("-"):
                text = args[position]
                position += 1
            else:
                return None
            value = _value(option, text)
            if value is None:
                return None
            if option.kind == _TEXTS:
                values[option.parameter] = [*(values[option.parameter] or ()), value]
            else:
                values[option.parameter] = value
        if not paths:
            return None
        values[self.arguments] = paths
        return values


def _option(name: str, kind: object, info: object, default: object) -> _Option | None:
    if not isinstance(info, OptionInfo):
        return None
    if any(getattr(info, setting, None) for setting in _UNHANDLED_SETTINGS):
        return None
    # In ``Annotated``, typer reads the first positional of ``Option("--name", "-n")``, which
    # lands in ``default``, as the first spelling.
    first = () if info.default is ... else (info.default,)
    spellings = (*first, *(info.param_decls or ()))
    if not spellings or not all(_plain_spelling(spelling) for spelling in spellings):
        return None  # typer's own spellings (``--name/--no-name`` for a flag), or odd ones
    handled = _KINDS.get(kind)
    if handled is None or (handled == _FLAG and default is not False):
        return None
    if handled == _TEXTS and default is not None:
        return None
    minimum = info.min if isinstance(info.min, int) else None
    maximum = info.max if isinstance(info.max, int) else None
    if handled != _NUMBER and (info.min is not None or info.max is not None):
        return None
    return _Option(name, handled, minimum, maximum, spellings)


def _plain_spelling(spelling: object) -> bool:
    if not isinstance(spelling, str):
        return False
    long = spelling.startswith("--") and len(spelling) > 2
    short = len(spelling) == 2 and spelling[0] == "-" and spelling[1] != "-"
    return (long or short) and "/" not in spelling and "=" not in spelling


def _value(option: _Option, text: str) -> str | int | None:
    if option.kind != _NUMBER:
        return text
    if not _PLAIN_NUMBER.fullmatch(text):
        return None
    number = int(text)
    if option.minimum is not None and number < option.minimum:
        return None
    if option.maximum is not None and number > option.maximum:
        return None
    return number


def run(command: Callable[..., Any], args: list[str]) -> None:
    """Run ``command`` for ``args`` and exit, as typer's standalone mode does, when the line is
    a plain one; return without doing anything otherwise."""
    line = CommandLine.of(command)
    kwargs = None if line is None else line.parse(args)
    if kwargs is None:
        return
    try:
        try:
            command(**kwargs)
        except EOFError as error:
            typer.echo(err=True)
            raise typer.Abort from error
        except KeyboardInterrupt as error:
            raise typer.Exit(130) from error
        except OSError as error:
            if error.errno != errno.EPIPE:
                raise
            _silence_closed_output()
            sys.exit(1)
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except typer.Abort:
        typer.echo("Aborted!", err=True)
        sys.exit(1)
    sys.exit(0)


def _silence_closed_output() -> None:
    """The reader of stdout went away (``ecs-lint ... | head``): what is still buffered would
    fail again at exit, so stdout now leads nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)
