"""How the credentials rules word what they find, as a user reads it on the terminal: EL202 on an
ARN with a bad field, EL203/EL210 on a policy resource that differs only in letter case."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf"


def _task(path: Path, credentials: str, secrets: list[dict[str, str]] | None = None) -> None:
    container = {
        "name": "web",
        "image": "acme/web:1.4",
        "repositoryCredentials": {"credentialsParameter": credentials},
        "secrets": secrets or [],
    }
    task = {
        "family": "web",
        "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
        "containerDefinitions": [container],
    }
    path.write_text(json.dumps(task, indent=2))


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (
            "arn:aws:secretsmanager:eu-west-1:1234:secret:dockerhub-AbCdEf",
            "has '1234' in the account field, where the secret ARN needs a 12-digit account ID",
        ),
        (
            "arn:aws:secretsmanager:europe:123456789012:secret:dockerhub-AbCdEf",
            "has 'europe' in the region field, where the secret ARN needs a region such as "
            "us-east-1",
        ),
        (
            "arn:amazon:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf",
            "has 'amazon' in the partition field, where the secret ARN needs an AWS partition "
            "(aws, aws-cn, aws-us-gov, ...)",
        ),
    ],
)
def test_el202_says_which_field_of_the_arn_is_wrong(tmp_path: Path, value: str, said: str) -> None:
    _task(tmp_path / "task.json", value)
    run = run_cli(str(tmp_path / "task.json"), "--select", "EL202", "--offline")
    assert run.status == 1
    assert (
        f"EL202 credentialsParameter '{value}' {said}; it must be a Secrets Manager" in run.stdout
    )


def test_el202_quiet_on_a_valid_arn(tmp_path: Path) -> None:
    _task(tmp_path / "task.json", SECRET)
    run = run_cli(str(tmp_path / "task.json"), "--select", "EL202", "--offline")
    assert run.status == 0, run.stdout


def _policy(path: Path, action: str, resource: str) -> str:
    statement = {"Sid": "Read", "Effect": "Allow", "Action": action, "Resource": resource}
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement]}))
    return f"exec={path}"


def test_el203_says_resource_names_are_case_sensitive(tmp_path: Path) -> None:
    _task(tmp_path / "task.json", SECRET)
    near_miss = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:DockerHub-*"
    policy = _policy(tmp_path / "exec.json", "secretsmanager:GetSecretValue", near_miss)
    run = run_cli(str(tmp_path / "task.json"), "--role-policy", policy, "--select", "EL203")
    assert run.status == 1
    assert (
        f"allows '{near_miss}', which matches {SECRET} only when letter case is ignored; IAM "
        "compares resource names case-sensitively, so it never matches: write the name in its "
        f"own letter case ('{SECRET}')"
    ) in run.stdout


def test_el203_no_case_hint_when_the_names_differ_otherwise(tmp_path: Path) -> None:
    _task(tmp_path / "task.json", SECRET)
    other = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:DockerHubOld-*"
    policy = _policy(tmp_path / "exec.json", "secretsmanager:GetSecretValue", other)
    run = run_cli(str(tmp_path / "task.json"), "--role-policy", policy, "--select", "EL203")
    assert run.status == 1
    assert "no statement in its policies allows it" in run.stdout
    assert "letter case" not in run.stdout


def test_el203_quiet_when_the_case_matches(tmp_path: Path) -> None:
    _task(tmp_path / "task.json", SECRET)
    exact = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-*"
    policy = _policy(tmp_path / "exec.json", "secretsmanager:GetSecretValue", exact)
    run = run_cli(str(tmp_path / "task.json"), "--role-policy", policy, "--select", "EL203")
    assert run.status == 0, run.stdout


def test_el210_says_resource_names_are_case_sensitive(tmp_path: Path) -> None:
    parameter = "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api-key"
    _task(tmp_path / "task.json", SECRET, [{"name": "API_KEY", "valueFrom": parameter}])
    near_miss = "arn:aws:ssm:eu-west-1:123456789012:parameter/Prod/*"
    policy = _policy(tmp_path / "exec.json", "ssm:GetParameters", near_miss)
    run = run_cli(str(tmp_path / "task.json"), "--role-policy", policy, "--select", "EL210")
    assert run.status == 1
    assert f"allows '{near_miss}', which matches {parameter} only when letter case" in run.stdout
