"""Benchmark: ECR Public look-ups for 200 distinct Docker Hub images at 100 ms per request.

Starts the test suite's local gallery/registry server (tests/servers/gallery_server.py) with
100 ms added to every request, writes 20 task definitions with 10 containers each (200 distinct
images: official images mirrored at docker/library, publisher images found through the gallery
search, official images that are not mirrored and user images that are nowhere), then runs the
real ``ecs-lint`` command twice with one fresh cache directory:

1. cold cache: every image is looked up (target: <= 3 s wall clock for the whole command);
2. warm cache: the same command again (target: zero requests).

Usage: ``.venv/bin/python benchmarks/gallery_lookups.py [--images 200] [--latency 0.1]``
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

from servers.gallery_server import CatalogEntry, Dataset, GalleryServer  # noqa: E402

CONTAINERS_PER_TASK = 10


def images_and_dataset(count: int) -> tuple[list[str], Dataset]:
    """``count`` distinct images in four kinds, and a dataset that answers for them."""
    data = Dataset()
    images: list[str] = []
    for index in range(count):
        kind = index % 10
        tags = ["1.0", "1.1", "2.0", "latest"]
        if kind < 6:  # an official image Docker mirrors
            name = f"official{index}"
            data.mirror(f"library/{name}", f"docker/library/{name}", tags)
            images.append(f"{name}:1.1")
        elif kind < 8:  # a publisher's image, found through the gallery search
            namespace, name = f"vendor{index}", f"app{index}"
            data.mirror(f"{namespace}/{name}", f"{namespace}/{name}", tags)
            images.append(f"{namespace}/{name}:2.0")
        elif kind == 8:  # an official image that is not mirrored
            name = f"unmirrored{index}"
            data.hub_only(f"library/{name}", tags)
            images.append(f"{name}:1.0")
        else:  # a user's image, only on Docker Hub
            namespace = f"user{index}"
            data.hub_only(f"{namespace}/tool", tags)
            images.append(f"{namespace}/tool:1.0")
    data.catalog.append(CatalogEntry("someone", "app-dashboards", "app", False, 1))
    return images, data


def write_task_definitions(directory: Path, images: list[str]) -> None:
    for start in range(0, len(images), CONTAINERS_PER_TASK):
        chunk = images[start : start + CONTAINERS_PER_TASK]
        task = {
            "family": f"service-{start // CONTAINERS_PER_TASK}",
            "containerDefinitions": [
                {"name": f"c{offset}", "image": image, "essential": offset == 0}
                for offset, image in enumerate(chunk)
            ],
        }
        path = directory / f"service-{start // CONTAINERS_PER_TASK:02d}.json"
        path.write_text(json.dumps(task, indent=2) + "\n", encoding="utf-8")


def run_once(server: GalleryServer, workdir: Path, cache: Path) -> tuple[float, int, int, str]:
    env = {**os.environ, **server.environment(), "ECS_LINT_CACHE_DIR": str(cache)}
    env.pop("ECS_LINT_OFFLINE", None)
    before = server.request_count
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ecs_lint", "--output-format", "json", str(workdir / "tasks")],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    findings = json.loads(done.stdout) if done.stdout.strip() else []
    replaced = sum(1 for finding in findings if finding.get("replacement"))
    return elapsed, server.request_count - before, replaced, done.stderr.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    images, dataset = images_and_dataset(args.images)
    with tempfile.TemporaryDirectory() as scratch, GalleryServer(dataset) as server:
        workdir = Path(scratch)
        (workdir / "tasks").mkdir()
        write_task_definitions(workdir / "tasks", images)
        server.faults.delay = args.latency
        cache = workdir / "cache"
        cold = run_once(server, workdir, cache)
        warm = run_once(server, workdir, cache)
    print(f"{len(images)} distinct Docker Hub images, {args.latency * 1000:.0f} ms per request")
    print(f"{'run':<12}{'wall (s)':>10}{'requests':>10}{'replacements':>14}")
    for label, (elapsed, requests, replaced, stderr) in (("cold", cold), ("warm", warm)):
        print(f"{label + ' cache':<12}{elapsed:>10.2f}{requests:>10}{replaced:>14}")
        if stderr:
            print(f"  stderr: {stderr}")
    ok = cold[0] <= 3.0 and warm[1] == 0
    print("targets (cold <= 3 s, warm = 0 requests):", "met" if ok else "NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
