"""The ``docker-hub-credentials`` fix in Terraform: ``repositoryCredentials`` added to containers
written as ``jsonencode([...])`` objects (``key = value``) and as heredoc JSON, run as users run
it (``--fix --unsafe-fixes``, ``--diff``). The file stays valid HCL, every other byte stays, and
the next run reads the container as authenticated."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import hcl2
import pytest

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf"

ROLE = """\
resource "aws_iam_role" "exec" {
  name               = "exec"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
"""

JSONENCODE = (
    ROLE
    + """
resource "aws_ecs_task_definition" "web" {
  family             = "web"
  execution_role_arn = aws_iam_role.exec.arn
  container_definitions = jsonencode([
    {
      name      = "web"
      image     = "acme/web:1.4" # pinned by the release job
      essential = true
      portMappings = [{ containerPort = 80, hostPort = 80 }]
    },
    { name = "side", image = "acme/side:2" },
    {
      name  = "proxy"
      image = "public.ecr.aws/nginx/nginx:1.27"
    }
  ])
}
"""
)

WEB_ADDED = (
    "      portMappings = [{ containerPort = 80, hostPort = 80 }]\n"
    "      repositoryCredentials = {\n"
    f'        credentialsParameter = "{SECRET}"\n'
    "      }\n"
    "    },\n"
)
SIDE_ADDED = (
    '    { name = "side", image = "acme/side:2", repositoryCredentials = '
    f'{{ credentialsParameter = "{SECRET}" }} }},\n'
)

HEREDOC = """\
resource "aws_ecs_task_definition" "api" {
  family                = "api"
  execution_role_arn    = "arn:aws:iam::123456789012:role/exec"
  container_definitions = <<EOT
[
  {
    "name": "api",
    "image": "acme/api:3"
  }
]
EOT
}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".ecs-lint.toml").write_text(f'docker-hub-credentials = "{SECRET}"\n')
    return tmp_path


def _only_inserted(old: str, new: str) -> bool:
    """Whether ``new`` is ``old`` with text inserted at some points and nothing else changed."""
    position = 0
    for char in new:
        if position < len(old) and char == old[position]:
            position += 1
    return position == len(old)


def _fix(project: Path, text: str) -> str:
    (project / "main.tf").write_text(text, newline="")
    run = run_cli("main.tf", "--offline", "--select", "EL101", "--fix", "--unsafe-fixes")
    assert "Traceback" not in run.stderr
    assert run.status == 0, run.stdout + run.stderr  # nothing left: every container authenticated
    return (project / "main.tf").read_bytes().decode()


def test_jsonencode_objects_get_repository_credentials(project: Path) -> None:
    new = _fix(project, JSONENCODE)
    assert new == JSONENCODE.replace(
        "      portMappings = [{ containerPort = 80, hostPort = 80 }]\n    },\n", WEB_ADDED
    ).replace('    { name = "side", image = "acme/side:2" },\n', SIDE_ADDED)
    assert _only_inserted(JSONENCODE, new)
    hcl2.loads(new)  # still HCL that Terraform's grammar reads
    assert "proxy" in new and new.count("repositoryCredentials") == 2  # ECR Public: left alone


def test_crlf_file_keeps_its_line_endings(project: Path) -> None:
    text = JSONENCODE.replace("\n", "\r\n")
    new = _fix(project, text)
    assert _only_inserted(text, new)
    assert "\n" not in new.replace("\r\n", "")
    assert new.count("repositoryCredentials") == 2
    hcl2.loads(new)


def test_heredoc_json_gets_repository_credentials(project: Path) -> None:
    new = _fix(project, HEREDOC)
    assert _only_inserted(HEREDOC, new)
    body = new.split("<<EOT\n", 1)[1].split("EOT\n", 1)[0]
    (container,) = json.loads(body)
    assert container["repositoryCredentials"] == {"credentialsParameter": SECRET}
    hcl2.loads(new)


def test_the_fix_is_offered_with_what_the_role_then_needs(project: Path) -> None:
    (project / "main.tf").write_text(JSONENCODE)
    run = run_cli("main.tf", "--offline", "--select", "EL101", "-o", "json")
    web, side = json.loads(run.stdout)
    for finding in (web, side):
        assert finding["fix"]["safe"] is False
        assert "--unsafe-fixes adds the docker-hub-credentials secret" in finding["message"]
        assert finding["fix"]["suggestion"]["role"] == "exec"
    assert "execution role 'exec' then needs" in web["fix"]["description"]
    assert (project / "main.tf").read_text() == JSONENCODE  # a report changes nothing


def test_diff_shows_the_insertion_and_writes_nothing(project: Path) -> None:
    (project / "main.tf").write_text(JSONENCODE)
    run = run_cli("main.tf", "--offline", "--select", "EL101", "--diff", "--unsafe-fixes")
    assert run.status == 1
    assert "+      repositoryCredentials = {\n" in run.stdout
    assert f'+        credentialsParameter = "{SECRET}"\n' in run.stdout
    assert "Would fix 2 findings in 1 file." in run.stderr
    assert (project / "main.tf").read_text() == JSONENCODE


def test_template_syntax_in_the_secret_is_kept_literal(project: Path) -> None:
    # A "${" in the value would be a Terraform template: it is written as "$${".
    secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub${x}-AbCdEf"
    (project / ".ecs-lint.toml").write_text(f"docker-hub-credentials = {json.dumps(secret)}\n")
    new = _fix(project, JSONENCODE)
    written = (
        'credentialsParameter = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub$${x}'
    )
    assert new.count(written) == 2
    hcl2.loads(new)


# --- Containers in a file() the .tf reads ---------------------------------------------------

FILE_TASK = """\
resource "aws_ecs_task_definition" "web" {
  family                = "web"
  execution_role_arn    = "arn:aws:iam::123456789012:role/exec"
  container_definitions = file("containers.json")
}
"""
CONTAINERS = '[\n  {"name": "web", "image": "acme/web:1.4"}\n]\n'


def test_a_fix_in_a_file_read_through_file_says_how_to_apply_it(project: Path) -> None:
    (project / "main.tf").write_text(FILE_TASK)
    (project / "containers.json").write_text(CONTAINERS)
    run = run_cli("main.tf", "--offline", "--select", "EL101", "--diff", "--unsafe-fixes")
    assert (
        "ecs-lint: containers.json: not fixed: ecs-lint read this file only through another "
        "one (such as a Terraform file() call) and edits only the files it was asked to check; "
        "to fix it, run: ecs-lint --fix --unsafe-fixes containers.json"
    ) in run.stderr
    assert "text was not kept" not in run.stderr
    assert (project / "containers.json").read_text() == CONTAINERS
    # Following the advice fixes it.
    done = run_cli("--fix", "--unsafe-fixes", "--offline", "--select", "EL101", "containers.json")
    assert done.status == 0, done.stdout + done.stderr
    (container,) = json.loads((project / "containers.json").read_text())
    assert container["repositoryCredentials"] == {"credentialsParameter": SECRET}
    assert run_cli("main.tf", "--offline", "--select", "EL101").status == 0
