"""Unknown is unknown: a Terraform value with no known value has no known type (no EL902), a
known null is an unset attribute, and a ``valueFrom`` is read from the service its reference
names (Secrets Manager, SSM), or said to be unknown (EL207), never reported as denied."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ecs_lint.settings import Settings
from support import codes

if TYPE_CHECKING:
    from support import Lint

SHAPES = Settings(select=("EL902",))
SECRETS = Settings(select=("EL2",))


def task(container: str, role: str = "") -> str:
    return f"""\
resource "aws_ecs_task_definition" "app" {{
  family             = "app"
  {role}
  container_definitions = jsonencode([{container}])
}}
"""


CONTAINER = '{ name = "app", image = "public.ecr.aws/docker/library/busybox:1.36", X }'


@pytest.mark.parametrize(
    "member",
    [
        "logConfiguration = var.log_config",  # no value: its type is unknown
        "logConfiguration = local.logging",  # a local of an unknown value
        "logConfiguration = module.logs.configuration",  # a module that is not read
        "secrets = var.secrets",
        "repositoryCredentials = var.credentials",
        "logConfiguration = var.with_null_default",  # a known null: the attribute is unset
        "logConfiguration = null",
    ],
)
def test_no_el902_for_unknown_values_or_known_nulls(lint: Lint, member: str) -> None:
    files = {
        "main.tf": task(CONTAINER.replace("X", member)),
        "variables.tf": 'variable "log_config" {}\nvariable "secrets" {}\n'
        'variable "credentials" {}\nvariable "with_null_default" {\n  default = null\n}\n'
        "locals {\n  logging = var.log_config\n}\n",
    }
    assert lint(files, SHAPES) == []


def test_el902_still_for_a_known_value_of_the_wrong_shape(lint: Lint) -> None:
    files = {"main.tf": task(CONTAINER.replace("X", 'logConfiguration = "awslogs"'))}
    (finding,) = lint(files, SHAPES)
    assert "logConfiguration must be an object, got string" in finding.message
    defaulted = {
        "main.tf": task(CONTAINER.replace("X", "logConfiguration = var.logs")),
        "variables.tf": 'variable "logs" {\n  default = "awslogs"\n}\n',
    }
    assert codes(lint(defaulted, SHAPES)) == ["EL902"]


def test_a_container_list_of_module_outputs_is_not_a_list_of_strings(lint: Lint) -> None:
    files = {
        "main.tf": """\
resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = jsonencode([module.a.json_map_object, module.b.container])
}
"""
    }
    assert lint(files, SHAPES) == []


# --- Which service a valueFrom reads --------------------------------------------------------------

ROLE = """\
resource "aws_iam_role" "exec" {
  name = "exec"
  inline_policy {
    name   = "read"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ALLOWED", Resource = "*" }] })
  }
}
"""

READS = """\
resource "aws_secretsmanager_secret" "db" {
  name = "db"
}
resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = "x"
}
resource "aws_secretsmanager_secret_version" "other" {
  secret_id     = var.other_secret_id
  secret_string = "x"
}
data "aws_secretsmanager_secret" "api" {
  name = "api-key"
}
data "aws_secretsmanager_secret_version" "token" {
  secret_id = "token"
}
resource "aws_ssm_parameter" "flag" {
  name  = "/app/flag"
  type  = "String"
  value = "on"
}
data "aws_ssm_parameter" "url" {
  name = "/app/url"
}
variable "other_secret_id" {}
variable "secret_arn" {}
"""


def secrets_task(value_from: str) -> str:
    container = (
        '{ name = "app", image = "public.ecr.aws/docker/library/busybox:1.36", '
        f'secrets = [{{ name = "S", valueFrom = {value_from} }}] }}'
    )
    return task(container, "execution_role_arn = aws_iam_role.exec.arn")


SECRETS_MANAGER = [
    "aws_secretsmanager_secret.db.arn",
    "aws_secretsmanager_secret_version.db.arn",
    "aws_secretsmanager_secret_version.other.arn",
    "data.aws_secretsmanager_secret.api.arn",
    "data.aws_secretsmanager_secret_version.token.arn",
    '"${data.aws_secretsmanager_secret.api.arn}:password::"',
]
PARAMETERS = ["aws_ssm_parameter.flag.name", "data.aws_ssm_parameter.url.arn"]


@pytest.mark.parametrize("value_from", SECRETS_MANAGER)
def test_secrets_manager_references_are_read_from_secrets_manager(
    lint: Lint, value_from: str
) -> None:
    files = {"main.tf": secrets_task(value_from), "reads.tf": READS}
    allowed = {**files, "iam.tf": ROLE.replace("ALLOWED", "secretsmanager:GetSecretValue")}
    assert lint(allowed, SECRETS) == []
    denied = {**files, "iam.tf": ROLE.replace("ALLOWED", "ssm:GetParameters")}
    (finding,) = lint(denied, SECRETS)
    assert finding.rule == "EL210"
    assert "secretsmanager:GetSecretValue on" in finding.message


@pytest.mark.parametrize("value_from", PARAMETERS)
def test_ssm_references_are_read_from_parameter_store(lint: Lint, value_from: str) -> None:
    files = {"main.tf": secrets_task(value_from), "reads.tf": READS}
    allowed = {**files, "iam.tf": ROLE.replace("ALLOWED", "ssm:GetParameters")}
    assert lint(allowed, SECRETS) == []
    denied = {**files, "iam.tf": ROLE.replace("ALLOWED", "secretsmanager:GetSecretValue")}
    (finding,) = lint(denied, SECRETS)
    assert finding.rule == "EL210"
    assert "ssm:GetParameters on arn:<partition>:ssm:<region>:<account>:parameter/app/" in (
        finding.message
    )


@pytest.mark.parametrize("value_from", ["var.secret_arn", "module.secrets.db_arn", "local.arn"])
def test_a_reference_of_unknown_service_is_not_denied_but_said_unknown(
    lint: Lint, value_from: str
) -> None:
    files = {
        "main.tf": secrets_task(value_from),
        "reads.tf": READS + "locals {\n  arn = var.secret_arn\n}\n",
        "iam.tf": ROLE.replace("ALLOWED", "ssm:GetParameters"),
    }
    (finding,) = lint(files, SECRETS)
    assert finding.rule == "EL207"
    assert "whether it is a Secrets Manager secret or an SSM parameter" in finding.message
    assert "execution role 'exec'" in finding.message


def test_an_unknown_service_secret_is_checked_once_its_value_is_given(lint: Lint) -> None:
    files = {
        "main.tf": secrets_task("var.secret_arn"),
        "reads.tf": READS,
        "iam.tf": ROLE.replace("ALLOWED", "ssm:GetParameters"),
        "terraform.tfvars": 'secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:'
        'secret:db-AbCdEf"\n',
    }
    assert codes(lint(files, SECRETS)) == ["EL210"]


CLOUDFORMATION = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  SecretArnParameter:
    Type: String
Resources:
  Flag:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /app/flag
      Type: String
      Value: "on"
  ExecRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: read
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: secretsmanager:GetSecretValue
                Resource: "*"
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ExecutionRoleArn: !GetAtt ExecRole.Arn
      ContainerDefinitions:
        - Name: app
          Image: public.ecr.aws/docker/library/busybox:1.36
          Secrets:
            - Name: S
              ValueFrom: VALUE
"""


def test_cloudformation_ref_of_a_parameter_is_not_an_ssm_parameter_name(lint: Lint) -> None:
    unknown = lint({"stack.yaml": CLOUDFORMATION.replace("VALUE", "!Ref SecretArnParameter")},
                   SECRETS)  # fmt: skip
    assert codes(unknown) == ["EL207"]
    parameter = lint({"stack.yaml": CLOUDFORMATION.replace("VALUE", "!Ref Flag")}, SECRETS)
    assert codes(parameter) == ["EL210"]  # the template's own SSM parameter: ssm is denied


