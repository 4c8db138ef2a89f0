"""Benchmark: ``ecs-lint aws`` over many services, against the test suite's local moto server.

Creates (through boto3, over HTTP) ``--services`` Fargate services in 4 clusters running
``--task-definitions`` distinct revisions with 10 execution roles, in 2 VPCs (one behind a NAT
gateway, one isolated with the ECR endpoints), then times ``lint_aws`` with 8 calls in flight and
with 1. ``--latency`` adds that many seconds to every AWS request on the client side (moto
answers in about a millisecond; real AWS in tens), which is where the concurrency pays.

Reports wall time, requests sent per operation (counted as they leave botocore), and findings.

Usage: ``.venv/bin/python benchmarks/aws_live.py [--services 200] [--task-definitions 50]
[--latency 0.03]``
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import boto3  # noqa: E402
from aws_world import World  # noqa: E402
from servers.moto_server import MotoServer  # noqa: E402

from ecs_lint.aws.run import Scope, lint_aws  # noqa: E402
from ecs_lint.iam.live import LiveAws  # noqa: E402
from ecs_lint.settings import Settings  # noqa: E402

REGION = "eu-west-1"
IMAGES = ("nginx:1.25", "redis:7", "public.ecr.aws/nginx/nginx:1.25", "python:3.12")


def build(world: World, services: int, revisions: int) -> None:
    roles = [world.role(f"exec-{index}") for index in range(10)]
    arns = [
        world.task_definition(f"app-{index}", IMAGES[index % 4], IMAGES[(index + 1) % 4],
                              role=roles[index % 10])
        for index in range(revisions)
    ]  # fmt: skip
    networks = []
    for egress in ("nat", "none"):
        vpc = world.vpc()
        subnet, table = world.subnet(vpc, egress)
        if egress == "none":
            world.endpoints(vpc, subnet, table, "ecr.api", "ecr.dkr", "s3")
        networks.append((subnet, world.security_group(vpc)))
    for index in range(services):
        subnet, group = networks[index % 2]
        world.service(
            f"svc-{index:04}",
            arns[index % revisions],
            count=1 + index % 7,
            cluster=f"cluster-{index % 4}",
            subnets=(subnet,),
            groups=(group,),
        )


def run(latency: float, concurrency: int) -> tuple[float, Counter[str], int]:
    session = boto3.session.Session(region_name=REGION)
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    def on_send(event_name: str, **_: Any) -> None:
        with lock:
            counts[".".join(event_name.split(".")[1:])] += 1
        if latency:
            time.sleep(latency)

    session.events.register("before-send", on_send)
    live = LiveAws(REGION, _session=session)
    start = time.perf_counter()
    result = lint_aws(Settings(), Scope(), (REGION,), live=live, concurrency=concurrency)
    return time.perf_counter() - start, counts, len(result.findings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=200)
    parser.add_argument("--task-definitions", type=int, default=50)
    parser.add_argument("--latency", type=float, default=0.03)
    args = parser.parse_args()
    with MotoServer() as server, tempfile.TemporaryDirectory() as home:
        os.environ.update(server.environment(Path(home)))
        os.environ["ECS_LINT_OFFLINE"] = "1"
        os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
        server.reset()
        started = time.perf_counter()
        build(World(), args.services, args.task_definitions)
        print(f"setup: {args.services} services, {args.task_definitions} task definitions "
              f"({time.perf_counter() - started:.1f} s)")  # fmt: skip
        run(0.0, 8)  # warm up: imports, clients, the embedded managed policies
        for latency in sorted({0.0, args.latency}):
            for concurrency in (8, 1):
                seconds, counts, findings = run(latency, concurrency)
                requests = sum(counts.values())
                print(f"latency {latency * 1000:.0f} ms, {concurrency} in flight: "
                      f"{seconds:.2f} s, {requests} requests, {findings} findings")  # fmt: skip
        print("requests per operation:", dict(sorted(counts.items())))


if __name__ == "__main__":
    main()
