"""Progress of a live run: a bar on stderr when it is a terminal, nothing otherwise.

The work is discovered as it goes (clusters, then their services, then task definitions), so the
total grows: ``expect`` adds calls about to be made, ``done`` counts one finished. Calls finish
on several threads; rich's ``Progress`` is thread-safe, and the silent tracker does nothing.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from types import TracebackType
    from typing import TextIO

    from rich.progress import Progress

__all__ = ["RichTracker", "SilentTracker", "Tracker", "tracker_for"]


class Tracker(Protocol):
    def phase(self, description: str) -> None: ...

    def expect(self, calls: int) -> None: ...

    def done(self, calls: int = 1) -> None: ...

    def __enter__(self) -> Tracker: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


class SilentTracker:
    """For pipes, files and CI logs: a progress bar there is only noise."""

    def phase(self, description: str) -> None:
        pass

    def expect(self, calls: int) -> None:
        pass

    def done(self, calls: int = 1) -> None:
        pass

    def __enter__(self) -> SilentTracker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        pass


class RichTracker:
    """A transient rich progress bar (it disappears when the run ends, leaving the report)."""

    def __init__(self, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        console = Console(file=stream, force_terminal=True)
        self._progress: Progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
        )
        self._task = self._progress.add_task("Reading AWS", total=0)
        self._total = 0
        self._lock = threading.Lock()

    def phase(self, description: str) -> None:
        self._progress.update(self._task, description=f"Reading AWS: {description}")

    def expect(self, calls: int) -> None:
        with self._lock:
            self._total += calls
            total = self._total
        self._progress.update(self._task, total=total)

    def done(self, calls: int = 1) -> None:
        self._progress.advance(self._task, calls)

    def __enter__(self) -> RichTracker:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()


def tracker_for(stream: TextIO) -> Tracker:
    """A progress bar on ``stream`` when it is a terminal, else silence."""
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        return RichTracker(stream)
    return SilentTracker()
