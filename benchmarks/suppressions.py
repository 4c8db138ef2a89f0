"""Cost of suppressions: 1,000 Dockerfiles with directives, 1,000 task definitions, and
``per-file-ignores`` (with container narrowing), against the same run with ``--no-suppressions``.

Run: ``python benchmarks/suppressions.py`` (after ``pip install .``). Prints the median wall time
of the whole lint and of the suppression step alone (in process, offline).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from workloads import write_tree

from ecs_lint import suppress
from ecs_lint.config import resolve_settings
from ecs_lint.engine import lint_paths

CONFIG = "\n".join(
    ["[per-file-ignores]"]
    + [f'"svc000{n:02d}/task-definition.json:c{n % 4}" = ["EL105"]' for n in range(20)]
    + ['"legacy/**" = ["EL1"]', '"svc001*/Dockerfile" = ["EL103"]']
)


def add_directives(root: Path) -> None:
    for path in root.rglob("*Dockerfile*"):
        text = path.read_text()
        directive = "# ecs-lint: ignore=EL101,EL105 -- mirrored\n"
        text = text.replace("FROM ${BASE}", directive + "FROM ${BASE}")
        path.write_text(text + "# ecs-lint: ignore-file=EL103\n")


def main() -> None:
    os.environ["ECS_LINT_OFFLINE"] = "1"
    with tempfile.TemporaryDirectory() as directory:
        root = write_tree(Path(directory), 1000, 1000)
        add_directives(root)
        (root / ".ecs-lint.toml").write_text(CONFIG)
        lint_paths([str(root)], resolve_settings({"offline": True}, cwd=root))  # warm caches
        for label, enabled in (("with suppressions", True), ("--no-suppressions", False)):
            options = {"use_suppressions": enabled, "offline": True}
            settings = resolve_settings(options, cwd=root)
            totals, steps = [], []
            original = suppress.apply
            for _ in range(5):
                spent = [0.0]

                def timed(*args, _spent=spent, _apply=original, **kwargs):  # type: ignore[no-untyped-def]
                    started = time.perf_counter()
                    try:
                        return _apply(*args, **kwargs)
                    finally:
                        _spent[0] += time.perf_counter() - started

                suppress.apply = timed  # type: ignore[assignment]
                started = time.perf_counter()
                result = lint_paths([str(root)], settings)
                totals.append(time.perf_counter() - started)
                steps.append(spent[0])
                suppress.apply = original  # type: ignore[assignment]
            print(
                f"{label:20} lint {statistics.median(totals):6.3f} s   "
                f"suppression step {statistics.median(steps) * 1000:7.1f} ms   "
                f"{len(result.findings):5} reported, {len(result.suppressed):5} suppressed"
            )


if __name__ == "__main__":
    main()
