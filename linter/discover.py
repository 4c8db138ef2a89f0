"""Discovery: which files a run checks.

Directories are walked recursively (in sorted order, so output is stable), skipping version-control
and dependency folders; a file found there is a candidate when its name matches a source format.
Files named on the command line are always candidates.

Symbolic links are not followed out of the tree being linted, so a link committed to a repository
cannot make ecs-lint read (and quote) a file elsewhere on the machine, such as a CI runner's
credentials:

* in a directory walk, a linked file is read only when its target lies inside the directory given
  on the command line; linked directories are never descended (a link to a directory inside the
  tree would only list the same files twice, and a link to a parent would loop);
* a path named on the command line that is itself a symbolic link is followed only when its
  target lies inside the working directory; otherwise it is reported (EL900) and not read. A
  named path that is not a link is read wherever it is: naming it is the user's choice.

What cannot be read is reported (a parse problem), never skipped in silence nor the end of the
run: a named path that does not exist, a directory that cannot be listed, a link that loops, a
named path the system refuses.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint.sources import is_candidate_name

if TYPE_CHECKING:
    from collections.abc import Iterator

SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".terraform",
    }
)


@dataclass(frozen=True, slots=True)
class Candidate:
    path: Path
    display: str
    explicit: bool
    refused: str | None = None
    """Why the path must not or cannot be read (a link out of the tree, a link loop, a directory
    that cannot be listed): reported instead of read."""
    missing: bool = False
    """A path named on the command line that does not exist (``refused`` says so)."""


OUTSIDE_LINK = (
    "symbolic link to a path outside the working directory; not followed "
    "(name the target itself to lint it)"
)


def discover(paths: list[str]) -> list[Candidate]:
    """Every candidate file under ``paths``, each once, in a stable order."""
    seen: set[str] = set()
    found: list[Candidate] = []
    for given in paths:
        for candidate, real_path in _named(given):
            if real_path not in seen:
                seen.add(real_path)
                found.append(candidate)
    return found


def _named(given: str) -> Iterator[tuple[Candidate, str]]:
    """The candidates a path named on the command line stands for, with their real paths."""
    root = Path(given)
    try:
        root.stat()
    except (FileNotFoundError, NotADirectoryError):
        # Reported as that path's problem: the other paths are still linted.
        missing = f"path '{given}' does not exist"
        yield Candidate(root, given, explicit=True, refused=missing, missing=True), given
        return
    except OSError as error:  # a link loop, a path too long, a directory we may not search
        yield _refused(given, f"cannot open: {_reason(error)}; not read", explicit=True), given
        return
    if root.is_symlink() and not root.resolve().is_relative_to(Path.cwd().resolve()):
        yield Candidate(root, given, explicit=True, refused=OUTSIDE_LINK), given
    elif root.is_dir():
        yield from _walk(root)
    else:
        yield Candidate(root, given, explicit=True), os.path.realpath(root)


def _walk(root: Path) -> Iterator[tuple[Candidate, str]]:
    """Candidates under ``root`` with their real paths, depth first in sorted order.

    ``os.scandir`` tells links and directories apart from the directory listing itself, and the
    real path of a file that is not a link is its directory's real path plus its name (linked
    directories are never entered), so only links cost a system call each. A directory that
    cannot be listed and a link that cannot be followed (a loop) are candidates refused with the
    reason, so the run reports them instead of stopping or saying nothing.
    """
    top = os.path.realpath(root)
    pending = [(str(root), top)]
    while pending:
        directory, real_directory = pending.pop()
        try:
            entries = _listing(directory)
        except FileNotFoundError:
            continue  # removed since its parent was listed
        except OSError as error:
            message = f"cannot read directory: {_reason(error)}; its files were not checked"
            yield _refused(os.path.normpath(directory), message), real_directory
            continue
        subdirectories = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_DIRECTORIES:
                    subdirectories.append((entry.path, _child(real_directory, entry.name)))
            elif is_candidate_name(entry.name):
                found = _candidate(entry, real_directory, top)
                if found is not None:
                    yield found
        pending.extend(reversed(subdirectories))


def _listing(directory: str) -> list[os.DirEntry[str]]:
    with os.scandir(directory) as listing:
        return sorted(listing, key=lambda entry: entry.name)


def _candidate(
    entry: os.DirEntry[str], real_directory: str, top: str
) -> tuple[Candidate, str] | None:
    """The candidate a file named like one of ours stands for, with its real path; ``None`` for
    a link to a directory or out of the tree."""
    display = os.path.normpath(entry.path)
    if not entry.is_symlink():
        return Candidate(Path(entry.path), display, False), _child(real_directory, entry.name)
    try:
        linked_directory = entry.is_dir()
    except OSError as error:  # a link loop, or a target we may not look at
        message = f"cannot follow symbolic link: {_reason(error)}; not read"
        return _refused(display, message), display
    real_path = os.path.realpath(entry.path)
    if linked_directory or not _inside(real_path, top):
        return None
    return Candidate(Path(entry.path), display, False), real_path


def _refused(display: str, message: str, *, explicit: bool = False) -> Candidate:
    return Candidate(Path(display), display, explicit, refused=message)


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _child(directory: str, name: str) -> str:
    # Plain strings: a Path per file would cost more than the rest of the walk.
    return os.path.join(directory, name)  # noqa: PTH118


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)
