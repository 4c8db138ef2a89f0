"""The Terraform source: ``terraform show -json`` plans and states (child modules included) and
``.tf`` files (``jsonencode``, heredocs, ``file()``), with spans into the file holding the text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ecs_lint.engine import lint_paths
from ecs_lint.model import Document, ImageRef, RegistryKind, UnresolvedRef
from ecs_lint.settings import Settings
from ecs_lint.sources import formats_for, terraform
from ecs_lint.textio import SourceText
from support import reported_as

FIXTURES = Path(__file__).parent.parent / "fixtures" / "terraform"
PLAN = FIXTURES / "plan.json"
MODULE = FIXTURES / "module"


def parse_file(path: Path) -> tuple[Document, str]:
    text = path.read_text(encoding="utf-8")
    return terraform.parse(SourceText(str(path), text), Settings()), text


def position(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    return text.count("\n", 0, start) + 1, start - (text.rfind("\n", 0, start) + 1) + 1


def images(document: Document) -> dict[str | None, tuple[str, int, int]]:
    found = {}
    for use in document.images:
        ref = use.reference
        shown = str(ref) if isinstance(ref, ImageRef) else repr(ref)
        found[use.container] = (shown, use.span.line, use.span.column)
    return found


# --- terraform show -json ------------------------------------------------------------------------


def test_plan_reads_child_modules_and_points_inside_the_json_string() -> None:
    document, text = parse_file(PLAN)
    assert document.problems == []
    found = images(document)
    assert found["web"] == ("docker.io/library/nginx:1.27", *position(text, "nginx:1.27"))
    assert found["sidecar"][0].startswith("public.ecr.aws/aws-observability/")
    # container_definitions unknown until apply: unresolved, named, at the resource.
    reference, line, _ = found[None]
    assert reference == repr(
        UnresolvedRef(
            "module.ecs.aws_ecs_task_definition.worker.container_definitions (known after apply)",
            ("aws_secretsmanager_secret.dockerhub.arn",),
        )
    )
    assert line == position(text, '"address": "module.ecs.aws_ecs_task_definition.worker"')[0] - 1


def test_plan_unknown_values_are_labelled_by_their_references() -> None:
    document, _ = parse_file(PLAN)
    web = next(task for task in document.tasks if task.family == "web")
    assert web.execution_role is not None
    assert web.execution_role.value == "${module.ecs.aws_iam_role.execution.arn}"
    assert web.requires_compatibilities == ("FARGATE",)
    credentials = web.containers[0].credentials_parameter
    assert credentials is not None
    assert (
        credentials.value == "arn:aws:secretsmanager:us-east-1:123456789012:secret:dockerhub-AbCdEf"
    )
    (role,) = document.roles
    assert "${module.ecs.aws_iam_role.execution.arn}" in role.keys
    assert role.name == "web-execution"
    assert role.unresolved == ()  # managed_policy_arns is computed, not configured
    assert [arn.value for arn in role.managed_policy_arns] == [
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    ]
    (secret,) = document.secrets
    assert secret.name == "dockerhub"
    assert secret.kms_key is not None and secret.kms_key.value == "${aws_kms_key.secrets.arn}"
    (service,) = document.services
    assert service.desired_count is not None and service.desired_count.value == "6"
    assert service.task_definition is not None
    assert service.task_definition.value == "${module.ecs.aws_ecs_task_definition.web.arn}"
    assert service.tasks == (web,)


# The rules the end-to-end tests expect findings of.
END_TO_END = Settings(select=("EL101", "EL102", "EL103", "EL105", "EL203", "EL205"))


def test_plan_end_to_end() -> None:
    findings = lint_paths([str(PLAN)], END_TO_END).findings
    text = PLAN.read_text()
    secret_line = position(text, "secret:dockerhub-AbCdEf")[0]
    assert [(f.rule, f.span.line) for f in findings] == [
        ("EL102", secret_line),
        ("EL203", secret_line),  # the inline policy names the secret without its suffix
        ("EL205", secret_line),  # the secret's key is the configuration's own, no kms:Decrypt
        ("EL103", position(text, '"address": "module.ecs.aws_ecs_task_definition.worker"')[0] - 1),
    ]


def test_state_json_and_indexed_resources(tmp_path: Path) -> None:
    containers = json.dumps([{"name": "app", "image": "redis:7.2"}])
    state = {
        "format_version": "1.0",
        "terraform_version": "1.9.0",
        "values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_ecs_task_definition.app[0]",
                        "mode": "managed",
                        "type": "aws_ecs_task_definition",
                        "name": "app",
                        "index": 0,
                        "values": {
                            "family": "app",
                            "container_definitions": containers,
                            "execution_role_arn": "arn:aws:iam::123456789012:role/app-exec",
                        },
                    },
                    {
                        "address": "data.aws_iam_policy_document.x",
                        "mode": "data",
                        "type": "aws_iam_policy_document",
                        "name": "x",
                        "values": {"json": "{}"},
                    },
                ]
            }
        },
    }
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state))
    document, _ = parse_file(path)
    (task,) = document.tasks
    assert task.execution_role is not None
    assert task.execution_role.value == "arn:aws:iam::123456789012:role/app-exec"
    assert [str(use.reference) for use in document.images] == ["docker.io/library/redis:7.2"]


def test_an_indexed_role_is_one_role_with_its_attached_policy(tmp_path: Path) -> None:
    """A role with ``count`` is known by both of its addresses, yet defined once."""
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]}
    role = {"name": "app-exec", "arn": "arn:aws:iam::123456789012:role/app-exec"}
    state = {
        "format_version": "1.0",
        "values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_iam_role.exec[0]",
                        "mode": "managed",
                        "type": "aws_iam_role",
                        "name": "exec",
                        "index": 0,
                        "values": role,
                    },
                    {
                        "address": "aws_iam_role_policy.read",
                        "mode": "managed",
                        "type": "aws_iam_role_policy",
                        "name": "read",
                        "values": {
                            "name": "read",
                            "role": "app-exec",
                            "policy": json.dumps(policy),
                        },
                    },
                ]
            }
        },
    }
    path = tmp_path / "state.json"
    path.write_text(json.dumps(state))
    document, _ = parse_file(path)
    (defined,) = document.roles
    assert {"${aws_iam_role.exec.arn}", "${aws_iam_role.exec[0].arn}"} <= set(defined.keys)
    assert [(p.name, p.document) for p in defined.inline_policies] == [("read", policy)]


def test_plan_recognised_by_content() -> None:
    text = PLAN.read_text()
    assert [f.name for f in formats_for("plan.json", text)] == ["terraform-json"]
    assert [f.name for f in formats_for("tfplan.json", text)] == ["terraform-json"]


def test_invalid_plan_json_is_el900() -> None:
    text = '{"format_version": "1.2", "terraform_version": "1.7.5", "planned_values": {,}}'
    document = terraform.parse(SourceText("plan.json", text), Settings())
    assert [(reported_as(p), p.span.column) for p in document.problems] == [
        ("EL900", text.index(",}") + 1)
    ]


def test_bad_container_json_in_a_plan_is_el902_inside_the_string(tmp_path: Path) -> None:
    plan = json.loads(PLAN.read_text())
    web = plan["planned_values"]["root_module"]["child_modules"][0]["resources"][2]
    web["values"]["container_definitions"] = '[{"name": "web", "image": nginx}]'
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, indent=2))
    document, text = parse_file(path)
    (problem,) = [p for p in document.problems if reported_as(p) == "EL902"]
    assert "container_definitions is not valid JSON" in problem.message
    assert (problem.span.line, problem.span.column) == position(text, "nginx}]")


# --- .tf files ------------------------------------------------------------------------------------


def test_tf_container_definitions_from_jsonencode_heredoc_and_file() -> None:
    document, text = parse_file(MODULE / "ecs.tf")
    assert document.problems == []
    found = images(document)
    assert found["web"] == ("docker.io/library/nginx:1.27", *position(text, "nginx:1.27"))
    assert found["batch"] == ("docker.io/library/redis:7.2", *position(text, "redis:7.2"))
    containers = (MODULE / "containers.json").read_text()
    assert found["cron"] == ("docker.io/library/alpine:latest", *position(containers, "alpine"))
    cron = next(use for use in document.images if use.container == "cron")
    assert cron.span.path == str(MODULE / "containers.json")
    # templatefile() is evaluated when it can be; this template file does not exist.
    (templated,) = [use.reference for use in document.images if use.container is None]
    assert isinstance(templated, UnresolvedRef)
    assert templated.original.startswith("templatefile(./templated.json.tpl): ")
    assert templated.variables == (templated.original,)
    app = next(use for use in document.images if use.container == "app")
    assert isinstance(app.reference, ImageRef)
    assert app.reference.registry is RegistryKind.ECR_PRIVATE
    assert app.reference.path == "app"


def test_tf_literal_strings_are_editable_and_computed_ones_are_not() -> None:
    document, _ = parse_file(MODULE / "ecs.tf")
    editable = {use.container: use.edit_span is not None for use in document.images}
    assert editable["web"] is True
    assert editable["batch"] is True  # a heredoc's text is the file's own
    assert editable["cron"] is True  # so is containers.json's
    assert editable["app"] is False


def test_tf_task_fields_and_service() -> None:
    document, _ = parse_file(MODULE / "ecs.tf")
    web = next(task for task in document.tasks if task.family == "web")
    assert web.execution_role is not None
    assert web.execution_role.value == "${aws_iam_role.execution.arn}"
    assert web.containers[0].log is not None
    assert web.containers[0].log.options["awslogs-group"].value == "/ecs/web"
    (service,) = document.services
    assert service.desired_count is not None and service.desired_count.value == "4"
    assert service.tasks == (web,)
    assert document.roles == []  # defined in iam.tf, whose document holds it


def test_tf_role_collects_policies_from_every_file_of_the_module() -> None:
    document, _ = parse_file(MODULE / "iam.tf")
    (role,) = document.roles
    assert role.name == "web-execution"
    assert "${aws_iam_role.execution.arn}" in role.keys
    assert [p.name for p in role.inline_policies] == ["read-dockerhub", "logs"]
    read, logs = role.inline_policies
    assert read.document == {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue"],
                "Resource": ["${aws_secretsmanager_secret.dockerhub.arn}"],
            }
        ],
    }
    assert logs.span.path.endswith("policies.tf")  # from data "aws_iam_policy_document"
    assert logs.document["Statement"][0]["Resource"] == [  # type: ignore[index]
        "${aws_cloudwatch_log_group.web.arn}:*"
    ]
    assert [arn.value for arn in role.managed_policy_arns] == [
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    ]
    (secret,) = document.secrets
    assert secret.kms_key is not None and secret.kms_key.value == "${aws_kms_key.secrets.arn}"


def test_tf_module_end_to_end() -> None:
    findings = lint_paths([str(MODULE)], END_TO_END).findings
    rows = [(f.rule, Path(f.span.path).name, f.span.line) for f in findings]
    assert rows == [
        ("EL101", "containers.json", 4),  # once, though ecs.tf reads the file too
        ("EL105", "containers.json", 4),
        ("EL102", "ecs.tf", 14),
        ("EL205", "ecs.tf", 17),  # customer-managed key, no kms:Decrypt
        ("EL101", "ecs.tf", 44),
        ("EL103", "ecs.tf", 58),
    ]


SECRET_BY_ARN = """\
resource "aws_secretsmanager_secret" "db" {
  name = "db-password"
}

