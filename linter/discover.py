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


class MissingPath(Exception):
    """A path named on the command line does not exist."""


@dataclass(frozen=True, slots=True)
class Candidate:
    path: Path
    display: str
    explicit: bool
    refused: str | None = None
    """Why the file must not be read (a link out of the tree): reported instead of read."""


OUTSIDE_LINK = (
    "symbolic link to a path outside the working directory; not followed "
    "(name the target itself to lint it)"
)


def discover(paths: list[str]) -> list[Candidate]:
    """Every candidate file under ``paths``, each once, in a stable order."""
    seen: set[str] = set()
    found: list[Candidate] = []
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise MissingPath(given)
        if root.is_symlink() and not root.resolve().is_relative_to(Path.cwd().resolve()):
            found.append(Candidate(root, given, explicit=True, refused=OUTSIDE_LINK))
            continue
        if root.is_dir():
            candidates: Iterator[tuple[Candidate, str]] = _walk(root)
        else:
            candidates = iter([(Candidate(root, given, explicit=True), os.path.realpath(root))])
        for candidate, real_path in candidates:
            if real_path not in seen:
                seen.add(real_path)
                found.append(candidate)
    return found


def _walk(root: Path) -> Iterator[tuple[Candidate, str]]:
    """Candidates under ``root`` with their real paths, depth first in sorted order.

    ``os.scandir`` tells links and directories apart from the directory listing itself, and the
    real path of a file that is not a link is its directory's real path plus its name (linked
    directories are never entered), so only links cost a system call each.
    """
    top = os.path.realpath(root)
    pending = [(str(root), top)]
    while pending:
        directory, real_directory = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue  # unreadable or vanished meanwhile, as os.walk skips it
        subdirectories = []
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name not in SKIPPED_DIRECTORIES:
                    subdirectories.append((entry.path, _child(real_directory, entry.name)))
                continue
            if not is_candidate_name(entry.name):
                continue
            if entry.is_symlink():
                real_path = os.path.realpath(entry.path)
                if entry.is_dir() or not _inside(real_path, top):
                    continue
            else:
                real_path = _child(real_directory, entry.name)
            yield Candidate(Path(entry.path), os.path.normpath(entry.path), False), real_path
        pending.extend(reversed(subdirectories))


def _child(directory: str, name: str) -> str:
    # Plain strings: a Path per file would cost more than the rest of the walk.
    return os.path.join(directory, name)  # noqa: PTH118


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)
