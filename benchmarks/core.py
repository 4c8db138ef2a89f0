"""Core speed: cold start on one file pair, and 1,000 Dockerfiles + 1,000 task definitions.

Run: ``python benchmarks/core.py`` (after ``pip install .``). Prints a table; each figure is the
median of several cold processes (``python -m ecs_lint``, and the ``ecs-lint`` console script a
pre-commit hook runs), with the peak resident memory of the largest; and the time to parse 1,000
Dockerfiles in process (``parsing.py``). The package's bytecode is compiled first, as ``pip
install`` does, so that no timed process compiles ecs-lint (``PYTHONDONTWRITEBYTECODE=1`` with an
editable install would otherwise add about 0.08 s to each cold start).
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
from parsing import dockerfile_parse_time
from workloads import write_tree

MODULE = [sys.executable, "-m", "ecs_lint"]
CONSOLE_SCRIPT = [str(Path(sys.executable).parent / "ecs-lint")]


def run_once(command: list[str], args: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of one cold ``ecs-lint`` process."""
    env = {**os.environ, "ECS_LINT_OFFLINE": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as a user's: the dataclass code tables written
    started = time.perf_counter()
    pid = subprocess.Popen(
        [*command, "-o", "json", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    ).pid
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"ecs-lint failed on {args}")
    return elapsed, usage.ru_maxrss / 1024


def measure(
    name: str, args: list[str], repeat: int, command: list[str] = MODULE
) -> tuple[str, float, float | None]:
    run_once(command, args)  # not counted: its files read, the dataclass code tables written
    runs = [run_once(command, args) for _ in range(repeat)]
    return name, statistics.median(t for t, _ in runs), max(m for _, m in runs)


def main() -> None:
    compile_bytecode()
    workdir = Path(tempfile.mkdtemp(prefix="ecs-lint-bench-"))
    try:
        single = write_tree(workdir / "single", 1, 1) / "svc00000"
        bulk = write_tree(workdir / "bulk", 1000, 1000)
        rows = [
            measure("1 task definition + 1 Dockerfile (cold)", [str(single)], 21),
            measure("same, ecs-lint console script", [str(single)], 21, CONSOLE_SCRIPT),
            measure("1,000 Dockerfiles + 1,000 task definitions", [str(bulk)], 5),
            ("1,000 Dockerfiles, parsed in process", dockerfile_parse_time()[0], None),
        ]
    finally:
        shutil.rmtree(workdir)
    print(f"{'workload':<45} {'median s':>9} {'peak MB':>8}")
    for name, seconds, megabytes in rows:
        peak = "" if megabytes is None else f"{megabytes:.1f}"
        print(f"{name:<45} {seconds:>9.3f} {peak:>8}")


def compile_bytecode() -> None:
    """Compile the installed package as ``pip install`` does, so no timed run compiles it."""
    import compileall

    import ecs_lint

    compileall.compile_dir(Path(ecs_lint.__file__).parent, quiet=1)


if __name__ == "__main__":
    main()
