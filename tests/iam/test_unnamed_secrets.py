"""A secret the linted files define without a name (CloudFormation and Terraform generate one):
its ARN is still in the account and region of the tasks of the same template, with an unknown
name, so a policy allowing that account's secrets proves the task can read it, one allowing only
other names does not, and the policy ecs-lint writes names the secret by its reference."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from ecs_lint.iam.arns import Placement, unnamed_secret_resource
from ecs_lint.iam.evaluator import Match, match_resource
from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

    from support import CliRun

# --- CloudFormation ------------------------------------------------------------------------------

OWN_SECRETS = '!Sub "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:'
READERS = {
    # How the container names the stack's secret, and the rule that reports a denied read.
    "credentialsParameter": (
        "RepositoryCredentials:\n            CredentialsParameter: !Ref DbSecret",
        "EL203",
    ),
    "valueFrom with a JSON key": (
        "Secrets:\n            - Name: DB_PASSWORD\n"
        '              ValueFrom: !Sub "${DbSecret}:password::"',
        "EL210",
    ),
    "valueFrom": (
        "Secrets:\n            - Name: DB_PASSWORD\n              ValueFrom: !Ref DbSecret",
        "EL210",
    ),
}


def stack(resource: str, reader: str, secret_properties: str = "Description: no name") -> str:
    """A template whose task reads its own secret ``DbSecret`` with an execution role allowing
    ``secretsmanager:GetSecretValue`` on ``resource`` (YAML, as written in the template)."""
    return f"""\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SecretName:
    Type: String
Resources:
  DbSecret:
    Type: AWS::SecretsManager::Secret
    Properties:
      {secret_properties}
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {{Service: ecs-tasks.amazonaws.com}}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: read
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: secretsmanager:GetSecretValue
                Resource: {resource}
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      RequiresCompatibilities: [EC2]
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      ContainerDefinitions:
        - Name: app
          Image: public.ecr.aws/docker/library/busybox:1.36
          {reader}
"""


def findings(run: CliRun) -> list[dict[str, Any]]:
    assert "Traceback" not in run.stderr
    found: list[dict[str, Any]] = json.loads(run.stdout)
    return found


def check(path: Path, *options: str) -> list[dict[str, Any]]:
    """The EL2 findings of ``ecs-lint check`` (EL206 aside: the image needs no credentials)."""
    run = run_cli(
        "check", str(path), "--select", "EL2", "--ignore", "EL206", "-o", "json", *options
    )
    found = findings(run)
    assert run.status == (1 if found else 0)
    return found


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize(
    ("resource", "options"),
    [
        pytest.param(OWN_SECRETS + '*"', (), id="the stack's account"),
        pytest.param('"*"', (), id="any resource"),
        pytest.param("!Ref DbSecret", (), id="the secret's reference"),
        pytest.param("!GetAtt DbSecret.Id", (), id="the secret's Id"),
        pytest.param(
            '"arn:aws:secretsmanager:*:*:secret:*"',
            ("--parameter", "AWS::Partition=aws"),
            id="any account, partition given",
        ),
    ],
)
def test_a_policy_covering_the_stacks_secrets_reads_an_unnamed_secret(
    tmp_path: Path, reader: str, resource: str, options: tuple[str, ...]
) -> None:
    path = write(tmp_path / "stack.yaml", stack(resource, READERS[reader][0]))
    assert check(path, *options) == []  # before: EL204 but for "*" and !Ref


@pytest.mark.parametrize("reader", list(READERS))
@pytest.mark.parametrize(
    "resource",
    [
        pytest.param(OWN_SECRETS + 'other-*"', id="other names"),
        pytest.param('"arn:aws:secretsmanager:us-east-1:123456789012:secret:*"', id="one account"),
        pytest.param('"arn:aws:secretsmanager:*:*:secret:*"', id="partition unknown"),
    ],
)
def test_a_policy_that_may_miss_the_generated_name_is_not_proof(
    tmp_path: Path, reader: str, resource: str
) -> None:
    path = write(tmp_path / "stack.yaml", stack(resource, READERS[reader][0]))
    (finding,) = check(path)
    assert finding["rule"] == "EL204"
    secret = "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:"
    assert f"on {secret}<name>-?????? " in finding["message"]
    assert "the name of secret ${DbSecret}" in finding["message"]


@pytest.mark.parametrize("reader", list(READERS))
def test_a_policy_that_cannot_match_the_secret_is_denied(tmp_path: Path, reader: str) -> None:
    text, rule = READERS[reader]
    # Every secret ARN ends in "-" and six characters, so a name without them never matches.
    path = write(tmp_path / "stack.yaml", stack('"arn:*:secretsmanager:*:*:secret:other"', text))
    (finding,) = check(path)
    assert finding["rule"] == rule
    (statement,) = finding["fix"]["suggestion"]["policy_document"]["Statement"]
    assert statement["Resource"] == "${DbSecret}"  # the secret's ARN, as !Ref gives it


def test_a_name_the_template_cannot_resolve_is_an_unknown_name_too(tmp_path: Path) -> None:
    reader = READERS["credentialsParameter"][0]
    named = "Name: !Ref SecretName"  # a parameter without a default
    own = write(tmp_path / "own.yaml", stack(OWN_SECRETS + '*"', reader, named))
    assert check(own) == []
    other = write(tmp_path / "other.yaml", stack(OWN_SECRETS + 'other-*"', reader, named))
    assert [f["rule"] for f in check(other)] == ["EL204"]


def test_the_policy_command_names_an_unnamed_secret_by_its_reference(tmp_path: Path) -> None:
    reader = READERS["valueFrom with a JSON key"][0]
    path = write(tmp_path / "stack.yaml", stack('"arn:aws:s3:::nothing"', reader))
    run = run_cli("policy", str(path), "--format", "cloudformation")
    assert run.status == 0
    assert "Resource: !Ref DbSecret" in run.stdout
    run = run_cli("policy", str(path))
    (statement,) = json.loads(run.stdout)["Statement"]
    assert statement["Resource"] == "${DbSecret}"
    assert "written '*'" not in run.stderr


# --- Terraform -----------------------------------------------------------------------------------

TF_READERS = {
    "credentialsParameter": (
        "repositoryCredentials = { credentialsParameter = aws_secretsmanager_secret.db.arn }",
        "EL203",
    ),
    "valueFrom": (
        'secrets = [{ name = "DB_PASSWORD", '
        'valueFrom = "${aws_secretsmanager_secret.db.arn}:password::" }]',
        "EL210",
    ),
}


def configuration(
    resource: str,
    reader: str,
    secret: str = 'description = "no name"',
    execution_role: str = "aws_iam_role.exec.arn",
) -> str:
    """A module whose task reads its own secret ``aws_secretsmanager_secret.db`` with the role
    ``aws_iam_role.exec`` allowing ``secretsmanager:GetSecretValue`` on ``resource`` (HCL)."""
    return f"""\
