"""Terraform modules: local modules followed with the call's arguments (reported at the caller's
argument when the image came from there), nested calls with a depth limit and a cycle guard,
modules downloaded by ``terraform init``, and registry modules read through the module table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ecs_lint.settings import Settings
from ecs_lint.sources._tfinstance import MAX_MODULE_DEPTH
from ecs_lint.sources._tfregistry import MODULES, normalised_source
from support import codes, run_cli

if TYPE_CHECKING:
    from ecs_lint.findings import Finding
    from support import Lint

IMAGES = Settings(select=("EL101", "EL102", "EL103"))

SERVICE_MODULE = {
    "modules/service/variables.tf": """\
variable "name" {
  type = string
}

variable "image" {
  type = string
}

variable "sidecar_image" {
  type    = string
  default = "datadog/agent:7"
}
""",
    "modules/service/main.tf": """\
resource "aws_ecs_task_definition" "this" {
  family = var.name
  container_definitions = jsonencode([
    { name = var.name, image = var.image, essential = true },
    { name = "datadog", image = var.sidecar_image },
    { name = "init", image = "public.ecr.aws/docker/library/busybox:1.36" },
  ])
}

output "family" {
  value = aws_ecs_task_definition.this.family
}
""",
}


def located(finding: Finding) -> tuple[str, int, str]:
    """The finding's path below the linted directory, line, and the text it points at."""
    span = finding.span
    text = Path(span.path).read_text(encoding="utf-8")
    relative = span.path.split("/test_", 1)[-1].split("/", 1)[-1]
    return relative, span.line, text[span.start : span.end]


def test_a_local_module_is_linted_with_the_calls_arguments(lint: Lint) -> None:
    root = """\
module "web" {
  source = "./modules/service"
  name   = "web"
  image  = "nginx:1.25"
}

module "api" {
  source = "./modules/service"
  name   = "api"
  image  = "public.ecr.aws/docker/library/python:3.12"
}
"""
    findings = lint({"main.tf": root, **SERVICE_MODULE}, IMAGES)
    assert [(f.rule, *located(f), f.image) for f in findings] == [
        ("EL101", "main.tf", 4, "nginx:1.25", "docker.io/library/nginx:1.25"),
        # The module's default, the same for both calls: reported once, where it is written.
        ("EL101", "modules/service/main.tf", 5, "var.sidecar_image", "docker.io/datadog/agent:7"),
    ]
    assert "modules/service/variables.tf:11 default of var.sidecar_image" in findings[1].message


def test_a_module_called_in_the_run_is_not_linted_again_on_its_own(lint: Lint) -> None:
    """Without its caller, the module's ``var.image`` has no value (EL103); with it, the
    module is the caller's to lint, and its files count as checked through it."""
    alone = lint(SERVICE_MODULE, IMAGES)
    assert codes(alone) == ["EL103", "EL101"]
    called = {"main.tf": 'module "web" {\n  source = "./modules/service"\n  name = "web"\n'
              '  image = "public.ecr.aws/nginx/nginx:1.27"\n}\n', **SERVICE_MODULE}  # fmt: skip
    assert codes(lint(called, IMAGES)) == ["EL101"]


def test_a_value_passed_down_two_modules_is_reported_where_it_is_written(lint: Lint) -> None:
    files = {
        "main.tf": 'module "app" {\n  source = "./modules/app"\n  image  = var.image\n}\n',
        "variables.tf": 'variable "image" {\n  default = "redis:7.2"\n}\n',
        "modules/app/main.tf": 'variable "image" {}\nmodule "svc" {\n'
        '  source = "../service"\n  name = "app"\n  image = var.image\n'
        '  sidecar_image = "public.ecr.aws/datadog/agent:7"\n}\n',
        **SERVICE_MODULE,
    }
    (finding,) = lint(files, IMAGES)
    assert located(finding) == ("main.tf", 3, "var.image")
    assert finding.image == "docker.io/library/redis:7.2"
    assert "variables.tf:2 default of var.image" in finding.message


