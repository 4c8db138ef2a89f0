"""Diagnostics as an editor shows them: every file kind, from the unsaved text, on open and on
change, with the image text as the range (in the editor's code units) and a link to the rule."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from lsp_editor import line_of
from lsprotocol import types

from ecs_lint import __version__

if TYPE_CHECKING:
    from lsp_editor import StartEditor

pytestmark = pytest.mark.asyncio

HOMEPAGE = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())["project"][
    "urls"
]["Homepage"]
RULES_PAGE = f"{HOMEPAGE}/blob/main/docs/rules.md"

# Each file kind, with a Docker Hub image the unsaved text pulls anonymously (EL101), and the
# file on disk pulling the same image from ECR Public: what the editor shows comes from its text.
KINDS = {
    "Dockerfile": ("Dockerfile", "FROM {image} AS build\nRUN make\n"),
    "task definition": (
        "web-task-definition.json",
        '{\n  "family": "web",\n  "containerDefinitions": [\n'
        '    {"name": "web", "image": "{image}"}\n  ]\n}\n',
    ),
    "CloudFormation": (
        "stack.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Task:\n"
        "    Type: AWS::ECS::TaskDefinition\n    Properties:\n      ContainerDefinitions:\n"
        "        - Name: web\n          Image: {image}\n",
    ),
    "Terraform": (
        "main.tf",
        'resource "aws_ecs_task_definition" "web" {\n  family = "web"\n'
        "  container_definitions = jsonencode([\n"
        '    { name = "web", image = "{image}" }\n  ])\n}\n',
    ),
    "Kubernetes": (
        "deployment.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n"
        "    spec:\n      containers:\n        - name: web\n          image: {image}\n",
    ),
    "Compose": ("compose.yaml", "services:\n  web:\n    image: {image}\n"),
    "GitHub workflow": (
        ".github/workflows/ci.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    container: {image}\n"
        "    steps:\n      - run: make\n",
    ),
}
HUB_IMAGE = "nginx:1.25"
ECR_IMAGE = "public.ecr.aws/docker/library/nginx:1.25"


async def test_initialize_announces_what_the_server_offers(start_editor: StartEditor) -> None:
    editor = await start_editor()
    result = editor.initialized
    assert result is not None and result.server_info is not None
    assert (result.server_info.name, result.server_info.version) == ("ecs-lint", __version__)
    sync = result.capabilities.text_document_sync
    assert isinstance(sync, types.TextDocumentSyncOptions)
    assert sync.open_close and sync.change == types.TextDocumentSyncKind.Incremental
    actions = result.capabilities.code_action_provider
    assert isinstance(actions, types.CodeActionOptions)
    assert set(actions.code_action_kinds or ()) == {"quickfix", "source.fixAll.ecs-lint"}
    assert result.capabilities.hover_provider
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16
    # VS Code registers file watchers when asked: the server asks for the files lints read.
    registrations = await editor.until(lambda: editor.registrations or None, "a registration")
    assert registrations[0].method == "workspace/didChangeWatchedFiles"
    globs = {watcher["globPattern"] for watcher in registrations[0].register_options["watchers"]}
    assert {"**/Dockerfile", "**/*.tf", "**/*.yaml", "**/.ecs-lint.toml", "**/.env"} <= globs


async def test_a_dockerfile_gets_each_finding_on_its_image(start_editor: StartEditor) -> None:
    editor = await start_editor("--select", "EL101,EL105")
    text = "FROM nginx:1.25\nFROM python\n"
    uri = editor.open("Dockerfile", text, "dockerfile")
    found = await editor.diagnostics(uri, 1)
    assert [(d.code, d.range) for d in found] == [
        ("EL101", types.Range(types.Position(0, 5), types.Position(0, 15))),
        ("EL101", types.Range(types.Position(1, 5), types.Position(1, 11))),
        ("EL105", types.Range(types.Position(1, 5), types.Position(1, 11))),
    ]
    hub, _, mutable = found
    assert hub.severity == types.DiagnosticSeverity.Error
    assert mutable.severity == types.DiagnosticSeverity.Warning
    assert hub.source == "ecs-lint"
    assert "docker.io/library/nginx:1.25" in hub.message
    assert "pulled anonymously from Docker Hub" in hub.message
    assert hub.code_description is not None and mutable.code_description is not None
    assert hub.code_description.href == f"{RULES_PAGE}#el101-docker-hub-anonymous-pull"
    assert mutable.code_description.href == f"{RULES_PAGE}#el105-mutable-image-tag"


@pytest.mark.parametrize("kind", sorted(KINDS))
async def test_every_file_kind_is_linted_from_its_unsaved_text(
    start_editor: StartEditor, kind: str
) -> None:
    name, template = KINDS[kind]
    editor = await start_editor("--select", "EL101")
    editor.write(name, template.replace("{image}", ECR_IMAGE))
    text = template.replace("{image}", HUB_IMAGE)
    uri = editor.open(name, text)
    found = await editor.diagnostics(uri, 1)
    line, start, end = line_of(text, HUB_IMAGE)
    assert [(d.code, d.range) for d in found] == [
        ("EL101", types.Range(types.Position(line, start), types.Position(line, end)))
    ]
    assert (editor.root / name).read_text() == template.replace("{image}", ECR_IMAGE)


async def test_a_change_is_linted_and_the_old_findings_go(start_editor: StartEditor) -> None:
    editor = await start_editor("--select", "EL101,EL105")
    editor.write("Dockerfile", f"FROM {ECR_IMAGE}\n")
    uri = editor.open("Dockerfile")
    assert await editor.diagnostics(uri, 1) == []
    # Type over the image: the repository becomes a Docker Hub one, tag and all.
    version = editor.edit(uri, (0, 5), (0, 5 + len(ECR_IMAGE)), "redis")
    found = await editor.diagnostics(uri, version)
    assert [(d.code, d.range.start, d.range.end) for d in found] == [
        ("EL101", types.Position(0, 5), types.Position(0, 10)),
        ("EL105", types.Position(0, 5), types.Position(0, 10)),
    ]
    version = editor.edit(uri, (0, 10), (0, 10), ":7.2")
    found = await editor.diagnostics(uri, version)
    assert [(d.code, d.range.end) for d in found] == [("EL101", types.Position(0, 14))]
    assert "docker.io/library/redis:7.2" in found[0].message


@pytest.mark.parametrize(
    ("client", "units"),
    [
        ("visual-studio-code", "utf-16-le"),  # no preference: UTF-16, the protocol's default
        ("neovim", "utf-8"),  # offers utf-8 first
        ("emacs", "utf-32-le"),  # offers utf-32 first
    ],
)
async def test_positions_are_in_the_code_units_the_client_agreed_on(
    start_editor: StartEditor, client: str, units: str
) -> None:
    editor = await start_editor("--select", "EL101", client=client)
    encoding = editor.initialized.capabilities.position_encoding  # type: ignore[union-attr]
    assert encoding == units.removesuffix("-le")
    prefix = 'services: {"wéb😀": {image: "'
    text = prefix + 'nginx:1.25"}}\n'
    uri = editor.open("compose.yaml", text)

    def width(part: str) -> int:
        return len(part.encode(units)) // (1 if units == "utf-8" else int(units[4:6]) // 8)

    found = await editor.diagnostics(uri, 1)
    start = width(prefix)
    assert [(d.range.start, d.range.end) for d in found] == [
        (types.Position(0, start), types.Position(0, start + len("nginx:1.25")))
    ]
    # An edit after the emoji, in the same units, lands where the editor meant it.
    version = editor.edit(uri, (0, start), (0, start + len("nginx")), "redis")
    found = await editor.diagnostics(uri, version)
    assert len(found) == 1 and "docker.io/library/redis:1.25" in found[0].message
    assert found[0].range.start == types.Position(0, start)


async def test_closing_a_document_clears_its_diagnostics(start_editor: StartEditor) -> None:
    editor = await start_editor("--select", "EL101")
    uri = editor.open("Dockerfile", "FROM nginx:1.25\n")
    assert len(await editor.diagnostics(uri, 1)) == 1
    editor.close(uri)
    assert await editor.diagnostics(uri, None, after=1) == []


async def test_a_buffer_without_a_file_is_read_as_its_language(start_editor: StartEditor) -> None:
    editor = await start_editor("--select", "EL101")
    uri = editor.open("untitled:Untitled-1", "FROM node:22\n", "dockerfile")
    found = await editor.diagnostics(uri, 1)
    assert [(d.code, d.range.start.character, d.range.end.character) for d in found] == [
        ("EL101", 5, 12)
    ]


async def test_a_file_ecs_lint_does_not_check_gets_no_diagnostics(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor()
    # A README quoting a Dockerfile is not one, whatever its lines say.
    uri = editor.open("README.md", "# Build\n\nFROM nginx:1.25\n", "markdown")
    assert await editor.diagnostics(uri, 1) == []


async def test_malformed_text_is_reported_and_linted_again_once_fixed(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor("--select", "EL101,EL900")
    uri = editor.open("compose.yaml", "services:\n  web:\n    image: [nginx:1.25\n")
    found = await editor.diagnostics(uri, 1)
    assert [d.code for d in found] == ["EL900"]
    assert found[0].severity == types.DiagnosticSeverity.Error
    assert found[0].range.start.line >= 2  # where the YAML breaks, not the top of the file
    version = editor.replace_all(uri, "services:\n  web:\n    image: nginx:1.25\n")
    assert [d.code for d in await editor.diagnostics(uri, version)] == ["EL101"]
    version = editor.replace_all(uri, "services:\n  web:\n    image: nginx\x00:1.25\n")
    found = await editor.diagnostics(uri, version)
    assert [d.code for d in found] == ["EL900"]
    assert "binary" in found[0].message


async def test_garbage_on_the_wire_does_not_stop_the_server(start_editor: StartEditor) -> None:
    editor = await start_editor("--select", "EL101")
    process = editor.client._server
    assert process is not None and process.stdin is not None
    for body in (b"{not json", b'{"jsonrpc": "2.0", "method": "textDocument/didOpen"}'):
        process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    uri = editor.open("Dockerfile", "FROM nginx:1.25\n")
    assert [d.code for d in await editor.diagnostics(uri, 1)] == ["EL101"]


async def test_a_byte_order_mark_the_editor_keeps_counts_in_the_ranges(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor("--select", "EL101")
    uri = editor.open("Dockerfile", "\ufeffFROM nginx:1.25\n")
    (found,) = await editor.diagnostics(uri, 1)
    assert (found.range.start, found.range.end) == (types.Position(0, 6), types.Position(0, 16))
