"""What the commands share besides their options: errors and messages on stderr, exit statuses,
colour, the run's look-up services and the report on stdout."""

from __future__ import annotations

import contextlib
import io
import os
import sys
from typing import TYPE_CHECKING, NoReturn, TextIO

if TYPE_CHECKING:
    from collections.abc import Collection, Iterator

    from ecs_lint.engine import RunResult
    from ecs_lint.iam.live import LiveAws
    from ecs_lint.rule import Services
    from ecs_lint.settings import Settings

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
HUMAN_FORMATS = ("text", "concise")
"""The output formats people read: they carry the summary, the fix hint and ``--show-fixes``."""
STATISTICS_FORMATS = (*HUMAN_FORMATS, "json")
"""The output formats ``--statistics`` prints in: its table, or a JSON array."""


class OutputFailed(OSError):
    """Writing the report failed (a full disk, a closed stdout): ``main`` says so."""


def fail(message: str) -> NoReturn:
    """A usage or input error: one line on stderr, exit status 2, never a traceback.

    The commands exit through ``SystemExit``, which ends a typer command as ``typer.Exit``
    does, so that the plain ``check`` line runs without importing typer."""
    say(f"ecs-lint: error: {message}")
    sys.exit(EXIT_ERROR)


def say(message: str) -> None:
    """One line on stderr. Messages quote file names, file text and server answers, so control
    characters are shown escaped: nothing a linted file holds reaches the terminal raw.

    Written as ``typer.echo(err=True)`` writes it (the line, then a flush), without importing
    typer: the plain ``check`` command line never does (``cli.fastpath``). No ANSI code is left
    for echo to strip once control characters are escaped.
    """
    from ecs_lint.textio import printable

    stream = sys.stderr
    if stream is None:  # no stderr at all (pythonw)
        return
    stream.write(printable(message) + "\n")
    stream.flush()


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``1 file``, ``2 files``."""
    return f"{count} {noun if count == 1 else plural_form or noun + 's'}"


def require_output_format(
    output_format: str, choices: Collection[str], *, command: str | None = None
) -> None:
    """A usage error unless ``output_format`` is one of ``choices`` (``command`` names the
    command whose formats they are, when they are not the linting reporters)."""
    if output_format not in choices:
        from ecs_lint.convert import unknown_choice

        fail(str(unknown_choice("output format", output_format, choices, command)))


def use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def lookup_services(settings: Settings) -> Services:
    """The run's look-up services (ECR Public equivalents); a bad endpoint is a usage error."""
    from ecs_lint.gallery.service import EcrPublicEquivalents
    from ecs_lint.rule import Services

    try:
        return Services(ecr_public=EcrPublicEquivalents(settings))
    except ValueError as error:  # EndpointError: a configured URL is not acceptable
        fail(str(error))


def policy_or_aws_failure(error: Exception) -> str | None:
    """The message of a bad ``--iam``/``--role-policy`` file, a failed AWS look-up or a
    sub-project's configuration that cannot be used (read as the run meets its files); ``None``
    for any other error. Their modules are imported once something failed: a lint without a
    task definition never loads the IAM modules."""
    from ecs_lint.awsapi.wire import AwsError  # not the client: a file lint never needs boto3
    from ecs_lint.config import ConfigError
    from ecs_lint.iam.sources import PolicySourceError

    if isinstance(error, (PolicySourceError, AwsError)):
        return error.message
    if isinstance(error, ConfigError):
        return str(error)
    return None


def report_lookup_warnings(services: Services, live: LiveAws | None = None) -> None:
    """Say what the look-ups could not do (a timed-out gallery, an optional AWS look-up that
    failed...), and close them. ``live``: the run's AWS look-ups, if not the policy service's."""
    if live is None and services.policies is not None:
        live = services.policies.live
    if live is not None:
        for warning in live.warnings:
            say(f"ecs-lint: warning: {warning}")
    if services.ecr_public is not None:
        for warning in services.ecr_public.warnings:
            say(f"ecs-lint: warning: {warning}")
        services.ecr_public.close()


