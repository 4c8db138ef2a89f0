"""Parse time in process: 1,000 Dockerfiles through the Dockerfile source, and a Bake file of
50 targets through the Bake source (no start-up, no rules).

Run: ``python benchmarks/parsing.py [--files 1000] [--targets 50] [--repeat 5]`` (after
``pip install .``). Prints the median wall and CPU time of ``--repeat`` passes over the same
seeded files of ``workloads.py``; ``run_all.py`` reports them beside the other figures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

sys.path.insert(0, str(Path(__file__).parent))
from workloads import dockerfile, write_bake_project


def dockerfile_parse_time(files: int = 1000, repeat: int = 5) -> tuple[float, float]:
    """Median wall and CPU seconds to parse ``files`` Dockerfiles, read into memory first."""
    from ecs_lint.settings import Settings
    from ecs_lint.sources.dockerfile import parse
    from ecs_lint.textio import SourceText

    rng = random.Random(7)
    sources = [SourceText(f"svc{index:05d}/Dockerfile", dockerfile(rng)) for index in range(files)]
    settings = Settings()
    parse(sources[0], settings)  # imports and first-use caches are not parse time

    def parse_all() -> None:
        for source in sources:
            parse(source, settings)

    return median_times(parse_all, repeat)


def median_times(action: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``repeat`` calls of ``action``."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def bake_parse_time(targets: int = 50, repeat: int = 5) -> tuple[float, float, float]:
    """Median wall and CPU seconds to parse a Bake file of ``targets`` targets into its lint
    requests (its HCL parsed, its targets' values evaluated), and the CPU seconds of the first
    parse in the process, which imports the parser."""
    from ecs_lint.settings import Settings
    from ecs_lint.sources.bake import parse
    from ecs_lint.textio import SourceText

    with tempfile.TemporaryDirectory() as scratch:
        path = write_bake_project(Path(scratch), targets)
        source = SourceText(str(path), path.read_text(encoding="utf-8"))
        settings = Settings()
        _, first = median_times(lambda: parse(source, settings), 1)
        wall, cpu = median_times(lambda: parse(source, settings), repeat)
    return wall, cpu, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="Dockerfiles per pass")
    parser.add_argument("--targets", type=int, default=50, help="targets of the Bake file")
    parser.add_argument("--repeat", type=int, default=5, help="passes (median)")
    args = parser.parse_args()
    wall, cpu = dockerfile_parse_time(args.files, args.repeat)
    print(f"{args.files:,} Dockerfiles parsed in process: {wall:.3f} s wall, {cpu:.3f} s CPU")
    wall, cpu, first = bake_parse_time(args.targets, args.repeat)
    print(
        f"Bake file of {args.targets} targets parsed in process: {wall * 1000:.1f} ms wall, "
        f"{cpu * 1000:.1f} ms CPU (first parse, parser imports included: {first * 1000:.0f} ms CPU)"
    )


if __name__ == "__main__":
    main()
