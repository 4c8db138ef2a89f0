"""Per-file work of a large run on every core: forked workers, results in the serial order.

A run over many files spends most of its time parsing them one by one, and each parse depends
on its file and settings alone. On Linux, with more than one core, :func:`map_forked` forks a
worker process per extra core after discovery. The items are cut into chunks of consecutive
items, and every process, this one included, takes the next chunk from a queue shared by all of
them until none is left: formats cost differently (a task definition about twice a Dockerfile),
so fixed shares left one process waiting for the other. A worker pickles each chunk's results
down a pipe as soon as they are made, and this process unpickles what has arrived between its
own chunks, so that the two overlap instead of the unpickling coming after everything. Results
are put back in the order of the items, so the output is the serial run's, byte for byte,
whichever process did which chunk.

Small runs never pay for it (fork, pickling): below :data:`MIN_ITEMS` items the work is done
here, in order. Forking a process that runs threads can copy a lock held by one of them, so a
process with any other thread (the language server, a test runner's helpers) works serially
too, as it does on other systems or with one core. A worker that fails for any reason costs
only time: the chunks it did not deliver are then done here.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

Item = TypeVar("Item")
Result = TypeVar("Result")
Key = TypeVar("Key")
Value = TypeVar("Value")

MIN_ITEMS = 500
"""Fewer items than this are done in this process: a fork and the pickling of results cost
more than they save on a few hundred small files."""

MIN_ITEMS_VARIABLE = "_ECS_LINT_PARALLEL_MIN_FILES"
"""Internal, for the test suite and benchmarks only: overrides :data:`MIN_ITEMS` (``0``: never
fork). Not an option: no user should need to tune it."""

CHUNKS_PER_PROCESS = 32
"""How many chunks each process takes on average: enough that the last chunk (the time one
process may wait for another) is short, few enough that each carries many items per pickle."""

CHUNK_ITEMS = 32
"""The most items in a chunk: a chunk's pickled results must fit in a worker's pipe (about
5 KiB a task definition), or the worker waits until this process has read them."""

_INDEX_BYTES = 2  # a chunk's number in the queue
_MAX_CHUNKS = 16_384  # 32 KiB of numbers: within any pipe's capacity, so filling it never blocks
_LENGTH_BYTES = 8  # the length of a pickled chunk on a worker's pipe
_PIPE_BYTES = 1 << 20  # a worker's pipe, where Linux allows it: a worker rarely waits on it


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
    carry: Callable[[], Mapping[Key, Value]],
    absorb: Callable[[Mapping[Key, Value]], None],
) -> list[Result]:
    """``[function(item) for item in items]``, shared between processes for a large list.

    ``carry`` is called in a worker after each chunk, and the entries it has not handed over
    yet are given to ``absorb`` here (the files a worker read, so that this process does not
    read them again)."""
    workers = worker_count(len(items))
    if workers == 1:
        return [function(item) for item in items]
    size = min(-(-len(items) // (workers * CHUNKS_PER_PROCESS)), CHUNK_ITEMS)
    size = max(size, -(-len(items) // _MAX_CHUNKS))
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    queue = _queue(len(chunks))
    if queue is None:
        return [function(item) for item in items]
    children = [_fork(function, chunks, queue, carry) for _ in range(1, workers)]
    running = [_Child[Result, Key, Value](*child) for child in children if child is not None]
    done: dict[int, list[Result]] = {}
    while (index := _next_chunk(queue)) is not None:
        done[index] = [function(item) for item in chunks[index]]
        for child in running:
            child.receive(done, absorb, wait=False)
    os.close(queue)
    for child in running:
        child.receive(done, absorb, wait=True)
        child.finish()
    results: list[Result] = []
    for index, chunk in enumerate(chunks):
        # A chunk no one delivered (its worker failed) is done here.
        results += done[index] if index in done else [function(item) for item in chunk]
    return results


def _queue(count: int) -> int | None:
    """The read end of a pipe holding the numbers ``0..count-1``: the chunks still to do.

    Every read takes one whole number (the pipe holds only whole numbers and every read asks
    for one; Linux serialises readers), so each chunk is taken by exactly one process."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    numbers = b"".join(index.to_bytes(_INDEX_BYTES, "little") for index in range(count))
    try:
        while numbers:  # no one reads yet: this fits in the pipe (``_MAX_CHUNKS``)
            numbers = numbers[os.write(write_end, numbers) :]
    except OSError:
        os.close(read_end)
        return None
    finally:
        os.close(write_end)
    return read_end


