"""The ``ecs-lint`` command line.

``ecs-lint PATH...`` is short for ``ecs-lint check PATH...``. Exit status: 0 when nothing is
found, 1 when findings remain, 2 for usage errors or when a file could not be checked (EL900).

One module per command (``check``, ``aws``, ``policy``, ``ratelimit``, ``rule_docs``,
``server``): what it does with its ``Settings``. ``commands`` is the typer application, each
command's parameters derived from the options declared on ``Settings`` (``ecs_lint.options``);
``values`` turns the options given into ``Settings``; ``common`` holds the errors, messages, exit
statuses and report they share. A plain ``check`` line is parsed by ``fastpath`` and runs without
importing typer, and so does ``--version``; any other line imports the application. Each command
imports what it needs when it runs.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    from collections.abc import Iterator

# A first argument that is none of these is a path: ``ecs-lint PATH`` runs ``check``. The names
# of the commands ``commands.app`` registers (tests/test_cli_fastpath.py holds them equal).
COMMANDS = frozenset(
    {
        "check",
        "version",
        "rules",
        "rule",
        "policy",
        "aws",
        "ratelimit",
        "server",
        "--help",
        "-h",
        "--version",
    }
)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in COMMANDS and args[0] != "-V":
        args = ["check", *args]
    _tolerate_unencodable_output()
    try:
        with _collecting_garbage_rarely():
            if args[:1] in (["--version"], ["-V"]) or args == ["version"]:
                _print_version()  # without typer: a version check should start instantly
            # Not before --version: it imports dataclasses, which printing the version needs not.
            from ecs_lint import classcode

            classcode.install()
            if args and args[0] == "check":
                from ecs_lint.cli import fastpath

                fastpath.run_check(args[1:])  # exits when the line is a plain one
            from ecs_lint.cli.commands import app

            app(args, prog_name="ecs-lint")
    except SystemExit as stop:
        _exit_if_output_failed()
        if argv is None:  # the process's own command line: nothing runs after it
            _leave_now(stop)
        raise
    except OSError as error:
        from ecs_lint.cli.common import OutputFailed

        if isinstance(error, OutputFailed):  # writing the report (a full disk, a closed stdout)
            _output_failed(error)
            _lead_nowhere(sys.stdout)
        else:  # anything else the system refused: say what
            _error(_failure(error))
        sys.exit(2)


def _leave_now(stop: SystemExit) -> None:
    """End the process with ``stop``'s status, its output written, without freeing its objects
    one by one: the interpreter's shutdown takes apart everything a run built, 0.3 s of a run
    over 10,000 files, for memory the system takes back at once anyway.

    What registered itself to run at exit (the dataclass code tables, a coverage tool) still
    runs, and the outputs are flushed after it. While another thread runs, the usual shutdown,
    which waits for it, is kept."""
    code = 0 if stop.code is None else stop.code
    threading = sys.modules.get("threading")  # not imported: no other thread was started
    if not isinstance(code, int) or (threading is not None and threading.active_count() > 1):
        return
    atexit._run_exitfuncs()
    status = _silence_closed_outputs()
    os._exit(code if status is None else status)


def _print_version() -> NoReturn:
    from ecs_lint import __version__

    sys.stdout.write(f"ecs-lint {__version__}\n")
    sys.exit(0)


def _exit_if_output_failed() -> None:
    """Flush stdout and stderr while an error can still be handled, and exit 1 when the reader
    of one went away (as click does: ``ecs-lint . | head -1``), 2 when the other writing failed
    (a full disk): never the "Exception ignored" of a failed flush at exit."""
    status = _silence_closed_outputs()
    if status is not None:
        sys.exit(status)


def _output_failed(error: OSError) -> None:
    _error(f"cannot write the output: {error.strerror or error}")


def _failure(error: OSError) -> str:
    """What failed, from the error itself: ``cannot read /x: Permission denied``, the file (or
    both files of a rename) named when the system says which."""
    reason = error.strerror or str(error)
    if error.filename is None:
        if isinstance(error, FileNotFoundError) and not _working_directory_exists():
            return f"the current directory does not exist any more ({reason})"
        return reason
    files = repr(os.fsdecode(error.filename))
    if error.filename2 is not None:
        files += f" and {os.fsdecode(error.filename2)!r}"
    return f"{files}: {reason}"


def _working_directory_exists() -> bool:
    from pathlib import Path

    try:
        Path.cwd()
    except FileNotFoundError:
        return False
    return True


def _error(message: str) -> None:
    stream = sys.stderr
    if stream is None:
        return
    from ecs_lint.textio import printable

    with contextlib.suppress(OSError, ValueError):
        stream.write(f"ecs-lint: error: {printable(message)}\n")
        stream.flush()


@contextlib.contextmanager
def _collecting_garbage_rarely() -> Iterator[None]:
    """Run with the cycle collector's first threshold at 200,000 allocations instead of 700.

    A lint builds many small objects that live until the report, and almost none of them in
    cycles; every collection walks them all again. Collecting rarely takes a fifth off a run of
    10,000 files, and the peak memory stays the same. (mypy's command line does the same.)

    And at exit everything is frozen first, so the collection of interpreter shutdown skips it
    all: about 6 ms of a cold start on one file pair, 30 ms of CPU on 2,000 files.
    """
    atexit.unregister(gc.freeze)  # once, however often main runs in one process
    atexit.register(gc.freeze)
    thresholds = gc.get_threshold()
    gc.set_threshold(200_000, 30, 30)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _silence_closed_outputs() -> int | None:
    """Flush stdout and stderr; the exit status to end with when one failed: 1 when its reader
    went away (``ecs-lint . | head -1``, a closed pipe), 2 when writing failed otherwise (a full
    disk, said on stderr).

    That stream then leads to /dev/null: a report still buffered would otherwise fail at exit
    ("Exception ignored ... BrokenPipeError", exit status 120), and what the other stream holds
    (a report redirected to a file) is still written.
    """
    status = None
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # no such stream at all (pythonw)
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            status = status or 1
            _lead_nowhere(stream)
        except OSError as error:
            if stream is sys.stdout:
                _output_failed(error)
            status = 2
            _lead_nowhere(stream)
        except ValueError:
            pass  # a closed file object: nothing is left to write
    return status


def _lead_nowhere(stream: TextIO) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, stream.fileno())
    except (OSError, ValueError):
        pass  # not a file descriptor (a stream of a test): nothing is left to fail at exit
    finally:
        os.close(devnull)


def _tolerate_unencodable_output() -> None:
    """Escape what the terminal's encoding cannot show (a lone surrogate from a JSON escape, or
    any non-ASCII text on a non-UTF-8 console) instead of dying with UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
