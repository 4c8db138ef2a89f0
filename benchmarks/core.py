"""Core speed: cold start on one file pair, and 1,000 Dockerfiles + 1,000 task definitions.

Run: ``python benchmarks/core.py`` (after ``pip install .``). Prints a table; each figure is the
median of several cold processes, with the peak resident memory of the slowest.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from workloads import write_tree


def run_once(args: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one cold ``ecs-lint`` process."""
    env = {**os.environ, "ECS_LINT_OFFLINE": "1"}
    started = time.perf_counter()
    pid = subprocess.Popen(
        [sys.executable, "-m", "ecs_lint", "-o", "json", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    ).pid
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"ecs-lint failed on {args}")
    return elapsed, usage.ru_maxrss / 1024


def measure(name: str, args: list[str], repeat: int) -> tuple[str, float, float]:
    runs = [run_once(args) for _ in range(repeat)]
    return name, statistics.median(t for t, _ in runs), max(m for _, m in runs)


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="ecs-lint-bench-"))
    try:
        single = write_tree(workdir / "single", 1, 1) / "svc00000"
        bulk = write_tree(workdir / "bulk", 1000, 1000)
        rows = [
            measure("1 task definition + 1 Dockerfile (cold)", [str(single)], 11),
            measure("1,000 Dockerfiles + 1,000 task definitions", [str(bulk)], 5),
        ]
    finally:
        shutil.rmtree(workdir)
    print(f"{'workload':<45} {'median s':>9} {'peak MB':>8}")
    for name, seconds, megabytes in rows:
        print(f"{name:<45} {seconds:>9.3f} {megabytes:>8.1f}")


if __name__ == "__main__":
    main()
