"""EL150 docker-hub-pull-budget: offline from CloudFormation services, and live from AWS."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from aws_world import World

from ecs_lint.dockerhub import PullLimit
from ecs_lint.findings import Severity
from ecs_lint.settings import Settings
from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

    from servers.moto_server import MotoServer

    from support import Lint

TASK_DEFINITIONS = "arn:aws:ecs:eu-west-1:123456789012:task-definition"


def template(*services: tuple[str, object], images: tuple[str, ...] = ("nginx:1.25",)) -> str:
    """A template with one Fargate task definition and a service per (name, DesiredCount)."""
    resources: dict[str, object] = {
        "TaskDefinition": {
            "Type": "AWS::ECS::TaskDefinition",
            "Properties": {
                "Family": "web",
                "RequiresCompatibilities": ["FARGATE"],
                "ContainerDefinitions": [
                    {"Name": f"c{index}", "Image": image} for index, image in enumerate(images)
                ],
            },
        }
    }
    for name, count in services:
        properties: dict[str, object] = {
            "ServiceName": name,
            "TaskDefinition": {"Ref": "TaskDefinition"},
            "LaunchType": "FARGATE",
        }
        if count is not None:
            properties["DesiredCount"] = count
        resources[name] = {"Type": "AWS::ECS::Service", "Properties": properties}
    return json.dumps(
        {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Parameters": {"Count": {"Type": "Number"}},
            "Resources": resources,
        },
        indent=2,
    )


def budget(lint: Lint, text: str, settings: Settings | None = None) -> list[tuple[str, Severity]]:
    chosen = settings or Settings(select=("EL150",))
    findings = lint({"stack.template.json": text}, chosen)
    return [(finding.message, finding.severity) for finding in findings]


def test_one_deployment_alone_over_the_limit_is_an_error(lint: Lint) -> None:
    ((message, severity),) = budget(lint, template(("web", 60), images=("nginx:1.25", "redis:7")))
    assert severity is Severity.ERROR
    assert "service web starts 60 tasks per deployment, each pulling 2 images" in message
    assert "about 120 pulls (Fargate keeps no image cache between tasks)" in message
    assert "more than the 100 anonymous pulls" in message
    assert "the 1 service in this run with anonymous Docker Hub pulls needs 120" in message


def test_services_together_over_the_limit_are_warnings_with_the_total(lint: Lint) -> None:
    found = budget(lint, template(("web", 40), ("api", 30), ("jobs", 35)))
    assert [severity for _, severity in found] == [Severity.WARNING] * 3
    assert all(
        "the 3 services in this run" in message and "need 105" in message for message, _ in found
    )


def test_under_the_limit_nothing_is_reported(lint: Lint) -> None:
    assert budget(lint, template(("web", 40), ("api", 60))) == []
    assert budget(lint, template(("web", None))) == []  # the ECS default of one task
    assert budget(lint, template(("web", {"Ref": "Count"}))) == []  # unknown: no guess


def test_authenticated_trusted_and_ecr_images_do_not_count(lint: Lint) -> None:
    assert budget(lint, template(("web", 500), images=("public.ecr.aws/nginx/nginx:1.25",))) == []
    trusted = Settings(select=("EL150",), trusted_registries=("docker.io/library",))
    assert budget(lint, template(("web", 500)), trusted) == []


def test_the_limit_is_configurable(lint: Lint, tmp_path: Path) -> None:
    text = template(("web", 150))
    assert (
        budget(
            lint, text, Settings(select=("EL150",), docker_hub_limits={"anonymous": PullLimit(200)})
        )
        == []
    )
    ((message, _),) = budget(
        lint, text, Settings(select=("EL150",), docker_hub_limits={"anonymous": PullLimit(10)})
    )
    assert "more than the 10 anonymous pulls" in message
    run = run_cli("--docker-hub-limit", "200", "--select", "EL150", str(tmp_path))
    assert run.status == 0, run.stdout
    (tmp_path / ".ecs-lint.toml").write_text("docker-hub-limit = 1000\nselect = ['EL150']\n")
    assert run_cli("--config", str(tmp_path / ".ecs-lint.toml"), str(tmp_path)).status == 0
    assert run_cli("--docker-hub-limit", "0", str(tmp_path)).status == 2


def test_a_service_of_a_task_definition_in_another_file(lint: Lint) -> None:
    service = json.dumps(
        {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Resources": {
                "Web": {
                    "Type": "AWS::ECS::Service",
                    "Properties": {
                        "TaskDefinition": f"{TASK_DEFINITIONS}/web:3",
                        "DesiredCount": 101,
                    },
                }
            },
        }
    )
    task = json.dumps({"family": "web", "containerDefinitions": [{"name": "w", "image": "nginx"}]})
    findings = lint(
        {"service.template.json": service, "web-task.json": task}, Settings(select=("EL150",))
    )
    (finding,) = findings
    assert "101 tasks" in finding.message and "on EC2 it depends on" in finding.message


def test_live_services_are_totalled_per_region(aws: MotoServer) -> None:
    world = World()
    arn = world.task_definition("web", "nginx:1.25", "redis:7")
    world.service("web", arn, count=30)
    world.service("api", arn, count=30, launch="EC2")
    run = run_cli("aws", "--select", "EL150", "-o", "json")
    findings = json.loads(run.stdout)
    assert [f["severity"] for f in findings] == ["warning", "warning"]
    assert [f["total_pulls"] for f in findings] == [120, 120]
    assert findings[0]["logical"] == "desiredCount"
    assert "ECS_IMAGE_PULL_BEHAVIOR" in findings[0]["message"]  # the EC2 service: api


def test_terraform_desired_count(lint: Lint) -> None:
    main_tf = """
