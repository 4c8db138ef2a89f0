"""Applying fixes: minimal text edits, written safely.

A fix is a set of edits on a file's decoded text (offsets into ``SourceText.text``). Applying the
fixes of a run:

- only safe fixes, plus unsafe ones with ``--unsafe-fixes``;
- never in a file that had a parse error (EL900): what we parsed may not be what is there;
- edits are grouped by file; a fix whose edits overlap an already accepted edit is skipped (it
  stays a finding, and the next run can apply it); the same edit from two findings (one ARG
  default feeding two FROM lines) is applied once;
- the file is read again and must still be exactly what was parsed, else it is skipped;
- the new bytes are the old ones with only the edited spans replaced, so a byte-order mark, CRLF
  line endings, a missing final newline and everything else outside the spans stay as they were;
- the file is written atomically: a temporary file in the same directory, flushed and fsynced,
  given the original's permission bits, then renamed over it.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint.textio import BOM, UnreadableFile, decode_source, read_limited

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.findings import Edit, Finding
    from ecs_lint.textio import SourceText

_UTF8_BOM = BOM.encode()


@dataclass(slots=True)
class FileFix:
    """The planned change of one file."""

    path: str
    source: SourceText
    new_text: str
    findings: list[Finding]

    @property
    def old_text(self) -> str:
        return self.source.text

    def new_bytes(self) -> bytes:
        data = self.new_text.encode("utf-8")
        return _UTF8_BOM + data if self.source.bom else data


@dataclass(slots=True)
class FixPlan:
    files: list[FileFix] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    """One message per fix or file left alone, and why."""
    unsafe_withheld: int = 0
    """Unsafe fixes not applied because ``--unsafe-fixes`` was not given."""

    @property
    def fixed_count(self) -> int:
        return sum(len(change.findings) for change in self.files)


def plan_fixes(result: RunResult, *, unsafe: bool) -> FixPlan:
    """Decide which fixes apply and compute each file's new text (nothing is written)."""
    plan = FixPlan()
    broken = result.unchecked_files
    by_file: dict[str, list[Finding]] = {}
    for finding in result.findings:
        fix = finding.fix
        if fix is None or not fix.edits:
            continue
        if not fix.safe and not unsafe:
            plan.unsafe_withheld += 1
            continue
        paths = {edit.span.path for edit in fix.edits}
        if len(paths) != 1 or any(edit.span.logical is not None for edit in fix.edits):
            plan.skipped.append(f"{finding.span.path}: {finding.rule} fix does not edit one file")
            continue
        by_file.setdefault(paths.pop(), []).append(finding)
    for path, findings in by_file.items():
        if path in broken:
            plan.skipped.append(f"{path}: not fixed, the file has a parse error ({broken[path]})")
            continue
        source = result.sources.get(path)
        if source is None:
            plan.skipped.append(_not_checked_itself(path, findings))
            continue
        change = _plan_file(path, source, findings, plan.skipped)
        if change is not None:
            plan.files.append(change)
    return plan


def _not_checked_itself(path: str, findings: list[Finding]) -> str:
    """Why a fix in a file read only through another one (a Terraform ``file("...")``) is not
    applied, and the command that applies it."""
    import shlex

    unsafe = any(finding.fix is not None and not finding.fix.safe for finding in findings)
    command = f"ecs-lint --fix{' --unsafe-fixes' if unsafe else ''} {shlex.quote(path)}"
    return (
        f"{path}: not fixed: ecs-lint read this file only through another one (such as a"
        " Terraform file() call) and edits only the files it was asked to check;"
        f" to fix it, run: {command}"
    )


def _plan_file(
    path: str, source: SourceText, findings: list[Finding], skipped: list[str]
) -> FileFix | None:
    accepted: list[Edit] = []
    applied: list[Finding] = []
    for finding in sorted(findings, key=lambda f: f.sort_key):
        assert finding.fix is not None
        edits = [edit for edit in finding.fix.edits if edit not in accepted]
        if not _fits(edits, accepted, len(source.text)):
            where = f"{finding.span.line}:{finding.span.column}"
            skipped.append(f"{path}:{where}: {finding.rule} fix skipped, it overlaps another fix")
            continue
        accepted.extend(edits)
        applied.append(finding)
    if not applied:
        return None
    new_text = apply_edits(source.text, accepted)
    if new_text == source.text:
        return None
    return FileFix(path, source, new_text, applied)