def test_for_each_makes_one_instance_per_key(lint: Lint) -> None:
    root = """\
locals {
  services = {
    web = "nginx:1.25"
    api = "public.ecr.aws/docker/library/python:3.12"
    job = "redis:7.2"
  }
}

module "svc" {
  source        = "./modules/service"
  for_each      = local.services
  name          = each.key
  image         = each.value
  sidecar_image = "public.ecr.aws/datadog/agent:7"
}
"""
    findings = lint({"main.tf": root, **SERVICE_MODULE}, IMAGES)
    # Each instance's image is reported at the call's argument, saying which value it is.
    assert [(located(f)[1:], f.image) for f in findings] == [
        ((13, "each.value"), "docker.io/library/redis:7.2"),
        ((13, "each.value"), "docker.io/library/nginx:1.25"),
    ]
    assert "main.tf:5 local.services" in findings[0].message
    assert "main.tf:3 local.services" in findings[1].message


def test_count_zero_creates_nothing(lint: Lint) -> None:
    root = 'module "web" {\n  source = "./modules/service"\n  count = 0\n  name = "x"\n'
    root += '  image = "nginx:1.25"\n}\n'
    assert lint({"main.tf": root, **SERVICE_MODULE}, IMAGES) == []


def test_a_module_output_feeds_a_task(lint: Lint) -> None:
    files = {
        "main.tf": """\
module "container" {
  source = "./modules/container"
  image  = "node:20"
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = jsonencode([module.container.definition])
}
""",
        "modules/container/main.tf": 'variable "image" {}\noutput "definition" {\n'
        '  value = { name = "app", image = var.image, essential = true }\n}\n',
    }
    (finding,) = lint(files, IMAGES)
    assert located(finding) == ("main.tf", 3, '"node:20"'[1:-1])
    assert finding.image == "docker.io/library/node:20"


def test_roles_and_secrets_of_a_called_module_are_its_own(lint: Lint) -> None:
    """References inside the module name its own resources (``module.svc.aws_iam_role.exec``):
    its role's policy is known, and it allows the secret, so nothing is reported."""
    module = """\
variable "image" {}
resource "aws_secretsmanager_secret" "hub" {
  name = "dockerhub"
}
resource "aws_iam_role" "exec" {
  name = "exec"
  inline_policy {
    name   = "read"
    policy = jsonencode({ Statement = [{
      Effect   = "Allow"
      Action   = "secretsmanager:GetSecretValue"
      Resource = aws_secretsmanager_secret.hub.arn
    }] })
  }
}
resource "aws_ecs_task_definition" "this" {
  family             = "svc"
  execution_role_arn = aws_iam_role.exec.arn
  container_definitions = jsonencode([{
    name                  = "app"
    image                 = var.image
    repositoryCredentials = { credentialsParameter = aws_secretsmanager_secret.hub.arn }
  }])
}
"""
    files = {
        "main.tf": 'module "svc" {\n  source = "./svc"\n  image = "acme/app:1.0"\n}\n',
        "svc/main.tf": module,
    }
    findings = lint(files, Settings(select=("EL1", "EL2")))
    assert [(f.rule, located(f)[:2]) for f in findings] == [("EL102", ("main.tf", 3))]


# --- What is not followed -------------------------------------------------------------------------


def test_a_missing_module_source_is_reported_and_the_rest_linted(lint: Lint) -> None:
    files = {
        "main.tf": 'module "gone" {\n  source = "./modules/gone"\n}\n'
        'module "web" {\n  source = "./modules/service"\n  name = "web"\n'
        '  image = "nginx:1.25"\n}\n',
        **SERVICE_MODULE,
    }
    findings = lint(files, Settings(select=("EL900", "EL101")))
    assert [(f.rule, *located(f)[:2]) for f in findings] == [
        ("EL900", "main.tf", 2),
        ("EL101", "main.tf", 7),
        ("EL101", "modules/service/main.tf", 5),
    ]
    assert "module 'gone': source './modules/gone' is not a directory of .tf files" in (
        findings[0].message
    )


