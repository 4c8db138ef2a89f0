"""GitHub Actions workflow commands: one annotation per finding.

``::error file=F,line=L,col=C,endLine=L2,endColumn=C2,title=EL101 (name)::message``, with
``warning`` or ``notice`` by severity. The runner reads a command from the start of any line of
output, so every value from a linted file (messages quote image text, paths are file names) is
escaped: ``%``, CR and LF always, and ``:`` and ``,`` in property values. After escaping, one
finding is exactly one line, and no text of ours or of the file can start another command.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from ecs_lint.findings import Severity
from ecs_lint.reporters._common import logical_name, repository_path
from ecs_lint.textio import printable

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.findings import Finding

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (what follows the second ``::``).

    Other control and bidirectional-override characters are shown escaped, as in the text format.
    """
    return printable(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def escape_property(text: str) -> str:
    """Escape a property value: as a message, and also ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    span = finding.span
    message = finding.message
    properties: list[tuple[str, str]] = []
    if span.logical is not None:
        message = f"{logical_name(span)}: {message}"
    else:
        properties.append(("file", repository_path(span.path) or span.path))
        properties.append(("line", str(span.line)))
        if span.end_line == span.line:
            properties.append(("col", str(span.column)))
        properties.append(("endLine", str(span.end_line)))
        if span.end_line == span.line:
            properties.append(("endColumn", str(span.end_column)))
    properties.append(("title", f"{finding.rule} ({finding.name})"))
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return f"::{COMMANDS[finding.severity]} {rendered}::{escape_data(message)}"


def report(result: RunResult, out: TextIO, *, color: bool = False, quiet: bool = False) -> None:
    for finding in result.findings:
        out.write(command(finding) + "\n")