def _next_chunk(queue: int) -> int | None:
    number = os.read(queue, _INDEX_BYTES)
    return int.from_bytes(number, "little") if number else None


def _fork(
    function: Callable[[Item], Result],
    chunks: list[list[Item]],
    queue: int,
    carry: Callable[[], Mapping[Key, Value]],
) -> tuple[int, int] | None:
    """Start a worker taking chunks from ``queue``: its process id and the pipe its results
    come through."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    _widen(write_end)
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
        _work(function, chunks, queue, carry, write_end)
    os.close(write_end)
    return pid, read_end


def _widen(pipe: int) -> None:
    """Let a pipe hold more than the default 64 KiB, where Linux allows it (a chunk's results
    are larger, and a worker waits whenever its pipe is full)."""
    import contextlib
    import fcntl

    # Another system, or a lower limit: the default pipe.
    with contextlib.suppress(AttributeError, OSError):
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def _work(
    function: Callable[[Item], Result],
    chunks: list[list[Item]],
    queue: int,
    carry: Callable[[], Mapping[Key, Value]],
    out: int,
) -> None:
    """A worker's life: chunks from the queue until it is empty, each chunk's results pickled
    down the pipe with what ``carry`` gained since the last one (a failure part way leaves the
    parent a truncated pickle, which it refuses), and an exit that runs none of the parent's
    clean-up (``atexit``, buffered output belongs to the parent)."""
    import pickle  # here: a run that never forks never imports it

    status = 1
    handed = set(carry())  # this process's own, which it already has
    try:
        with os.fdopen(out, "wb") as pipe:
            while (index := _next_chunk(queue)) is not None:
                results = [function(item) for item in chunks[index]]
                gained = {key: value for key, value in carry().items() if key not in handed}
                handed.update(gained)
                data = pickle.dumps((index, results, gained), pickle.HIGHEST_PROTOCOL)
                pipe.write(len(data).to_bytes(_LENGTH_BYTES, "little") + data)
                pipe.flush()
        status = 0
    except BaseException:  # the parent does the chunks not delivered itself
        pass
    finally:
        os._exit(status)


class _Child(Generic[Result, Key, Value]):
    """A worker as this process sees it: what has come through its pipe so far. A plain class:
    a dataclass would cost every run its creation."""

    __slots__ = ("open", "pid", "pipe", "received")

    def __init__(self, pid: int, pipe: int) -> None:
        self.pid = pid
        self.pipe = pipe
        self.received = bytearray()
        self.open = True

    def receive(
        self,
        done: dict[int, list[Result]],
        absorb: Callable[[Mapping[Key, Value]], None],
        *,
        wait: bool,
    ) -> None:
        """Unpickle the chunks that have arrived whole into ``done``; with ``wait``, every one
        until the worker closes its pipe, else only what can be read without waiting."""
        import pickle

        os.set_blocking(self.pipe, wait)
        while self.open:
            try:
                data = os.read(self.pipe, _PIPE_BYTES)
            except BlockingIOError:
                break
            except OSError:  # treated as the end: what did not arrive is done here
                data = b""
            if not data:
                self.open = False
            self.received += data
            while (whole := self._whole()) is not None:
                try:
                    index, results, gained = pickle.loads(whole)  # our own worker's
                except Exception:  # a worker's broken output: its other chunks are done here
                    self.open = False
                    self.received.clear()
                    break
                done[index] = results
                absorb(gained)

    def _whole(self) -> bytes | None:
        """The next whole pickled chunk received, taken off the buffer; else ``None``."""
        if len(self.received) < _LENGTH_BYTES:
            return None
        length = int.from_bytes(self.received[:_LENGTH_BYTES], "little")
        end = _LENGTH_BYTES + length
        if len(self.received) < end:
            return None
        whole = bytes(self.received[_LENGTH_BYTES:end])
        del self.received[:end]
        return whole

    def finish(self) -> None:
        os.close(self.pipe)
        os.waitpid(self.pid, 0)