def test_modules_calling_each_other_are_a_cycle(lint: Lint) -> None:
    files = {
        "a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
        "b/main.tf": 'module "a" {\n  source = "../a"\n}\n'
        'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n'
        '  container_definitions = jsonencode([{ name = "t", image = "nginx:1" }])\n}\n',
    }
    findings = lint(files, Settings(select=("EL900", "EL101")))
    assert ("EL101", "b/main.tf", 6) in [(f.rule, *located(f)[:2]) for f in findings]
    cycles = [f for f in findings if f.rule == "EL900"]
    assert cycles and all("which calls it back (a cycle)" in f.message for f in cycles)


def test_calls_nested_deeper_than_the_limit_are_reported(lint: Lint) -> None:
    files = {
        f"m{i}/main.tf": f'module "next" {{\n  source = "../m{i + 1}"\n}}\n'
        for i in range(MAX_MODULE_DEPTH + 2)
    }
    files[f"m{MAX_MODULE_DEPTH + 2}/main.tf"] = 'variable "x" {}\n'
    findings = lint({"main.tf": 'module "first" {\n  source = "./m0"\n}\n', **files},
                    Settings(select=("EL900",)))  # fmt: skip
    (deep,) = {f.message for f in findings}
    assert f"nested more than {MAX_MODULE_DEPTH} modules deep" in deep


# --- Downloaded modules ---------------------------------------------------------------------------


def test_a_module_downloaded_by_terraform_init_is_followed(lint: Lint) -> None:
    manifest = {
        "Modules": [
            {"Key": "", "Source": "", "Dir": "."},
            {
                "Key": "web",
                "Source": "registry.terraform.io/acme/service/aws",
                "Version": "1.2.0",
                "Dir": ".terraform/modules/web",
            },
        ]
    }
    files = {
        "main.tf": 'module "web" {\n  source  = "acme/service/aws"\n  version = "1.2.0"\n'
        '  name    = "web"\n  image   = "nginx:1.25"\n}\n',
        ".terraform/modules/modules.json": json.dumps(manifest),
        **{f".terraform/modules/web/{k.split('/')[-1]}": v for k, v in SERVICE_MODULE.items()},
    }
    findings = lint(files, IMAGES)
    assert [(located(f)[:2], f.image) for f in findings] == [
        ((".terraform/modules/web/main.tf", 5), "docker.io/datadog/agent:7"),
        (("main.tf", 5), "docker.io/library/nginx:1.25"),
    ]


# --- Registry modules that are not on disk --------------------------------------------------------

SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbCdEf"


