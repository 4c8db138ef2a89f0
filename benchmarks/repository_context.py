"""What a commit costs: ecs-lint on the files a commit changes, in a 2,000-file repository whose
files depend on each other (issue 19: each file's context is read from the repository).

Run: ``.venv/bin/python benchmarks/repository_context.py [--repeat 7]`` (after ``pip install
-e .``). Writes a seeded git repository of about 2,000 files (application code, docs, a
``node_modules`` and a git-ignored ``build/`` a walk must skip, and the formats ecs-lint reads:
60 services, each with a Dockerfile a compose file builds, a Kubernetes Deployment whose service
account is in another file, a task definition whose execution role a CloudFormation template
defines; Terraform modules and their callers; workflows), then times fresh processes, offline:

* ``ecs-lint .``, the whole repository;
* ``ecs-lint --force-exclude FILES`` as the pre-commit hook runs it, for commits of one file of
  each kind (the context each needs differs) and a commit of five mixed files;
* ``ecs-lint Dockerfile`` for a Dockerfile beside the repository, outside any project (its
  directory's own files are its context, not the trees below them);
* the walk itself, in process: ecs-lint's ``.gitignore`` reading against one
  ``git ls-files --cached --others --exclude-standard`` call.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from workloads import dockerfile  # noqa: E402

SERVICES = 60


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def write_repository(root: Path, seed: int = 19) -> int:
    """The repository; returns how many files it holds (tracked, ignored and vendored)."""
    rng = random.Random(seed)
    write(root, ".gitignore", "build/\n*.log\n.cache/\n")
    write(
        root,
        "k8s/service-accounts.yaml",
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: app}\n"
        "imagePullSecrets: [{name: hub}]\n",
    )
    compose = ["services:"]
    roles = ["AWSTemplateFormatVersion: '2010-09-09'", "Resources:"]
    for number in range(SERVICES):
        service = f"services/svc-{number:02d}"
        write(root, f"{service}/Dockerfile", dockerfile(rng))
        write(
            root,
            f"{service}/k8s/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n"
            "  template:\n    spec:\n      serviceAccountName: app\n      containers:\n"
            f"        - name: web\n          image: acme/svc-{number}:1.{number}\n",
        )
        task = {
            "family": f"svc-{number}",
            "executionRoleArn": f"arn:aws:iam::123456789012:role/exec-svc-{number}",
            "containerDefinitions": [{"name": "app", "image": f"acme/svc-{number}:1.{number}"}],
        }
        write(root, f"{service}/ecs/task-definition.json", json.dumps(task, indent=2))
        write(root, f"{service}/package.json", json.dumps({"name": f"svc-{number}"}))
        for module in range(12):
            write(root, f"{service}/src/module_{module}.py", f"VALUE = {module}\n" * 20)
        write(root, f"{service}/README.md", f"# Service {number}\n\nFROM the docs.\n")
        compose += [
            f"  svc-{number}:",
            f"    build: {{context: {service}, args: {{BASE: 'python:3.{number % 13}'}}}}",
        ]
        roles += [
            f"  Exec{number}:",
            "    Type: AWS::IAM::Role",
            "    Properties:",
            f"      RoleName: exec-svc-{number}",
            "      ManagedPolicyArns:",
            "        - arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        ]
    write(root, "compose.yaml", "\n".join(compose) + "\n")
    write(root, "cfn/roles.yaml", "\n".join(roles) + "\n")
    write(
        root,
        "infra/modules/ecs/main.tf",
        'variable "image" {\n  type = string\n}\n\nresource "aws_ecs_task_definition" "app" {\n'
        '  family = "app"\n'
        '  container_definitions = jsonencode([{ name = "app", image = var.image }])\n}\n',
    )
    for env in ("dev", "staging", "prod"):
        write(
            root,
            f"infra/live/{env}/main.tf",
            'module "ecs" {\n  source = "../../modules/ecs"\n'
            f'  image  = "nginx:1.{len(env)}"\n}}\n',
        )
    for number in range(5):
        steps = "      - uses: actions/checkout@v4\n"
        if number < 2:
            steps += (
                "      - uses: docker/build-push-action@v6\n        with:\n"
                f"          context: services/svc-{number:02d}\n"
            )
        write(
            root,
            f".github/workflows/ci-{number}.yml",
            f"on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n{steps}",
        )
    for number in range(200):
        write(root, f"docs/page-{number}.md", "Some text.\n" * 10)
    for number in range(300):
        write(root, f"web/src/component-{number}.js", "export const x = 1;\n" * 10)
    for number in range(150):
        write(root, f"node_modules/pkg-{number}/package.json", '{"name": "x"}\n')
        write(root, f"node_modules/pkg-{number}/index.js", "module.exports = {};\n")
    for number in range(100):
        write(root, f"build/out-{number}.json", '{"containerDefinitions": []}\n')
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    return sum(1 for path in root.rglob("*") if path.is_file() and ".git" not in path.parts)


def timed(command: list[str], cwd: Path, repeat: int) -> tuple[float, float, str]:
    """Median wall and CPU seconds of ``command`` in fresh processes, and its last output."""
    walls, cpus = [], []
    output = ""
    env = {**os.environ, "ECS_LINT_OFFLINE": "1"}
    for _ in range(repeat):
        before = os.times()
        start = time.perf_counter()
        run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
        walls.append(time.perf_counter() - start)
        after = os.times()
        cpus.append(
            (after.children_user - before.children_user)
            + (after.children_system - before.children_system)
        )
        output = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else run.stderr
    return statistics.median(walls), statistics.median(cpus), output


def walk_figures(root: Path, repeat: int) -> list[tuple[str, float]]:
    from ecs_lint.discover import Discovery
    from ecs_lint.settings import Settings

    rows = []
    walks = []
    for _ in range(repeat):
        start = time.perf_counter()
        found = Discovery(Settings()).walk(str(root))
        walks.append(time.perf_counter() - start)
    rows.append((f"walk with .gitignore read by ecs-lint ({len(found)} candidates)", walks))
    listings = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root,
            check=True,
            capture_output=True,
        )
        listings.append(time.perf_counter() - start)
    rows.append(("one `git ls-files --cached --others --exclude-standard`", listings))
    return [(name, statistics.median(times)) for name, times in rows]


COMMITS = {
    "a Kubernetes Deployment (service accounts)": ["services/svc-07/k8s/deployment.yaml"],
    "a Dockerfile (compose files and workflows that build it)": ["services/svc-07/Dockerfile"],
    "a task definition (roles, services)": ["services/svc-07/ecs/task-definition.json"],
    "a Terraform module file (its callers)": ["infra/modules/ecs/main.tf"],
    "five files of those kinds and a README": [
        "services/svc-03/k8s/deployment.yaml",
        "services/svc-03/Dockerfile",
        "services/svc-03/ecs/task-definition.json",
        "infra/live/prod/main.tf",
        "compose.yaml",
        "services/svc-03/README.md",
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    repeat = parser.parse_args().repeat
    command = [sys.executable, "-m", "ecs_lint"]
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory).resolve() / "repository"
        files = write_repository(root)
        print(f"repository: {files} files, {repeat} runs each, median\n")
        print("| run | wall s | CPU s | report |")
        print("|---|---:|---:|---|")
        wall, cpu, out = timed([*command, "."], root, repeat)
        print(f"| `ecs-lint .` (whole repository) | {wall:.3f} | {cpu:.2f} | {out} |")
        for name, paths in COMMITS.items():
            wall, cpu, out = timed([*command, "--force-exclude", *paths], root, repeat)
            print(f"| commit of {name} | {wall:.3f} | {cpu:.2f} | {out} |")
            # The same files with no repository around them: the cost of reading the context.
            with tempfile.TemporaryDirectory() as elsewhere:
                alone = Path(elsewhere)
                for path in paths:
                    write(alone, path, (root / path).read_text())
                wall, cpu, out = timed([*command, *paths], alone, repeat)
            print(f"| same files, no repository around them | {wall:.3f} | {cpu:.2f} | {out} |")
        # A file named alone outside any project (a Dockerfile in a home directory, or /tmp):
        # its directory's own files are its context, not the repository below it.
        (root.parent / "Dockerfile").write_text("FROM nginx:1.25\n")
        wall, cpu, out = timed([*command, "Dockerfile"], root.parent, repeat)
        beside = "a Dockerfile beside the repository, outside it"
        print(f"| {beside} | {wall:.3f} | {cpu:.2f} | {out} |")
        print()
        for name, seconds in walk_figures(root, repeat):
            print(f"- {name}: {seconds * 1000:.1f} ms")


if __name__ == "__main__":
    main()
