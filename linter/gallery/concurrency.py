"""Bounded concurrency for look-ups: a worker pool with a deadline, and single-flight memos.

The workers are daemon threads: when the look-up budget runs out the caller goes on with the
answers it has (falling back for the rest) and never waits, not even at exit, for a request
still blocked (a proxy dripping its answer byte by byte can hold one past every socket timeout).
"""

from __future__ import annotations

import contextlib
import queue
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

K = TypeVar("K")
V = TypeVar("V")


class NotReady(Exception):
    """A value was still being computed when the caller's time ran out."""


class _Released(Exception):
    """A claimed key its bulk answer did not cover: whoever waits for it computes it."""


def run_bounded(jobs: Iterable[Callable[[], None]], workers: int, timeout: float) -> bool:
    """Run ``jobs`` on at most ``workers`` threads; True when all finished within ``timeout``.

    Jobs must handle their own errors (an escaping exception is swallowed and counts as done).
    """
    pending: queue.SimpleQueue[Callable[[], None] | None] = queue.SimpleQueue()
    count = 0
    for job in jobs:
        pending.put(job)
        count += 1
    if count == 0:
        return True
    remaining = [count]
    all_done = threading.Event()
    lock = threading.Lock()

    def work() -> None:
        while True:
            job = pending.get()
            if job is None:
                return
            with contextlib.suppress(Exception):
                job()
            with lock:
                remaining[0] -= 1
                if remaining[0] == 0:
                    all_done.set()

    threads = min(workers, count)
    for _ in range(threads):
        pending.put(None)
    for index in range(threads):
        threading.Thread(target=work, name=f"ecs-lint-lookup-{index}", daemon=True).start()
    return all_done.wait(max(0.0, timeout))


def call_within(compute: Callable[[], V], timeout: float) -> V:
    """``compute()``, run on a daemon thread; ``NotReady`` when it takes more than ``timeout``."""
    outcome: Future[V] = Future()

    def job() -> None:
        try:
            outcome.set_result(compute())
        except Exception as error:
            outcome.set_exception(error)

    if not run_bounded([job], 1, timeout):
        raise NotReady("deadline")
    return outcome.result()


class SingleFlight(Generic[K, V]):
    """A memo in which each key is computed once, however many threads ask at the same time.

    Keys can also be claimed in bulk (one request answering many keys) and settled later; a key
    a bulk answer did not cover is released, and the next ``get`` computes it on its own.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[K, Future[V]] = {}

    def claim(self, keys: Iterable[K]) -> list[K]:
        """Mark the keys nobody has yet as being computed by the caller; returns those keys."""
        with self._lock:
            claimed = [key for key in keys if key not in self._values]
            self._values.update((key, Future()) for key in claimed)
        return claimed

    def settle(self, keys: Iterable[K], values: dict[K, V]) -> None:
        """Finish claimed keys: store the values given, release the others."""
        for key in keys:
            if key in values:
                self._values[key].set_result(values[key])
                continue
            with self._lock:
                released = self._values.pop(key)
            released.set_exception(_Released())

    def get(self, key: K, compute: Callable[[], V], timeout: float) -> V:
        """The value for ``key``, computing it here unless another thread already is.

        An exception from ``compute`` is remembered and raised to every caller of that key.
        """
        while True:
            with self._lock:
                found = self._values.get(key)
                value = self._values[key] = found or Future()
            if found is None:
                try:
                    value.set_result(compute())
                except Exception as error:
                    value.set_exception(error)
                return value.result()
            try:
                return value.result(max(0.0, timeout))
            except FutureTimeout:
                raise NotReady(str(key)) from None
            except _Released:
                continue
