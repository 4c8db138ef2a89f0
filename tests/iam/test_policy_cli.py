"""``ecs-lint policy`` as a user runs it: the three formats, round trips, ``--missing``, limits."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import boto3
import pytest
from botocore.exceptions import ClientError

from support import FIXTURES, run_cli, standalone

if TYPE_CHECKING:
    from pathlib import Path

    from servers.moto_server import MotoServer

CREDENTIALS = standalone(FIXTURES / "credentials")
GOOD = str(CREDENTIALS / "good-chain.json")
DETAILS = str(CREDENTIALS / "account-authorization-details.json")
KEY = "1111aaaa-2222-bbbb-3333-cccc4444dddd"
CREDENTIAL_RULES = ("EL203", "EL204", "EL205", "EL210", "EL211", "EL212")

STACK = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  RegistryKey:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy: {}
  DockerHubSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      Name: dockerhub
      KmsKeyId: !GetAtt RegistryKey.Arn
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
POLICIES
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: web
      RequiresCompatibilities: [FARGATE]
      NetworkMode: awsvpc
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      ContainerDefinitions:
        - Name: web
          Image: acme/web:1.4
          RepositoryCredentials:
            CredentialsParameter: !Ref DockerHubSecret
          Secrets:
            - Name: DB
              ValueFrom: !Sub "arn:aws:ssm:${AWS::Region}:${AWS::AccountId}:parameter/prod/db"
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: /ecs/web
              awslogs-region: !Ref AWS::Region
              awslogs-stream-prefix: web
              awslogs-create-group: "true"
        - Name: app
          Image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1
"""

TERRAFORM = """\
resource "aws_kms_key" "registry" {}

resource "aws_secretsmanager_secret" "hub" {
  name       = "dockerhub"
  kms_key_id = aws_kms_key.registry.arn
}

resource "aws_iam_role" "exec" {
  name               = "exec"
  assume_role_policy = "{}"
}

resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  execution_role_arn       = aws_iam_role.exec.arn
  container_definitions = jsonencode([
    {
      name  = "web"
      image = "acme/web:1.4"
      repositoryCredentials = { credentialsParameter = aws_secretsmanager_secret.hub.arn }
      secrets = [{ name = "DB", valueFrom = "arn:aws:ssm:eu-west-1:123456789012:parameter/db" }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = "/ecs/web"
          awslogs-region        = "eu-west-1"
          awslogs-stream-prefix = "web"
          awslogs-create-group  = "true"
        }
      }
    },
    { name = "app", image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1" },
  ])
}
"""


def _credential_findings(path: Path) -> list[str]:
    run = run_cli(str(path), "--offline", "--select", ",".join(CREDENTIAL_RULES), "-o", "json")
    assert "Traceback" not in run.stderr
    return [finding["rule"] for finding in json.loads(run.stdout)]


def test_json_is_one_policy_document_for_one_role() -> None:
    run = run_cli("policy", GOOD, "--region", "eu-west-1", "--secret-kms-key", f"dockerhub={KEY}")
    assert run.status == 0, run.stderr
    document = json.loads(run.stdout)
    assert document["Version"] == "2012-10-17"
    sids = [statement["Sid"] for statement in document["Statement"]]
    assert sids == [
        "ReadSecrets", "ReadParameters", "DecryptSecretsViaSecretsmanagerEuWest1",
        "EcrAuthorization", "EcrPullImages", "WriteLogs", "CreateLogGroups",
    ]  # fmt: skip
    create = document["Statement"][-1]
    assert create["Resource"] == "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs/sidecar:*"


def test_the_generated_policy_makes_the_credentials_rules_pass(tmp_path: Path) -> None:
    unrelated = tmp_path / "unrelated.json"
    unrelated.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}))  # fmt: skip
    policy = tmp_path / "policy.json"
    policy.write_text(run_cli("policy", GOOD, "--region", "eu-west-1").stdout)
    role = "arn:aws:iam::123456789012:role/exec-hub"
    before = run_cli(GOOD, "--region", "eu-west-1", "--role-policy", f"{role}={unrelated}",
                     "--select", ",".join(CREDENTIAL_RULES))  # fmt: skip
    after = run_cli(GOOD, "--region", "eu-west-1", "--role-policy", f"{role}={policy}",
                    "--select", ",".join(CREDENTIAL_RULES))  # fmt: skip
    assert before.status == 1
    assert after.status == 0, after.stdout


