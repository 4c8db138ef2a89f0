"""What a document's lint depends on besides its text, as on the command line: the nearest
configuration file, the files read for its context (with the editor's unsaved texts standing for
them), and ECR Public look-ups, which never hold its diagnostics back."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import pytest
from lsprotocol import types
from servers.gallery_server import GalleryServer

from support import SERVICE_ACCOUNT, deployment

if TYPE_CHECKING:
    from lsp_editor import Editor, StartEditor

pytestmark = pytest.mark.asyncio

COMPOSE = "services:\n  web:\n    image: ${IMAGE}\n"


def codes(found: list[types.Diagnostic]) -> list[str]:
    return [str(diagnostic.code) for diagnostic in found]


async def test_each_document_uses_its_nearest_configuration_file(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor()
    editor.write(".ecs-lint.toml", 'select = ["EL101", "EL105"]\n')
    editor.write("legacy/.ecs-lint.toml", 'select = ["EL101", "EL105"]\nignore = ["EL105"]\n')
    top = editor.open("Dockerfile", "FROM nginx\n")
    legacy = editor.open("legacy/Dockerfile", "FROM nginx\n")
    assert codes(await editor.diagnostics(top, 1)) == ["EL101", "EL105"]
    assert codes(await editor.diagnostics(legacy, 1)) == ["EL101"]


async def test_a_changed_configuration_applies_once_the_client_reports_it(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor()
    editor.write(".ecs-lint.toml", 'select = ["EL101", "EL105"]\n')
    uri = editor.open("Dockerfile", "FROM nginx\n")
    assert codes(await editor.diagnostics(uri, 1)) == ["EL101", "EL105"]
    editor.write(".ecs-lint.toml", 'select = ["EL101", "EL105"]\nignore = ["EL101"]\n')
    editor.files_changed(".ecs-lint.toml")
    assert codes(await editor.diagnostics(uri, 1, after=1)) == ["EL105"]


async def test_a_configuration_saved_in_an_editor_that_watches_no_file_applies(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor(client="neovim")  # Neovim registers no file watcher on Linux
    assert editor.registrations == []
    editor.write(".ecs-lint.toml", 'select = ["EL101", "EL105"]\n')
    uri = editor.open("Dockerfile", "FROM nginx\n")
    assert codes(await editor.diagnostics(uri, 1)) == ["EL101", "EL105"]
    config = editor.open(".ecs-lint.toml", language="toml")
    editor.write(".ecs-lint.toml", 'select = ["EL105"]\n')
    editor.save(config)
    assert codes(await editor.diagnostics(uri, 1, after=1)) == ["EL105"]


async def test_a_configuration_that_cannot_be_used_is_said_on_the_document(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor()
    editor.write("pyproject.toml", '[tool.ecs-lint]\nselect = ["EL101"]\nfail_level = "error"\n')
    uri = editor.open("Dockerfile", "FROM nginx:1.25\n")
    (found,) = await editor.diagnostics(uri, 1)
    assert found.severity == types.DiagnosticSeverity.Error
    assert "pyproject.toml" in found.message
    assert "unknown key 'fail_level' (did you mean 'fail-level'?)" in found.message
    assert found.range == types.Range(types.Position(0, 0), types.Position(0, 1))
    editor.write("pyproject.toml", '[tool.ecs-lint]\nselect = ["EL101"]\nfail-level = "error"\n')
    editor.files_changed("pyproject.toml")
    assert codes(await editor.diagnostics(uri, 1, after=1)) == ["EL101"]


async def test_options_of_the_command_hold_over_every_configuration_file(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor("--select", "EL105")
    editor.write("sub/.ecs-lint.toml", 'select = ["EL101"]\n')
    uri = editor.open("sub/Dockerfile", "FROM nginx\n")
    assert codes(await editor.diagnostics(uri, 1)) == ["EL105"]


async def test_context_files_are_read_as_the_editor_holds_them(start_editor: StartEditor) -> None:
    editor = await start_editor("--select", "EL101,EL103")
    editor.write(".env", "IMAGE=nginx:1.25\n")
    editor.write("compose.yaml", COMPOSE)
    compose = editor.open("compose.yaml")
    (found,) = await editor.diagnostics(compose, 1)
    assert found.code == "EL101" and "docker.io/library/nginx:1.25" in found.message
    # The .env is edited, not saved yet: on its save the compose file is linted again, with
    # the text the editor holds (the file on disk has not changed when the server reads it).
    env = editor.open(".env", "IMAGE=nginx:1.25\n", "dotenv")
    editor.replace_all(env, "IMAGE=public.ecr.aws/docker/library/nginx:1.25\n")
    editor.save(env)
    assert await editor.diagnostics(compose, 1, after=1) == []
    assert (editor.root / ".env").read_text() == "IMAGE=nginx:1.25\n"


async def test_a_context_file_changed_on_disk_relints_open_documents(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor("--select", "EL101,EL103")
    editor.write(".env", "IMAGE=public.ecr.aws/docker/library/nginx:1.25\n")
    editor.write("compose.yaml", COMPOSE)
    compose = editor.open("compose.yaml")
    assert await editor.diagnostics(compose, 1) == []
    editor.write(".env", "IMAGE=redis:7.2\n")  # a git checkout, another tool
    editor.files_changed(".env")
    (found,) = await editor.diagnostics(compose, 1, after=1)
    assert found.code == "EL101" and "docker.io/library/redis:7.2" in found.message


async def test_offline_answers_come_from_the_catalog_without_any_request(
    start_editor: StartEditor, gallery: GalleryServer
) -> None:
    editor = await start_editor("--select", "EL101")
    editor.write(".ecs-lint.toml", "offline = true\n")
    uri = editor.open("Dockerfile", "FROM nginx:1.25.3\n")
    (found,) = await editor.diagnostics(uri, 1)
    assert "catalog" in found.message
    assert await editor.hover(uri, 0, 6) is not None  # answered after the lint: it is done
    await asyncio.sleep(0.5)  # a look-up would have started right after the publication
    assert gallery.request_count == 0
    assert len(editor.publications(uri)) == 1


async def test_the_look_up_cache_answers_a_later_session(
    start_editor: StartEditor, gallery: GalleryServer
) -> None:
    first = await start_editor("--select", "EL101")
    uri = first.open("Dockerfile", "FROM nginx:1.25.3\n")
    await identical(first, uri)
    await first.client.shutdown_session()
    asked = gallery.request_count
    second = await start_editor("--select", "EL101")
    uri = second.open("Dockerfile", "FROM nginx:1.25.3\n")
    await identical(second, uri)
    assert gallery.request_count == asked


async def identical(editor: Editor, uri: str) -> list[types.Diagnostic]:
    def answered() -> list[types.Diagnostic] | None:
        for published in editor.publications(uri):
            if any("identical" in d.message for d in published.diagnostics):
                return list(published.diagnostics)
        return None

    return await editor.until(answered, "the gallery's answer")


async def test_a_slow_gallery_never_holds_back_diagnostics(
    start_editor: StartEditor, gallery: GalleryServer
) -> None:
    gallery.faults.delay, gallery.faults.only = 3.0, "/gallery"  # ECR Public's tag listings
    editor = await start_editor("--select", "EL101,EL105")
    uri = editor.open("Dockerfile", "FROM nginx:1.25.3\nFROM alpine\n")
    opened = time.monotonic()
    first = await editor.diagnostics(uri, 1)
    assert time.monotonic() - opened < 3.0  # the catalog's answers, before the gallery's
    assert codes(first) == ["EL101", "EL101", "EL105"]
    assert "catalog" in first[0].message
    # Typing goes on meanwhile: a change is linted and answered at once, from the catalog.
    version = editor.edit(uri, (1, 5), (1, 11), "redis:7.2")
    changed = time.monotonic()
    assert codes(await editor.diagnostics(uri, version)) == ["EL101", "EL101"]
    assert time.monotonic() - changed < 3.0
    hover = await editor.hover(uri, 0, 6)
    assert hover is not None
    # Then the gallery answers, and the document is linted again with its answers.
    refined = await identical(editor, uri)
    assert codes(refined) == ["EL101", "EL101"]


async def test_an_unreachable_gallery_keeps_the_catalog_s_diagnostics(
    start_editor: StartEditor, monkeypatch: pytest.MonkeyPatch
) -> None:
    with GalleryServer() as stopped:
        endpoints = stopped.environment()
    # Nothing listens there any more: every look-up is refused.
    for name, value in endpoints.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("ECS_LINT_OFFLINE")
    editor = await start_editor("--select", "EL101")
    uri = editor.open("Dockerfile", "FROM nginx:1.25.3\n")
    (found,) = await editor.diagnostics(uri, 1)
    assert "catalog" in found.message
    warning = await editor.until(
        lambda: next((m for m in editor.client.log_messages if "failed" in m.message), None),
        "a warning about the look-ups",
    )
    assert warning.type == types.MessageType.Warning
    assert "embedded catalog" in warning.message
    # The next lints still publish (the images are not asked again at once).
    version = editor.edit(uri, (0, 0), (0, 0), "# base\n")
    (found,) = await editor.diagnostics(uri, version)
    assert "catalog" in found.message and found.range.start.line == 1
    assert len([m for m in editor.client.log_messages if "failed" in m.message]) == 1


async def test_a_broken_policy_file_of_the_configuration_is_said_on_the_document(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor("--select", "EL2")
    editor.write(".ecs-lint.toml", 'iam-files = ["authorization.json"]\n')
    editor.write("authorization.json", "{not json")
    text = '{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.25"}]}'
    uri = editor.open("web-task-definition.json", text)
    (found,) = await editor.diagnostics(uri, 1)
    assert found.severity == types.DiagnosticSeverity.Error
    assert found.message.startswith("ecs-lint could not lint this file: ")
    assert "authorization.json" in found.message


MAIN_TF = """resource "aws_ecs_task_definition" "web" {
  family = "web"
  container_definitions = jsonencode([{ name = "web", image = var.image }])
}
"""


def variables_tf(image: str) -> str:
    return f'variable "image" {{\n  default = "{image}"\n}}\n'


async def test_a_terraform_module_s_variables_are_read_as_the_editor_holds_them(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor("--select", "EL101,EL103")
    editor.write("main.tf", MAIN_TF)
    editor.write("variables.tf", variables_tf("nginx:1.25"))
    main = editor.open("main.tf")
    (found,) = await editor.diagnostics(main, 1)
    assert found.code == "EL101"
    assert "variables.tf:2 default of var.image" in found.message
    assert found.range.start == types.Position(2, 62)  # where main.tf uses it
    variables = editor.open("variables.tf", language="terraform")
    editor.replace_all(variables, variables_tf("public.ecr.aws/docker/library/nginx:1.25"))
    editor.save(variables)
    assert await editor.diagnostics(main, 1, after=1) == []


async def test_a_fix_may_edit_the_file_the_image_is_written_in(start_editor: StartEditor) -> None:
    editor = await start_editor("--select", "EL101")
    editor.write("main.tf", MAIN_TF)
    editor.write("variables.tf", variables_tf("nginx:1.25"))
    main = editor.open("main.tf")
    await editor.diagnostics(main, 1)
    actions = await editor.code_actions(main, (2, 0), (2, 80), only=["quickfix"])
    fix = next(action for action in actions if action.title.startswith("Replace nginx:1.25"))
    assert fix.edit is not None and fix.edit.document_changes is not None
    (change,) = fix.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    # variables.tf is not open: the edit is of the file on disk (no version), at its default.
    assert change.text_document.uri == editor.uri("variables.tf")
    assert change.text_document.version is None
    (edit,) = change.edits
    assert isinstance(edit, types.TextEdit)
    assert edit.range == types.Range(types.Position(1, 13), types.Position(1, 23))
    assert edit.new_text == "public.ecr.aws/docker/library/nginx:1.25"


DEPLOYMENT = deployment("nginx:1.25")
WITHOUT_SECRETS = SERVICE_ACCOUNT.replace("imagePullSecrets: [{name: hub}]\n", "")


async def deployment_beside(start_editor: StartEditor, account: str) -> tuple[Editor, str]:
    """An editor with the Deployment ``k8s/web.yaml`` open, its ServiceAccount's file beside it
    holding ``account``."""
    editor = await start_editor("--select", "EL101,EL102")
    editor.write("k8s/service-account.yaml", account)
    editor.write("k8s/web.yaml", DEPLOYMENT)
    return editor, editor.open("k8s/web.yaml")


async def test_an_unsaved_service_account_decides_a_deployment_s_pulls(
    start_editor: StartEditor,
) -> None:
    editor, web = await deployment_beside(start_editor, SERVICE_ACCOUNT)
    assert codes(await editor.diagnostics(web, 1)) == ["EL102"]  # with the account's secret
    account = editor.open("k8s/service-account.yaml")
    # Its pull secret removed in the editor, not saved: the Deployment pulls anonymously.
    editor.replace_all(account, WITHOUT_SECRETS)
    assert codes(await editor.diagnostics(web, 1, after=1)) == ["EL101"]
    # Closed without saving: the file's text holds again.
    editor.close(account)
    assert codes(await editor.diagnostics(web, 1, after=2)) == ["EL102"]


async def test_a_service_account_restored_unsaved_decides_a_deployment_s_pulls(
    start_editor: StartEditor,
) -> None:
    editor, web = await deployment_beside(start_editor, SERVICE_ACCOUNT)
    assert codes(await editor.diagnostics(web, 1)) == ["EL102"]
    # An editor restoring a session opens the account with the text it held, not the file's.
    editor.open("k8s/service-account.yaml", WITHOUT_SECRETS)
    assert codes(await editor.diagnostics(web, 1, after=1)) == ["EL101"]


async def test_a_service_account_changed_on_disk_relints_the_deployment(
    start_editor: StartEditor,
) -> None:
    editor, web = await deployment_beside(start_editor, WITHOUT_SECRETS)
    assert codes(await editor.diagnostics(web, 1)) == ["EL101"]
    editor.write("k8s/service-account.yaml", SERVICE_ACCOUNT)  # a pull, a checkout
    editor.files_changed("k8s/service-account.yaml")
    assert codes(await editor.diagnostics(web, 1, after=1)) == ["EL102"]


async def test_a_gitignored_file_is_no_context_until_the_gitignore_changes(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor("--select", "EL101,EL102")
    (editor.root / ".git").mkdir()
    editor.write(".gitignore", "scratch/\n")
    editor.write("scratch/service-account.yaml", SERVICE_ACCOUNT)
    editor.write("k8s/web.yaml", DEPLOYMENT)
    web = editor.open("k8s/web.yaml")
    assert codes(await editor.diagnostics(web, 1)) == ["EL101"]
    editor.write(".gitignore", "")
    editor.files_changed(".gitignore")
    assert codes(await editor.diagnostics(web, 1, after=1)) == ["EL102"]


async def test_an_unsaved_tfvars_file_sets_the_root_module_s_variable(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor("--select", "EL101,EL103")
    editor.write("main.tf", 'variable "image" {\n  type = string\n}\n' + MAIN_TF)
    editor.write("terraform.tfvars", 'image = "nginx:1.25"\n')
    main = editor.open("main.tf")
    (found,) = await editor.diagnostics(main, 1)
    assert found.code == "EL101" and "nginx:1.25" in found.message
    tfvars = editor.open("terraform.tfvars", language="terraform-vars")
    editor.replace_all(tfvars, 'image = "public.ecr.aws/docker/library/nginx:1.25"\n')
    assert await editor.diagnostics(main, 1, after=1) == []


async def test_an_unsaved_compose_file_gives_the_dockerfile_its_build_args(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor("--select", "EL101")
    (editor.root / ".git").mkdir()  # the repository whose compose files may build it
    editor.write("api/Dockerfile", "ARG BASE=python:3.11\nFROM ${BASE}\n")
    compose = "services:\n  api:\n    build:\n      context: api\n      args: {BASE: '%s'}\n"
    editor.write("compose.yaml", compose % "python:3.12")
    dockerfile = editor.open("api/Dockerfile")
    (found,) = await editor.diagnostics(dockerfile, 1)
    assert "python:3.12" in found.message
    uri = editor.open("compose.yaml")
    editor.replace_all(uri, compose % "public.ecr.aws/docker/library/python:3.12")
    assert await editor.diagnostics(dockerfile, 1, after=1) == []


async def test_typing_in_a_document_relints_only_those_that_read_it(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor("--select", "EL101,EL102")
    editor.write("k8s/service-account.yaml", SERVICE_ACCOUNT)
    web = editor.open("k8s/web.yaml", DEPLOYMENT)  # a new file, not saved yet: as --stdin-filename
    (editor.root / "tools" / ".git").mkdir(parents=True)  # a repository of its own
    other = editor.open("tools/Dockerfile", "FROM nginx:1.25\n")
    assert codes(await editor.diagnostics(web, 1)) == ["EL102"]
    await editor.diagnostics(other, 1)
    account = editor.open("k8s/service-account.yaml")
    editor.replace_all(account, WITHOUT_SECRETS)
    await editor.diagnostics(web, 1, after=1)
    # A lint of the Dockerfile then would have been queued on the worker before this one.
    version = editor.edit(web, (0, 0), (0, 0), "# web\n")
    await editor.diagnostics(web, version)
    # The Dockerfile read nothing of the other repository: it was not linted again.
    assert [published.version for published in editor.publications(other)] == [1]