def report_notes(result: RunResult) -> None:
    """Say on stderr what the run did not check and why (templates, once), and what it noticed
    about the configurations it found."""
    for notice in result.notices:
        say(f"ecs-lint: warning: {notice}")
    if result.not_checked:
        say(f"ecs-lint: note: {not_checked_note(result.not_checked)}")


MAX_NAMED = 5


def not_checked_note(templates: list[tuple[str, str]]) -> str:
    """One line for every template file not checked: how many, of what kind, which (the first
    few)."""
    count = len(templates)
    kinds = " or ".join(sorted({kind for _, kind in templates}))
    names = ", ".join(path for path, _ in templates[:MAX_NAMED])
    more = f" and {count - MAX_NAMED} more" if count > MAX_NAMED else ""
    each, they = ("each ", "they render") if count > 1 else ("", "it renders")
    return (
        f"{plural(count, 'file')} not checked: {each}{kinds}, which another tool renders "
        f"first; lint what {they} ({names}{more})"
    )


def require_report_options(settings: Settings) -> None:
    """A usage error for report options that do not go together."""
    if settings.statistics and settings.output_format not in STATISTICS_FORMATS:
        fail(
            f"--statistics prints a table or JSON; it cannot be combined with --output-format "
            f"{settings.output_format} (use text, concise or json)"
        )


def report_and_exit(
    result: RunResult, settings: Settings, stream: TextIO | None = None
) -> NoReturn:
    """Print the findings (or ``--statistics``) on stdout, or ``stream``, or with
    ``--output-file`` in that file, and exit with the run's status."""
    report_notes(result)
    with report_output(settings, stream) as out:
        write_report(result, settings, out)
    sys.exit(exit_status(result, settings))


def write_report(result: RunResult, settings: Settings, out: TextIO) -> None:
    """The report: the reporter's, or ``--statistics``; in the formats people read, then the
    fixes (``--show-fixes``), what ``--fix`` would fix and the summary line, last."""
    from ecs_lint.reporters import reporter
    from ecs_lint.reporters.text import fix_hint, fix_list, summary

    output_format, quiet = settings.output_format, settings.quiet
    human = output_format in HUMAN_FORMATS
    if settings.statistics:
        from ecs_lint.reporters import statistics as per_rule

        per_rule.report(result, out, as_json=output_format == "json", quiet=True)
    else:
        reporter(output_format)(result, out, color=use_color(out), quiet=quiet or human)
    if not human:
        return
    if settings.show_fixes and not settings.fix:
        out.write(fix_list(result.findings, unsafe_fixes=settings.unsafe_fixes))
    hint = fix_hint(result.findings, unsafe_fixes=settings.unsafe_fixes)
    if not quiet:
        out.write((f"{hint}\n" if hint else "") + summary(result) + "\n")


@contextlib.contextmanager
def report_output(settings: Settings, stream: TextIO | None = None) -> Iterator[TextIO]:
    """Where the report goes: ``stream`` (stdout unless given), or with ``--output-file`` a
    buffer written to that file once the report is complete, replacing it atomically (a
    report cut short leaves the file as it was). A failed write is :class:`OutputFailed`."""
    if settings.output_file is None:
        target = sys.stdout if stream is None else stream
        try:
            yield target
        except OSError as error:
            raise OutputFailed(error.errno, error.strerror) from error
        return
    buffer = io.BytesIO()
    # As the terminal shows it, a line ending "\n" on every system; bytes --diff writes as they are.
    text = io.TextIOWrapper(buffer, "utf-8", "backslashreplace", newline="", write_through=True)
    yield text
    text.flush()
    from ecs_lint.safewrite import write_atomically

    try:
        write_atomically(settings.output_file, buffer.getvalue())
    except OSError as error:
        fail(f"cannot write the output file {settings.output_file}: {error.strerror or error}")


def exit_status(result: RunResult, settings: Settings) -> int:
    if result.could_not_check:
        return EXIT_ERROR
    if any(settings.fails_on(finding.severity) for finding in result.findings):
        return EXIT_FINDINGS
    return EXIT_CLEAN
