"""The on-disk cache of look-up answers, shared by every ecs-lint process of a user.

Two kinds of answer, kept apart so that one service failing costs only its own part next time:
what ECR Public has for an image (``answer``: the repository and its digest, or none) and Docker
Hub's digest of a tag (``hub_digest``), which turns a ``verified`` answer into ``identical``. Only
what a service actually answered is stored (the resolver decides; catalog answers never are).

One small JSON file per answer (``<dir>/v2/<2 hex>/<sha256 of the key>.json``), so that the
processes pre-commit starts in parallel never contend for one file. Writes go to a temporary file
in the same directory, then ``os.replace`` it over the entry: a reader sees the old entry or the
new one, never half of one. No fsync: a cache may lose entries in a crash, and an entry that is
unreadable, truncated, from another key or of the wrong shape is treated as missing and simply
rewritten by the next look-up. A cache that cannot be written (read-only home, full disk) is
skipped silently: it only ever saves time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ecs_lint.gallery.catalog import Equivalent, Evidence

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

ENV_CACHE_DIR = "ECS_LINT_CACHE_DIR"
CACHE_LAYOUT = "v2"  # v1 answers included the Docker Hub comparison
MAX_ENTRY_BYTES = 64 * 1024
CLOCK_SKEW = 60.0


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``ECS_LINT_CACHE_DIR``, else the platform's user cache directory + ``ecs-lint``."""
    env = os.environ if environ is None else environ
    if env.get(ENV_CACHE_DIR):
        return Path(env[ENV_CACHE_DIR])
    home = Path.home()
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "ecs-lint"
    if sys.platform == "win32":
        base = env.get("LOCALAPPDATA")
        return Path(base, "ecs-lint", "Cache") if base else home / "AppData" / "Local" / "ecs-lint"
    base = env.get("XDG_CACHE_HOME")
    return (Path(base) if base and Path(base).is_absolute() else home / ".cache") / "ecs-lint"


@dataclass(frozen=True, slots=True)
class HubDigest:
    digest: str | None
    """``None``: Docker Hub has no such tag."""


class AnswerCache:
    def __init__(self, directory: Path, ttl: float, clock: Callable[[], float] = time.time) -> None:
        self.directory = directory / CACHE_LAYOUT
        self.ttl = ttl
        self._clock = clock
        self.writable = True

    def path_for(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self.directory / digest[:2] / f"{digest}.json"

    def get(self, key: str) -> Equivalent | None:
        """The stored ECR Public answer for ``key`` if present, intact and fresh; else ``None``."""
        return _answer_from_json(self._get(key))

    def put(self, key: str, answer: Equivalent) -> None:
        """Store an answer the network gave; catalog answers are never stored."""
        if answer.checked and answer.evidence is not Evidence.CATALOG:
            self._put(key, _answer_to_json(answer))

    def hub_digest(self, key: str) -> HubDigest | None:
        """The stored Docker Hub digest for ``key`` (``HubDigest(None)``: no such tag)."""
        data = self._get(key)
        digest = data.get("digest", False) if isinstance(data, dict) else False
        return HubDigest(digest) if digest is None or isinstance(digest, str) else None

    def put_hub_digest(self, key: str, digest: str | None) -> None:
        self._put(key, {"digest": digest})

    def _get(self, key: str) -> Any:
        try:
            with self.path_for(key).open("rb") as stream:
                data = stream.read(MAX_ENTRY_BYTES + 1)
        except OSError:
            return None
        if len(data) > MAX_ENTRY_BYTES:
            return None
        try:
            entry = json.loads(data)
        except (ValueError, RecursionError):
            return None
        return self._fresh(entry, key)

    def _put(self, key: str, answer: dict[str, Any]) -> None:
        if not self.writable:
            return
        entry = {"key": key, "stored_at": self._clock(), "answer": answer}
        try:
            _write_atomically(self.path_for(key), json.dumps(entry).encode())
        except OSError:
            self.writable = False

    def _fresh(self, entry: Any, key: str) -> Any:
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        stored_at = entry.get("stored_at")
        if not isinstance(stored_at, int | float) or isinstance(stored_at, bool):
            return None
        age = self._clock() - stored_at
        if age > self.ttl or age < -CLOCK_SKEW:
            return None
        return entry.get("answer")


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


def _answer_to_json(answer: Equivalent) -> dict[str, Any]:
    return {
        "repository": answer.repository,
        "evidence": answer.evidence.value if answer.evidence is not None else None,
        "ecr_digest": answer.ecr_digest,
        "hub_digest": answer.hub_digest,
    }


def _answer_from_json(data: Any) -> Equivalent | None:
    if not isinstance(data, dict) or "evidence" not in data:
        return None
    repository, evidence = data.get("repository"), data.get("evidence")
    digests = data.get("ecr_digest"), data.get("hub_digest")
    if not all(value is None or isinstance(value, str) for value in (repository, *digests)):
        return None
    if evidence is None:
        return Equivalent(None, None) if repository is None else None
    try:
        kind = Evidence(evidence)
    except ValueError:
        return None
    if repository is None or kind is Evidence.CATALOG:
        return None
    return Equivalent(repository, kind, True, *digests)
