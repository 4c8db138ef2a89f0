"""``--aws``: roles, policies, secrets and KMS keys read from AWS, here a local moto server.

Everything is created through boto3 over real HTTP, then ecs-lint reads it back the same way.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from aws_world import credentials_task_file

from ecs_lint.engine import lint_paths
from ecs_lint.iam.live import LiveAws
from ecs_lint.iam.provider import PolicyProvider
from ecs_lint.rule import Services
from ecs_lint.settings import Settings
from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

    from servers.moto_server import MotoServer

REGION = "eu-west-1"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"


def document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class Account:
    """What a test creates in the local AWS, through boto3."""

    def __init__(self) -> None:
        self.iam = boto3.client("iam", region_name=REGION)
        self.secrets = boto3.client("secretsmanager", region_name=REGION)
        self.kms = boto3.client("kms", region_name=REGION)

    def role(self, name: str, *statements: dict[str, Any]) -> str:
        created = self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))
        arn: str = created["Role"]["Arn"]
        if statements:
            self.iam.put_role_policy(
                RoleName=name, PolicyName="registry", PolicyDocument=document(*statements)
            )
        return arn

    def key_with_alias(self, alias: str) -> str:
        key: str = self.kms.create_key(Description="registry credentials")["KeyMetadata"]["Arn"]
        self.kms.create_alias(AliasName=alias, TargetKeyId=key)
        return key

    def secret(self, name: str, kms_key: str | None = None) -> str:
        options = {"KmsKeyId": kms_key} if kms_key else {}
        created = self.secrets.create_secret(
            Name=name, SecretString='{"username": "u", "password": "p"}', **options
        )
        arn: str = created["ARN"]
        return arn


def lint(*args: str) -> tuple[int, str, str]:
    run = run_cli(*args, "--aws", "--region", REGION, "--select", "EL2")
    return run.status, run.stdout, run.stderr


def test_suffix_trap_and_customer_key_found_live(aws: MotoServer, tmp_path: Path) -> None:
    account = Account()
    account.key_with_alias("alias/registry")
    secret = account.secret("dockerhub", "alias/registry")
    bare = secret.rsplit("-", 1)[0]
    role = account.role(
        "exec-live",
        {"Sid": "ReadHub", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
         "Resource": bare},
    )  # fmt: skip
    status, out, err = lint(credentials_task_file(tmp_path, role, secret))
    assert status == 1, err
    assert "EL203" in out and 'Sid "ReadHub"' in out and "-??????" in out
    assert "EL205" in out and "alias/registry" in out and "live DescribeKey" in out


def test_a_bare_secret_name_is_resolved_to_its_full_arn(aws: MotoServer, tmp_path: Path) -> None:
    account = Account()
    secret = account.secret("dockerhub")
    role = account.role(
        "exec-live",
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret},
    )
    path = credentials_task_file(tmp_path, role, "dockerhub")
    status, out, err = lint(path)
    assert (status, out.count("EL20")) == (0, 0), out + err


def test_without_region_the_environment_gives_it(aws: MotoServer, tmp_path: Path) -> None:
    """A bare parameter name is completed with AWS_DEFAULT_REGION (set by the fixture)."""
    account = Account()
    parameter = f"arn:aws:ssm:{REGION}:123456789012:parameter/prod/api-key"
    role = account.role(
        "exec-live",
        {"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": parameter},
    )
    task = {
        "family": "web",
        "executionRoleArn": role,
        "containerDefinitions": [
            {"name": "web", "image": "nginx:1.27",
             "secrets": [{"name": "API_KEY", "valueFrom": "/prod/api-key"}]}
        ],
    }  # fmt: skip
    path = tmp_path / "td.json"
    path.write_text(json.dumps(task))
    run = run_cli(str(path), "--aws", "--select", "EL2")
    assert (run.status, run.stdout.count("EL2")) == (0, 0), run.stdout + run.stderr
    offline = run_cli(str(path), "--select", "EL2", "--iam", str(_details(account, tmp_path)))
    assert "EL204" in offline.stdout and "the region the task runs in" in offline.stdout


def _details(account: Account, tmp_path: Path) -> Path:
    """The account as get-account-authorization-details prints it."""
    details = account.iam.get_account_authorization_details()
    path = tmp_path / "account.json"
    path.write_text(json.dumps(details, default=str))
    return path


def test_correct_policies_and_managed_policies_pass(aws: MotoServer, tmp_path: Path) -> None:
    account = Account()
    key = account.key_with_alias("alias/registry")
    secret = account.secret("dockerhub", "alias/registry")
    role = account.role("exec-live")
    policy = account.iam.create_policy(
        PolicyName="registry-read",
        PolicyDocument=document(
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
             "Resource": secret.rsplit("-", 1)[0] + "-??????"},
            {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": key},
        ),
    )["Policy"]["Arn"]  # fmt: skip
    account.iam.attach_role_policy(RoleName="exec-live", PolicyArn=policy)
    account.iam.attach_role_policy(RoleName="exec-live", PolicyArn=EXECUTION_POLICY)
    status, out, err = lint(credentials_task_file(tmp_path, role, secret))
    assert (status, out.count("EL2")) == (0, 0), out + err


def test_each_role_is_looked_up_once_per_run(aws: MotoServer, tmp_path: Path) -> None:
    account = Account()
    secret = account.secret("dockerhub")
    role = account.role("exec-live")
    account.iam.attach_role_policy(RoleName="exec-live", PolicyArn=EXECUTION_POLICY)
    for index in range(3):
        credentials_task_file(tmp_path, role, secret, f"td{index}.json")
    live = LiveAws(REGION)
    settings = Settings(aws=True, aws_region=REGION, select=("EL2",))
    provider = PolicyProvider(region=REGION, live=live)
    findings = lint_paths([str(tmp_path)], settings, Services(policies=provider)).findings
    assert [finding.rule for finding in findings] == ["EL203"] * 3
    assert live.calls["iam:GetRole"] == 1
    assert live.calls["iam:ListRolePolicies"] == 1
    assert live.calls["iam:GetPolicy"] == 0  # AmazonECSTaskExecutionRolePolicy is embedded


def test_a_role_that_does_not_exist_is_el207(aws: MotoServer, tmp_path: Path) -> None:
    role = "arn:aws:iam::123456789012:role/not-there"
    status, out, _ = lint(credentials_task_file(tmp_path, role, "dockerhub"))
    assert "EL207" in out and "live IAM has no role of that name" in out
    assert status == 1


def test_no_credentials_is_a_clear_error(
    aws: MotoServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    path = credentials_task_file(tmp_path, "arn:aws:iam::123456789012:role/exec", "dockerhub")
    status, out, err = lint(path)
    assert status == 2
    assert err.startswith("ecs-lint: error: iam:GetRole on role exec failed: no AWS credentials")
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize(
    ("granted", "missing", "target"),
    [
        ("iam:GetRole", "iam:ListRolePolicies", "role exec-live"),
        ("iam:*", "secretsmanager:DescribeSecret", "secret dockerhub"),
    ],
)
def test_a_missing_permission_is_named(
    aws: MotoServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    granted: str,
    missing: str,
    target: str,
) -> None:
    account = Account()
    role = account.role("exec-live")
    account.iam.create_user(UserName="linter")
    account.iam.put_user_policy(
        UserName="linter",
        PolicyName="granted",
        PolicyDocument=document({"Effect": "Allow", "Action": granted, "Resource": "*"}),
    )
    key = account.iam.create_access_key(UserName="linter")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    aws.enforce_iam()
    try:
        status, out, err = lint(credentials_task_file(tmp_path, role, "dockerhub"))
    finally:
        aws.enforce_iam(False)
    assert status == 2
    assert f"AWS denied {missing} on {target}" in err
    assert f"grant {missing} to the identity running ecs-lint" in err
    assert "Traceback" not in err and out == ""


def test_a_templates_own_region_is_never_sent_to_aws(aws: MotoServer, tmp_path: Path) -> None:
    """A CloudFormation task runs in ``${AWS::Region}``; live look-ups use ``--region``."""
    account = Account()
    secret = account.secret("dockerhub")
    role = account.role(
        "exec-live",
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secret},
    )
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Task": {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {
                    "ExecutionRoleArn": role,
                    "ContainerDefinitions": [
                        {
                            "Name": "web",
                            "Image": "acme/web:1.4",
                            "RepositoryCredentials": {"CredentialsParameter": "dockerhub"},
                        }
                    ],
                },
            }
        },
    }
    path = tmp_path / "stack.json"
    path.write_text(json.dumps(template))
    status, out, err = lint(str(path))
    assert (status, out.count("EL2")) == (0, 0), out + err


def test_an_unknown_role_is_not_sent_back_to_aws(aws: MotoServer, tmp_path: Path) -> None:
    role = "arn:aws:iam::123456789012:role/not-there"
    path = credentials_task_file(tmp_path, role, "dockerhub")
    run = run_cli(path, "--aws", "--region", REGION, "--select", "EL207", "-o", "json")
    (finding,) = json.loads(run.stdout)
    assert "--role-policy" in finding["message"]
    assert "--aws" not in finding["message"]  # it was given: the hint fits the run
    offline = run_cli(path, "--region", REGION, "--select", "EL207", "-o", "json")
    (finding,) = json.loads(offline.stdout)
    assert "look it up with --aws" in finding["message"]
