"""Replacing files atomically: ``--fix``'s rewrites and ``--output-file``'s report.

A new file is written beside the old one (a temporary name in the same directory), flushed and
synced, given the old file's permission bits (and owner where allowed), then renamed over it, so a
reader sees the old file or the new one, never a part.

Where the system has the ``*at`` calls (``os.supports_dir_fd``: Linux, macOS, the BSDs), the
directory is opened once and every call names the file relative to that descriptor: a directory
renamed, or a link swapped in for one, meanwhile cannot redirect a read or the rename. Where it
lacks them (Windows), each call names the file's path, and whoever checks the file (``fixes``)
compares what it opened with what it read before (device and file number) just before the rename,
which still never writes through a link, since the rename replaces the directory entry itself.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ecs_lint.textio import read_file

if TYPE_CHECKING:
    from types import TracebackType

DIR_FD_CALLS: Final = {os.open, os.stat, os.access, os.rename, os.unlink} <= os.supports_dir_fd
"""Whether this system names files relative to an open directory (not on Windows)."""
_DIRECTORY: Final = getattr(os, "O_DIRECTORY", 0)
_BINARY: Final = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_NEW_FILE: Final = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | _BINARY


class Directory:
    """The directory a file is checked and replaced in: opened once where the system allows
    (``DIR_FD_CALLS``; ``OSError`` when it cannot be), else named by its path in every call.
    Use it in a ``with`` block, which closes it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._descriptor: int | None = None
        if DIR_FD_CALLS:
            self._descriptor = os.open(path, os.O_RDONLY | _DIRECTORY)

    def __enter__(self) -> Directory:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)
            self._descriptor = None

    def _at(self, name: str) -> str:
        """``name`` as the calls take it: itself beside the descriptor, else a path."""
        return name if self._descriptor is not None else str(self.path / name)

    def stat(self, name: str) -> os.stat_result:
        """The entry ``name`` itself (a link is not followed)."""
        return os.stat(self._at(name), dir_fd=self._descriptor, follow_symlinks=False)

    def writable(self, name: str) -> bool:
        return os.access(self._at(name), os.W_OK, dir_fd=self._descriptor)

    def read(self, name: str, limit: int) -> tuple[bytes, os.stat_result]:
        """At most ``limit`` bytes of the regular file ``name`` and its status, as
        ``textio.read_file`` reads them (beside the descriptor, a link is refused; by path, the
        caller compares the status with the file it expects)."""
        return read_file(self._at(name), limit, dir_fd=self._descriptor)

    def replace(self, name: str, data: bytes, like: os.stat_result | None = None) -> None:
        """Replace (or create) ``name`` with ``data``, atomically. ``like``: the old file's
        status, whose permission bits (and owner, where allowed) the new file takes."""
        temporary = f".{name}.{secrets.token_hex(8)}.tmp"
        mode = 0o600 if like is not None else 0o666  # the old file's bits come next
        descriptor = os.open(self._at(temporary), _NEW_FILE, mode, dir_fd=self._descriptor)
        try:
            with os.fdopen(descriptor, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
                if like is not None:
                    _same_mode(stream.fileno(), self._at(temporary), like)
            os.replace(
                self._at(temporary),
                self._at(name),
                src_dir_fd=self._descriptor,
                dst_dir_fd=self._descriptor,
            )
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(self._at(temporary), dir_fd=self._descriptor)
            raise
        if self._descriptor is not None:
            with contextlib.suppress(OSError):  # makes the rename itself durable (POSIX)
                os.fsync(self._descriptor)


def _same_mode(descriptor: int, path: str, like: os.stat_result) -> None:
    mode = stat.S_IMODE(like.st_mode)
    if os.chmod in os.supports_fd:
        os.chmod(descriptor, mode)
    else:  # Windows before Python 3.13: by path (only the read-only bit means anything there)
        Path(path).chmod(mode)
    if hasattr(os, "fchown"):
        with contextlib.suppress(OSError):
            os.fchown(descriptor, like.st_uid, like.st_gid)  # as root or the owner


def write_atomically(path: str, data: bytes) -> None:
    """Replace the file at ``path`` (or create it) with ``data``, keeping the permission bits
    of a regular file that was there; ``OSError`` when that cannot be done."""
    target = Path(path)
    with Directory(target.parent) as directory:
        try:
            old = directory.stat(target.name)
        except FileNotFoundError:
            old = None
        if old is not None and stat.S_ISDIR(old.st_mode):
            raise IsADirectoryError(21, "is a directory")
        like = old if old is not None and stat.S_ISREG(old.st_mode) else None
        directory.replace(target.name, data, like)
