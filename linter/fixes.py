"""Applying fixes: minimal text edits, written safely.

A fix is a set of edits on a file's decoded text (offsets into ``SourceText.text``). Applying the
fixes of a run:

- only safe fixes, plus unsafe ones with ``--unsafe-fixes``;
- never in a file that had a parse error (EL900): what we parsed may not be what is there;
- edits are grouped by file; a fix whose edits overlap an already accepted edit is skipped (it
  stays a finding, and the next run can apply it); the same edit from two findings (one ARG
  default feeding two FROM lines) is applied once;
- the file is read again, in its directory without following a link: it must still be the very
  file read (a symbolic link swapped in since, pointing elsewhere, is refused and never written
  through), hold exactly what was parsed, and be writable (a read-only file is left alone, not
  replaced by the rename), else it is skipped;
- the new bytes are the old ones with only the edited spans replaced, so a byte-order mark, CRLF
  line endings, a missing final newline and everything else outside the spans stay as they were;
- the file is written atomically: a temporary file in the same directory, flushed and fsynced,
  given the original's permission bits, then renamed over it (``safewrite.Directory``: through
  the directory opened once for the check where the system allows, else by path, Windows).
"""

from __future__ import annotations

import difflib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ecs_lint.safewrite import Directory
from ecs_lint.textio import BOM, UnreadableFile, decode_source, printable

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.findings import Edit, Finding
    from ecs_lint.textio import SourceText

_UTF8_BOM = BOM.encode()
_CHANGED: Final = ", the file changed since it was checked"
_ANY_WRITE: Final = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


@dataclass(slots=True)
class FileFix:
    """The planned change of one file."""

    path: str
    source: SourceText
    new_text: str
    findings: list[Finding]
    edits: list[Edit] = field(default_factory=list)
    """The edits that make ``new_text`` of the source's text, each once, none overlapping."""

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
    return FileFix(path, source, new_text, applied, accepted)


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


class _NotFixed(Exception):
    """Why a planned file is left alone: the end of its message (``not fixed...``)."""


def _write_one(change: FileFix) -> str | None:
    """Check the file again and replace it; ``None`` once written, else why it was not.

    It all happens in the directory the file's real path names (``safewrite.Directory``, opened
    once where the system allows): the file is read again there without following a link and
    must be the very file checked (same device and inode), and the new file is renamed over that
    entry. A symbolic link swapped in since the check is refused, never written through, and a
    rename never follows one.
    """
    target = Path(os.path.realpath(change.path))  # a link inside the tree is written through
    name = target.name
    try:
        try:
            directory = Directory(target.parent)
        except OSError as error:
            raise _NotFixed(f", cannot read it again ({_reason(error)})") from None
        with directory:
            info = _check_again(directory, name, change, target)
            directory.replace(name, change.new_bytes(), info)
    except _NotFixed as reason:
        return f"{change.path}: not fixed{reason}"
    except OSError as error:
        return f"{change.path}: not fixed, cannot write it ({_reason(error)})"
    return None


def _check_again(directory: Directory, name: str, change: FileFix, target: Path) -> os.stat_result:
    """The status of the file ``name`` once it is shown to be the file checked, unchanged, and
    writable; raises :class:`_NotFixed` otherwise."""
    source = change.source
    checked = len(source.text.encode("utf-8")) + (len(_UTF8_BOM) if source.bom else 0)
    try:
        info = directory.stat(name)
    except OSError as error:
        raise _NotFixed(f", cannot read it again ({_reason(error)})") from None
    _same_file(info, change, target)
    if not info.st_mode & _ANY_WRITE or not directory.writable(name):
        raise _NotFixed(": file is read-only")
    if info.st_size != checked:  # a file of the same size is read no further than that
        raise _NotFixed(_CHANGED)
    try:
        data, opened = directory.read(name, checked)
    except UnreadableFile as error:
        raise _NotFixed(f", cannot read it again ({error.message})") from None
    _same_file(opened, change, target)
    if not _unchanged(data, source):
        raise _NotFixed(_CHANGED)
    return opened


def _same_file(info: os.stat_result, change: FileFix, target: Path) -> None:
    """Refuse a file other than the one read (a link swapped in, a file replaced)."""
    identity = change.source.identity
    if identity is None or identity == (info.st_dev, info.st_ino):
        return
    if Path(change.path).is_symlink() or stat.S_ISLNK(info.st_mode):
        raise _NotFixed(f": it now leads to {target}, which is not the file that was checked")
    raise _NotFixed(_CHANGED)


def _unchanged(data: bytes, source: SourceText) -> bool:
    try:
        again = decode_source(data, source.path, limit=len(data))
    except UnreadableFile:
        return False
    return again.text == source.text and again.bom == source.bom


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def unified_diff(change: FileFix) -> bytes:
    """A unified diff of one planned change (``a/`` and ``b/`` prefixes, like git), in the bytes
    ``git apply`` and ``patch -p1`` need: every line as the file holds it, byte-order mark, CRLF
    endings and control characters included (``on_terminal`` makes it safe to show)."""
    bom = BOM if change.source.bom else ""
    lines = difflib.unified_diff(
        _lines(bom + change.old_text),
        _lines(bom + change.new_text),
        fromfile=_diff_name(f"a/{change.path}"),
        tofile=_diff_name(f"b/{change.path}"),
    )
    out: list[str] = []
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    # A path's bytes that are not UTF-8 are surrogate escapes: they go back to those bytes.
    return "".join(out).encode("utf-8", "surrogateescape")


def on_terminal(diff: bytes) -> str:
    """A diff for a terminal: every control character of the file's text escaped, so that none
    reaches the terminal raw, but the CR of a CRLF ending (it moves no text)."""
    lines = diff.decode("utf-8", "surrogateescape").split("\n")
    return "\n".join(
        printable(line.removesuffix("\r")) + "\r" * line.endswith("\r") for line in lines
    )


# The escapes git writes in a quoted file name (``"a/x\ty"``); other controls are octal.
_NAME_ESCAPES: Final = {
    **{"\a": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f"},
    **{"\r": "\\r", '"': '\\"', "\\": "\\\\"},
}


def _diff_name(name: str) -> str:
    """A diff header's file name, C-quoted as git quotes one holding a control character, a
    quote or a backslash (``git apply`` and ``patch`` read the quoted form back)."""
    escaped = [_name_escape(char) for char in name]
    return name if escaped == list(name) else '"' + "".join(escaped) + '"'


def _name_escape(char: str) -> str:
    if char in _NAME_ESCAPES:
        return _NAME_ESCAPES[char]
    return f"\\{ord(char):03o}" if char < " " or char == "\x7f" else char


def _lines(text: str) -> list[str]:
    """Lines as ``patch`` counts them: ended by LF only (``str.splitlines`` also splits at a
    lone CR, form feeds and Unicode separators, which would misplace a hunk)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1].removesuffix("\n")
    return lines if lines[-1] else lines[:-1]
