"""Amazon ECS Express Mode services: CloudFormation's AWS::ECS::ExpressGatewayService and the
API's own JSON input, read as ECS tasks and services like any other, so the image, credential,
pull-budget and shape rules, the fixes and ``ecs-lint policy`` apply to them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ecs_lint.dockerhub import PullLimit
from ecs_lint.findings import Severity
from ecs_lint.settings import Settings
from support import codes, run_cli

if TYPE_CHECKING:
    from pathlib import Path

    from support import Lint

ACCOUNT = "123456789012"
SECRET = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:dockerhub-AbCdEf"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/web-execution"
INFRASTRUCTURE = f"arn:aws:iam::{ACCOUNT}:role/ecsInfrastructureRoleForExpressServices"
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
WITH_CREDENTIALS = f"Image: acme/web:1.4\nRepositoryCredentials: {{CredentialsParameter: {SECRET}}}"
CREDENTIAL_RULES = ("EL201", "EL203", "EL204", "EL205", "EL207", "EL210", "EL212")

STACK = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Image:
    Type: String
  MaxTasks:
    Type: Number
Resources:
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy
  Web:
    Type: AWS::ECS::ExpressGatewayService
    Properties:
      ServiceName: web
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      InfrastructureRoleArn: arn:aws:iam::123456789012:role/infra
      PrimaryContainer:
CONTAINER
SCALING"""


def stack(container: str, scaling: str = "") -> str:
    """``STACK`` with the primary container's members (indented under it) and a scaling target."""
    members = "".join(f"        {line}\n" for line in container.splitlines())
    target = "".join(f"      {line}\n" for line in scaling.splitlines())
    return STACK.replace("CONTAINER\n", members).replace("SCALING", target)


def express_input(**members: object) -> str:
    """The input of ``aws ecs create-express-gateway-service --cli-input-json``."""
    body = {"serviceName": "web", "infrastructureRoleArn": INFRASTRUCTURE, **members}
    return json.dumps(body, indent=2)


def findings_of(lint: Lint, files: dict[str, str], *rules: str) -> list[tuple[str, str, int]]:
    """(code, message, line) of each finding of the selected rules."""
    found = lint(files, Settings(select=rules))
    return [(finding.rule, finding.message, finding.span.line) for finding in found]


# --- CloudFormation -----------------------------------------------------------------------------


def test_a_docker_hub_image_is_pulled_anonymously_by_the_main_container(lint: Lint) -> None:
    template = stack("Image: nginx:1.27\nContainerPort: 80")
    ((code, message, line),) = findings_of(lint, {"stack.yaml": template}, "EL101")
    assert code == "EL101"
    assert "docker.io/library/nginx:1.27 (container image) is pulled anonymously" in message
    assert line == template.splitlines().index("        Image: nginx:1.27") + 1


def test_an_ecr_image_is_not_a_docker_hub_pull(lint: Lint) -> None:
    image = f"Image: {ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/web:1.4"
    assert findings_of(lint, {"stack.yaml": stack(image)}, "EL101", "EL102", "EL103") == []


def test_credentials_the_role_cannot_read_are_reported_where_they_are_named(lint: Lint) -> None:
    template = stack(WITH_CREDENTIALS)
    found = findings_of(lint, {"stack.yaml": template}, *CREDENTIAL_RULES, "EL101", "EL102")
    assert [code for code, _, _ in found] == ["EL102", "EL203"]
    _, message, line = found[1]
    assert f"cannot read the registry credentials secret {SECRET}" in message
    assert f"CredentialsParameter: {SECRET}" in template.splitlines()[line - 1]


def test_credentials_the_role_may_read_pass(lint: Lint) -> None:
    grant = (
        "      Policies:\n"
        "        - PolicyName: read-hub\n"
        "          PolicyDocument:\n"
        "            Statement:\n"
        "              - Effect: Allow\n"
        "                Action: secretsmanager:GetSecretValue\n"
        f"                Resource: {SECRET}\n"
    )
    template = stack(WITH_CREDENTIALS)
    template = template.replace("      ManagedPolicyArns:\n", grant + "      ManagedPolicyArns:\n")
    assert findings_of(lint, {"stack.yaml": template}, *CREDENTIAL_RULES) == []


