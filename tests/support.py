"""Shared test helpers: lint files written to a temporary tree, run the real CLI.

Imported as ``support`` (tests/ is on pytest's pythonpath); fixtures live in conftest.py.
"""

from __future__ import annotations

import atexit
import functools
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import hypothesis
import pytest

from ecs_lint.cli import main
from ecs_lint.engine import lint_paths
from ecs_lint.findings import Finding
from ecs_lint.rules import RULES
from ecs_lint.settings import Settings

if TYPE_CHECKING:
    from ecs_lint.model import Problem

FIXTURES = Path(__file__).parent / "fixtures"


SERVICE_ACCOUNT = (
    "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: puller}\n"
    "imagePullSecrets: [{name: hub}]\n"
)
"""A Kubernetes service account with registry credentials: pods pulling as it pull with them."""


def deployment(image: str, account: str = "puller") -> str:
    """A Deployment whose one container pulls ``image`` as the service account ``account``
    (the image on line 10)."""
    return (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n"
        f"    spec:\n      serviceAccountName: {account}\n      containers:\n"
        f"        - name: web\n          image: {image}\n"
    )


TASK = (
    '{"family": "web", "executionRoleArn": "arn:aws:iam::123456789012:role/exec-web",\n'
    ' "requiresCompatibilities": ["FARGATE"], "networkMode": "awsvpc",\n'
    ' "containerDefinitions": [{"name": "web", "image": "acme/web:1.4",\n'
    '   "repositoryCredentials": {"credentialsParameter":'
    ' "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbCdEf"}}]}\n'
)
ROLES = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ExecWeb:
    Type: AWS::IAM::Role
    Properties:
      RoleName: exec-web
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: logs-only
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: logs:*
                Resource: "*"
"""


def service_stack(name: str, image: str, count: int) -> str:
    return f"""\
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: {name}
      ContainerDefinitions:
        - Name: {name}
          Image: {image}
  Service:
    Type: AWS::ECS::Service
    Properties:
      TaskDefinition: !Ref Task
      DesiredCount: {count}
      LaunchType: FARGATE
"""


REPOSITORY = {
    # A pod and the service account with its pull secrets, in different files.
    "k8s/service-account.yaml": SERVICE_ACCOUNT,
    "k8s/web.yaml": deployment("nginx:1.25"),
    "k8s/jobs.json": (
        '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"},\n'
        ' "spec": {"containers": [{"name": "j", "image": "busybox:1.36"}]}}\n'
    ),
    # A compose file building a Dockerfile with args, with a .env beside it.
    "compose.yaml": (
        "services:\n  api:\n    build:\n      context: api\n      args: {BASE: 'python:3.12'}\n"
        "  cache:\n    image: redis:${TAG}\n"
    ),
    ".env": "TAG=7.2\n",
    "api/Dockerfile": "ARG BASE=python:3.11\nFROM ${BASE}\n",
    # A workflow building another Dockerfile with its args.
    ".github/workflows/build.yml": (
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: docker/build-push-action@v6\n        with:\n"
        "          context: worker\n          build-args: |\n            BASE=node:22\n"
    ),
    "worker/Dockerfile": "ARG BASE=node:18\nFROM ${BASE}\n",
    # A Bake file building a third Dockerfile with its args.
    "docker-bake.hcl": (
        'target "tools" {\n  context = "tools"\n  args = { BASE = "golang:1.22" }\n}\n'
    ),
    "tools/Dockerfile": "ARG BASE=golang:1.21\nFROM ${BASE}\n",
    # A module's variable with its default in another file of the module.
    "infra/solo/main.tf": (
        'resource "aws_ecs_task_definition" "solo" {\n  family = "solo"\n'
        '  container_definitions = jsonencode([{ name = "solo", image = var.image }])\n}\n'
    ),
    "infra/solo/variables.tf": 'variable "image" {\n  default = "memcached:1.6"\n}\n',
    # A Terraform module whose image its caller gives.
    "infra/modules/ecs/main.tf": (
        'variable "image" {\n  type = string\n}\n\n'
        'resource "aws_ecs_task_definition" "app" {\n  family = "app"\n'
        '  container_definitions = jsonencode([{ name = "app", image = var.image }])\n}\n'
    ),
    "infra/live/main.tf": (
        'module "ecs" {\n  source = "../modules/ecs"\n  image  = "nginx:1.27"\n}\n'
    ),
    # Terraform reading a task's containers from a JSON file.
    "infra/app/main.tf": (
        'resource "aws_ecs_task_definition" "app" {\n  family = "files"\n'
        '  container_definitions = file("containers.json")\n}\n'
    ),
    "infra/app/containers.json": '[\n  {"name": "web", "image": "httpd:2.4"}\n]\n',
    # A task definition whose execution role another template defines.
    "ecs/web.json": TASK,
    "cfn/roles.yaml": ROLES,
    # Two services whose pulls add up (EL150), in different files.
    "cfn/front.yaml": service_stack("front", "nginx:1.25", 60),
    "cfn/back.yaml": service_stack("back", "redis:7", 60),
}


def git_repository(root: Path, files: dict[str, str]) -> Path:
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root.resolve()


@functools.cache
def standalone(directory: Path) -> Path:
    """A copy of a fixture directory outside this repository, made once per test process.

    ecs-lint reads what a file's findings depend on from the file's repository (another
    template defining the role a task names, a service account in another file): linted in
    place, a fixture would have every other fixture of this repository as its context. Its copy
    is a repository of its own: only the files of ``directory``.
    """
    root = Path(tempfile.mkdtemp(prefix="ecs-lint-standalone-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    copy = root / directory.name
    shutil.copytree(directory, copy)
    return copy


# Hypothesis profiles. "ci" (chosen when CI is set) is derandomised, so a CI run is reproducible
# and fails for the code, not for the seed it drew, and has no per-example deadline, which a busy
# 2-core runner would trip at random. "fuzz" is for a local soak of the property tests:
# HYPOTHESIS_PROFILE=fuzz python -m pytest tests/properties (tests that fix their own
# max_examples keep it). HYPOTHESIS_PROFILE overrides the choice.
hypothesis.settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis.settings.register_profile("fuzz", max_examples=5000, deadline=None)
hypothesis.settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "default")
)


@dataclass
class CliRun:
    status: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> CliRun:
    """Run ``ecs-lint ARGS`` in-process, as the console script does, capturing its output."""
    out, err = io.StringIO(), io.StringIO()
    status = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 1
    return CliRun(status, out.getvalue(), err.getvalue())


Lint = Callable[..., list[Finding]]


@pytest.fixture
def lint(tmp_path: Path) -> Lint:
    """Write ``files`` (name → text) under a temporary directory and lint that directory."""

    def run(files: dict[str, str], settings: Settings | None = None) -> list[Finding]:
        for name, text in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
        return lint_paths([str(tmp_path)], settings or Settings()).findings

    return run


def codes(findings: list[Finding]) -> list[str]:
    return [finding.rule for finding in findings]


def reported_as(problem: Problem) -> str:
    """The code a source's problem is reported under: that of the rule naming its kind."""
    return next(rule.code for rule in RULES if problem.kind in rule.reports)
