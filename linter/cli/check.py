"""``ecs-lint check PATH...`` (the default command): lint files, report, and with ``--fix`` or
``--diff`` apply or show the fixes. Typer's declaration is derived (``cli.commands``); the plain
command line comes here from ``cli.fastpath`` without importing typer.

No path lints the current directory; the path ``-`` lints stdin, named ``--stdin-filename``, and
``--fix`` then prints the fixed text on stdout (the report goes to stderr), as ruff does.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn, TextIO

from ecs_lint.cli.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    fail,
    lookup_services,
    plural,
    policy_or_aws_failure,
    report_and_exit,
    report_lookup_warnings,
    report_output,
    require_report_options,
    say,
)

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.fixes import FileFix
    from ecs_lint.load import GivenText
    from ecs_lint.rule import Services
    from ecs_lint.settings import Settings

STDIN = "-"


def check(paths: list[str] | None, settings: Settings) -> NoReturn:
    """Lint task definitions, Dockerfiles and templates (the default command): the files and
    directories given, the current directory without any, stdin for -."""
    from dataclasses import replace

    from ecs_lint.settings import ROLE_POLICY_HINT_LIVE

    require_report_options(settings)
    if settings.aws:
        settings = replace(settings, role_policy_hint=ROLE_POLICY_HINT_LIVE)
    paths = list(paths or ["."])
    given = _stdin(paths, settings)
    files = [] if given is not None else paths
    services = lookup_services(settings)
    try:
        result = _lint(files, given, settings, services)
        if settings.diff:
            show_diff(result, settings)
        if settings.fix:
            result, given = apply_fixes(files, given, result, settings, services)
    except Exception as error:
        message = policy_or_aws_failure(error)
        if message is None:
            raise
        fail(message)
    finally:
        report_lookup_warnings(services)
    if not result.checked_paths:
        say(f"ecs-lint: warning: {_nothing_checked(given, settings)}")
    if given is not None and settings.fix:  # the fixed text is stdout's: the report, stderr's
        _write_bytes(given.data)
        report_and_exit(result, settings, sys.stderr)
    report_and_exit(result, settings)


def _stdin(paths: list[str], settings: Settings) -> GivenText | None:
    """The text of stdin when the path is ``-`` (alone: it cannot be mixed with files)."""
    if STDIN not in paths:
        if settings.stdin_filename is not None:
            fail("--stdin-filename names the text read from stdin: give the path - too")
        return None
    if paths != [STDIN]:
        fail("the path - (stdin) cannot be combined with other paths")
    from ecs_lint.load import GivenText

    stream = sys.stdin.buffer if sys.stdin is not None else None
    # One byte over the limit is enough for the source to say the text is too large.
    data = stream.read(settings.max_file_size + 1) if stream is not None else b""
    return GivenText(settings.stdin_filename or STDIN, data)


def _nothing_checked(given: GivenText | None, settings: Settings) -> str:
    if given is not None:
        name = "stdin" if settings.stdin_filename is None else given.name
        return (
            f"{name}: not a format ecs-lint checks"
            f"{' (name it with --stdin-filename)' if settings.stdin_filename is None else ''}"
        )
    return "no files found: no Dockerfile, task definition, template or manifest in the paths given"


def _lint(
    paths: list[str], given: GivenText | None, settings: Settings, services: Services
) -> RunResult:
    from ecs_lint.engine import lint_paths

    return lint_paths(paths, settings, services, given=() if given is None else (given,))


def show_diff(result: RunResult, settings: Settings) -> NoReturn:
    """``--diff``: print what the fixes would change, write nothing; exit 1 when there is any."""
    from ecs_lint.fixes import plan_fixes, unified_diff

    plan = plan_fixes(result, unsafe=settings.unsafe_fixes)
    with report_output(settings) as out:
        for change in plan.files:
            _write_diff(unified_diff(change), out)
    for message in plan.skipped:
        say(f"ecs-lint: {message}")
    say(
        f"Would fix {plural(plan.fixed_count, 'finding')} in {plural(len(plan.files), 'file')}"
        f"{withheld(plan.unsafe_withheld)}."
    )
    if result.could_not_check:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if plan.files else EXIT_CLEAN)


def _write_diff(diff: bytes, stream: TextIO) -> None:
    """The diff's exact bytes to a pipe or a file, so that ``git apply`` and ``patch`` apply it;
    to a terminal with the file's control characters escaped (``fixes.on_terminal``)."""
    from ecs_lint.fixes import on_terminal

    if stream.isatty():
        stream.write(on_terminal(diff))
        return
    _write_bytes(diff, stream)


def _write_bytes(data: bytes, stream: TextIO | None = None) -> None:
    """``data`` as they are to ``stream`` (stdout), through its buffer; to a stream of text only
    (a StringIO) as the text of those bytes."""
    stream = sys.stdout if stream is None else stream
    buffer = getattr(stream, "buffer", None)
    if buffer is None:
        stream.write(data.decode("utf-8", "surrogateescape"))
        return
    stream.flush()
    buffer.write(data)
    buffer.flush()


def apply_fixes(
    paths: list[str],
    given: GivenText | None,
    result: RunResult,
    settings: Settings,
    services: Services,
) -> tuple[RunResult, GivenText | None]:
    """``--fix``: write the fixes (stdin's: into the text given), then lint again so the report
    shows what remains. Returns that result and the text given, fixed."""
    from dataclasses import replace

    from ecs_lint.fixes import plan_fixes, write_fixes

    plan = plan_fixes(result, unsafe=settings.unsafe_fixes)
    problems: list[str] = []
    if given is not None:  # nothing is written: the text comes back on stdout
        written = [change for change in plan.files if change.path == given.name]
        given = replace(given, data=written[0].new_bytes()) if written else given
    else:
        written, problems = write_fixes(plan)
    for message in [*plan.skipped, *problems]:
        say(f"ecs-lint: {message}")
    if not written and not plan.unsafe_withheld:
        return result, given
    fixed = sum(len(change.findings) for change in written)
    files = plural(len(written), "file")
    listed = settings.show_fixes and written
    say(
        f"Fixed {plural(fixed, 'finding')} in {files}{withheld(plan.unsafe_withheld)}"
        f"{':' if listed else '.'}"
    )
    if listed:
        _list_fixed(written)
    if not written:
        return result, given
    return _lint(paths, given, settings, services), given


def _list_fixed(written: list[FileFix]) -> None:
    """``--show-fixes`` after ``--fix``: per file, how many findings of each rule were fixed."""
    for change in written:
        say(f"- {change.path}:")
        counts: dict[tuple[str, str], int] = {}
        for finding in change.findings:
            key = (finding.rule, finding.name)
            counts[key] = counts.get(key, 0) + 1
        for (code, name), count in sorted(counts.items()):
            say(f"    {count} × {code} ({name})")


def withheld(count: int) -> str:
    if not count:
        return ""
    return f" ({plural(count, 'more fix', 'more fixes')} available with --unsafe-fixes)"
