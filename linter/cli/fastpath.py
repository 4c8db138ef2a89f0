"""The plain ``ecs-lint [check] [OPTIONS] PATH...`` command line, parsed without typer.

A pre-commit hook starts ecs-lint on every commit, and most starts are this line. Importing typer
costs about 0.04 s, and typer's parser coerces every parameter through a pydantic adapter (about
0.09 s more): more than linting a Dockerfile. So the line of ``check`` is parsed here first, from
the same declarations typer's parameters are made of (the options on ``Settings``,
``ecs_lint.options``), into the values typer would pass, and run as typer's command runs it.

Only a plain command line is taken: options written ``--name value``, ``--name=value`` or
``-X value``, flags, and paths (``-`` too: stdin), or none. Anything else (``--help``, an unknown
option, a missing value, a value starting with ``-``, a number that is not a plain one within
its bounds, grouped short options, ``--``) is left to typer, whose messages, help and exit
statuses stay the only ones.
"""

from __future__ import annotations

import errno
import sys
from dataclasses import dataclass
from typing import Any

from ecs_lint.options import CHECK as CHECK_COMMAND
from ecs_lint.options import CommandOption, command_options


@dataclass(frozen=True, slots=True)
class CommandLine:
    """How a command's options are written (by spelling), and its one list of paths."""

    options: dict[str, CommandOption]
    arguments: str

    @classmethod
    def of(cls, command: str, arguments: str) -> CommandLine:
        options = command_options(command)
        spellings = {name: option for option in options for name in option.option.spellings}
        return cls(spellings, arguments)

    def parse(self, args: list[str]) -> dict[str, Any] | None:
        """The command's keyword arguments for ``args``, as typer would pass them; ``None`` for
        a line to leave to typer."""
        values = {option.name: option.unset for option in self.options.values()}
        paths: list[str] = []
        position = 0
        while position < len(args):
            token = args[position]
            position += 1
            if not token.startswith("-") or token == "-":  # ``-``: stdin
                paths.append(token)
                continue
            # ``--name=value``; a short option only on its own (``-ojson`` is left to typer).
            spelling, equals, attached = (
                token.partition("=") if token[1:2] == "-" else (token, "", "")
            )
            found = self.options.get(spelling)
            if found is None:
                return None
            takes = found.option.takes
            if takes is bool:
                if equals:
                    return None
                values[found.name] = True
                continue
            if equals:
                text = attached
            elif position < len(args) and not args[position].startswith("-"):
                text = args[position]
                position += 1
            else:
                return None
            if takes is list:
                values[found.name] = [*(values[found.name] or ()), text]
            else:
                values[found.name] = text
        values[self.arguments] = paths or None  # none: the command's default
        return values


CHECK = CommandLine.of(CHECK_COMMAND, "paths")
"""``check``'s command line."""


def run_check(args: list[str]) -> None:
    """Run ``check`` for ``args`` and exit, as typer's standalone mode does, when the line is a
    plain one; return without doing anything otherwise."""
    values = CHECK.parse(args)
    if values is None:
        return
    from ecs_lint.cli.check import check
    from ecs_lint.cli.values import load_settings

    try:
        check(values.pop(CHECK.arguments), load_settings(CHECK_COMMAND, values))
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
