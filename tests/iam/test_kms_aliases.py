"""A secret's KMS key given by its alias: IAM checks ``kms:Decrypt`` against the key's ARN.

An alias ARN in a policy's ``Resource`` applies to the alias, never to the key behind it
(docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html): a policy allowing
``...:key/*`` covers the unknown key for certain, one allowing only the alias ARN denies it for
certain, and one naming part of a key id (``key/abc*``) may or may not.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from ecs_lint.iam.arns import KeyRef, Placement, parse_kms_key
from ecs_lint.iam.evaluator import Match, match_resource
from support import FIXTURES, run_cli

if TYPE_CHECKING:
    from pathlib import Path

GOOD = str(FIXTURES / "credentials" / "good-chain.json")
ROLE = "arn:aws:iam::123456789012:role/exec-hub"
KMS = "arn:aws:kms:eu-west-1:123456789012"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (f"{KMS}:key/*", Match.YES),
        (f"{KMS}:*", Match.YES),
        ("*", Match.YES),
        (f"{KMS}:key/????????-????-????-????-????????????", Match.MAYBE),
        (f"{KMS}:key/abc*", Match.MAYBE),  # the id may start so, or not
        (f"{KMS}:key/ABC*", Match.NO),  # key ids are lower-case
        (f"{KMS}:alias/hub-key", Match.NO),
        (f"{KMS}:alias/*", Match.NO),
        (f"{KMS}:key/*/x", Match.NO),  # the id never holds a '/'
        ("arn:aws:kms:eu-west-2:123456789012:key/*", Match.NO),
    ],
)
def test_a_key_known_by_its_alias_is_some_key_of_its_account_and_region(
    pattern: str, expected: Match
) -> None:
    key = parse_kms_key("alias/hub-key")
    assert isinstance(key, KeyRef)
    resource = key.resource(Placement("aws", "eu-west-1", "123456789012"))
    assert str(resource) == f"{KMS}:key/<id of alias/hub-key>"
    assert match_resource(pattern, resource) is expected


def decrypt_policy(tmp_path: Path, resource: str) -> str:
    path = tmp_path / "policy.json"
    statements = [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": resource},
    ]
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": statements}))
    return f"{ROLE}={path}"


@pytest.mark.parametrize("key", ["alias/hub-key", f"{KMS}:alias/hub-key"])
@pytest.mark.parametrize(
    ("resource", "rules"),
    [
        (f"{KMS}:key/*", []),
        (f"{KMS}:alias/hub-key", ["EL205"]),
        (f"{KMS}:key/abc*", ["EL204"]),
    ],
)
def test_decrypt_with_the_key_given_by_alias(
    tmp_path: Path, key: str, resource: str, rules: list[str]
) -> None:
    run = run_cli(
        GOOD,
        "--role-policy", decrypt_policy(tmp_path, resource),
        "--secret-kms-key", f"dockerhub={key}",
        "--select", "EL204,EL205",
        "-o", "json",
    )  # fmt: skip
    findings = json.loads(run.stdout)
    assert [finding["rule"] for finding in findings] == rules
    if rules == ["EL205"]:
        assert f"allows '{KMS}:alias/hub-key', an alias ARN" in findings[0]["message"]
        assert f"allow '{KMS}:key/*' instead" in findings[0]["message"]


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DockerHubSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: dockerhub
      KmsKeyId: alias/hub-key
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: registry
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: secretsmanager:GetSecretValue
                Resource: !Ref DockerHubSecret
              - Effect: Allow
                Action: kms:Decrypt
                Resource: RESOURCE
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      ContainerDefinitions:
        - Name: web
          Image: acme/web:1.4
          RepositoryCredentials:
            CredentialsParameter: !Ref DockerHubSecret
"""


@pytest.mark.parametrize(
    ("resource", "rules"),
    [
        ("!Sub arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*", []),
        (
            "!Sub arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:alias/hub-key",
            ["EL205"],
        ),
    ],
)
def test_an_alias_in_cloudformation(tmp_path: Path, resource: str, rules: list[str]) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(TEMPLATE.replace("RESOURCE", resource))
    run = run_cli(str(path), "--select", "EL204,EL205", "-o", "json")
    assert [finding["rule"] for finding in json.loads(run.stdout)] == rules, run.stdout


TERRAFORM = """\
resource "aws_secretsmanager_secret" "hub" {
  name       = "dockerhub"
  kms_key_id = "alias/hub-key"
}

resource "aws_iam_role" "exec" {
  name               = "exec"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "registry" {
  role = aws_iam_role.exec.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "*" },
      { Effect = "Allow", Action = "kms:Decrypt", Resource = "RESOURCE" },
    ]
  })
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  execution_role_arn       = aws_iam_role.exec.arn
  container_definitions = jsonencode([{
    name                  = "web"
    image                 = "acme/web:1.4"
    repositoryCredentials = { credentialsParameter = aws_secretsmanager_secret.hub.arn }
  }])
}
"""


@pytest.mark.parametrize(
    ("resource", "rules"),
    [
        ("arn:aws:kms:eu-west-1:*:key/*", []),
        ("arn:aws:kms:eu-west-1:*:alias/hub-key", ["EL205"]),
        ("arn:aws:kms:eu-west-1:*:key/abc*", ["EL204"]),
    ],
)
def test_an_alias_in_terraform(tmp_path: Path, resource: str, rules: list[str]) -> None:
    (tmp_path / "main.tf").write_text(TERRAFORM.replace("RESOURCE", resource))
    args = ("--region", "eu-west-1", "--select", "EL204,EL205", "-o", "json")
    run = run_cli(str(tmp_path), *args)
    assert [finding["rule"] for finding in json.loads(run.stdout)] == rules, run.stdout


def test_the_policy_command_allows_any_key_of_the_account_not_any_kms_resource() -> None:
    run = run_cli(
        "policy", GOOD, "--region", "eu-west-1", "--secret-kms-key", "dockerhub=alias/hub-key"
    )
    assert run.status == 0, run.stderr
    statements = json.loads(run.stdout)["Statement"]
    (decrypt,) = [statement for statement in statements if statement["Action"] == "kms:Decrypt"]
    assert decrypt["Resource"] == f"{KMS}:key/*"