def test_cloudformation_round_trip(tmp_path: Path) -> None:
    template = tmp_path / "stack.yaml"
    template.write_text(STACK.replace("POLICIES\n", ""))
    assert set(_credential_findings(template)) >= {"EL203", "EL205", "EL210", "EL211", "EL212"}
    run = run_cli("policy", str(template), "--format", "cloudformation")
    assert run.status == 0, run.stderr
    assert "Resource: !Ref DockerHubSecret" in run.stdout
    assert ":key/${RegistryKey}" in run.stdout  # the key's ARN as the template builds it
    item = "".join(
        f"      {line}\n" for line in run.stdout.splitlines() if not line.startswith("#")
    )
    template.write_text(STACK.replace("POLICIES\n", "      Policies:\n" + item))
    assert _credential_findings(template) == []


def test_terraform_round_trip(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(TERRAFORM)
    assert set(_credential_findings(tmp_path)) >= {"EL203", "EL205", "EL210", "EL211", "EL212"}
    run = run_cli("policy", str(tmp_path / "main.tf"), "--format", "terraform")
    assert run.status == 0, run.stderr
    assert 'resource "aws_iam_role_policy" "exec_task_execution" {' in run.stdout
    assert "role   = aws_iam_role.exec.name" in run.stdout
    assert 'Resource = "${aws_secretsmanager_secret.hub.arn}"' in run.stdout
    (tmp_path / "policy.tf").write_text(run.stdout)
    assert _credential_findings(tmp_path) == []


def test_terraform_escapes_what_is_not_a_reference(tmp_path: Path) -> None:
    task = {
        "family": "t",
        "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
        "containerDefinitions": [
            {"name": "a", "image": "acme/a:1",
             "repositoryCredentials": {"credentialsParameter": "${DockerHubSecret}"}}
        ],
    }  # fmt: skip
    path = tmp_path / "task.json"
    path.write_text(json.dumps(task))
    run = run_cli("policy", str(path), "--format", "terraform")
    assert 'Resource = "$${DockerHubSecret}"' in run.stdout
    json_run = run_cli("policy", str(path))
    assert "unresolved (${DockerHubSecret})" in json_run.stderr


def test_missing_prints_only_what_the_role_lacks() -> None:
    run = run_cli("policy", str(CREDENTIALS / "el203-suffix-trap.json"), "--iam", DETAILS,
                  "--missing")  # fmt: skip
    assert run.status == 1
    document = json.loads(run.stdout)
    assert document["Statement"] == [
        {
            "Sid": "ReadSecrets",
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf",
        }
    ]


def test_missing_with_nothing_missing_exits_zero(tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(run_cli("policy", GOOD, "--region", "eu-west-1").stdout)
    role = "arn:aws:iam::123456789012:role/exec-hub"
    run = run_cli("policy", GOOD, "--region", "eu-west-1", "--missing",
                  "--role-policy", f"{role}={policy}")  # fmt: skip
    assert (run.status, run.stdout) == (0, "")
    assert "already allow everything" in run.stderr


def test_missing_for_an_unknown_role_prints_everything_and_says_so() -> None:
    run = run_cli("policy", str(CREDENTIALS / "el207-unknown-role.json"), "--missing")
    assert run.status == 1
    assert json.loads(run.stdout)["Statement"]
    assert "are not known" in run.stderr


def test_missing_cannot_fix_an_explicit_deny() -> None:
    run = run_cli("policy", str(CREDENTIALS / "el203-explicit-deny.json"), "--iam", DETAILS,
                  "--missing")  # fmt: skip
    assert "no Allow can grant it" in run.stderr
    assert "Traceback" not in run.stderr


def test_several_roles_print_one_document_each(tmp_path: Path) -> None:
    for role in ("a", "b"):
        container = {"name": "c", "image": "acme/x:1",
                     "secrets": [{"name": "S", "valueFrom": f"/{role}"}]}  # fmt: skip
        task = {"family": role, "executionRoleArn": f"arn:aws:iam::123456789012:role/{role}",
                "containerDefinitions": [container]}  # fmt: skip
        (tmp_path / f"{role}.json").write_text(json.dumps(task))
    run = run_cli("policy", str(tmp_path), "--region", "eu-west-1")
    documents = json.loads(run.stdout)
    assert sorted(documents) == [
        "arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/b",
    ]  # fmt: skip
    only = run_cli("policy", str(tmp_path), "--region", "eu-west-1", "--role", "b")
    resource = json.loads(only.stdout)["Statement"][0]["Resource"]
    assert resource == "arn:aws:ssm:eu-west-1:123456789012:parameter/b"


def test_a_policy_over_the_inline_limit_is_warned_about(tmp_path: Path) -> None:
    secrets = [{"name": f"S{i}", "valueFrom": f"/app/parameter-number-{i:04d}"} for i in range(200)]
    container = {"name": "c", "image": "acme/x:1", "secrets": secrets}
    task = {"family": "big", "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
            "containerDefinitions": [container]}  # fmt: skip
    (tmp_path / "task.json").write_text(json.dumps(task))
    run = run_cli("policy", str(tmp_path / "task.json"), "--region", "eu-west-1")
    assert run.status == 0
    assert "IAM accepts at most 10,240" in run.stderr


def test_a_file_that_cannot_be_parsed_prints_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "task.json"
    bad.write_text('{"containerDefinitions": [\n  {"name": "a",}\n]}\n')
    run = run_cli("policy", str(bad))
    assert run.status == 2
    assert run.stdout == ""
    assert run.stderr.startswith(f"ecs-lint: error: {bad}:2:")
    assert "Traceback" not in run.stderr


def test_unknown_format_is_a_usage_error() -> None:
    run = run_cli("policy", GOOD, "--format", "yaml")
    assert run.status == 2
    assert "choose from json, cloudformation, terraform" in run.stderr


@pytest.mark.parametrize("source", ["good-chain.json", "el210-secrets.json", "el212-awslogs.json"])
def test_iam_accepts_the_generated_document(aws: MotoServer, source: str) -> None:
    run = run_cli("policy", str(CREDENTIALS / source), "--region", "eu-west-1",
                  "--secret-kms-key", f"dockerhub={KEY}")  # fmt: skip
    iam = boto3.client("iam")
    iam.create_role(RoleName="exec", AssumeRolePolicyDocument=json.dumps(_ECS_TRUST))
    iam.put_role_policy(RoleName="exec", PolicyName="ecs-task-execution",
                        PolicyDocument=run.stdout)  # fmt: skip
    stored = iam.get_role_policy(RoleName="exec", PolicyName="ecs-task-execution")
    assert stored["PolicyDocument"] == json.loads(run.stdout)
    with pytest.raises(ClientError):  # the check is real: IAM's validation refuses a bad one
        broken = json.loads(run.stdout)
        broken["Statement"][0]["Effect"] = "Permit"
        iam.put_role_policy(RoleName="exec", PolicyName="x", PolicyDocument=json.dumps(broken))


_ECS_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}


# --- A key known only by its alias: the note suggests what the run has not tried ------------

ALIAS_KEY = ("--region", "eu-west-1", "--secret-kms-key", "dockerhub=alias/registry")


def _key_note(stderr: str) -> str:
    return next(line for line in stderr.splitlines() if "the key behind alias/registry" in line)


def test_offline_the_key_note_suggests_looking_it_up_with_aws() -> None:
    run = run_cli("policy", GOOD, *ALIAS_KEY)
    assert run.status == 0, run.stderr
    note = _key_note(run.stderr)
    assert note.endswith("give its key ARN with --secret-kms-key, or look it up with --aws")


def test_with_aws_the_key_note_says_the_look_up_failed(aws: MotoServer) -> None:
    run = run_cli("policy", GOOD, "--aws", *ALIAS_KEY)  # the local AWS has no such alias
    assert run.status == 0, run.stderr
    note = _key_note(run.stderr)
    assert "look it up with --aws" not in note
    assert note.endswith("--aws could not look it up: give its key ARN with --secret-kms-key")