@pytest.mark.parametrize(
    ("source", "arguments"),
    [
        (
            "terraform-aws-modules/ecs/aws",
            """
  services = {
    web = {
      container_definitions = {
        web  = { image = "nginx:1.25" }
        side = { image = "redis:7.2", repository_credentials = { credentialsParameter = "SECRET" } }
      }
    }
  }""",
        ),
        (
            "terraform-aws-modules/ecs/aws//modules/service",
            """
  container_definitions = {
    web  = { image = "nginx:1.25" }
    side = { image = "redis:7.2", repositoryCredentials = { credentialsParameter = "SECRET" } }
  }""",
        ),
        ("terraform-aws-modules/ecs/aws//modules/container-definition", '\n  image = "nginx:1.25"'),
        ("cloudposse/ecs-container-definition/aws", '\n  container_image = "nginx:1.25"'),
        (
            "cloudposse/ecs-alb-service-task/aws",
            '\n  container_definition_json = jsonencode([{ name = "web", image = "nginx:1.25" }])',
        ),
        ("cloudposse/ecs-web-app/aws", '\n  container_image = "nginx:1.25"'),
        ("umotif-public/ecs-fargate/aws", '\n  task_container_image = "nginx:1.25"'),
        ("cn-terraform/ecs-fargate/aws", '\n  container_image = "nginx:1.25"'),
        ("mongodb/ecs-task-definition/aws", '\n  image = "nginx:1.25"'),
        (
            "hashicorp/consul-ecs/aws//modules/mesh-task",
            '\n  container_definitions = [{ name = "web", image = "nginx:1.25" }]',
        ),
    ],
)
def test_each_registry_module_of_the_table(lint: Lint, source: str, arguments: str) -> None:
    call = f'module "m" {{\n  source  = "{source}"\n  version = "~> 5.0"{arguments}\n}}\n'
    findings = lint({"main.tf": call.replace("SECRET", SECRET)}, IMAGES)
    (anonymous,) = [f for f in findings if f.rule == "EL101"]
    assert anonymous.image == "docker.io/library/nginx:1.25"
    assert "(container image given to a module)" in anonymous.message
    assert "give the module its registry credentials input" in anonymous.message
    assert all(located(f)[2] in ("nginx:1.25", "redis:7.2") for f in findings)
    if "SECRET" in arguments:  # the container with credentials pulls authenticated
        assert [f.image for f in findings if f.rule == "EL102"] == ["docker.io/library/redis:7.2"]


def test_every_table_entry_has_a_test_above() -> None:
    tested = {
        "terraform-aws-modules/ecs/aws",
        "terraform-aws-modules/ecs/aws//modules/service",
        "terraform-aws-modules/ecs/aws//modules/container-definition",
        "cloudposse/ecs-container-definition/aws",
        "cloudposse/ecs-alb-service-task/aws",
        "cloudposse/ecs-web-app/aws",
        "umotif-public/ecs-fargate/aws",
        "cn-terraform/ecs-fargate/aws",
        "mongodb/ecs-task-definition/aws",
        "hashicorp/consul-ecs/aws//modules/mesh-task",
        "terraform-aws-modules/ecr/aws",
        "cloudposse/ecr/aws",
    }
    assert {module.source for module in MODULES} == tested


@pytest.mark.parametrize(
    "source",
    [
        "terraform-aws-modules/ecs/aws//modules/service",
        "registry.terraform.io/terraform-aws-modules/ecs/aws//modules/service",
        "github.com/terraform-aws-modules/terraform-aws-ecs//modules/service",
        "git::https://github.com/terraform-aws-modules/terraform-aws-ecs.git//modules/service?ref=v5.11.0",
    ],
)
def test_registry_sources_in_every_spelling(source: str) -> None:
    assert normalised_source(source) == "terraform-aws-modules/ecs/aws//modules/service"


BLUEPRINT = """\
locals {
  name            = "ecsdemo-frontend"
  container_image = "vllm/vllm-openai:v0.10.2"
}

module "ecr" {
  source          = "terraform-aws-modules/ecr/aws"
  repository_name = local.name
}

module "ecs_service" {
  source  = "terraform-aws-modules/ecs/aws//modules/service"
  version = "~> 5.6"
  name    = local.name

  container_definitions = {
    (local.name) = {
      image     = local.container_image
      essential = true
    }
    app = {
      image = "${module.ecr.repository_url}:1.4"
    }
    xray = {
      image = var.xray_image
    }
  }
}
"""


def test_a_blueprint_shaped_service(lint: Lint) -> None:
    """Images from locals, an ECR module's URL (private ECR, whatever the account) and a
    variable without a value."""
    findings = lint({"main.tf": BLUEPRINT}, IMAGES)
    assert [(f.rule, located(f)[1:], f.image) for f in findings] == [
        ("EL101", (18, "local.container_image"), "docker.io/vllm/vllm-openai:v0.10.2"),
        ("EL103", (25, "var.xray_image"), None),
    ]
    assert "main.tf:3 local.container_image" in findings[0].message
    assert "give the module call's argument a known value" in findings[1].message


