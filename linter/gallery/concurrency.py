"""Bounded concurrency for look-ups: a worker pool with a deadline, and single-flight memos.

The workers are daemon threads: when the look-up budget runs out the run goes on with the
answers it has (falling back for the rest) and never waits at exit for a request still blocked.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar, cast

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

K = TypeVar("K")
V = TypeVar("V")


class NotReady(Exception):
    """A single-flight value was still being computed when the caller's time ran out."""


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


@dataclass(slots=True)
class _Outcome(Generic[V]):
    value: V | None = None
    error: BaseException | None = None


class SingleFlight(Generic[K, V]):
    """A memo in which each key is computed once, however many threads ask at the same time.

    Keys can also be claimed in bulk (one request answering many keys) and settled later; a key
    a bulk answer did not cover is released, and the next ``get`` computes it on its own.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done: dict[K, _Outcome[V]] = {}
        self._pending: dict[K, threading.Event] = {}

    def claim(self, keys: Iterable[K]) -> list[K]:
        """Mark the keys nobody has yet as being computed by the caller; returns those keys."""
        event = threading.Event()
        claimed: list[K] = []
        with self._lock:
            for key in keys:
                if key not in self._done and key not in self._pending:
                    self._pending[key] = event
                    claimed.append(key)
        return claimed

    def settle(self, keys: Iterable[K], values: dict[K, V]) -> None:
        """Finish claimed keys: store the values given, release the others."""
        events: set[threading.Event] = set()
        with self._lock:
            for key in keys:
                event = self._pending.pop(key, None)
                if event is not None:
                    events.add(event)
                if key in values:
                    self._done[key] = _Outcome(values[key])
        for event in events:
            event.set()

    def get(self, key: K, compute: Callable[[], V], timeout: float) -> V:
        """The value for ``key``, computing it here unless another thread already is.

        An exception from ``compute`` is remembered and raised to every caller of that key.
        """
        while True:
            with self._lock:
                outcome = self._done.get(key)
                waiting = self._pending.get(key) if outcome is None else None
                if outcome is None and waiting is None:
                    event = self._pending[key] = threading.Event()
            if outcome is not None:
                if outcome.error is not None:
                    raise outcome.error
                return cast("V", outcome.value)  # None is a legitimate value
            if waiting is not None:
                if not waiting.wait(max(0.0, timeout)):
                    raise NotReady(str(key))
                continue
            return self._compute(key, compute, event)

    def _compute(self, key: K, compute: Callable[[], V], event: threading.Event) -> V:
        try:
            value = compute()
        except BaseException as error:
            with self._lock:
                self._done[key] = _Outcome(error=error)
                self._pending.pop(key, None)
            event.set()
            raise
        with self._lock:
            self._done[key] = _Outcome(value)
            self._pending.pop(key, None)
        event.set()
        return value

    def peek(self, key: K) -> V | None:
        with self._lock:
            outcome = self._done.get(key)
        return outcome.value if outcome is not None else None
