"""How the options a command was given become the run's ``Settings``: each value checked by its
option's converter (a bad one is a usage error), then laid over the configuration file.

Shared by typer's commands (``cli.commands``) and the plain ``check`` line (``cli.fastpath``),
which runs without importing typer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ecs_lint.cli.common import fail
from ecs_lint.options import command_options

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ecs_lint.settings import Settings


def load_settings(command: str, given: Mapping[str, Any], *, configured: bool = True) -> Settings:
    """The run's settings for ``command``'s options as a parser read them (by field name): the
    configuration file (``--config``, else the nearest one) with the options given laid over it.
    An option not given leaves the file's value standing. ``configured=False``: no file, the
    options and defaults only."""
    from ecs_lint.config import ConfigError, resolve_settings
    from ecs_lint.convert import BadValue
    from ecs_lint.settings import Settings

    try:
        values = {
            option.name: option.value(given[option.name])
            for option in command_options(command)
            if option.given(given.get(option.name))
        }
        return resolve_settings(values) if configured else Settings(**values)
    except (BadValue, ConfigError) as error:
        fail(str(error))
