"""YAML sources: a 1,000-document Helm render, a 200-service compose file, a 100-job workflow.

Run: ``python benchmarks/yaml_sources.py`` (after ``pip install .``). Prints, for each workload,
the time to load the YAML alone (``yamlpos.load_documents``), to parse it into the model (the
source's ``parse``), and one cold ``ecs-lint`` process on the file (offline), each the median of
several runs; plus how fast an alias bomb is refused.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint import yamlpos
from ecs_lint.settings import Settings
from ecs_lint.sources import compose, kubernetes, workflow
from ecs_lint.textio import SourceText

if TYPE_CHECKING:
    from collections.abc import Callable

DEPLOYMENT = """\
---
# Source: app/templates/deployment-{n}.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{n}
  labels:
    app.kubernetes.io/name: app-{n}
    app.kubernetes.io/managed-by: Helm
spec:
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: app-{n}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app-{n}
    spec:
      serviceAccountName: app
      initContainers:
        - name: migrate
          image: "busybox:1.36"
          command: ["sh", "-c", "echo migrate"]
      containers:
        - name: web
          image: "nginx:1.25.{m}"
          ports:
            - name: http
              containerPort: 80
          resources:
            limits: {{cpu: 500m, memory: 256Mi}}
        - name: app
          image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:{n}
          env:
            - name: INDEX
              value: "{n}"
---
# Source: app/templates/service-{n}.yaml
apiVersion: v1
kind: Service
metadata:
  name: app-{n}
spec:
  ports:
    - port: 80
      targetPort: http
"""


def helm_render(documents: int) -> str:
    return "".join(DEPLOYMENT.format(n=n, m=n % 10) for n in range(documents // 2))


def compose_file(services: int) -> str:
    body = "".join(
        f"  svc{n}:\n    image: redis:${{REDIS_TAG:-7.{n % 4}}}\n    environment:\n"
        f"      INDEX: '{n}'\n    ports: ['{8000 + n}:80']\n"
        for n in range(services)
    )
    return "services:\n" + body


def workflow_file(jobs: int) -> str:
    body = "".join(
        f"  job{n}:\n    runs-on: ubuntu-latest\n    container: node:20.{n % 5}\n"
        f"    services:\n      db:\n        image: postgres:16\n"
        f"    steps:\n      - uses: actions/checkout@v4\n      - uses: docker://alpine:3.19\n"
        for n in range(jobs)
    )
    return "on: push\njobs:\n" + body


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def cold_process(path: Path, repeat: int) -> float:
    env = {**os.environ, "ECS_LINT_OFFLINE": "1"}
    command = [sys.executable, "-m", "ecs_lint", "-o", "json", str(path)]
    return median_seconds(
        lambda: subprocess.run(command, stdout=subprocess.DEVNULL, env=env, check=False), repeat
    )


def bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 40)]
    return "\n".join(lines) + "\n"


def refuse(text: str) -> None:
    try:
        yamlpos.load_documents(text)
    except yamlpos.YamlError:
        return
    raise SystemExit("the alias bomb was not refused")


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="ecs-lint-yaml-bench-"))
    workloads = [
        ("Helm render, 1,000 documents", "render.yaml", helm_render(1000), kubernetes.parse),
        ("compose, 200 services", "compose.yaml", compose_file(200), compose.parse),
        ("workflow, 100 jobs", "ci.yml", workflow_file(100), workflow.parse),
    ]
    print(f"{'workload':<32} {'size':>9} {'load':>9} {'parse':>9} {'ecs-lint':>9}")
    for name, filename, text, parse in workloads:
        path = workdir / filename
        path.write_text(text)
        source = SourceText(str(path), text)
        load = median_seconds(lambda text=text: yamlpos.load_documents(text), 5)
        parsed = median_seconds(lambda source=source, parse=parse: parse(source, Settings()), 5)
        process = cold_process(path, 5)
        size = f"{len(text) / 1024:.0f} KiB"
        print(f"{name:<32} {size:>9} {load:>8.3f}s {parsed:>8.3f}s {process:>8.3f}s")
    refused = median_seconds(lambda: refuse(bomb()), 5)
    print(f"{'alias bomb (10**40 nodes)':<32} {len(bomb()):>7} B {refused:>8.4f}s (refused)")


if __name__ == "__main__":
    main()
