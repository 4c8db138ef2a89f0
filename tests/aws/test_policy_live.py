"""``ecs-lint policy`` on task definitions read from AWS (the local moto server)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from support import run_cli

if TYPE_CHECKING:
    from conftest import World


def test_missing_for_a_live_task_definition_prints_the_secret_read(world: World) -> None:
    secret = world.secret("dockerhub")
    role = world.role("exec")  # AmazonECSTaskExecutionRolePolicy: ECR and logs, no secrets
    world.task_definition(
        "web",
        "acme/web:1.4",
        role=role,
        repositoryCredentials={"credentialsParameter": "dockerhub"},
    )
    run = run_cli("policy", "--aws", "--task-definition", "web", "--region", "eu-west-1",
                  "--missing")  # fmt: skip
    assert run.status == 1, run.stderr
    (statement,) = json.loads(run.stdout)["Statement"]
    assert statement == {
        "Sid": "ReadSecrets",
        "Effect": "Allow",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": secret,  # the full ARN, looked up: no suffix wildcard needed
    }


def test_a_live_task_definition_that_does_not_exist_is_a_clear_error(world: World) -> None:
    run = run_cli("policy", "--aws", "--task-definition", "nope", "--region", "eu-west-1")
    assert run.status == 2
    assert run.stdout == ""
    assert run.stderr.startswith("ecs-lint: error: ")
    assert "Traceback" not in run.stderr
