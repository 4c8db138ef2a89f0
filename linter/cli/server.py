"""``ecs-lint server``: the language server (``ecs_lint.server``) on stdin and stdout, for editors.

It needs pygls, which the ``server`` extra installs (``pip install 'ecs-lint[server]'``): an
installation without it says exactly that, instead of a traceback.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn

from ecs_lint.cli.common import fail
from ecs_lint.options import SERVER, command_options

if TYPE_CHECKING:
    from ecs_lint.settings import Settings

PYGLS: Final = "pygls>=2.1,<3"
"""What ``ecs-lint[server]`` installs (pyproject.toml's ``server`` extra says the same)."""
_PROTOCOL_PACKAGES: Final = frozenset({"pygls", "lsprotocol", "cattrs", "attrs"})


def server(settings: Settings) -> NoReturn:
    """Run the language server on stdin and stdout, for editors (see the README)."""
    try:
        from ecs_lint.server.app import run
    except ImportError as error:
        if (error.name or "").partition(".")[0] not in _PROTOCOL_PACKAGES:
            raise
        fail(missing_pygls())
    run(given_options(settings))


def given_options(settings: Settings) -> dict[str, Any]:
    """The server's options that were given (a given option differs from its default), by field:
    each document's configuration file is read under them, as ``check`` reads its own."""
    given: dict[str, Any] = {}
    for option in command_options(SERVER):
        value = getattr(settings, option.name)
        if value != option.default:
            given[option.name] = value
    if "config_file" in given:  # the server works from the workspace's root once started
        given["config_file"] = str(Path(given["config_file"]).absolute())
    return given


def missing_pygls() -> str:
    return (
        f"ecs-lint server needs {PYGLS}, which this Python environment ({sys.executable}) lacks: "
        "install ecs-lint with its server extra, pip install 'ecs-lint[server]' (pipx: pipx "
        "install --force 'ecs-lint[server]'; uv: uv tool install 'ecs-lint[server]')"
    )
