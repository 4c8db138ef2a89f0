"""Dockerfiles that used to take minutes: shell patterns with many ``*`` and thousands of stages.

Run: ``python benchmarks/hostile_input.py [--repeat 3] [--skip-cli]`` (after ``pip install .``).

* ``${V#*a*a*a*a*a*a*a*a*b}`` on a value of 60 ``a``: each ``*`` was a backtracking regular
  expression (issue 15 measured 30 s and more); then larger ones, which a backtracking engine
  would never finish: 40 stars on 10,000 characters, and ``${V//*a*b/x}`` on a build-arg of
  1,000 lines (a match per line);
* 32,000 ``FROM image AS sN`` lines: each FROM scanned every earlier stage (26 s).

Each is timed in process (the Dockerfile source alone: median wall and CPU seconds of
``--repeat`` parses) and, without ``--skip-cli``, as one offline ``ecs-lint -o json`` process
(start-up, rules and report included).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from parsing import median_times  # this directory: run as a script


def pattern_dockerfile(size: int, stars: int, operator: str = "#") -> str:
    pattern = "*a" * stars + "*b"
    return f"ARG V={'a' * size}\nFROM nginx:${{V{operator}{pattern}}}\n"


REPLACE_ALL = "ARG V\nFROM nginx:${V//*a*b/x}\n"
LINES = "\n".join(["ab" * 20] * 1_000)  # a build-arg: a Dockerfile's own text has no newline there


def stages_dockerfile(stages: int) -> str:
    return "".join(f"FROM image AS s{index}\n" for index in range(stages))


# name: (Dockerfile text, build args)
WORKLOADS: dict[str, tuple[str, dict[str, str]]] = {
    "${V#*a...*b}, 8 stars, 60 characters (issue 15)": (pattern_dockerfile(60, 8), {}),
    "${V##*a...*b}, 40 stars, 10,000 characters": (pattern_dockerfile(10_000, 40, "##"), {}),
    "${V%%b*a...*}, 40 stars, 10,000 characters": (
        f"ARG V={'a' * 10_000}\nFROM nginx:${{V%%{'b*' + 'a*' * 40}}}\n",
        {},
    ),
    "${V//*a*b/x}, 1,000 lines of 40 characters (build-arg)": (REPLACE_ALL, {"V": LINES}),
    "32,000 FROM ... AS sN stages (issue 15)": (stages_dockerfile(32_000), {}),
}


def parse_time(text: str, build_args: dict[str, str], repeat: int) -> tuple[float, float]:
    from ecs_lint.settings import Settings
    from ecs_lint.sources.dockerfile import parse
    from ecs_lint.textio import SourceText

    source, settings = SourceText("Dockerfile", text), Settings(build_args=build_args)
    return median_times(lambda: parse(source, settings), repeat)


def cli_time(text: str, build_args: dict[str, str]) -> float:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "Dockerfile"
        path.write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "ecs_lint", "-o", "json", str(path)]
        command += [f"--build-arg={name}={value}" for name, value in build_args.items()]
        env = {**os.environ, "ECS_LINT_OFFLINE": "1"}
        start = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=False)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="parses per workload (median)")
    parser.add_argument("--skip-cli", action="store_true", help="no whole-process runs")
    args = parser.parse_args()
    print("| workload | parse wall s | parse CPU s | ecs-lint process wall s |")
    print("|---|---:|---:|---:|")
    for name, (text, build_args) in WORKLOADS.items():
        wall, cpu = parse_time(text, build_args, args.repeat)
        process = "–" if args.skip_cli else f"{cli_time(text, build_args):.2f}"
        print(f"| {name} | {wall:.4f} | {cpu:.4f} | {process} |")


if __name__ == "__main__":
    main()