def test_credentials_in_a_key_the_role_cannot_use_are_not_decryptable(lint: Lint) -> None:
    template = stack(
        "Image: acme/web:1.4\nRepositoryCredentials:\n  CredentialsParameter: !Ref HubSecret"
    ).replace(
        "Resources:\n",
        "Resources:\n"
        "  HubKey:\n    Type: AWS::KMS::Key\n    Properties:\n      KeyPolicy: {}\n"
        "  HubSecret:\n    Type: AWS::SecretsManager::Secret\n    Properties:\n"
        "      Name: dockerhub\n      KmsKeyId: !GetAtt HubKey.Arn\n",
    )
    found = codes(lint({"stack.yaml": template}, Settings(select=CREDENTIAL_RULES)))
    assert found == ["EL203", "EL205"]


def test_the_log_group_express_mode_creates_needs_the_log_actions(lint: Lint) -> None:
    # Without AwsLogsConfiguration, Express Mode logs to /aws/ecs/<cluster>/<service>-<suffix>.
    template = stack("Image: acme/web:1.4").replace(
        "      ManagedPolicyArns:\n"
        "        - arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy\n",
        "",
    )
    ((code, message, _),) = findings_of(lint, {"stack.yaml": template}, "EL212")
    assert code == "EL212"
    assert "cannot write to the awslogs log group /aws/ecs/default/web-*" in message
    # The task execution role's managed policy allows them anywhere.
    assert findings_of(lint, {"stack.yaml": stack("Image: acme/web:1.4")}, "EL212") == []


def test_a_log_group_of_its_own_is_checked_with_the_stack_s_region(lint: Lint) -> None:
    logs = "AwsLogsConfiguration:\n  LogGroup: /ecs/web\n  LogStreamPrefix: web"
    template = stack(f"Image: acme/web:1.4\n{logs}").replace(
        "      ManagedPolicyArns:\n"
        "        - arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy\n",
        "      Policies:\n"
        "        - PolicyName: logs\n"
        "          PolicyDocument:\n"
        "            Statement:\n"
        "              - Effect: Allow\n"
        "                Action: [logs:CreateLogStream, logs:PutLogEvents]\n"
        f"                Resource: arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/ecs/other:*\n",
    )
    place = {"AWS::Region": "eu-west-1", "AWS::AccountId": ACCOUNT, "AWS::Partition": "aws"}
    selected = Settings(select=("EL204", "EL212"), parameters=place)
    ((finding),) = lint({"stack.yaml": template}, selected)
    assert finding.rule == "EL212"
    assert "cannot write to the awslogs log group /ecs/web" in finding.message
    assert f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/ecs/web:log-stream:" in finding.message
    fixed = template.replace("log-group:/ecs/other:*", "log-group:/ecs/web:*")
    assert lint({"stack.yaml": fixed}, selected) == []


def test_credentials_without_an_execution_role_name_the_service(lint: Lint) -> None:
    template = stack(WITH_CREDENTIALS).replace(
        "      ExecutionRoleArn: !GetAtt ExecutionRole.Arn\n", ""
    )
    ((_, message, _),) = findings_of(lint, {"stack.yaml": template}, "EL201")
    assert message.startswith("Express service 'web' has no executionRoleArn")


def test_an_image_from_a_parameter_is_unresolved_as_in_a_task_definition(lint: Lint) -> None:
    template = stack("Image: !Ref Image")
    ((code, message, _),) = findings_of(lint, {"stack.yaml": template}, "EL101", "EL103")
    assert code == "EL103"
    assert "depends on Image" in message
    given = Settings(select=("EL101",), parameters={"Image": "redis"})
    assert codes(lint({"stack.yaml": template}, given)) == ["EL101"]


def test_both_branches_of_a_condition_are_checked(lint: Lint) -> None:
    template = stack("Image: !If [Prod, redis:7, public.ecr.aws/docker/library/redis:7]").replace(
        "Resources:\n", "Conditions:\n  Prod: !Equals [!Ref Image, prod]\nResources:\n"
    )
    ((_, message, _),) = findings_of(lint, {"stack.yaml": template}, "EL101")
    assert "docker.io/library/redis:7" in message


