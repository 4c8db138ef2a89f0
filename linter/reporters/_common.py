"""What several machine formats share: repository-relative paths and stable fingerprints.

CI systems (GitHub code scanning and annotations, GitLab Code Quality) place findings by the path
from the repository root, whatever directory ecs-lint ran in; and they recognise a finding seen
in an earlier run by a fingerprint, which must survive lines moving above it.
"""

from __future__ import annotations

import os
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.findings import Finding
    from ecs_lint.model import Span

_WHITESPACE = r"\s+"


@cache
def repository_root(start: Path) -> Path:
    """The top of the git work tree holding ``start`` (where ``.git`` is), else ``start`` itself."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def absolute_path(path: str) -> Path:
    # Not Path.resolve(): a symbolic link inside the repository must keep its repository path.
    return Path(os.path.abspath(path))  # noqa: PTH100


def repository_path(path: str) -> str | None:
    """``path`` relative to the repository root of the current directory, with ``/`` separators.

    ``None`` when the file lies outside that repository.
    """
    return _repository_path(path, os.getcwd())  # noqa: PTH109


@lru_cache(maxsize=4096)
def _repository_path(path: str, cwd: str) -> str | None:
    # Once per file and directory: a report asks for every finding, most files have several.
    root = repository_root(Path(cwd))
    try:
        return absolute_path(path).relative_to(root).as_posix()
    except ValueError:
        return None


def logical_name(span: Span) -> str:
    """A readable name for a place without text, such as ``ARN#containerDefinitions[0].image``."""
    logical = span.logical or ""
    if not span.path or logical.startswith(span.path):
        return logical
    return f"{span.path}#{logical}"


def fingerprints(result: RunResult) -> list[str]:
    """One fingerprint per finding, in order: unchanged when lines are added above a finding.

    It hashes the rule, the repository path and the finding's text with whitespace collapsed. Equal
    findings in one file (the same image used twice) are told apart by their order of occurrence.
    """
    import hashlib  # only the machine formats need it; the default text output stays lean

    seen: dict[str, int] = {}
    prints: list[str] = []
    for finding in result.findings:
        span = finding.span
        path = span.path if span.logical else repository_path(span.path) or span.path
        key = "\0".join((finding.rule, path, span.logical or "", _anchor_text(result, finding)))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        digest = hashlib.sha256(f"{key}\0{occurrence}".encode("utf-8", "surrogatepass"))
        prints.append(digest.hexdigest()[:32])
    return prints


def _anchor_text(result: RunResult, finding: Finding) -> str:
    """The text a finding is about: its source snippet, else its image, else its message."""
    span = finding.span
    source = result.sources.get(span.path)
    text = ""
    if source is not None and span.logical is None and span.end > span.start:
        text = source.text[span.start : span.end]
    if not text.strip():
        text = finding.image or finding.message
    return re.compile(_WHITESPACE).sub(" ", text).strip()
