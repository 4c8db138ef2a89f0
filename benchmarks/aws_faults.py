"""Benchmark: how long ``ecs-lint aws`` and ``check --aws`` take to fail when AWS misbehaves.

Starts the test suite's local moto server with one cluster, one Fargate service, its task
definition, an execution role and a secret, puts the fault-injection server of
tests/servers/faulty_aws.py in front of it, and runs ``python -m ecs_lint`` (a fresh process,
start-up included) once per fault, with the default limits (connect 5 s, read 20 s, 4 attempts,
budget 600 s) unless a case sets its own. Prints, per case: wall seconds, exit status and the
first stderr line.

Usage: ``.venv/bin/python benchmarks/aws_faults.py [--quick]`` (``--quick`` skips the cases that
wait out the default 20 s read timeout).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from aws_world import World  # noqa: E402
from servers.faulty_aws import (  # noqa: E402
    EcsPages,
    Fault,
    FaultyAws,
    aws_error,
    hang,
    reply,
    truncated,
)
from servers.moto_server import MotoServer  # noqa: E402

HTML = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><br></body></html>"


def cases(task_file: str) -> list[tuple[str, str, Fault | None, list[str], bool]]:
    """(name, operation, fault, arguments, waits out the default read timeout)."""
    check = [task_file, "--aws", "--select", "EL2"]
    return [
        ("ListClusters truncated JSON", "ListClusters", truncated('{"clusterArns": ["a"]}'),
         ["aws"], False),
        ("ListClusters HTML page", "ListClusters", reply(HTML, "text/html"), ["aws"], False),
        ("DescribeTaskDefinition {}", "DescribeTaskDefinition", reply("{}"),
         ["aws", "--task-definition", "web:1"], False),
        ("ListServices always throttled", "ListServices",
         aws_error(400, "ThrottlingException", "Rate exceeded"), ["aws"], False),
        ("DescribeServices always 503", "DescribeServices", aws_error(503, "ServiceUnavailable"),
         ["aws"], False),
        ("ListClusters never answers", "ListClusters", hang(), ["aws"], True),
        ("ListClusters endless pages, aws-budget 5", "ListClusters",
         EcsPages("clusterArns", endless=True), ["aws", "--config", "BUDGET"], False),
        ("check --aws: GetRole HTML page", "iam:GetRole", reply(HTML, "text/html"), check, False),
        ("check --aws: GetRole always 503", "iam:GetRole", aws_error(503, "ServiceUnavailable"),
         check, False),
        ("check --aws: DescribeSecret throttled (optional)", "secretsmanager:DescribeSecret",
         aws_error(400, "ThrottlingException"), check, False),
        ("check --aws: DescribeSecret never answers (optional)",
         "secretsmanager:DescribeSecret", hang(), check, True),
        ("no fault (reference)", "", None, ["aws"], False),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="ecs-lint-faults-"))
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"  # before the reset, as tests do
    with MotoServer() as moto:
        moto.reset()
        environment = {**os.environ, **moto.environment(home), "ECS_LINT_OFFLINE": "1"}
        os.environ.update(environment)
        world = World()
        world.secret("dockerhub")
        role = world.role("exec")
        credentials = {"credentialsParameter": "dockerhub"}
        arn = world.task_definition(
            "web", "acme/web:1.4", role=role, repositoryCredentials=credentials
        )
        world.service("web", arn)
        task_file = home / "td.json"
        task_file.write_text(json.dumps(world.ecs.describe_task_definition(taskDefinition=arn)))
        budget = home / "budget.toml"
        budget.write_text("aws-budget = 5\n")
        print(f"{'case':52} {'wall s':>7} exit  first stderr line")
        with FaultyAws(upstream=moto.url) as faulty:
            environment["AWS_ENDPOINT_URL"] = faulty.url
            for name, operation, fault, args, slow in cases(str(task_file)):
                if slow and options.quick:
                    continue
                faulty.faults.clear()
                if fault is not None:
                    faulty.faults[operation] = fault
                argv = [str(budget) if arg == "BUDGET" else arg for arg in args]
                started = time.monotonic()
                done = subprocess.run(
                    [sys.executable, "-m", "ecs_lint", *argv],
                    env=environment,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                seconds = time.monotonic() - started
                first = (done.stderr.splitlines() or [""])[0]
                print(f"{name:52} {seconds:7.2f} {done.returncode:4}  {first[:150]}")
        environment["AWS_ENDPOINT_URL"] = "http://10.20.30.40:4566"
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "ecs_lint", "aws"],
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.monotonic() - started
        name = "AWS_ENDPOINT_URL=http://10.20.30.40:4566"
        print(f"{name:52} {seconds:7.2f} {done.returncode:4}  {done.stderr.splitlines()[0][:150]}")


if __name__ == "__main__":
    main()