def test_a_shape_the_api_rejects_is_reported_and_the_rest_checked(lint: Lint) -> None:
    template = stack("Image: [nginx]\nSecrets: {DB: x}", "ScalingTarget:\n  MaxTaskCount: [3]")
    found = findings_of(lint, {"stack.yaml": template}, "EL902")
    assert [message for _, message, _ in found] == [
        "Resources.Web.Properties.PrimaryContainer.Image must be a string, got array",
        "Resources.Web.Properties.PrimaryContainer.Secrets must be an array, got object",
        "Resources.Web.Properties.ScalingTarget.MaxTaskCount must be an integer or a string, "
        "got array",
    ]


def test_metadata_suppresses_findings_on_the_service(lint: Lint) -> None:
    template = stack("Image: nginx:1.27").replace(
        "    Type: AWS::ECS::ExpressGatewayService\n",
        "    Type: AWS::ECS::ExpressGatewayService\n    Metadata:\n"
        "      ecs-lint: {ignore: [EL101]}\n",
    )
    assert findings_of(lint, {"stack.yaml": template}, "EL101", "EL901") == []


TASK_DEFINITION_SERVICE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  UiTask:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: ui
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions:
        - {Name: Main, Image: nginx:1.27}
        - {Name: log-router, Image: public.ecr.aws/aws-observability/aws-for-fluent-bit:stable}
  Ui:
    Type: AWS::ECS::ExpressGatewayService
    Properties:
      ServiceName: ui
      InfrastructureRoleArn: arn:aws:iam::123456789012:role/infra
      TaskDefinitionArn: TASK
      ScalingTarget: {MinTaskCount: 2, MaxTaskCount: 60}
