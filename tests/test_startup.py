"""What a run loads: the IAM modules only when a task definition (or an IAM option) needs them,
and the policy evaluator only when a role's policies are known.

A pre-commit hook runs ecs-lint on the Dockerfiles of a commit; the execution-role checks must
cost such a run nothing, and must still read every ``--iam`` or ``--role-policy`` file given.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

IAM_MODULES = ["ecs_lint.iam.evaluator", "ecs_lint.iam.provider", "ecs_lint.iam.requirements"]
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"
TASK = (
    '{"executionRoleArn": "exec", "containerDefinitions": [{"name": "a", "image": "nginx:1.25", '
    f'"secrets": [{{"name": "DB", "valueFrom": "{SECRET}"}}]}}]}}'
)


def loaded_iam_modules(*paths: Path, options: tuple[str, ...] = ()) -> tuple[str, list[str]]:
    """The output of ``ecs-lint -o concise PATHS`` in a fresh process, and the IAM modules it
    had loaded at exit."""
    script = (
        "import atexit, json, sys\n"
        f"modules = {IAM_MODULES!r}\n"
        "atexit.register(lambda: print(json.dumps([m for m in modules if m in sys.modules])))\n"
        "from ecs_lint.cli import main\n"
        "main(sys.argv[1:])\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, "-o", "concise", *options, *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    output, _, modules = run.stdout.rstrip().rpartition("\n")
    return output, json.loads(modules)


def test_a_dockerfile_run_never_loads_the_iam_modules(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM nginx:1.25\n")
    output, modules = loaded_iam_modules(dockerfile)
    assert "EL101" in output
    assert modules == []


def test_a_task_definition_run_checks_its_execution_role(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_text(TASK)
    output, modules = loaded_iam_modules(task)
    assert "EL207" in output  # the role's policies are not known: the provider answered
    assert modules == ["ecs_lint.iam.provider", "ecs_lint.iam.requirements"]


def test_a_role_whose_policies_are_known_is_evaluated(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    task.write_text(TASK)
    policy = tmp_path / "exec.json"
    policy.write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": "logs:CreateLogStream", "Resource": "*"}]}'
    )
    output, modules = loaded_iam_modules(task, options=("--role-policy", f"exec={policy}"))
    assert "EL210" in output  # the secret is not readable: the evaluator denied it
    assert modules == IAM_MODULES


def test_a_bad_iam_file_is_reported_without_any_task_definition(tmp_path: Path) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM nginx:1.25\n")
    iam = tmp_path / "authorization.json"
    iam.write_text("{not json")
    run = run_cli("--iam", str(iam), str(dockerfile))
    assert run.status == 2
    assert str(iam) in run.stderr
