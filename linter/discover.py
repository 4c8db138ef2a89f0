"""Discovery: which files a run checks.

Directories are walked recursively (in sorted order, so output is stable), skipping version-control
and dependency folders; a file found there is a candidate when its name matches a source format.
Files named on the command line are always candidates. Symbolic links are not followed out of the
tree being linted.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ecs_lint.sources import is_candidate_name

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


def discover(paths: list[str]) -> list[Candidate]:
    """Every candidate file under ``paths``, each once, in a stable order."""
    seen: set[Path] = set()
    found: list[Candidate] = []
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise MissingPath(given)
        candidates = (
            _walk(root) if root.is_dir() else iter([Candidate(root, given, explicit=True)])
        )
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
