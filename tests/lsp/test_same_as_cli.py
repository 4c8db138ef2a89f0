"""The server's diagnostics of a file are what ``ecs-lint -o json FILE`` reports for it, run from
the workspace's root: the same repository context (a service account in another file, a
module's variables, the compose file building a Dockerfile, gitignored files left out) and the
same configuration of each file (``Settings.for_path``: a sub-project's keys, the run's
run-wide ones)."""

from __future__ import annotations

import json
from fnmatch import fnmatch
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
    "team/Dockerfile": "ARG IMAGE\nFROM ${IMAGE}\n",
    "base/Dockerfile": "ARG IMAGE\nFROM ${IMAGE}\n",
}


def cli_findings(name: str) -> list[tuple[str, types.Range, str, str]]:
    """The findings about ``NAME`` of ``ecs-lint -o json NAME`` (run here), as (code,
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
        found.append(
            (finding["rule"], types.Range(start, end), finding["severity"], finding["message"])
        )
    return found


SEVERITY: dict[types.DiagnosticSeverity | None, str] = {
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
    expected = {name: cli_findings(name) for name in names}
    # The repository holds a case of each kind: make sure the command line says what it should.
    assert [code for code, *_ in expected["k8s/web.yaml"]] == ["EL102"]
    assert [code for code, *_ in expected["team/app.yaml"]] == ["EL101"]
    assert [code for code, *_ in expected["base/Dockerfile"]] == ["EL103"]
    assert expected["team/Dockerfile"] == []  # the sub-project's selection
    assert "postgres:16" in expected["infra/vars/main.tf"][0][3]
    assert "python:3.12" in expected["api/Dockerfile"][0][3]
    editor = await start_editor()
    uris = {name: editor.open(name) for name in names}
    for name, uri in uris.items():
        found = [
            (str(d.code), d.range, SEVERITY.get(d.severity), d.message)
            for d in await editor.diagnostics(uri, 1)
        ]
        assert found == expected[name], name


async def test_a_sub_project_s_run_wide_key_is_said_as_on_the_command_line(
    workspace: Path, start_editor: StartEditor
) -> None:
    notices = [line for line in run_cli("team/app.yaml").stderr.splitlines() if "team/" in line]
    assert len(notices) == 1 and "respect-gitignore holds for the whole run" in notices[0]
    editor = await start_editor()
    editor.open("team/app.yaml")
    logged = await editor.until(
        lambda: next((m for m in editor.client.log_messages if "team/" in m.message), None),
        "the notice about team/.ecs-lint.toml",
    )
    assert notices[0].endswith(logged.message)
    assert logged.type == types.MessageType.Warning


async def test_a_sub_project_s_broken_configuration_is_said_on_each_document_it_stops(
    workspace: Path, start_editor: StartEditor
) -> None:
    (workspace / "team/.ecs-lint.toml").write_text("select = 3\n")
    editor = await start_editor()
    # The command line stops at it for a file of the sub-project, and for a file whose
    # repository it walks for context.
    for name in ("team/app.yaml", "k8s/web.yaml"):
        error = run_cli(name).stderr.strip()
        assert error == (
            "ecs-lint: error: team/.ecs-lint.toml: select: expected an array of strings, "
            "got an integer"
        )
        (found,) = await editor.diagnostics(editor.open(name), 1)
        assert found.severity == types.DiagnosticSeverity.Error
        assert found.message.endswith(error.removeprefix("ecs-lint: error: "))
    # Mended in another editor: the change is reported, the documents linted again.
    (workspace / "team/.ecs-lint.toml").write_text('select = ["EL101"]\n')
    editor.files_changed("team/.ecs-lint.toml")
    assert [d.code for d in await editor.diagnostics(editor.uri("team/app.yaml"), 1, after=1)] == [
        "EL101"
    ]
    assert [d.code for d in await editor.diagnostics(editor.uri("k8s/web.yaml"), 1, after=1)] == [
        "EL102"
    ]


async def test_every_kind_of_file_a_lint_reads_is_watched(
    workspace: Path, start_editor: StartEditor
) -> None:
    editor = await start_editor()
    (registration,) = await editor.until(lambda: editor.registrations or None, "a registration")
    globs = [watcher["globPattern"] for watcher in registration.register_options["watchers"]]
    assert all(glob.startswith("**/") for glob in globs)
    # A file anywhere in the workspace whose change may change a document's diagnostics.
    names = [*WORKSPACE, "pyproject.toml", "deploy/values.tfvars.json", ".git/info/exclude"]
    unwatched = [
        name for name in names if not any(fnmatch(f"/{name}", f"*/{g[3:]}") for g in globs)
    ]
    assert unwatched == []
