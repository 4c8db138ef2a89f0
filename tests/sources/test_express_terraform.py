"""Terraform's aws_ecs_express_gateway_service, in .tf files and in plan JSON: read as the ECS
task and service it is, like the other sources' Express services (tests/sources/test_express.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ecs_lint.dockerhub import PullLimit
from ecs_lint.settings import Settings
from support import codes, run_cli

if TYPE_CHECKING:
    from pathlib import Path

    from support import Lint

SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf"
EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"

MODULE = """\
resource "aws_iam_role" "execution" {
  name               = "web-execution"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

variable "image" {}
variable "max_tasks" {}

resource "aws_ecs_express_gateway_service" "web" {
  service_name            = "web"
  execution_role_arn      = aws_iam_role.execution.arn
  infrastructure_role_arn = "arn:aws:iam::123456789012:role/infra"

  primary_container {
CONTAINER
  }
SCALING}
"""


def module(container: str, scaling: str = "") -> str:
    members = "".join(f"    {line}\n" for line in container.splitlines())
    target = "".join(f"  {line}\n" for line in scaling.splitlines())
    return MODULE.replace("CONTAINER\n", members).replace("SCALING", target)


def test_a_docker_hub_image_and_the_scale_out_to_the_maximum(lint: Lint) -> None:
    text = module('image = "nginx:latest"', "scaling_target {\n  max_task_count = 120\n}")
    found = lint({"main.tf": text}, Settings(select=("EL101", "EL150")))
    assert codes(found) == ["EL101", "EL150"]
    assert found[0].span.line == text.splitlines().index('    image = "nginx:latest"') + 1
    assert "service web starts 1 task (no desired count: the default) per deployment and " in (
        found[1].message
    )
    assert "scales out to 120 tasks" in found[1].message
    assert text.splitlines()[found[1].span.line - 1].strip() == "max_task_count = 120"


def test_credentials_the_role_cannot_read(lint: Lint) -> None:
    text = module(
        'image = "acme/web:1.4"\n'
        f'repository_credentials {{\n  credentials_parameter = "{SECRET}"\n}}'
    )
    rules = Settings(select=("EL201", "EL203", "EL204", "EL207", "EL210", "EL212"))
    ((finding),) = lint({"main.tf": text}, rules)
    assert finding.rule == "EL203"
    assert f"cannot read the registry credentials secret {SECRET}" in finding.message
    granted = text.replace(
        'variable "image" {}',
        'resource "aws_iam_role_policy" "hub" {\n'
        "  role   = aws_iam_role.execution.id\n"
        '  policy = jsonencode({Statement = [{Effect = "Allow", '
        f'Action = "secretsmanager:GetSecretValue", Resource = "{SECRET}"}}]}})\n'
        "}\n"
        'variable "image" {}',
    )
    assert lint({"main.tf": granted}, rules) == []


def test_variables_are_unknown_as_for_task_definitions(lint: Lint) -> None:
    text = module("image = var.image", "scaling_target {\n  max_task_count = var.max_tasks\n}")
    found = lint({"main.tf": text}, Settings(select=("EL101", "EL103", "EL150")))
    assert codes(found) == ["EL103"]
    assert "depends on var.image" in found[0].message
    pinned = module('image = "nginx:1.27"', "scaling_target {\n  max_task_count = var.max_tasks\n}")
    two = Settings(select=("EL150",), docker_hub_limits={"anonymous": PullLimit(0)})
    ((budget),) = lint({"main.tf": pinned}, two)  # the minimum, 1 task: the maximum is unknown
    assert "starts 1 task (no desired count: the default) per deployment, each" in budget.message


def test_fix_rewrites_the_image_and_nothing_else(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    before = module('image          = "nginx:1.27" # web\ncontainer_port = 80')
    path.write_text(before)
    run = run_cli("--offline", "--unsafe-fixes", "--fix", "--select", "EL101", str(path))
    assert run.status == 0, run.stdout + run.stderr
    assert path.read_text() == before.replace(
        '"nginx:1.27"', '"public.ecr.aws/docker/library/nginx:1.27"'
    )


def test_policy_for_an_express_service(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        module(
            'image = "acme/web:1.4"\n'
            f'repository_credentials {{\n  credentials_parameter = "{SECRET}"\n}}\n'
            'aws_logs_configuration {\n  log_group = "/ecs/web"\n}'
        ).replace(
            'infrastructure_role_arn = "arn:aws:iam::123456789012:role/infra"',
            'infrastructure_role_arn = "arn:aws:iam::123456789012:role/infra"\n'
            '  region                  = "eu-west-1"',
        )
    )
    run = run_cli("policy", str(tmp_path), "--format", "terraform")
    assert run.status == 0, run.stderr
    assert "Express service 'web'" in run.stdout
    assert SECRET in run.stdout
    assert "log-group:/ecs/web:log-stream:*" in run.stdout
    assert "logs:eu-west-1:" in run.stdout  # the resource's own region


def plan(values: dict[str, object]) -> str:
    resource = {
        "address": "aws_ecs_express_gateway_service.web",
        "mode": "managed",
        "type": "aws_ecs_express_gateway_service",
        "name": "web",
        "values": values,
    }
    body = {"root_module": {"resources": [resource]}}
    return json.dumps(
        {"format_version": "1.2", "terraform_version": "1.9.0", "planned_values": body}, indent=2
    )


def test_plan_json_blocks_are_lists_of_one_object(lint: Lint) -> None:
    text = plan(
        {
            "service_name": "web",
            "execution_role_arn": "arn:aws:iam::123456789012:role/web-execution",
            "primary_container": [
                {
                    "image": "redis:7",
                    "repository_credentials": [],
                    "secret": [{"name": "DB", "value_from": "db-password"}],
                    "aws_logs_configuration": [],
                }
            ],
            "scaling_target": [{"min_task_count": 2, "max_task_count": 150}],
        }
    )
    found = lint({"plan.json": text}, Settings(select=("EL101", "EL150", "EL213")))
    assert codes(found) == ["EL101", "EL150"]
    assert "starts 2 tasks per deployment and scales out to 150 tasks" in found[1].message
    assert '"max_task_count": 150' in text.splitlines()[found[1].span.line - 1]


def dynamic_container(for_each: str, content: str, iterator: str = "") -> str:
    block = (
        '  dynamic "primary_container" {\n'
        f"    for_each = {for_each}\n{iterator}"
        f"    content {{\n      {content}\n    }}\n  }}\n"
    )
    return MODULE.replace("  primary_container {\nCONTAINER\n  }\n", block).replace("SCALING", "")


def test_a_dynamic_primary_container_is_made_from_its_for_each(lint: Lint) -> None:
    text = dynamic_container("[var.image]", "image = primary_container.value")
    found = lint({"main.tf": text}, Settings(select=("EL101", "EL103")))
    assert codes(found) == ["EL103"]
    assert found[0].message.startswith("container image '${var.image}' depends on var.image")
    given = Settings(select=("EL101", "EL103"), terraform_vars={"image": "nginx:1.27"})
    found = lint({"main.tf": text}, given)
    assert codes(found) == ["EL101"]
    assert found[0].image == "docker.io/library/nginx:1.27"


def test_a_dynamic_block_s_iterator_and_an_object_s_values(lint: Lint) -> None:
    text = dynamic_container(
        '{ web = { image = "redis:7" } }', "image = c.value.image", iterator="    iterator = c\n"
    )
    found = lint({"main.tf": text}, Settings(select=("EL101", "EL103")))
    assert [(f.rule, f.image) for f in found] == [("EL101", "docker.io/library/redis:7")]
    # Reported where the content names it, from where it is written, as a variable's value is.
    assert text.splitlines()[found[0].span.line - 1].strip() == "image = c.value.image"
    assert "main.tf:" in found[0].message.split("value from ", 1)[1]


def test_a_dynamic_block_over_an_unknown_collection_is_unknown_not_skipped(lint: Lint) -> None:
    text = dynamic_container(
        "var.image != null ? [var.image] : []", "image = primary_container.value"
    )
    found = lint({"main.tf": text}, Settings(select=("EL101", "EL103")))
    assert codes(found) == ["EL103"]
    assert found[0].message.startswith("container image 'var.image' with no known value")


def test_a_dynamic_block_over_an_empty_list_makes_no_container(lint: Lint) -> None:
    text = dynamic_container("[]", 'image = "nginx:1.27"')
    assert lint({"main.tf": text}, Settings(select=("EL101", "EL103"))) == []


# --- Values and modules: as for task definitions (tests/sources/test_terraform_values.py) --------

EXPRESS = """\
resource "aws_ecs_express_gateway_service" "web" {
  service_name            = "web"
  execution_role_arn      = "arn:aws:iam::123456789012:role/web-execution"
  infrastructure_role_arn = "arn:aws:iam::123456789012:role/infra"

  primary_container {
    image = IMAGE
  }
SCALING}
"""


def express(image: str, scaling: str = "") -> str:
    return EXPRESS.replace("IMAGE", image).replace("SCALING", scaling)


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_an_image_from_a_variable_default_is_reported_and_fixed_where_written(
    tmp_path: Path,
) -> None:
    main = express("var.image")
    variables = 'variable "image" {\n  type    = string\n  default = "nginx:1.27"\n}\n'
    (tmp_path / "main.tf").write_text(main)
    (tmp_path / "variables.tf").write_text(variables)
    base = ["--offline", "--select", "EL101", "-o", "concise", str(tmp_path)]
    run = run_cli(*base)
    assert f"main.tf:{line_of(main, 'image = var.image')}:" in run.stdout
    assert "docker.io/library/nginx:1.27" in run.stdout
    assert "variables.tf:3 default of var.image)" in run.stdout
    fixed = run_cli(*base, "--unsafe-fixes", "--fix")
    assert fixed.status == 0, fixed.stdout + fixed.stderr
    assert (tmp_path / "main.tf").read_text() == main  # the expression is left alone
    assert (tmp_path / "variables.tf").read_text() == variables.replace(
        '"nginx:1.27"', '"public.ecr.aws/docker/library/nginx:1.27"'
    )


def test_var_locals_and_tfvars_give_the_image(tmp_path: Path) -> None:
    main = express('"${var.repository}:${local.tag}"') + (
        'locals {\n  tag = "7.2"\n}\nvariable "repository" {\n  type = string\n}\n'
    )
    (tmp_path / "main.tf").write_text(main)
    base = ["--offline", "--select", "EL101,EL103", "-o", "concise", str(tmp_path)]
    unknown = run_cli(*base).stdout
    assert "EL103" in unknown and "depends on var.repository" in unknown
    assert "--var NAME=VALUE" in unknown and "--parameter" not in unknown
    (tmp_path / "terraform.tfvars").write_text('repository = "redis"\n')
    assert "EL101 docker.io/library/redis:7.2 " in run_cli(*base).stdout
    given = run_cli(*base, "--var", "repository=mysql").stdout
    assert "EL101 docker.io/library/mysql:7.2 " in given and "redis" not in given
    assert f"main.tf:{line_of(main, 'image = ')}:" in given


SERVICE_MODULE = """\
variable "image" {
  type = string
}

variable "max_tasks" {
  type    = number
  default = 10
}

resource "aws_ecs_express_gateway_service" "web" {
  service_name            = "web"
  execution_role_arn      = "arn:aws:iam::123456789012:role/web-execution"
  infrastructure_role_arn = "arn:aws:iam::123456789012:role/infra"

  primary_container {
    image = var.image
  }

  scaling_target {
    max_task_count = var.max_tasks
  }
}
"""


def test_a_module_called_with_the_image_and_the_maximum(lint: Lint) -> None:
    root = (
        'module "web" {\n'
        '  source    = "./modules/web"\n'
        '  image     = "nginx:1.27"\n'
        "  max_tasks = 150\n"
        "}\n"
    )
    files = {"main.tf": root, "modules/web/main.tf": SERVICE_MODULE}
    found = lint(files, Settings(select=("EL101", "EL103", "EL150")))
    assert codes(found) == ["EL101", "EL150"]
    assert [(f.span.path.rsplit("/", 1)[-1], f.span.line) for f in found] == [
        ("main.tf", 3),
        ("main.tf", 4),
    ]
    assert found[0].image == "docker.io/library/nginx:1.27"
    assert "scales out to 150 tasks" in found[1].message


def test_a_module_alone_has_an_unknown_image(lint: Lint) -> None:
    found = lint({"main.tf": SERVICE_MODULE}, Settings(select=("EL101", "EL103")))
    assert codes(found) == ["EL103"]
    assert "depends on var.image" in found[0].message


def test_a_task_definition_of_the_module_named_by_reference(lint: Lint) -> None:
    module = (
        'variable "image" {\n  type = string\n}\n'
        'resource "aws_ecs_task_definition" "web" {\n'
        '  family                = "web"\n'
        '  container_definitions = jsonencode([{ name = "web", image = var.image }])\n'
        "}\n"
        'resource "aws_ecs_express_gateway_service" "web" {\n'
        '  service_name            = "web"\n'
        '  execution_role_arn      = "arn:aws:iam::123456789012:role/web-execution"\n'
        '  infrastructure_role_arn = "arn:aws:iam::123456789012:role/infra"\n'
        "  task_definition_arn     = aws_ecs_task_definition.web.arn\n"
        "}\n"
    )
    root = 'module "web" {\n  source = "./modules/web"\n  image  = "nginx:1.27"\n}\n'
    files = {"main.tf": root, "modules/web/main.tf": module}
    budget = Settings(
        select=("EL101", "EL103", "EL150"), docker_hub_limits={"anonymous": PullLimit(10)}
    )
    found = lint(files, budget)
    assert codes(found) == ["EL101", "EL150"]  # the service runs that task: no EL103
    assert "service web starts 1 task" in found[1].message
    assert "docker.io/library/nginx:1.27" in found[1].message
