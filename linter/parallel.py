"""Per-file work of a large run on every core: forked workers, results in the serial order.

A run over many files spends most of its time parsing them one by one, and each parse depends
on its file and settings alone. On Linux, with more than one core, :func:`map_forked` forks a
worker process per extra core after discovery; each parses an interleaved share of the files
(so the shares cost alike whatever the tree's order), pickles its results and exits, while this
process parses its own share. Results come back in the order of the items, so the output is the
serial run's, byte for byte.

Small runs never pay for it (fork, pickling): below :data:`MIN_ITEMS` items the work is done
here, in order. Forking a process that runs threads can copy a lock held by one of them, so a
process with any other thread (the language server, a test runner's helpers) works serially
too, as it does on other systems or with one core. A worker that fails for any reason costs
only time: its share is then done here.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

Item = TypeVar("Item")
Result = TypeVar("Result")
State = TypeVar("State")

MIN_ITEMS = 500
"""Fewer items than this are done in this process: a fork and the pickling of results cost
more than they save on a few hundred small files."""

MIN_ITEMS_VARIABLE = "_ECS_LINT_PARALLEL_MIN_FILES"
"""Internal, for the test suite and benchmarks only: overrides :data:`MIN_ITEMS` (``0``: never
fork). Not an option: no user should need to tune it."""


_IN_WORKER: list[bool] = []


def in_worker() -> bool:
    """Whether this process is a worker :func:`map_forked` started."""
    return bool(_IN_WORKER)


def worker_count(items: int) -> int:
    """How many processes share ``items`` items of work (1: this one alone)."""
    if sys.platform != "linux" or threading.active_count() > 1:
        return 1
    override = os.environ.get(MIN_ITEMS_VARIABLE, "")
    minimum = int(override) if override.isdigit() else MIN_ITEMS
    if minimum == 0 or items < max(minimum, 2):
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), items))


def map_forked(
    function: Callable[[Item], Result],
    items: list[Item],
    carry: Callable[[], State],
    absorb: Callable[[State], None],
) -> list[Result]:
    """``[function(item) for item in items]``, shared between processes for a large list.

    ``carry`` is called in each worker after its share and its value handed to ``absorb`` here
    (the files a worker read, so that this process does not read them again)."""
    workers = worker_count(len(items))
    if workers == 1:
        return [function(item) for item in items]
    children = [_fork(function, items[index::workers], carry) for index in range(1, workers)]
    results: list[Result | None] = [None] * len(items)
    results[0::workers] = [function(item) for item in items[0::workers]]
    for index, child in enumerate(children, 1):
        share = items[index::workers]
        answer: tuple[list[Result], State] | None = None
        if child is not None:
            answer = _collect(*child)
        if answer is None or len(answer[0]) != len(share):  # the worker failed: do it here
            results[index::workers] = [function(item) for item in share]
            continue
        results[index::workers] = answer[0]
        absorb(answer[1])
    return results  # type: ignore[return-value]  # every slot is filled above


def _fork(
    function: Callable[[Item], Result], share: list[Item], carry: Callable[[], State]
) -> tuple[int, int] | None:
    """Start a worker on ``share``: its process id and the pipe its results come through."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # the worker: never returns
        # What the worker inherited is never collected there: a collection would touch, and
        # so copy, every page of it.
        gc.freeze()
        _IN_WORKER.append(True)
        os.close(read_end)
        _work(function, share, carry, write_end)
    os.close(write_end)
    return pid, read_end


def _work(
    function: Callable[[Item], Result], share: list[Item], carry: Callable[[], State], out: int
) -> None:
    """A worker's life: its share, its results pickled down the pipe as they are written (a
    failure part way leaves the parent a truncated pickle, which it refuses), and an exit that
    runs none of the parent's clean-up (``atexit``, buffered output belongs to the parent)."""
    import pickle  # here: a run that never forks never imports it

    status = 1
    try:
        results = [function(item) for item in share]
        with os.fdopen(out, "wb") as pipe:
            pickle.dump((results, carry()), pipe, pickle.HIGHEST_PROTOCOL)
        status = 0
    except BaseException:  # the parent does this share itself
        pass
    finally:
        os._exit(status)


def _collect(pid: int, read_end: int) -> tuple[list[Result], State] | None:
    """A worker's results, or ``None`` when it failed. Unpickled as they arrive, so that the
    pickled bytes are never held whole beside what they stand for."""
    import pickle

    try:
        with os.fdopen(read_end, "rb") as pipe:
            answer: tuple[list[Result], State] = pickle.load(pipe)  # our own worker's
    except Exception:  # a worker that failed wrote nothing, or not all
        answer = None  # type: ignore[assignment]
    finally:
        _, status = os.waitpid(pid, 0)
    return answer if os.waitstatus_to_exitcode(status) == 0 else None
