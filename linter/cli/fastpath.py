"""The plain ``ecs-lint [check] [OPTIONS] PATH...`` command line, parsed without typer.

A pre-commit hook starts ecs-lint on every commit, and most starts are this line. Importing typer
costs about 0.04 s, and typer's parser coerces every parameter through a pydantic adapter (about
0.09 s more): more than linting a Dockerfile. So the line of ``check`` is parsed here first and
handed to ``cli.checking.check``, which ``check_command`` (typer's) calls with the same names.

:data:`CHECK` is check's command line written out: the options as typer reads them from the
``Annotated`` declarations of ``check_command`` (:meth:`CommandLine.of` reads them that way;
``tests/test_cli_fastpath.py`` holds the two equal, and holds what :meth:`CommandLine.parse`
gives equal to what typer passes).

Only a plain command line is taken: options written ``--name value``, ``--name=value`` or
``-X value``, flags, and paths. Anything else (``--help``, an unknown option, a missing value,
a value starting with ``-``, a number that is not a plain one within its bounds, grouped short
options, ``--``, no path) is left to typer, whose messages, help and exit statuses stay the
only ones.
"""

from __future__ import annotations

import errno
import re
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

_FLAG, _TEXT, _TEXTS, _NUMBER = "flag", "text", "texts", "number"
_PLAIN_NUMBER = re.compile(r"0|[1-9][0-9]{0,17}")


@dataclass(frozen=True, slots=True)
class Option:
    """How one option is written, what it holds, its default and, for a number, its bounds."""

    parameter: str
    kind: str
    spellings: tuple[str, ...]
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class CommandLine:
    """How a command's options are written (by spelling), and its one list of paths."""

    options: dict[str, Option]
    arguments: str

    @classmethod
    def listing(cls, arguments: str, *options: Option) -> CommandLine:
        return cls(
            {spelling: option for option in options for spelling in option.spellings}, arguments
        )

    @classmethod
    def of(cls, command: Callable[..., Any]) -> CommandLine | None:
        """The command line typer reads from ``command``'s declarations; ``None`` when it
        declares something not handled here."""
        import inspect
        import typing

        from typer.models import ArgumentInfo, OptionInfo

        hints = typing.get_type_hints(command, include_extras=True)
        options: list[Option] = []
        arguments: list[str] = []
        for name, parameter in inspect.signature(command).parameters.items():
            hint = hints.get(name)
            if typing.get_origin(hint) is not typing.Annotated:
                return None
            kind, *metadata = typing.get_args(hint)
            info = next((m for m in metadata if isinstance(m, (OptionInfo, ArgumentInfo))), None)
            if isinstance(info, ArgumentInfo):
                if kind != list[str] or parameter.default is not inspect.Parameter.empty:
                    return None
                arguments.append(name)
                continue
            option = _declared_option(name, kind, info, parameter.default)
            if option is None:
                return None
            options.append(option)
        if len(arguments) != 1:
            return None
        return cls.listing(arguments[0], *options)

    def parse(self, args: list[str]) -> dict[str, Any] | None:
        """The command's keyword arguments for ``args``, as typer would pass them; ``None`` for
        a line to leave to typer."""
        values = {option.parameter: option.default for option in self.options.values()}
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


def _flag(parameter: str, *spellings: str) -> Option:
    return Option(parameter, _FLAG, spellings, False)


def _text(parameter: str, *spellings: str, default: str | None = None) -> Option:
    return Option(parameter, _TEXT, spellings, default)


def _texts(parameter: str, *spellings: str) -> Option:
    return Option(parameter, _TEXTS, spellings)


CHECK = CommandLine.listing(
    "paths",
    _text("output_format", "--output-format", "-o", default="text"),
    _texts("build_arg", "--build-arg"),
    _texts("build_context", "--build-context"),
    _texts("env", "--env"),
    _texts("parameter", "--parameter"),
    _texts("select", "--select"),
    _texts("ignore", "--ignore"),
    _texts("extend_select", "--extend-select"),
    _flag("exit_zero", "--exit-zero"),
    _text("config", "--config"),
    _text("fail_level", "--fail-level"),
    _flag("no_suppressions", "--no-suppressions"),
    _flag("statistics", "--statistics"),
    _flag("quiet", "--quiet", "-q"),
    _flag("fix", "--fix"),
    _flag("unsafe_fixes", "--unsafe-fixes"),
    _flag("diff", "--diff"),
    _flag("offline", "--offline"),
    _texts("iam", "--iam"),
    _texts("role_policy", "--role-policy"),
    _texts("secret_kms_key", "--secret-kms-key"),
    _flag("aws", "--aws"),
    _text("region", "--region"),
    _text("profile", "--profile"),
    Option("docker_hub_limit", _NUMBER, ("--docker-hub-limit",), minimum=1),
    _text("max_file_size", "--max-file-size"),
)
"""``check``'s command line: ``CommandLine.of(check_command)``, written out so that reading it
imports nothing."""

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
_KINDS: dict[object, str] = {
    bool: _FLAG,
    str: _TEXT,
    str | None: _TEXT,
    list[str] | None: _TEXTS,
    int | None: _NUMBER,
}


def _declared_option(name: str, kind: object, info: object, default: object) -> Option | None:
    from typer.models import OptionInfo

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
    return Option(name, handled, spellings, default, minimum, maximum)


def _plain_spelling(spelling: object) -> bool:
    if not isinstance(spelling, str):
        return False
    long = spelling.startswith("--") and len(spelling) > 2
    short = len(spelling) == 2 and spelling[0] == "-" and spelling[1] != "-"
    return (long or short) and "/" not in spelling and "=" not in spelling


def _value(option: Option, text: str) -> str | int | None:
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


def run_check(args: list[str]) -> None:
    """Run ``check`` for ``args`` and exit, as typer's standalone mode does, when the line is a
    plain one; return without doing anything otherwise."""
    kwargs = CHECK.parse(args)
    if kwargs is None:
        return
    from ecs_lint.cli.checking import check

    try:
        check(**kwargs)
    except EOFError:
        _tell("")  # typer's "Aborted!", after a line break
        _tell("Aborted!")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as error:
        if error.errno != errno.EPIPE:
            raise
        sys.exit(1)  # the reader of stdout or stderr went away: main silences that stream


def _tell(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
