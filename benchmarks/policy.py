"""Speed of ``ecs-lint policy``: many task definitions over a few execution roles.

    .venv/bin/python benchmarks/policy.py [--tasks 500] [--roles 50]

Uses the workload of ``credentials.py`` (Fargate task definitions with registry credentials, two
secrets, a private ECR image and awslogs) and times the real command, in full and with
``--missing`` against the authorization file, in each output format. Offline: no network.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from credentials import role, task


def _time(command: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    return wall, len(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--roles", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "tasks").mkdir()
        for index in range(args.tasks):
            (root / "tasks" / f"svc-{index}.json").write_text(json.dumps(task(index, args.roles)))
        details = root / "account.json"
        roles = [role(index) for index in range(args.roles)]
        details.write_text(json.dumps({"RoleDetailList": roles, "Policies": []}))
        base = [sys.executable, "-m", "ecs_lint", "policy", str(root / "tasks"),
                "--region", "eu-west-1"]  # fmt: skip
        for label, extra in (
            ("json", []),
            ("cloudformation", ["--format", "cloudformation"]),
            ("terraform", ["--format", "terraform"]),
            ("json --missing", ["--missing", "--iam", str(details)]),
        ):
            wall, size = _time([*base, *extra])
            print(f"policy {label:<16} {args.tasks} tasks, {args.roles} roles: "
                  f"{wall:.2f} s wall, {size:,} characters")  # fmt: skip


if __name__ == "__main__":
    main()
