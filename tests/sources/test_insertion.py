"""Adding repositoryCredentials to a container: a minimal insertion that keeps the file valid.

The EL101 fix (``docker-hub-credentials``) is tested here as users run it (``--fix
--unsafe-fixes``, ``--diff``), and the insertion point sources expose on ``ContainerView`` is
tested over generated JSON layouts: the new text is valid, holds the member, and every other
byte is unchanged.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from ecs_lint.findings import Edit
from ecs_lint.fixes import apply_edits
from ecs_lint.settings import Settings
from ecs_lint.sources import cloudformation, taskdef
from ecs_lint.textio import SourceText
from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf"
PATH = ("repositoryCredentials", "credentialsParameter")


def _insert_all(text: str, parse: Any, name: str = "task.json") -> str:
    document = parse(SourceText(name, text), Settings())
    edits = []
    for task in document.tasks:
        for container in task.containers:
            assert container.insertion is not None
            added = container.insertion.add_member(PATH, SECRET)
            assert added is not None
            span, new_text = added
            assert span.start == span.end  # an insertion, nothing replaced
            edits.append(Edit(span, new_text))
    return apply_edits(text, edits)


def _only_inserted(old: str, new: str) -> bool:
    """Whether ``new`` is ``old`` with text inserted at some points and nothing else changed."""
    position = 0
    for char in new:
        if position < len(old) and char == old[position]:
            position += 1
    return position == len(old)


containers = st.lists(
    st.fixed_dictionaries(
        {"name": st.from_regex(r"[a-z]{1,8}", fullmatch=True), "image": st.just("acme/web:1")},
        optional={
            "essential": st.booleans(),
            "portMappings": st.lists(st.fixed_dictionaries({"containerPort": st.integers(1, 9)})),
            "environment": st.lists(
                st.fixed_dictionaries({"name": st.just("A"), "value": st.text(max_size=5)})
            ),
        },
    ),
    min_size=1,
    max_size=3,
)
layouts = st.sampled_from(
    [
        {"indent": 2},
        {"indent": 4},
        {"indent": "\t"},
        {"indent": None},
        {"indent": None, "separators": (",", ":")},
    ]
)


@given(containers, layouts, st.booleans(), st.booleans())
def test_json_insertion_keeps_the_file_valid_and_every_other_byte(
    items: list[dict[str, Any]], layout: dict[str, Any], bare_list: bool, crlf: bool
) -> None:
    value: Any = items if bare_list else {"family": "web", "containerDefinitions": items}
    text = json.dumps(value, **layout)
    if crlf:
        text = text.replace("\n", "\r\n")
    new = _insert_all(text, taskdef.parse)
    loaded = json.loads(new)
    found = loaded if bare_list else loaded["containerDefinitions"]
    expected = [
        {**item, "repositoryCredentials": {"credentialsParameter": SECRET}} for item in items
    ]
    assert found == expected
    assert _only_inserted(text, new)
    if crlf:
        assert "\n" not in new.replace("\r\n", "")


def test_json_insertion_matches_the_indentation() -> None:
    text = '[\n    {\n        "name": "web",\n        "image": "nginx"\n    }\n]\n'
    assert _insert_all(text, taskdef.parse) == (
        '[\n    {\n        "name": "web",\n        "image": "nginx",\n'
        '        "repositoryCredentials": {\n'
        f'            "credentialsParameter": "{SECRET}"\n'
        "        }\n    }\n]\n"
    )


TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Image: nginx:1.25  # pinned
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: /ecs/web
        -   Name: side
            Image: redis:7
        - {Name: flow, Image: "redis:7"}
"""


class _Template(yaml.SafeLoader):
    pass


def test_yaml_insertion_in_block_and_flow_mappings() -> None:
    new = _insert_all(TEMPLATE, cloudformation.parse, "stack.yaml")
    assert _only_inserted(TEMPLATE, new)
    containers = yaml.load(new, _Template)["Resources"]["Task"]["Properties"][
        "ContainerDefinitions"
    ]
    assert [c["RepositoryCredentials"] for c in containers] == [
        {"CredentialsParameter": SECRET}
    ] * 3
    assert "              awslogs-group: /ecs/web\n          RepositoryCredentials:\n" in new
    assert (
        f'            RepositoryCredentials:\n              CredentialsParameter: "{SECRET}"' in new
    )


def test_json_template_insertion_uses_pascal_case() -> None:
    template = {"Resources": {"Task": {"Type": "AWS::ECS::TaskDefinition", "Properties": {
        "ContainerDefinitions": [{"Name": "web", "Image": "nginx"}]}}}}  # fmt: skip
    text = json.dumps(template, indent=2)
    new = json.loads(_insert_all(text, cloudformation.parse, "stack.json"))
    (container,) = new["Resources"]["Task"]["Properties"]["ContainerDefinitions"]
    assert container["RepositoryCredentials"] == {"CredentialsParameter": SECRET}


def test_no_insertion_beside_an_existing_member() -> None:
    text = '{"containerDefinitions": [{"name": "a", "image": "n", "repositoryCredentials": {}}]}'
    document = taskdef.parse(SourceText("t.json", text), Settings())
    (container,) = document.tasks[0].containers
    assert container.insertion is not None
    assert container.insertion.add_member(PATH, SECRET) is None


