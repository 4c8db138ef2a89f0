"""``ecs-lint policy --format terraform`` never leaves a value Terraform cannot resolve unsaid: a
role that only a CloudFormation template can name is refused with the formats that can, and any
other value to fill in is named in a comment above the block (and on stderr)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import hcl2

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

STACK = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      ExecutionRoleArn: ROLE
      ContainerDefinitions:
        - Name: web
          Image: acme/web:1.4
          RepositoryCredentials:
            CredentialsParameter: CREDENTIALS
"""
SUB_SECRET = (
    '!Sub "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:hub-AbCdEf"'
)


def _stack(tmp_path: Path, role: str, credentials: str = SUB_SECRET) -> str:
    path = tmp_path / "stack.yaml"
    path.write_text(STACK.replace("ROLE", role).replace("CREDENTIALS", credentials))
    return str(path)


def test_a_role_the_template_creates_is_refused_with_the_formats_that_work(
    tmp_path: Path,
) -> None:
    stack = _stack(tmp_path, "!GetAtt ExecutionRole.Arn")
    run = run_cli("policy", stack, "--format", "terraform")
    assert run.status == 2
    assert run.stdout == ""
    assert (
        "ecs-lint: error: --format terraform cannot write the policy of execution role "
        "${ExecutionRole.Arn} (tasks: web): it is a role that a CloudFormation template creates "
        f"in {stack}, which a Terraform aws_iam_role_policy cannot name; print the policy with "
        "--format cloudformation (an item for the role's Policies) or --format json"
    ) in run.stderr
    assert "REPLACE_WITH_ROLE_NAME" not in run.stderr
    # The formats it names do work.
    assert run_cli("policy", stack, "--format", "cloudformation").status == 0
    assert run_cli("policy", stack, "--format", "json").status == 0


def test_template_values_are_named_as_values_to_fill_in(tmp_path: Path) -> None:
    stack = _stack(tmp_path, "arn:aws:iam::123456789012:role/exec")
    run = run_cli("policy", stack, "--format", "terraform")
    assert run.status == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[:5] == [
        "# Execution role arn:aws:iam::123456789012:role/exec (tasks: web)",
        "# Fill in before applying, ecs-lint could not resolve:",
        "#   $${AWS::Partition}: the value ${AWS::Partition} stands for (Terraform reads it as "
        "text)",
        "#   $${AWS::Region}: the value ${AWS::Region} stands for (Terraform reads it as text)",
        "#   $${AWS::AccountId}: the value ${AWS::AccountId} stands for (Terraform reads it as "
        "text)",
    ]
    assert '  role   = "exec"' in lines
    assert "the Terraform block holds values ecs-lint could not resolve" in run.stderr
    hcl2.loads(run.stdout)  # still one valid block


def test_no_execution_role_names_the_role_to_fill_in(tmp_path: Path) -> None:
    task = {"family": "t", "containerDefinitions": [{"name": "a", "image": "acme/a:1",
            "repositoryCredentials": {"credentialsParameter": "hub"}}]}  # fmt: skip
    (tmp_path / "task.json").write_text(json.dumps(task))
    run = run_cli("policy", str(tmp_path / "task.json"), "--format", "terraform")
    assert run.status == 0, run.stderr
    assert (
        '#   role = "REPLACE_WITH_ROLE_NAME": the name of the execution role you create for '
        "tasks t\n"
    ) in run.stdout
    assert '  role   = "REPLACE_WITH_ROLE_NAME"' in run.stdout


def test_a_terraform_role_needs_nothing_filled_in(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_role" "exec" {\n  name = "exec"\n  assume_role_policy = "{}"\n}\n'
        'resource "aws_secretsmanager_secret" "hub" {\n  name = "hub"\n}\n'
        'resource "aws_ecs_task_definition" "web" {\n  family = "web"\n'
        "  execution_role_arn = aws_iam_role.exec.arn\n"
        '  container_definitions = jsonencode([{ name = "web", image = "acme/web:1",\n'
        "    repositoryCredentials = { credentialsParameter = aws_secretsmanager_secret.hub.arn "
        "} }])\n}\n"
    )
    run = run_cli("policy", str(tmp_path / "main.tf"), "--format", "terraform")
    assert run.status == 0, run.stderr
    assert "Fill in" not in run.stdout and "could not resolve" not in run.stderr
    assert "role   = aws_iam_role.exec.name" in run.stdout
    assert 'Resource = "${aws_secretsmanager_secret.hub.arn}"' in run.stdout


def test_a_cloudformation_logical_id_is_no_terraform_reference(tmp_path: Path) -> None:
    # !GetAtt Key.Arn reads as ${Key.Arn}: Terraform would take it for a resource "Key", so it
    # is written as text and named as a value to fill in.
    stack = _stack(tmp_path, "arn:aws:iam::123456789012:role/exec", "!GetAtt HubSecret.Id")
    run = run_cli("policy", stack, "--format", "terraform")
    assert run.status == 0, run.stderr
    assert '"$${HubSecret.Id}"' in run.stdout
    assert "#   $${HubSecret.Id}: the value ${HubSecret.Id} stands for" in run.stdout