resource "aws_ecs_task_definition" "web" {
  family                   = "web"
  requires_compatibilities = ["FARGATE"]
  container_definitions = jsonencode([
    { name = "web", image = "nginx:1.25" },
    { name = "cache", image = "redis:7" },
  ])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 51
  launch_type     = "FARGATE"
}

resource "aws_ecs_service" "worker" {
  name            = "worker"
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 5
  launch_type     = "FARGATE"
}
"""
    findings = lint({"main.tf": main_tf}, Settings(select=("EL150",)))
    assert [(f.severity, f.extra["service"], f.extra["pulls"]) for f in findings] == [
        (Severity.ERROR, "web", 102),
        (Severity.WARNING, "worker", 10),
    ]
    assert all(f.extra["total_pulls"] == 112 for f in findings)
    assert (findings[0].span.line, findings[0].span.column) == (14, 21)  # desired_count = 51


def test_a_missing_desired_count_is_the_format_s_default(lint: Lint) -> None:
    one_pull = Settings(select=("EL150",), docker_hub_limits={"anonymous": PullLimit(1)})
    two_images = ("nginx:1.25", "redis:7")
    # CloudFormation creates a replica service without DesiredCount with one task.
    ((message, _),) = budget(lint, template(("web", None), images=two_images), one_pull)
    assert "service web starts 1 task (no desired count: the default) per deployment" in message
    # A daemon service runs one task per instance: no count to estimate from.
    daemon = json.loads(template(("web", None), images=two_images))
    daemon["Resources"]["web"]["Properties"]["SchedulingStrategy"] = "DAEMON"
    assert budget(lint, json.dumps(daemon), one_pull) == []
    # Terraform's AWS provider defaults desired_count to 0: nothing starts, nothing is pulled.
    main_tf = """
resource "aws_ecs_task_definition" "web" {
  family                = "web"
  container_definitions = jsonencode([
    { name = "web", image = "nginx:1.25" },
    { name = "cache", image = "redis:7" },
  ])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  task_definition = aws_ecs_task_definition.web.arn
}
"""
    assert lint({"main.tf": main_tf}, one_pull) == []
    counted = main_tf.replace("arn\n}", "arn\n  desired_count   = 2\n}")
    (finding,) = lint({"main.tf": counted}, one_pull)
    assert finding.extra["pulls"] == 4
