"""The server's diagnostics of a file are what ``ecs-lint -o json FILE`` reports for it, run from
the workspace's root: the same repository context (a service account in another file, a
module's variables, the compose file building a Dockerfile, gitignored files left out) and the
same configuration of each file (``Settings.for_path``: a sub-project's keys, the run's
run-wide ones)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from lsprotocol import types
from support import REPOSITORY, SERVICE_ACCOUNT, deployment, git_repository, run_cli

if TYPE_CHECKING:
    from pathlib import Path

    from lsp_editor import StartEditor

pytestmark = pytest.mark.asyncio

RULES = "EL101,EL102,EL103,EL150,EL203,EL207,EL900,EL901"

WORKSPACE = {
    **REPOSITORY,
    ".ecs-lint.toml": f"select = {json.dumps(RULES.split(','))}\n",
    # A root module whose variable terraform.tfvars sets.
    "infra/vars/main.tf": (
        'variable "image" {\n  type = string\n}\n\n'
        'resource "aws_ecs_task_definition" "db" {\n  family = "db"\n'
        '  container_definitions = jsonencode([{ name = "db", image = var.image }])\n}\n'
    ),
    "infra/vars/terraform.tfvars": 'image = "postgres:16"\n',
    # A sub-project of its own configuration: its selection applies to its files, but a
    # run-wide key (respect-gitignore) is the run's, so its ignored service account is no
    # context, as on the command line from the root.
    "team/.ecs-lint.toml": 'select = ["EL101", "EL102"]\nrespect-gitignore = false\n',
    "team/.gitignore": "local/\n",
    "team/local/service-account.yaml": SERVICE_ACCOUNT.replace("puller", "team-puller"),
    "team/app.yaml": deployment("redis:7.2", account="team-puller"),
    "team/Dockerfile": "FROM nginx:1.25\n",
}


def cli_findings(root: Path, name: str) -> list[tuple[str, types.Range, str, str]]:
    """The findings about ``NAME`` of ``ecs-lint -o json NAME`` run from ``root``, as (code,
    range, severity, message); those about another file (the Dockerfile a workflow builds) are
    that file's own lint's, in the editor."""
    run = run_cli("-o", "json", name)
    assert run.status in (0, 1), run.stderr
    found = []
    for finding in json.loads(run.stdout):
        if finding["file"] != name:
            continue
        start = types.Position(finding["line"] - 1, finding["column"] - 1)
        end = types.Position(finding["end_line"] - 1, finding["end_column"] - 1)
        found.append((finding["rule"], types.Range(start, end), finding["severity"], finding["message"]))
    return found


SEVERITY = {
    types.DiagnosticSeverity.Error: "error",
    types.DiagnosticSeverity.Warning: "warning",
    types.DiagnosticSeverity.Information: "info",
}


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return git_repository(tmp_path, WORKSPACE)


async def test_each_file_s_diagnostics_are_the_command_line_s_findings(
    workspace: Path, start_editor: StartEditor
) -> None:
    names = sorted(
        name for name in WORKSPACE if not name.endswith((".toml", ".gitignore", ".env", ".tfvars"))
    )
    expected = {name: cli_findings(workspace, name) for name in names}
    # The repository holds a case of each kind: make sure the command line says what it should.
    assert [code for code, *_ in expected["k8s/web.yaml"]] == ["EL102"]
    assert [code for code, *_ in expected["team/app.yaml"]] == ["EL101"]
    assert "postgres:16" in expected["infra/vars/main.tf"][0][3]
    assert "python:3.12" in expected["api/Dockerfile"][0][3]
    editor = await start_editor()
    uris = {name: editor.open(name) for name in names}
    for name, uri in uris.items():
        found = [
            (str(d.code), d.range, SEVERITY[d.severity], d.message)
            for d in await editor.diagnostics(uri, 1)
            if d.severity is not None
        ]
        assert found == expected[name], name