def _fits(edits: list[Edit], accepted: list[Edit], length: int) -> bool:
    """Whether ``edits`` lie inside the text and overlap neither each other nor ``accepted``."""
    for index, edit in enumerate(edits):
        start, end = edit.span.start, edit.span.end
        if not 0 <= start <= end <= length:
            return False
        for other in [*accepted, *edits[index + 1 :]]:
            if _overlap(start, end, other.span.start, other.span.end):
                return False
    return True


def _overlap(start: int, end: int, other_start: int, other_end: int) -> bool:
    if start == other_start:
        return True  # two edits at one place (insertions included): their order is unclear
    return start < other_end and other_start < end


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with each (non-overlapping) edit's span replaced by its new text."""
    pieces: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: e.span.start):
        pieces.append(text[position : edit.span.start])
        pieces.append(edit.new_text)
        position = edit.span.end
    pieces.append(text[position:])
    return "".join(pieces)


def write_fixes(plan: FixPlan) -> tuple[list[FileFix], list[str]]:
    """Write every planned file; returns the files written and a message for each left alone."""
    written: list[FileFix] = []
    problems: list[str] = []
    for change in plan.files:
        problem = _write_one(change)
        if problem is None:
            written.append(change)
        else:
            problems.append(problem)
    return written, problems


def _write_one(change: FileFix) -> str | None:
    path = Path(change.path)
    target = Path(os.path.realpath(path))  # write through a symbolic link, not over it
    checked = len(change.source.text.encode("utf-8")) + (len(_UTF8_BOM) if change.source.bom else 0)
    try:
        info = target.stat()
        # A file of another size has changed; one of the same size is read no further than that.
        current = read_limited(target, checked) if info.st_size == checked else None
    except OSError as error:
        return f"{change.path}: not fixed, cannot read it again ({error.strerror or error})"
    except UnreadableFile as error:
        return f"{change.path}: not fixed, cannot read it again ({error.message})"
    if current is None or not _unchanged(current, change.source):
        return f"{change.path}: not fixed, the file changed since it was checked"
    try:
        _replace_atomically(target, change.new_bytes(), info)
    except OSError as error:
        return f"{change.path}: not fixed, cannot write it ({error.strerror or error})"
    return None


def _unchanged(data: bytes, source: SourceText) -> bool:
    try:
        again = decode_source(data, source.path, limit=len(data))
    except UnreadableFile:
        return False
    return again.text == source.text and again.bom == source.bom


def _replace_atomically(target: Path, data: bytes, info: os.stat_result) -> None:
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).chmod(stat.S_IMODE(info.st_mode))
        with contextlib.suppress(OSError, AttributeError):
            os.chown(temporary, info.st_uid, info.st_gid)  # only possible as root or the owner
        Path(temporary).replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise
    _sync_directory(target.parent)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); harmless where directories cannot be opened."""
    with contextlib.suppress(OSError, AttributeError):
        descriptor = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def unified_diff(change: FileFix) -> str:
    """A unified diff of one planned change (``a/`` and ``b/`` prefixes, like git)."""
    lines = difflib.unified_diff(
        _lines(change.old_text),
        _lines(change.new_text),
        fromfile=f"a/{change.path}",
        tofile=f"b/{change.path}",
    )
    from ecs_lint.textio import printable

    out: list[str] = []
    for line in lines:
        # A CRLF ending stays (CR then LF moves no text), so the diff applies to CRLF files;
        # every other control character in file text is escaped: it never reaches a terminal raw.
        ending = "\r\n" if line.endswith("\r\n") else "\n"
        body = line.removesuffix(ending) if line.endswith("\n") else line
        out.append(printable(body) + ending)
        if not line.endswith("\n"):
            out.append("\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    """Lines as ``patch`` counts them: ended by LF only (``str.splitlines`` also splits at a
    lone CR, form feeds and Unicode separators, which would misplace a hunk)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1].removesuffix("\n")
    return lines if lines[-1] else lines[:-1]
