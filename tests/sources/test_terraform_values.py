"""Terraform values as Terraform evaluates them: ``var.`` from ``--var``, ``--var-file``,
``terraform.tfvars``, ``*.auto.tfvars`` and defaults (in Terraform's order), ``local.``, string
templates and pure functions; a finding at the task's ``image = ...``, saying where the value
came from, and ``--fix`` rewriting the literal there. Bad ``.tfvars`` files and cycles of locals
are reported with their file and line, and the rest of the module is still linted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import hcl2
import pytest

from ecs_lint.settings import Settings
from ecs_lint.sources import terraform
from ecs_lint.textio import SourceText
from support import codes, run_cli

if TYPE_CHECKING:
    from ecs_lint.findings import Finding
    from support import Lint

IMAGES = Settings(select=("EL101", "EL103", "EL104"))

TASK = """\
resource "aws_ecs_task_definition" "web" {
  family                = "web"
  container_definitions = jsonencode([{ name = "web", image = IMAGE }])
}
"""


def task(image: str) -> str:
    return TASK.replace("IMAGE", image)


def where(finding: Finding) -> tuple[str, int, str]:
    """The finding's file name, line and the text it points at."""
    span = finding.span
    text = Path(span.path).read_text(encoding="utf-8")
    return span.path.rsplit("/", 1)[-1], span.line, text[span.start : span.end]


def images(findings: list[Finding]) -> list[str | None]:
    return [finding.image for finding in findings]


# --- Variables -----------------------------------------------------------------------------------

VARIABLES = """\
variable "region" {
  type = string
}

variable "image" {
  type        = string
  description = "The web container's image"
  default     = "nginx:1.25"
}
"""


def test_a_variable_default_is_linted_at_the_task_and_named_in_the_message(lint: Lint) -> None:
    (finding,) = lint({"main.tf": task("var.image"), "variables.tf": VARIABLES}, IMAGES)
    assert finding.rule == "EL101"
    assert finding.image == "docker.io/library/nginx:1.25"
    assert where(finding) == ("main.tf", 3, "var.image")
    assert "value from " in finding.message and "variables.tf:8 default of var.image" in (
        finding.message
    )


def test_terraform_tfvars_overrides_the_default(lint: Lint) -> None:
    findings = lint(
        {
            "main.tf": task("var.image"),
            "variables.tf": VARIABLES,
            "terraform.tfvars": 'image = "redis:7.2"\n',
        },
        IMAGES,
    )
    assert images(findings) == ["docker.io/library/redis:7.2"]
    assert "terraform.tfvars:1" in findings[0].message


def test_tfvars_files_in_terraforms_order(lint: Lint) -> None:
    """terraform.tfvars, then terraform.tfvars.json, then *.auto.tfvars(.json) by name: the
    last one read wins."""
    files = {
        "main.tf": task("var.image"),
        "variables.tf": VARIABLES,
        "terraform.tfvars": 'image = "from-tfvars:1"\n',
        "terraform.tfvars.json": '{"image": "from-json:1"}\n',
    }
    assert images(lint(files, IMAGES)) == ["docker.io/library/from-json:1"]
    files["a.auto.tfvars"] = 'image = "from-a-auto:1"\n'
    assert images(lint(files, IMAGES)) == ["docker.io/library/from-a-auto:1"]
    files["b.auto.tfvars.json"] = '{"image": "from-b-auto:1"}\n'
    assert images(lint(files, IMAGES)) == ["docker.io/library/from-b-auto:1"]