def test_a_task_using_a_registry_container_module_has_no_unknown_image(lint: Lint) -> None:
    """cloudposse's container-definition module builds the container from its inputs: its
    image is reported at the call, and the task's containers are the module's, not unknown."""
    files = {
        "main.tf": """\
module "container" {
  source          = "cloudposse/ecs-container-definition/aws"
  container_name  = "app"
  container_image = "nginx:1.25"
}

resource "aws_ecs_task_definition" "one" {
  family                = "one"
  container_definitions = module.container.json_map_encoded_list
}

resource "aws_ecs_task_definition" "two" {
  family                = "two"
  container_definitions = jsonencode([module.container.json_map_object])
}
"""
    }
    findings = lint(files, Settings(select=("EL101", "EL103", "EL902")))
    assert [(f.rule, located(f)[1]) for f in findings] == [("EL101", 4)]


def test_json_text_of_a_module_output_is_read_back_to_the_callers_argument(
    lint: Lint, tmp_path: Path
) -> None:
    """A container module that writes ``"[${jsonencode(local.container)}]"`` (as Cloud Posse's
    does): its JSON text is mapped back, so the image is found at the caller's argument, and
    fixed in the variables file it comes from."""
    files = {
        "main.tf": """\
module "container" {
  source          = "./container"
  container_name  = "app"
  container_image = var.image
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  container_definitions = module.container.encoded_list
}
""",
        "variables.tf": 'variable "image" {}\n',
        "prod.auto.tfvars": 'image = "nginx:1.25"\n',
        "container/main.tf": """\
variable "container_name" {}
variable "container_image" {}
variable "log_configuration" {
  default = null
}
locals {
  container = {
    name             = var.container_name
    image            = var.container_image
    essential        = true
    logConfiguration = var.log_configuration
  }
  without_null = { for k, v in local.container : k => v if v != null }
  json         = jsonencode(local.without_null)
}
output "encoded_list" {
  value = "[${local.json}]"
}
""",
    }
    (finding,) = lint(files, IMAGES)
    assert located(finding) == ("main.tf", 4, "var.image")
    assert finding.image == "docker.io/library/nginx:1.25"
    assert "prod.auto.tfvars:1" in finding.message
    diff = run_cli(str(tmp_path), "--select", "EL101", "--diff", "--unsafe-fixes").stdout
    assert diff.startswith("--- a/") and "prod.auto.tfvars" in diff
    assert '+image = "public.ecr.aws/docker/library/nginx:1.25"' in diff


def test_a_template_file_with_directives_in_a_module(lint: Lint) -> None:
    """A module that renders its containers from a template with ``%{ if }`` (as umotif's
    does): evaluated with the call's values."""
    files = {
        "main.tf": 'module "web" {\n  source = "./fargate"\n  image  = "nginx:1.25"\n'
        '  credentials = "SECRET"\n}\n'.replace("SECRET", SECRET),
        "fargate/main.tf": """\
variable "image" {}
variable "credentials" {
  default = ""
}
resource "aws_ecs_task_definition" "task" {
  family                = "web"
  container_definitions = templatefile("${path.module}/containers.json.tpl", {
    image       = var.image
    credentials = var.credentials
  })
}
""",
        "fargate/containers.json.tpl": """\
[{
  "name": "web",
  "image": "${image}",
  %{~ if credentials != "" ~}
  "repositoryCredentials": {"credentialsParameter": "${credentials}"},
  %{~ endif ~}
  "essential": true
}]
""",
    }
    (finding,) = lint(files, IMAGES)
    assert finding.rule == "EL102"  # the credentials the call gives are there
    assert located(finding) == ("main.tf", 3, "nginx:1.25")
    without = {**files, "main.tf": files["main.tf"].replace(SECRET, "")}
    assert [f.rule for f in lint(without, IMAGES)] == ["EL101"]