resource "aws_secretsmanager_secret" "db" {{
  {secret}
}}

resource "aws_iam_role" "exec" {{
  name               = "exec"
  assume_role_policy = "{{}}"
  inline_policy {{
    name = "read"
    policy = jsonencode({{
      Version = "2012-10-17"
      Statement = [{{
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = {resource}
      }}]
    }})
  }}
}}

resource "aws_ecs_task_definition" "app" {{
  family                   = "app"
  requires_compatibilities = ["EC2"]
  execution_role_arn       = {execution_role}
  container_definitions = jsonencode([{{
    name  = "app"
    image = "public.ecr.aws/docker/library/busybox:1.36"
    {reader}
  }}])
}}
"""


def tf_check(tmp_path: Path, text: str, *options: str) -> list[dict[str, Any]]:
    return check(write(tmp_path / "main.tf", text), "--region", "eu-west-1", *options)


@pytest.mark.parametrize("reader", list(TF_READERS))
@pytest.mark.parametrize(
    "resource",
    [
        pytest.param('"*"', id="any resource"),
        pytest.param("aws_secretsmanager_secret.db.arn", id="the secret's reference"),
        pytest.param("aws_secretsmanager_secret.db.id", id="the secret's id"),
        pytest.param('"arn:aws:secretsmanager:*:*:secret:*"', id="any account"),
        pytest.param('"arn:aws:secretsmanager:*:*:secret:terraform-*"', id="generated names"),
    ],
)
def test_terraform_a_policy_covering_the_secret_reads_an_unnamed_secret(
    tmp_path: Path, reader: str, resource: str
) -> None:
    assert tf_check(tmp_path, configuration(resource, TF_READERS[reader][0])) == []


@pytest.mark.parametrize("reader", list(TF_READERS))
def test_terraform_a_generated_name_starts_with_terraform(tmp_path: Path, reader: str) -> None:
    text, rule = TF_READERS[reader]
    other = configuration('"arn:aws:secretsmanager:*:*:secret:other-*"', text)
    (finding,) = tf_check(tmp_path, other)
    assert finding["rule"] == rule  # "other-" never starts a name the provider generates
    assert ":secret:terraform-<rest of name>-?????? " in finding["message"]
    (statement,) = finding["fix"]["suggestion"]["policy_document"]["Statement"]
    assert statement["Resource"] == "${aws_secretsmanager_secret.db.arn}"


@pytest.mark.parametrize("reader", list(TF_READERS))
def test_terraform_a_name_prefix_starts_the_name(tmp_path: Path, reader: str) -> None:
    text, rule = TF_READERS[reader]
    prefixed = 'name_prefix = "db-"'
    own = configuration('"arn:aws:secretsmanager:*:*:secret:db-*"', text, prefixed)
    assert tf_check(tmp_path, own) == []
    other = configuration('"arn:aws:secretsmanager:*:*:secret:other-*"', text, prefixed)
    assert [f["rule"] for f in tf_check(tmp_path, other)] == [rule]


def test_terraform_the_account_of_a_role_named_by_arn(tmp_path: Path) -> None:
    reader = TF_READERS["valueFrom"][0]
    role = '"arn:aws:iam::123456789012:role/exec"'
    text = configuration('"arn:aws:s3:::unused"', reader, execution_role=role)
    own = write(tmp_path / "own.json", json.dumps(_read_secrets("123456789012")))
    other = write(tmp_path / "other.json", json.dumps(_read_secrets("210987654321")))
    assert tf_check(tmp_path, text, "--role-policy", f"exec={own}") == []
    (finding,) = tf_check(tmp_path, text, "--role-policy", f"exec={other}")
    assert finding["rule"] == "EL210"  # the secret is in the task's account, not that one


def _read_secrets(account: str) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "secretsmanager:GetSecretValue",
                "Resource": f"arn:aws:secretsmanager:eu-west-1:{account}:secret:*",
            }
        ],
    }


@pytest.mark.parametrize("name", ["", 'name = "db"\n  '])
def test_terraform_a_secret_of_another_provider_may_be_elsewhere(tmp_path: Path, name: str) -> None:
    reader = TF_READERS["valueFrom"][0]
    any_account = '"arn:aws:secretsmanager:*:*:secret:*"'
    default = configuration(any_account, reader, f"{name}provider = aws")
    assert tf_check(tmp_path, default) == []
    aliased = configuration(any_account, reader, f"{name}provider = aws.us_east_1")
    (finding,) = tf_check(tmp_path, aliased)
    assert finding["rule"] == "EL204"  # its partition is that provider's, not known here
    assert ":secretsmanager:<region>:<account>:secret:" in finding["message"]


def test_terraform_the_policy_command_names_the_secret_by_its_reference(tmp_path: Path) -> None:
    path = write(
        tmp_path / "main.tf", configuration('"arn:aws:s3:::x"', TF_READERS["valueFrom"][0])
    )
    run = run_cli("policy", str(path), "--format", "terraform", "--region", "eu-west-1")
    assert run.status == 0
    assert 'Resource = "${aws_secretsmanager_secret.db.arn}"' in run.stdout
    # Its account is not known, but the reference names it exactly: nothing is written "*".
    assert "written '*'" not in run.stderr


# --- The resource itself -------------------------------------------------------------------------


def test_the_unnamed_secrets_resource() -> None:
    placement = Placement("aws", "eu-west-1", "123456789012")
    resource = unnamed_secret_resource("DbSecret", placement)
    assert str(resource) == "arn:aws:secretsmanager:eu-west-1:123456789012:secret:<name>-??????"
    assert resource.as_pattern() == "${DbSecret}"
    own = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:"
    assert match_resource(own + "*", resource) is Match.YES
    assert match_resource(own + "*-??????", resource) is Match.YES
    assert match_resource(own + "db-*", resource) is Match.MAYBE
    assert match_resource(own + "db", resource) is Match.NO
    assert match_resource("arn:aws:secretsmanager:eu-west-1:210987654321:secret:*", resource) is (
        Match.NO
    )
    assert match_resource("${DbSecret}", resource) is Match.YES
    # Another template's policy: its ${DbSecret} is another secret, and no reference is written.
    foreign = resource.foreign()
    assert match_resource("${DbSecret}", foreign) is Match.MAYBE
    assert foreign.reference is None
    prefixed = unnamed_secret_resource("x", placement, "db-")
    assert match_resource(own + "db-*", prefixed) is Match.YES
    assert match_resource(own + "other-*", prefixed) is Match.NO
    # A prefix that is no name's start (unreadable) claims nothing.
    assert match_resource(own + "other-*", unnamed_secret_resource("x", placement, "a b")) is (
        Match.MAYBE
    )