@pytest.mark.parametrize("near", ["repositoryCredentialsOld", "oldrepositoryCredentials"])
def test_a_member_whose_name_only_contains_the_new_one_is_no_obstacle(near: str) -> None:
    text = f'{{"containerDefinitions": [{{"name": "a", "image": "n", "{near}": {{}}}}]}}'
    document = taskdef.parse(SourceText("t.json", text), Settings())
    (container,) = document.tasks[0].containers
    assert container.insertion is not None
    added = container.insertion.add_member(PATH, SECRET)
    assert added is not None
    span, new_text = added
    fixed = json.loads(text[: span.start] + new_text + text[span.end :])
    assert fixed["containerDefinitions"][0]["repositoryCredentials"] == {
        "credentialsParameter": SECRET
    }


# --- The EL101 fix, as users run it -----------------------------------------------------------

TASK = """\
{
  "family": "web",
  "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
  "containerDefinitions": [
    {
      "name": "web",
      "image": "acme/web:1.4"
    },
    {
      "name": "proxy",
      "image": "public.ecr.aws/nginx/nginx:1.25"
    }
  ]
}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".ecs-lint.toml").write_text(f'docker-hub-credentials = "{SECRET}"\n')
    (tmp_path / "task.json").write_text(TASK)
    return tmp_path


def test_el101_offers_repository_credentials_and_names_the_statement(project: Path) -> None:
    run = run_cli("task.json", "--offline", "--select", "EL101", "-o", "json")
    (finding,) = json.loads(run.stdout)
    fix = finding["fix"]
    assert fix["safe"] is False
    assert "--unsafe-fixes adds the docker-hub-credentials secret" in finding["message"]
    assert "execution role 'exec' then needs" in fix["description"]
    assert fix["suggestion"]["role"] == "exec"
    assert fix["suggestion"]["policy_document"]["Statement"] == [
        {"Sid": "ReadSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
         "Resource": SECRET}
    ]  # fmt: skip


def test_el101_fix_applies_only_with_unsafe_fixes(project: Path) -> None:
    safe_only = run_cli("task.json", "--offline", "--select", "EL101", "--fix")
    assert (project / "task.json").read_text() == TASK
    assert safe_only.status == 1
    run = run_cli("task.json", "--offline", "--select", "EL101", "--fix", "--unsafe-fixes")
    assert run.status == 0, run.stdout + run.stderr
    new = (project / "task.json").read_text()
    assert json.loads(new)["containerDefinitions"][0]["repositoryCredentials"] == {
        "credentialsParameter": SECRET
    }
    assert new == TASK.replace(
        '"image": "acme/web:1.4"\n',
        '"image": "acme/web:1.4",\n      "repositoryCredentials": {\n'
        f'        "credentialsParameter": "{SECRET}"\n      }}\n',
    )


def test_without_the_setting_there_is_no_credentials_fix(project: Path) -> None:
    (project / ".ecs-lint.toml").write_text("")
    run = run_cli("task.json", "--offline", "--select", "EL101", "-o", "json")
    (finding,) = json.loads(run.stdout)
    assert finding["fix"] is None


HEREDOC = """\
resource "aws_ecs_task_definition" "web" {
  family             = "web"
  execution_role_arn = "arn:aws:iam::123456789012:role/exec"
  container_definitions = <<-EOT
    [
      {
        "name": "web",
        "image": "acme/web:1.4"
      }
    ]
  EOT
}
"""


def test_terraform_heredoc_json_gets_the_file_indentation(project: Path) -> None:
    (project / "task.json").unlink()
    (project / "main.tf").write_text(HEREDOC)
    run = run_cli("main.tf", "--offline", "--select", "EL101", "--fix", "--unsafe-fixes")
    assert run.status == 0, run.stdout + run.stderr
    assert (project / "main.tf").read_text() == HEREDOC.replace(
        '"image": "acme/web:1.4"\n',
        '"image": "acme/web:1.4",\n        "repositoryCredentials": {\n'
        f'          "credentialsParameter": "{SECRET}"\n        }}\n',
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'x = jsonencode([\n  {\n    name  = "api"\n    image = "a:1"\n  }\n])\n',
            'x = jsonencode([\n  {\n    name  = "api"\n    image = "a:1"\n'
            f'    repositoryCredentials = {{\n      credentialsParameter = "{SECRET}"\n    }}\n'
            "  }\n])\n",
        ),
        (
            'x = jsonencode([{ name = "api", image = "a:1" }])\n',
            f'x = jsonencode([{{ name = "api", image = "a:1", repositoryCredentials = '
            f'{{ credentialsParameter = "{SECRET}" }} }}])\n',
        ),
    ],
)
def test_terraform_object_insertion(text: str, expected: str) -> None:
    from ecs_lint.sources._insert import TextInsertion

    source = SourceText("main.tf", text)
    start, end = text.index("{"), text.rindex("}") + 1
    insertion = TextInsertion(start, end, False, True, True, text, source.span, ("name",))
    added = insertion.add_member(PATH, SECRET)
    assert added is not None
    assert apply_edits(text, [Edit(*added)]) == expected