resource "aws_iam_role" "exec" {
  name = "exec"
  inline_policy {
    name   = "read"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ACTION", Resource = "*" }] })
  }
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  execution_role_arn    = aws_iam_role.exec.arn
  container_definitions = jsonencode([{
    name    = "app"
    image   = "public.ecr.aws/docker/library/busybox:1.36"
    secrets = [{ name = "DB", valueFrom = aws_secretsmanager_secret.db.arn }]
  }])
}
"""


@pytest.mark.parametrize(
    ("allowed", "found"),
    [("ssm:GetParameters", ["EL210"]), ("secretsmanager:GetSecretValue", [])],
)
def test_tf_value_from_a_secrets_arn_is_read_from_secrets_manager(
    tmp_path: Path, allowed: str, found: list[str]
) -> None:
    (tmp_path / "main.tf").write_text(SECRET_BY_ARN.replace("ACTION", allowed))
    findings = lint_paths([str(tmp_path)], Settings()).findings
    credentials = [f for f in findings if f.rule.startswith("EL2")]
    assert [f.rule for f in credentials] == found  # no EL213: the ARN is a valid valueFrom
    assert all("secretsmanager:GetSecretValue on" in f.message for f in credentials)


def test_file_outside_the_module_is_not_read(tmp_path: Path) -> None:
    outside = tmp_path / "secret.json"
    outside.write_text('[{"name": "x", "image": "nginx"}]')
    module = tmp_path / "mod"
    module.mkdir()
    tf = module / "main.tf"
    tf.write_text(
        'resource "aws_ecs_task_definition" "t" {\n'
        '  family = "t"\n'
        '  container_definitions = file("/etc/hostname")\n'
        "}\n"
    )
    document, _ = parse_file(tf)
    (use,) = document.images
    assert isinstance(use.reference, UnresolvedRef)
    assert "outside the module directory" in use.reference.original


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('resource "aws_ecs_task_definition" "t" {\n  family = \n}\n', 2),
        ('resource "aws_iam_role" "r" {\n  name = "x"\n', 3),
        ('resource "aws_ecs_service" "s" {\n  desired_count = 1 +\n', 3),
    ],
)
def test_invalid_hcl_is_el900_with_its_line(text: str, line: int) -> None:
    document = terraform.parse(SourceText("main.tf", text), Settings())
    assert [(reported_as(p), p.span.line) for p in document.problems] == [("EL900", line)]
    assert document.problems[0].message.startswith("invalid HCL: ")


def _roles(text: str) -> dict[str, str | None]:
    document = terraform.parse(SourceText("main.tf", text), Settings())
    assert document.problems == []
    return {role.keys[0]: role.name for role in document.roles}


def test_tf_name_computed_from_itself_is_unknown_not_a_crash() -> None:
    # Found by fuzz/fuzz_terraform.py: each reference to a resource's name evaluated that
    # resource again, so a self-reference or a cycle recursed until Python's stack overflowed.
    itself = 'resource "aws_iam_role" "a" {\n  name = aws_iam_role.a.name\n}\n'
    assert _roles(itself) == {"${aws_iam_role.a.arn}": None}
    cycle = itself.replace("a.name", "b.name") + itself.replace('"a"', '"b"')
    assert _roles(cycle) == {"${aws_iam_role.a.arn}": None, "${aws_iam_role.b.arn}": None}
    named = itself.replace("a.name", "b.name") + 'resource "aws_iam_role" "b" { name = "exec" }\n'
    assert _roles(named) == {"${aws_iam_role.a.arn}": "exec", "${aws_iam_role.b.arn}": "exec"}


def test_tf_long_chains_of_references_end_as_unknown_values() -> None:
    names = "".join(
        f'resource "aws_iam_role" "r{i}" {{ name = aws_iam_role.r{i + 1}.name }}\n'
        for i in range(300)
    )
    roles = _roles(names + 'resource "aws_iam_role" "r300" { name = "exec" }\n')
    assert roles["${aws_iam_role.r0.arn}"] is None  # past MAX_DEPTH: unknown, never a crash
    assert set(roles.values()) == {None, "exec"}  # unknown or right, never guessed
    documents = "".join(
        f'data "aws_iam_policy_document" "d{i}" {{\n'
        f"  source_policy_documents = [data.aws_iam_policy_document.d{i + 1}.json]\n}}\n"
        for i in range(300)
    )
    role = 'resource "aws_iam_role" "r" {\n  name = "r"\n  inline_policy {\n    name = "p"\n'
    role += "    policy = data.aws_iam_policy_document.d0.json\n  }\n}\n"
    document = terraform.parse(SourceText("main.tf", documents + role), Settings())
    assert document.roles[0].unresolved == ("inline policy p of aws_iam_role.r",)


def test_tf_recognised_by_its_resources() -> None:
    assert [f.name for f in formats_for("ecs.tf", (MODULE / "ecs.tf").read_text())] == ["terraform"]
    assert formats_for("vpc.tf", 'resource "aws_vpc" "main" {}\n') == []


_HCL_PIECES = st.sampled_from(
    [
        'resource "aws_ecs_task_definition" "t" {',
        'resource "aws_iam_role" "r" {',
        "}",
        'container_definitions = jsonencode([{ name = "a", image = var.x }])',
        'container_definitions = file("${path.module}/nope.json")',
        'container_definitions = <<EOT\n[{"image": "${var.i}"}]\nEOT',
        'container_definitions = <<-EOT\n  [{"image": "%{if x}y%{endif}"}]\n  EOT',
        "execution_role_arn = aws_iam_role.r.arn",
        "name = aws_iam_role.r.name",
        "inline_policy {",
        'policy = jsonencode({ Statement = [{ Effect = "Allow" }] })',
        'x = "\\u00e9\\n$${lit}"',
        "y = a ? b : c",
        "z = [for v in var.l : v]",
        'dynamic "inline_policy" {',
        "w = { (var.k) = 1 }",
        "#",
        '"',
        "{",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_HCL_PIECES, max_size=12), st.text(max_size=20))
@example(['resource "aws_iam_role" "r" {', "x = aws_iam_role.r.name", "}"], "")
def test_tf_parse_never_raises(pieces: list[str], noise: str) -> None:
    for text in ("\n".join(pieces) + "\n", "\n".join(pieces) + noise):
        document = terraform.parse(SourceText("fuzz/main.tf", text), Settings())
        assert isinstance(document, Document)


@settings(max_examples=100)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "values",
                        "resources",
                        "child_modules",
                        "address",
                        "type",
                        "container_definitions",
                        "after_unknown",
                        "change",
                        "configuration",
                        "root_module",
                        "module_calls",
                        "expressions",
                        "references",
                    ]
                ),
                children,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_plan_parse_never_raises(body: object) -> None:
    text = json.dumps(
        {
            "format_version": "1.2",
            "terraform_version": "1.7.5",
            "planned_values": body,
            "resource_changes": body,
            "configuration": body,
        }
    )
    document = terraform.parse(SourceText("plan.json", text), Settings())
    assert isinstance(document, Document)