def test_var_file_and_var_win_over_the_module_files(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(task("var.image"))
    (tmp_path / "variables.tf").write_text(VARIABLES)
    (tmp_path / "terraform.tfvars").write_text('image = "redis:7.2"\n')
    production = tmp_path / "production.tfvars"
    production.write_text('image = "postgres:16"\n')
    base = [str(tmp_path), "--select", "EL101", "-o", "concise"]
    assert "library/redis:7.2" in run_cli(*base).stdout
    with_file = run_cli(*base, "--var-file", str(production)).stdout
    assert "library/postgres:16" in with_file and "redis" not in with_file
    with_var = run_cli(*base, "--var-file", str(production), "--var", "image=mysql:8").stdout
    assert "library/mysql:8" in with_var and "postgres" not in with_var
    assert "(container image; value from --var image)" in with_var
    assert with_var.startswith(f"{tmp_path / 'main.tf'}:3:")  # at the task's image = var.image


def test_a_var_file_in_json(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(task("var.image"))
    (tmp_path / "variables.tf").write_text(VARIABLES)
    values = tmp_path / "values.tfvars.json"
    values.write_text('{"image": "busybox:1.36", "region": "eu-west-1"}')
    run = run_cli(str(tmp_path), "--select", "EL101", "--var-file", str(values), "-o", "concise")
    assert "docker.io/library/busybox:1.36" in run.stdout
    assert "values.tfvars.json:1" in run.stdout


def test_config_keys_give_variables_and_var_files(tmp_path: Path) -> None:
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "main.tf").write_text(task("var.image"))
    (tmp_path / "infra" / "variables.tf").write_text(VARIABLES)
    (tmp_path / "prod.tfvars").write_text('image = "postgres:16"\n')
    config = tmp_path / ".ecs-lint.toml"
    config.write_text('terraform-var-files = ["prod.tfvars"]\n')
    base = [str(tmp_path / "infra"), "--config", str(config), "--select", "EL101", "-o", "concise"]
    assert "library/postgres:16" in run_cli(*base).stdout
    config.write_text(
        'terraform-var-files = ["prod.tfvars"]\nterraform-vars = { image = "mysql:8" }\n'
    )
    assert "library/mysql:8" in run_cli(*base).stdout


TYPED_VARIABLES = """\
variable "images" {
  type = list(string)
}

variable "services" {
  type = map(object({
    image = string
    port  = optional(number, 80)
  }))
  default = {}
}

variable "image" {
  type    = string
  default = "nginx:1.25"
}

variable "untyped" {
  default = "nginx:1.25"
}
"""


def test_var_is_read_by_the_variables_type(tmp_path: Path) -> None:
    """As terraform's -var: HCL for a list, map or object type; the text itself for a string."""
    (tmp_path / "variables.tf").write_text(TYPED_VARIABLES)
    main = task("var.images[1]") + task("var.services.api.image").replace('"web"', '"api"')
    (tmp_path / "main.tf").write_text(main)
    run = run_cli(
        str(tmp_path),
        *("--select", "EL101", "-o", "concise"),
        *("--var", 'images=["public.ecr.aws/nginx/nginx:1", "redis:7.2"]'),
        *("--var", 'services={ api = { image = "postgres:16" } }'),
    )
    lines = run.stdout.splitlines()[:-1]
    assert [line.split(": EL101 ")[1].split(" (container image")[0] for line in lines] == [
        "docker.io/library/redis:7.2",
        "docker.io/library/postgres:16",
    ]
    # Each at the expression that uses it, saying where it came from.
    assert lines[0].startswith(f"{tmp_path / 'main.tf'}:3:")
    assert lines[1].startswith(f"{tmp_path / 'main.tf'}:7:")
    assert "(container image; value from --var images)" in lines[0]
    assert "(container image; value from --var services)" in lines[1]


@pytest.mark.parametrize("variable", ["image", "untyped"])
def test_var_of_a_string_or_untyped_variable_is_its_text(lint: Lint, variable: str) -> None:
    files = {"main.tf": task(f"var.{variable}"), "variables.tf": TYPED_VARIABLES}
    given = Settings(select=("EL101", "EL104"), terraform_vars={variable: '["redis:7.2"]'})
    (finding,) = lint(files, given)
    assert finding.rule == "EL104"  # not parsed: the image is the text, brackets and all
    assert "'[\"redis:7.2\"]'" in finding.message


@pytest.mark.parametrize(
    ("text", "problem", "column"),
    [
        ('["redis:7.2"', "invalid HCL: expected ']'", 13),
        ('["redis:7.2"]\nimage = "x"', "expected one value (HCL syntax", 1),
        ("[redis]", "redis is not a value (variables are not allowed here)", 1),
    ],
)
def test_a_var_that_is_not_a_value_of_its_type_is_reported(
    lint: Lint, text: str, problem: str, column: int
) -> None:
    files = {
        "main.tf": task("var.images[0]") + task('"nginx:1.25"').replace('"web"', '"api"'),
        "variables.tf": TYPED_VARIABLES,
    }
    given = Settings(select=("EL900", "EL101", "EL103"), terraform_vars={"images": text})
    findings = lint(files, given)
    assert codes(findings) == ["EL900", "EL103", "EL101"]  # and the rest still linted
    bad = findings[0]
    assert (bad.span.path, bad.span.line, bad.span.column) == ("--var images", 1, column)
    assert bad.message.startswith(f"invalid value of --var images: {problem}")
    assert "depends on var.images" in findings[1].message


CREDENTIALS_TASK = """\
resource "aws_ecs_task_definition" "web" {
  family             = "web"
  execution_role_arn = "arn:aws:iam::123456789012:role/web-execution"
  container_definitions = jsonencode([{
    name                  = "web"
    image                 = var.image
    repositoryCredentials = { credentialsParameter = var.hub_secret }
  }])
}

variable "image" {}
variable "hub_secret" {}
"""
HUB_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf"


def test_var_and_var_file_in_the_check_and_policy_commands(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CREDENTIALS_TASK)
    (tmp_path / "hub.tfvars.json").write_text(json.dumps({"hub_secret": HUB_SECRET}))
    given = ["--var", "image=acme/web:1.4", "--var-file", str(tmp_path / "hub.tfvars.json")]
    checked = run_cli("check", str(tmp_path), "--select", "EL102", "-o", "concise", *given)
    assert "EL102 docker.io/acme/web:1.4 (value from --var image)" in checked.stdout
    policy = run_cli("policy", str(tmp_path), *given)
    assert policy.status == 0, policy.stderr
    assert HUB_SECRET in policy.stdout  # the secret the task reads, given by the variables file
    unknown = run_cli("policy", str(tmp_path), "--var", "image=acme/web:1.4")
    assert HUB_SECRET not in unknown.stdout
    missing = run_cli("policy", str(tmp_path), "--var-file", str(tmp_path / "nope.tfvars"))
    assert missing.status == 2 and "--var-file: no such file" in missing.stderr


def test_a_missing_var_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(task("var.image"))
    run = run_cli(str(tmp_path), "--var-file", str(tmp_path / "nope.tfvars"))
    assert run.status == 2
    assert "--var-file: no such file" in run.stderr


def test_a_variable_without_a_value_is_unknown_and_el103_tells_how_to_give_it(lint: Lint) -> None:
    (finding,) = lint({"main.tf": task("var.region")}, IMAGES)
    assert finding.rule == "EL103"
    assert where(finding) == ("main.tf", 3, "var.region")
    assert "--var NAME=VALUE" in finding.message and "--var-file" in finding.message
    assert "--parameter" not in finding.message


def test_a_repository_from_variables_and_a_tag_from_tfvars(lint: Lint) -> None:
    files = {
        "main.tf": task('"${var.repository}:${var.tag}"'),
        "variables.tf": 'variable "repository" { default = "grafana/grafana" }\n'
        'variable "tag" {}\n',
        "terraform.tfvars": 'tag = "10.4.1"\n',
    }
    assert images(lint(files, IMAGES)) == ["docker.io/grafana/grafana:10.4.1"]


def test_object_variables_with_optional_attributes(lint: Lint) -> None:
    """``optional(type, default)`` fills an attribute the value leaves out."""
    variables = """\
variable "app" {
  type = object({
    repository = string
    tag        = optional(string, "1.27")
  })
  default = { repository = "nginx" }
}
"""
    main = task('"${var.app.repository}:${var.app.tag}"')
    assert images(lint({"main.tf": main, "variables.tf": variables}, IMAGES)) == [
        "docker.io/library/nginx:1.27"
    ]


# --- Locals, templates, functions -----------------------------------------------------------------

LOCALS = """\
locals {
  registry = "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
  team     = "Shop"
  images = {
    web    = "nginx:1.25"
    worker = "${local.registry}/${lower(local.team)}/worker:2.0"
  }
}
"""


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("local.images.web", "docker.io/library/nginx:1.25"),
        ('local.images["worker"]', "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/worker:2.0"),
        ('format("%s/%s:%d", "acme", "api", 3)', "docker.io/acme/api:3"),
        ('join("/", ["ghcr.io", "acme", "tool:1.4"])', "ghcr.io/acme/tool:1.4"),
        ('replace("nginx:TAG", "TAG", "1.26")', "docker.io/library/nginx:1.26"),
        ('coalesce("", null, "redis:7")', "docker.io/library/redis:7"),
        ('lookup(local.images, "db", "postgres:16")', "docker.io/library/postgres:16"),
        ('lookup(local.images, "web")', "docker.io/library/nginx:1.25"),
        ('concat(["a"], ["busybox:1.36"])[1]', "docker.io/library/busybox:1.36"),
        ('merge(local.images, { web = "httpd:2.4" }).web', "docker.io/library/httpd:2.4"),
        ('upper("x") == "X" ? "alpine:3.20" : "alpine:3.19"', "docker.io/library/alpine:3.20"),
        ('[for name in ["web"] : local.images[name]][0]', "docker.io/library/nginx:1.25"),
        ('try(local.images.missing, "node:20")', "docker.io/library/node:20"),
        # A list is not null, whatever unknown values it holds.
        ('[var.unknown] != null ? "redis:7" : "nginx:1"', "docker.io/library/redis:7"),
        ('"${jsonencode("x") == "\\"x\\"" ? "a" : "b"}:1"', "docker.io/library/a:1"),
    ],
)
def test_locals_templates_and_functions(tmp_path: Path, expression: str, expected: str) -> None:
    (tmp_path / "locals.tf").write_text(LOCALS)
    assert references(tmp_path, task(expression)) == [expected]


