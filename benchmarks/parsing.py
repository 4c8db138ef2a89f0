"""Parse time in process: 1,000 Dockerfiles through the Dockerfile source (no start-up, no rules).

Run: ``python benchmarks/parsing.py [--files 1000] [--repeat 5]`` (after ``pip install .``).
Prints the median wall and CPU time of ``--repeat`` passes over the same seeded Dockerfiles of
``workloads.py``; ``run_all.py`` reports it beside the other figures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from workloads import dockerfile


def dockerfile_parse_time(files: int = 1000, repeat: int = 5) -> tuple[float, float]:
    """Median wall and CPU seconds to parse ``files`` Dockerfiles, read into memory first."""
    from ecs_lint.settings import Settings
    from ecs_lint.sources.dockerfile import parse
    from ecs_lint.textio import SourceText

    rng = random.Random(7)
    sources = [SourceText(f"svc{index:05d}/Dockerfile", dockerfile(rng)) for index in range(files)]
    settings = Settings()
    parse(sources[0], settings)  # imports and first-use caches are not parse time
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        for source in sources:
            parse(source, settings)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="Dockerfiles per pass")
    parser.add_argument("--repeat", type=int, default=5, help="passes (median)")
    args = parser.parse_args()
    wall, cpu = dockerfile_parse_time(args.files, args.repeat)
    print(f"{args.files:,} Dockerfiles parsed in process: {wall:.3f} s wall, {cpu:.3f} s CPU")


if __name__ == "__main__":
    main()