@pytest.mark.parametrize(
    "image",
    [
        'var.image != null ? var.image : "nginx:1.27"',
        '!var.use_ecr ? var.image : "nginx:1.27"',
    ],
)
def test_an_operand_is_named_by_its_own_text_not_the_operation_s(lint: Lint, image: str) -> None:
    files = {
        "main.tf": task(f'{{ name = "app", image = {image} }}'),
        "variables.tf": 'variable "image" {}\nvariable "use_ecr" {}\n',
    }
    (found,) = lint(files, Settings(select=("EL103",)))
    unknown = "var.image" if image.startswith("var") else "var.use_ecr"
    assert f"' depends on {unknown}, with no known value" in found.message


EXECUTION_ROLE = """\
resource "aws_iam_role" "exec" {
  name               = "exec"
  assume_role_policy = "{}"
}
data "aws_iam_policy" "managed" {
  LOOKUP
}
resource "aws_iam_role_policy_attachment" "managed" {
  role       = aws_iam_role.exec.name
  policy_arn = data.aws_iam_policy.managed.arn
}
"""
HUB_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbCdEf"
CREDENTIALS = (
    '{ name = "app", image = "nginx:1.25", '
    f'repositoryCredentials = {{ credentialsParameter = "{HUB_SECRET}" }} }}'
)


@pytest.mark.parametrize(
    "lookup",
    [
        'name = "AmazonECSTaskExecutionRolePolicy"',
        'arn  = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"',
    ],
)
def test_an_aws_managed_policy_looked_up_by_a_data_source_is_known(lint: Lint, lookup: str) -> None:
    files = {
        "main.tf": task(CREDENTIALS, "execution_role_arn = aws_iam_role.exec.arn"),
        "iam.tf": EXECUTION_ROLE.replace("LOOKUP", lookup),
    }
    # The managed policy grants ECR pulls and logs, not the registry credentials' secret.
    assert codes(lint(files, Settings(select=("EL203", "EL207")))) == ["EL203"]


def test_a_policy_looked_up_by_a_name_ecs_lint_does_not_know_leaves_the_role_unknown(
    lint: Lint,
) -> None:
    files = {
        "main.tf": task(CREDENTIALS, "execution_role_arn = aws_iam_role.exec.arn"),
        "iam.tf": EXECUTION_ROLE.replace("LOOKUP", 'name = "team-execution-policy"'),
    }
    (found,) = lint(files, Settings(select=("EL203", "EL207")))
    assert found.rule == "EL207"


COMPUTED_ROLE = """\
resource "aws_iam_role" "exec" {
  count              = 1
  name               = "exec"
  assume_role_policy = "{}"
}
locals {
  exec_arn  = aws_iam_role.exec[0].arn
  exec_name = try(split("/", local.exec_arn)[1], "")
}
resource "aws_iam_role_policy_attachment" "exec" {
  role       = ROLE
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}
"""
AWSLOGS = (
    '{ name = "app", image = "public.ecr.aws/docker/library/busybox:1.36", secrets = [{ name = "S",'
    ' valueFrom = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf" }],'
    " logConfiguration = {"
    ' logDriver = "awslogs", options = { "awslogs-group" = "app", "awslogs-region" = "eu-west-1",'
    ' "awslogs-stream-prefix" = "app" } } }'
)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("aws_iam_role.exec[0].name", []),  # the logs permissions are the managed policy's
        # The name computed from the role's ARN: that role's policies are unknown, not lacking.
        ("local.exec_name", ["EL207"]),
    ],
)
def test_a_policy_attached_to_a_computed_role_name_makes_that_role_unknown(
    lint: Lint, role: str, expected: list[str]
) -> None:
    files = {
        "main.tf": task(AWSLOGS, "execution_role_arn = local.exec_arn"),
        "iam.tf": COMPUTED_ROLE.replace("ROLE", role),
    }
    assert codes(lint(files, Settings(select=("EL207", "EL212")))) == expected