def references(directory: Path, main: str) -> list[str]:
    """The image references of ``main.tf`` in ``directory``, as the Terraform source reads them."""
    path = directory / "main.tf"
    path.write_text(main)
    document = terraform.parse(SourceText(str(path), main), Settings())
    assert document.problems == []
    return [str(use.reference) for use in document.images]


def test_an_unknown_function_stays_unknown(lint: Lint) -> None:
    (finding,) = lint({"main.tf": task('"nginx:${timestamp()}"')}, Settings(select=("EL1",)))
    assert finding.rule == "EL101"  # the registry is known: only the tag is unknown
    (unknown,) = lint({"main.tf": task("uuid()")}, IMAGES)
    assert unknown.rule == "EL103" and "uuid(...)" in unknown.message


def test_jsonencode_of_a_local_and_file_and_templatefile(lint: Lint) -> None:
    files = {
        "main.tf": """\
locals {
  containers = [{ name = "api", image = "python:3.12" }]
}
resource "aws_ecs_task_definition" "api" {
  family                = "api"
  container_definitions = jsonencode(local.containers)
}
resource "aws_ecs_task_definition" "cron" {
  family                = "cron"
  container_definitions = templatefile("${path.module}/cron.json.tpl", { image = var.image })
}
resource "aws_ecs_task_definition" "static" {
  family                = "static"
  container_definitions = file("${path.module}/static.json")
}
""",
        "variables.tf": VARIABLES,
        "cron.json.tpl": '[{"name": "cron", "image": "${image}"}]\n',
        "static.json": '[{"name": "static", "image": "httpd:2.4"}]\n',
    }
    findings = lint(files, IMAGES)
    assert sorted(images(findings)) == [  # type: ignore[type-var]
        "docker.io/library/httpd:2.4",
        "docker.io/library/nginx:1.25",
        "docker.io/library/python:3.12",
    ]
    cron = next(f for f in findings if f.image == "docker.io/library/nginx:1.25")
    assert where(cron)[0] == "cron.json.tpl"