"""


def test_a_task_definition_of_the_template_is_the_service_s(lint: Lint) -> None:
    template = TASK_DEFINITION_SERVICE.replace("TASK", "!Ref UiTask")
    one = Settings(select=("EL103", "EL150"), docker_hub_limits={"anonymous": PullLimit(50)})
    ((finding),) = lint({"stack.yaml": template}, one)
    assert finding.rule == "EL150"
    assert "scales out to 60 tasks, each pulling 1 image (docker.io/library/nginx:1.27)" in (
        finding.message
    )


def test_a_task_definition_from_elsewhere_is_not_checked(lint: Lint) -> None:
    arn = f"arn:aws:ecs:eu-west-1:{ACCOUNT}:task-definition/shop:4"
    template = TASK_DEFINITION_SERVICE.replace("TASK", arn)
    ((code, message, _),) = findings_of(lint, {"stack.yaml": template}, "EL103", "EL150")
    assert (code, message.split(" depends")[0]) == (
        "EL103",
        "container image '(in task definition shop:4)'",
    )


# --- The pull budget (EL150) -------------------------------------------------------------------


def test_a_scale_out_to_the_maximum_pulls_that_many_times(lint: Lint) -> None:
    template = stack("Image: nginx:1.27", "ScalingTarget:\n  MinTaskCount: 2\n  MaxTaskCount: 120")
    found = lint({"stack.yaml": template}, Settings(select=("EL150",)))
    ((finding),) = found
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith(
        "service web starts 2 tasks per deployment and scales out to 120 tasks, each pulling 1 "
        "image (docker.io/library/nginx:1.27) anonymously from Docker Hub: about 120 pulls at "
        "its maximum (Fargate keeps no image cache between tasks)"
    )
    assert "one scale-out to its maximum alone exhausts it" in finding.message
    assert template.splitlines()[finding.span.line - 1].strip() == "MaxTaskCount: 120"
    assert finding.extra["pulls"] == 120


def test_without_a_scaling_target_express_mode_s_defaults_count(lint: Lint) -> None:
    ten = Settings(select=("EL150",), docker_hub_limits={"anonymous": PullLimit(10)})
    ((finding),) = lint({"stack.yaml": stack("Image: nginx:1.27")}, ten)
    assert (
        "service web starts 1 task (no desired count: the default) per deployment and scales out "
        "to 20 tasks (no maximum given: the default)" in finding.message
    )
    assert "about 20 pulls at its maximum" in finding.message


def test_a_maximum_within_the_limit_is_not_reported(lint: Lint) -> None:
    template = stack("Image: nginx:1.27", "ScalingTarget:\n  MaxTaskCount: 99")
    assert findings_of(lint, {"stack.yaml": template}, "EL150") == []


def test_an_unknown_maximum_falls_back_to_the_minimum(lint: Lint) -> None:
    template = stack(
        "Image: nginx:1.27", "ScalingTarget:\n  MinTaskCount: 3\n  MaxTaskCount: !Ref MaxTasks"
    )
    one = Settings(select=("EL150",), docker_hub_limits={"anonymous": PullLimit(2)})
    ((finding),) = lint({"stack.yaml": template}, one)
    assert finding.message.startswith("service web starts 3 tasks per deployment, each pulling")
    assert lint({"stack.yaml": template}, Settings(select=("EL150",))) == []
    given = Settings(select=("EL150",), parameters={"MaxTasks": "101"})
    assert codes(lint({"stack.yaml": template}, given)) == ["EL150"]


def test_authenticated_pulls_do_not_count(lint: Lint) -> None:
    template = stack(
        f"Image: nginx:1.27\nRepositoryCredentials:\n  CredentialsParameter: {SECRET}",
        "ScalingTarget:\n  MaxTaskCount: 500",
    )
    assert findings_of(lint, {"stack.yaml": template}, "EL150") == []


# --- The API's JSON input ---------------------------------------------------------------------


def test_the_api_input_is_recognised_by_its_content(lint: Lint) -> None:
    text = express_input(
        executionRoleArn=ROLE,
        primaryContainer={"image": "nginx:1.27"},
        scalingTarget={"minTaskCount": 1, "maxTaskCount": 150},
    )
    found = findings_of(lint, {"deploy/web.json": text}, "EL101", "EL150")
    assert [code for code, _, _ in found] == ["EL101", "EL150"]
    assert "scales out to 150 tasks" in found[1][1]
    assert text.splitlines()[found[1][2] - 1].strip().startswith('"maxTaskCount": 150')


def test_the_input_of_an_update_is_recognised_too(lint: Lint) -> None:
    text = json.dumps(
        {
            "serviceArn": f"arn:aws:ecs:eu-west-1:{ACCOUNT}:service/default/api",
            "primaryContainer": {"image": "nginx:1.27"},
        }
    )
    ten = Settings(select=("EL150",), docker_hub_limits={"anonymous": PullLimit(10)})
    ((finding),) = lint({"update.json": text}, ten)
    assert finding.message.startswith("service api starts 1 task")


def test_other_json_is_not_an_express_service(lint: Lint) -> None:
    other = json.dumps({"name": "app", "config": {"primaryContainer": {"image": "nginx"}}})
    every_image_rule = Settings(select=("EL101", "EL103", "EL150", "EL900", "EL902"))
    assert lint({"package.json": other}, every_image_rule) == []


def test_credentials_the_role_cannot_read_in_the_api_input(tmp_path: Path) -> None:
    service = tmp_path / "web.json"
    service.write_text(
        express_input(
            executionRoleArn=ROLE,
            primaryContainer={
                "image": "acme/web:1.4",
                "repositoryCredentials": {"credentialsParameter": SECRET},
            },
        )
    )
    unrelated = tmp_path / "policy.json"
    unrelated.write_text(json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}))  # fmt: skip
    args = ("--select", ",".join(CREDENTIAL_RULES), "--role-policy", f"{ROLE}={unrelated}")
    run = run_cli(str(service), *args)
    assert run.status == 1
    assert "EL203 execution role 'web-execution' (policies from --role-policy)" in run.stdout
    assert f"cannot read the registry credentials secret {SECRET}" in run.stdout
    assert "EL212" not in run.stdout  # the region awslogs uses is the service's own


def test_a_task_definition_by_arn_is_not_checked_without_it(lint: Lint) -> None:
    text = express_input(
        taskDefinitionArn=f"arn:aws:ecs:eu-west-1:{ACCOUNT}:task-definition/api:3",
        scalingTarget={"maxTaskCount": 150},
    )
    ((code, message, line),) = findings_of(lint, {"api.json": text}, "EL101", "EL103", "EL150")
    assert code == "EL103"
    assert "'(in task definition api:3)' depends on task definition api:3" in message
    assert "lint that task definition in the same run" in message
    assert '"taskDefinitionArn"' in text.splitlines()[line - 1]


def test_a_task_definition_by_arn_in_the_same_run_is_its_images(lint: Lint) -> None:
    text = express_input(
        taskDefinitionArn=f"arn:aws:ecs:eu-west-1:{ACCOUNT}:task-definition/api:3",
        scalingTarget={"maxTaskCount": 150},
    )
    task = json.dumps(
        {
            "family": "api",
            "requiresCompatibilities": ["FARGATE"],
            "containerDefinitions": [{"name": "Main", "image": "redis:7"}],
        }
    )
    files = {"api.json": text, "api-task-definition.json": task}
    found = findings_of(lint, files, "EL101", "EL103", "EL150")
    assert [code for code, _, _ in found] == ["EL101", "EL150"]
    assert "about 150 pulls at its maximum" in found[1][1]
    assert "docker.io/library/redis:7" in found[1][1]


def test_a_wrong_shape_in_the_api_input(lint: Lint) -> None:
    text = express_input(primaryContainer={"image": 7}, scalingTarget={"maxTaskCount": "20"})
    found = findings_of(lint, {"web.json": text}, "EL902")
    assert [message for _, message, _ in found] == [
        "primaryContainer.image must be a string, got number",
        "scalingTarget.maxTaskCount must be an integer, got string",
    ]


def test_broken_json_with_an_express_service_is_a_parse_error(lint: Lint) -> None:
    broken = {"web.json": '{"primaryContainer": {"image": }'}
    assert codes(lint(broken, Settings(select=("EL900",)))) == ["EL900"]


# --- Fixes and policies -----------------------------------------------------------------------


def test_fix_rewrites_the_image_of_the_template_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    before = stack("Image: nginx:1.27  # the web server\nContainerPort: 80")
    path.write_text(before)
    run = run_cli("--offline", "--unsafe-fixes", "--fix", "--select", "EL101", str(path))
    assert run.status == 0, run.stdout + run.stderr
    expected = before.replace(
        "Image: nginx:1.27", "Image: public.ecr.aws/docker/library/nginx:1.27", 1
    )
    assert path.read_text() == expected


def test_fix_rewrites_the_image_of_the_api_input(tmp_path: Path) -> None:
    path = tmp_path / "web.json"
    before = express_input(primaryContainer={"image": "nginx:1.27", "containerPort": 8080})
    path.write_text(before)
    run = run_cli("--offline", "--unsafe-fixes", "--fix", "--select", "EL101", str(path))
    assert run.status == 0, run.stdout + run.stderr
    assert path.read_text() == before.replace(
        '"nginx:1.27"', '"public.ecr.aws/docker/library/nginx:1.27"'
    )


def test_policy_for_an_express_service_in_a_template(tmp_path: Path) -> None:
    path = tmp_path / "stack.yaml"
    path.write_text(
        stack(
            "Image: acme/web:1.4\nRepositoryCredentials:\n  CredentialsParameter: !Ref HubSecret"
        ).replace(
            "Resources:\n",
            "Resources:\n  HubSecret:\n    Type: AWS::SecretsManager::Secret\n"
            "    Properties:\n      Name: dockerhub\n",
        )
    )
    run = run_cli("policy", str(path), "--format", "cloudformation")
    assert run.status == 0, run.stderr
    assert "# Execution role ${ExecutionRole.Arn} (tasks: Express service 'web')" in run.stdout
    assert "Resource: !Ref HubSecret" in run.stdout
    assert ":log-group:/aws/ecs/default/web-*:log-stream:*" in run.stdout


def test_the_generated_policy_makes_the_credentials_rules_pass(tmp_path: Path) -> None:
    service = tmp_path / "web.json"
    service.write_text(
        express_input(
            executionRoleArn=ROLE,
            primaryContainer={
                "image": "acme/web:1.4",
                "repositoryCredentials": {"credentialsParameter": SECRET},
                "awsLogsConfiguration": {"logGroup": "/ecs/web", "logStreamPrefix": "web"},
            },
        )
    )
    generated = run_cli("policy", str(service), "--region", "eu-west-1")
    assert generated.status == 0, generated.stderr
    document = json.loads(generated.stdout)
    resources = [statement["Resource"] for statement in document["Statement"]]
    assert resources == [
        SECRET,
        f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/ecs/web:log-stream:*",
    ]
    policy = tmp_path / "policy.json"
    policy.write_text(generated.stdout)
    rules = ",".join(CREDENTIAL_RULES)
    after = run_cli(str(service), "--region", "eu-west-1", "--select", rules,
                    "--role-policy", f"{ROLE}={policy}")  # fmt: skip
    assert after.status == 0, after.stdout
