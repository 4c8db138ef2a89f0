"""``ecs-lint check PATH...`` (the default command): lint files, report, and with ``--fix`` or
``--diff`` apply or show the fixes. Typer's declaration is derived (``cli.commands``); the plain
command line comes here from ``cli.fastpath`` without importing typer.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

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
    say,
)

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.rule import Services
    from ecs_lint.settings import Settings


def check(paths: list[str], settings: Settings) -> NoReturn:
    """Lint task definitions and Dockerfiles (the default command)."""
    from dataclasses import replace

    from ecs_lint.discover import MissingPath
    from ecs_lint.engine import lint_paths
    from ecs_lint.settings import ROLE_POLICY_HINT_LIVE

    if settings.aws:
        settings = replace(settings, role_policy_hint=ROLE_POLICY_HINT_LIVE)
    services = lookup_services(settings)
    try:
        result = lint_paths(paths, settings, services)
        if settings.diff:
            show_diff(result, settings)
        if settings.fix:
            result = apply_fixes(paths, result, settings, services)
    except MissingPath as missing:
        fail(f"path '{missing}' does not exist")
    except Exception as error:
        message = policy_or_aws_failure(error)
        if message is None:
            raise
        fail(message)
    finally:
        report_lookup_warnings(services)
    report_and_exit(result, settings)


def show_diff(result: RunResult, settings: Settings) -> NoReturn:
    """``--diff``: print what the fixes would change, write nothing; exit 1 when there is any."""
    from ecs_lint.fixes import plan_fixes, unified_diff

    plan = plan_fixes(result, unsafe=settings.unsafe_fixes)
    for change in plan.files:
        _write_diff(unified_diff(change))
    for message in plan.skipped:
        say(f"ecs-lint: {message}")
    say(
        f"Would fix {plural(plan.fixed_count, 'finding')} in {plural(len(plan.files), 'file')}"
        f"{_withheld(plan.unsafe_withheld)}."
    )
    if result.could_not_check:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if plan.files else EXIT_CLEAN)


def _write_diff(diff: bytes) -> None:
    """The diff's exact bytes to a pipe or a file, so that ``git apply`` and ``patch`` apply it;
    to a terminal with the file's control characters escaped (``fixes.on_terminal``)."""
    from ecs_lint.fixes import on_terminal

    stream = sys.stdout
    if stream.isatty():
        stream.write(on_terminal(diff))
        return
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # a stream of text only (a StringIO): the text of those bytes
        stream.write(diff.decode("utf-8", "surrogateescape"))
        return
    stream.flush()
    buffer.write(diff)
    buffer.flush()


def apply_fixes(
    paths: list[str], result: RunResult, settings: Settings, services: Services
) -> RunResult:
    """``--fix``: write the fixes, then lint again so the report shows what remains."""
    from ecs_lint.engine import lint_paths
    from ecs_lint.fixes import plan_fixes, write_fixes

    plan = plan_fixes(result, unsafe=settings.unsafe_fixes)
    written, problems = write_fixes(plan)
    for message in [*plan.skipped, *problems]:
        say(f"ecs-lint: {message}")
    if not written and not plan.unsafe_withheld:
        return result
    fixed = sum(len(change.findings) for change in written)
    say(
        f"Fixed {plural(fixed, 'finding')} in {plural(len(written), 'file')}"
        f"{_withheld(plan.unsafe_withheld)}."
    )
    return lint_paths(paths, settings, services) if written else result


def _withheld(count: int) -> str:
    if not count:
        return ""
    return f" ({plural(count, 'more fix', 'more fixes')} available with --unsafe-fixes)"