# --- Fixes at the origin --------------------------------------------------------------------------


def test_fix_rewrites_the_default_not_the_expression(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(task("var.image"))
    (tmp_path / "variables.tf").write_text(VARIABLES)
    run = run_cli(str(tmp_path), "--select", "EL101", "--fix", "--unsafe-fixes")
    assert run.status == 0, run.stdout + run.stderr
    assert (tmp_path / "main.tf").read_text() == task("var.image")
    fixed = (tmp_path / "variables.tf").read_text()
    assert fixed == VARIABLES.replace('"nginx:1.25"', '"public.ecr.aws/docker/library/nginx:1.25"')
    hcl2.loads(fixed)


def test_fix_rewrites_the_tfvars_value(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(task("var.image"))
    (tmp_path / "variables.tf").write_text(VARIABLES)
    (tmp_path / "terraform.tfvars").write_text('# production\nimage = "redis:7.2"\n')
    run = run_cli(str(tmp_path), "--select", "EL101", "--fix", "--unsafe-fixes")
    assert run.status == 0, run.stdout + run.stderr
    assert (tmp_path / "terraform.tfvars").read_text() == (
        '# production\nimage = "public.ecr.aws/docker/library/redis:7.2"\n'
    )
    assert (tmp_path / "variables.tf").read_text() == VARIABLES


def test_no_fix_for_a_computed_value_or_a_var_option(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(task('"${var.image}-slim"'))
    (tmp_path / "variables.tf").write_text(VARIABLES.replace("nginx:1.25", "python:3.12"))
    computed = run_cli(str(tmp_path), "--select", "EL101", "--diff", "--unsafe-fixes")
    assert "python:3.12-slim" in run_cli(str(tmp_path), "--select", "EL101").stdout
    assert computed.stdout.strip() == "" or "+++" not in computed.stdout
    (tmp_path / "main.tf").write_text(task("var.image"))
    given = run_cli(str(tmp_path), "--select", "EL101", "--var", "image=redis:7", "--diff")
    assert "+++" not in given.stdout


def test_a_variables_file_outside_the_linted_paths_is_not_edited(tmp_path: Path) -> None:
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "variables.tf").write_text(VARIABLES)
    (tmp_path / "mod" / "main.tf").write_text(task("var.image"))
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "main.tf").write_text('module "web" {\n  source = "../mod"\n}\n')
    run = run_cli(str(tmp_path / "root"), "--select", "EL101", "--fix", "--unsafe-fixes")
    assert "not fixed" in run.stderr + run.stdout
    assert (tmp_path / "mod" / "variables.tf").read_text() == VARIABLES


# --- Bad input ------------------------------------------------------------------------------------


def test_a_broken_tfvars_file_is_reported_and_what_it_sets_is_unknown(lint: Lint) -> None:
    findings = lint(
        {
            "main.tf": task("var.image") + task("var.other").replace('"web"', '"api"'),
            "variables.tf": VARIABLES + 'variable "other" { default = "redis:7" }\n',
            "terraform.tfvars": 'image = "postgres:16"\nregion = \n',
        },
        Settings(select=("EL900", "EL101", "EL103")),
    )
    assert codes(findings) == ["EL103", "EL103", "EL900"]
    broken = findings[-1]
    assert where(broken)[:2] == ("terraform.tfvars", 3)  # where the value was expected
    assert broken.message.startswith("invalid variables file: ")


def test_a_cycle_of_locals_is_reported_and_the_rest_still_linted(lint: Lint) -> None:
    files = {
        "main.tf": task("local.a") + task('"nginx:1.25"').replace('"web"', '"api"'),
        "locals.tf": "locals {\n  a = local.b\n  b = local.a\n}\n",
    }
    findings = lint(files, Settings(select=("EL900", "EL101", "EL103")))
    assert codes(findings) == ["EL900", "EL103", "EL101"]
    cycle, unknown, nginx = findings
    assert where(cycle)[:2] == ("locals.tf", 2) or where(cycle)[:2] == ("locals.tf", 3)
    assert "depends on itself" in cycle.message
    assert nginx.image == "docker.io/library/nginx:1.25"
    assert where(unknown)[2] == "local.a"


def test_a_broken_variables_tf_is_reported_once(lint: Lint) -> None:
    findings = lint(
        {
            "main.tf": task('"nginx:1.25"'),
            "b.tf": task('"nginx:1.25"'),
            "variables.tf": "variable {",
        },
        Settings(select=("EL900",)),
    )
    assert [(f.rule, where(f)[0]) for f in findings] == [("EL900", "variables.tf")]


# --- Container definitions written as a heredoc of JSON with unknown numbers ----------------------

HEREDOC = """\
variable "port" {}
variable "image" {
  default = "nginx:1.25"
}
variable "log" {}

resource "aws_ecs_task_definition" "web" {
  family                = "web"
  container_definitions = <<DEFINITION
[
  {
    "name": "web",
    "image": "${var.image}",
    "portMappings": [{ "containerPort": ${var.port}, "hostPort": ${var.port} }],
    "cpu": ${var.port},
    "logConfiguration": LOG
  }
]
DEFINITION
}
"""


def test_unknown_numbers_outside_json_strings_do_not_hide_the_image(lint: Lint) -> None:
    text = HEREDOC.replace("LOG", '{ "logDriver": "awslogs" }')
    found = lint({"main.tf": text}, IMAGES)
    assert [(f.rule, f.image) for f in found] == [("EL101", "docker.io/library/nginx:1.25")]


def test_an_unknown_value_in_a_member_rules_read_keeps_the_containers_unknown(
    lint: Lint,
) -> None:
    # Written outside a string, the log configuration may be anything: nothing is guessed.
    text = HEREDOC.replace("LOG", "${var.log}")
    found = lint({"main.tf": text}, IMAGES)
    assert codes(found) == ["EL103"]
    assert "var.log" in found[0].message


def test_fix_rewrites_the_default_beside_a_heredoc_with_unknown_numbers(tmp_path: Path) -> None:
    main = tmp_path / "main.tf"
    main.write_text(HEREDOC.replace("LOG", '{ "logDriver": "awslogs" }'), encoding="utf-8")
    before = main.read_text(encoding="utf-8")
    run = run_cli("--select", "EL101", "--fix", "--unsafe-fixes", str(tmp_path))
    assert run.status == 0, run.stdout + run.stderr
    assert main.read_text(encoding="utf-8") == before.replace(
        '"nginx:1.25"', '"public.ecr.aws/docker/library/nginx:1.25"'
    )
