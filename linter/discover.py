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
    seen: set[Path] = set()
    found: list[Candidate] = []
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise MissingPath(given)
        if root.is_symlink() and not root.resolve().is_relative_to(Path.cwd().resolve()):
            found.append(Candidate(root, given, explicit=True, refused=OUTSIDE_LINK))
            continue
        candidates = _walk(root) if root.is_dir() else iter([Candidate(root, given, explicit=True)])
        for candidate in candidates:
            key = candidate.path.resolve()
            if key not in seen:
                seen.add(key)
                found.append(candidate)
    return found


def _walk(root: Path) -> Iterator[Candidate]:
    top = root.resolve()
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d not in SKIPPED_DIRECTORIES)
        for name in sorted(files):
            if not is_candidate_name(name):
                continue
            path = Path(directory, name)
            if path.is_symlink() and not path.resolve().is_relative_to(top):
                continue
            yield Candidate(path, os.path.normpath(path), explicit=False)
