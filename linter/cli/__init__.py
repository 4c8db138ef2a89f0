"""The ``ecs-lint`` command line.

``ecs-lint PATH...`` is short for ``ecs-lint check PATH...``. Exit status: 0 when nothing is
found, 1 when findings remain, 2 for usage errors or when a file could not be checked (EL900).

One module per command (``check``, ``aws``, ``policy``, ``ratelimit``, ``rule_docs``), registered
below; ``options`` declares the options several commands share and turns options into
``Settings``; ``common`` holds the errors, messages, exit statuses and report they share. Only
typer is imported at start-up: each command imports what it needs when it runs.
"""

from __future__ import annotations

import contextlib
import gc
import sys
from typing import TYPE_CHECKING

import typer

from ecs_lint import __version__
from ecs_lint.cli import fastpath
from ecs_lint.cli.aws import aws_command
from ecs_lint.cli.check import check_command
from ecs_lint.cli.policy import policy_command
from ecs_lint.cli.ratelimit import ratelimit_command
from ecs_lint.cli.rule_docs import rule_command, rules_command

if TYPE_CHECKING:
    from collections.abc import Iterator

app = typer.Typer(
    name="ecs-lint",
    help="Find Docker Hub rate-limit risks and broken registry credentials in ECS task "
    "definitions and Dockerfiles before you deploy.",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def version_command() -> None:
    """Print the version."""
    typer.echo(f"ecs-lint {__version__}")


app.command("check")(check_command)
app.command("version")(version_command)
app.command("rules")(rules_command)
app.command("rule")(rule_command)
app.command("policy")(policy_command)
app.command("aws")(aws_command)
app.command("ratelimit")(ratelimit_command)

# A first argument that is none of these is a path: ``ecs-lint PATH`` runs ``check``.
COMMANDS = frozenset(
    {*(command.name for command in app.registered_commands), "--help", "-h", "--version"}
)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "--version":
        args = ["version"]
    elif args and args[0] not in COMMANDS:
        args = ["check", *args]
    _tolerate_unencodable_output()
    with _collecting_garbage_rarely():
        if args and args[0] == "check":
            fastpath.run(check_command, args[1:])  # exits when the line is a plain one
        app(args, prog_name="ecs-lint")


@contextlib.contextmanager
def _collecting_garbage_rarely() -> Iterator[None]:
    """Run with the cycle collector's first threshold at 200,000 allocations instead of 700.

    A lint builds many small objects that live until the report, and almost none of them in
    cycles; every collection walks them all again. Collecting rarely takes a fifth off a run of
    10,000 files, and the peak memory stays the same. (mypy's command line does the same.)
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(200_000, 30, 30)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _tolerate_unencodable_output() -> None:
    """Escape what the terminal's encoding cannot show (a lone surrogate from a JSON escape, or
    any non-ASCII text on a non-UTF-8 console) instead of dying with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
