"""Code actions and hovers: each fix as a quick fix (safe ones preferred), an ignore comment where
the format has comments, every safe fix of the file at once, and what ecs-lint knows of an image.

The editor applies an action as a real one does: it sends the action's edits back as changes,
and the server lints the result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from lsprotocol import types

if TYPE_CHECKING:
    from lsp_editor import Editor, StartEditor
    from servers.gallery_server import GalleryServer

pytestmark = pytest.mark.asyncio

FIX_ALL = "source.fixAll.ecs-lint"


def titled(actions: list[types.CodeAction], start: str) -> list[types.CodeAction]:
    return [action for action in actions if action.title.startswith(start)]


def only_edit(action: types.CodeAction) -> types.TextEdit:
    assert action.edit is not None and action.edit.document_changes is not None
    (change,) = action.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    (edit,) = change.edits
    assert isinstance(edit, types.TextEdit)
    return edit


async def test_a_catalog_fix_is_offered_but_not_preferred(start_editor: StartEditor) -> None:
    editor = await start_editor("--select", "EL101")
    uri = editor.open("Dockerfile", "FROM nginx:1.25 AS web\n")
    (found,) = await editor.diagnostics(uri, 1)
    actions = await editor.code_actions(uri, (0, 7), (0, 7))
    (fix,) = titled(actions, "Replace nginx:1.25")
    # Offline the answer is the embedded catalog's: the tag was not checked, so the fix is unsafe.
    assert fix.kind == types.CodeActionKind.QuickFix
    assert not fix.is_preferred
    assert fix.title.endswith("[unsafe]")
    assert list(fix.diagnostics or ()) == [found]
    edit = only_edit(fix)
    assert edit.range == found.range
    assert edit.new_text == "public.ecr.aws/docker/library/nginx:1.25"
    # Nothing safe to apply: no fix-all action either.
    assert await editor.code_actions(uri, (0, 0), (0, 0), only=[FIX_ALL]) == []
    version = editor.apply(uri, fix)
    assert await editor.diagnostics(uri, version) == []


async def test_actions_are_only_for_findings_in_the_range(start_editor: StartEditor) -> None:
    editor = await start_editor("--select", "EL101")
    uri = editor.open("Dockerfile", "FROM nginx:1.25\nRUN make\nFROM redis:7.2\n")
    await editor.diagnostics(uri, 1)
    actions = await editor.code_actions(uri, (2, 0), (2, 14), only=["quickfix"])
    assert [action.title.split(" with ")[0] for action in actions] == [
        "Replace redis:7.2",
        "Ignore EL101 here (# ecs-lint: ignore=EL101)",
    ]
    assert await editor.code_actions(uri, (1, 0), (1, 8)) == []


async def test_ignoring_a_rule_here_writes_the_directive_before_the_instruction(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor("--select", "EL101,EL105,EL901")
    uri = editor.open("Dockerfile", "FROM alpine:3.20\n\nFROM nginx\nRUN make\n")
    assert [d.code for d in await editor.diagnostics(uri, 1)] == ["EL101", "EL101", "EL105"]
    actions = await editor.code_actions(uri, (2, 7), (2, 7))
    (ignore_hub,) = titled(actions, "Ignore EL101 here")
    (ignore_tag,) = titled(actions, "Ignore EL105 here")
    assert ignore_hub.kind == types.CodeActionKind.QuickFix and not ignore_hub.is_preferred
    assert only_edit(ignore_hub) == types.TextEdit(
        types.Range(types.Position(2, 0), types.Position(2, 0)), "# ecs-lint: ignore=EL101\n"
    )
    version = editor.apply(uri, ignore_hub)
    # The directive covers that instruction only: its EL105 and the first FROM stay.
    found = await editor.diagnostics(uri, version)
    assert [(d.code, d.range.start.line) for d in found] == [("EL101", 0), ("EL105", 3)]
    assert ignore_tag.edit is not None


@pytest.mark.parametrize(
    ("name", "text", "line", "comment"),
    [
        pytest.param(
            "compose.yaml",
            "services:\n  web:\n    image: nginx:1.25\n    ports: ['80:80']\n",
            2,
            "    # ecs-lint: ignore=EL101\n",
            id="compose",
        ),
        pytest.param(
            "deployment.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n"
            "    - name: web\n      image: nginx:1.25\n",
            7,
            "      # ecs-lint: ignore=EL101\n",
            id="kubernetes",
        ),
        pytest.param(
            "Dockerfile",
            "FROM scratch\r\n  FROM nginx:1.25\r\n",
            1,
            "  # ecs-lint: ignore=EL101\r\n",
            id="dockerfile-crlf",
        ),
    ],
)
async def test_the_ignore_comment_takes_the_line_s_indentation_and_line_break(
    start_editor: StartEditor, name: str, text: str, line: int, comment: str
) -> None:
    editor = await start_editor("--select", "EL101,EL900,EL901")
    uri = editor.open(name, text)
    assert [d.code for d in await editor.diagnostics(uri, 1)] == ["EL101"]
    (ignore,) = titled(await editor.code_actions(uri, (line, 0), (line, 80)), "Ignore EL101")
    at = types.Position(line, 0)
    assert only_edit(ignore) == types.TextEdit(types.Range(at, at), comment)
    version = editor.apply(uri, ignore)
    assert await editor.diagnostics(uri, version) == []  # suppressed, and the comment is used


async def test_a_format_without_comments_offers_no_ignore_comment(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor("--select", "EL101")
    text = '{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx:1.25"}]}'
    uri = editor.open("web-task-definition.json", text)
    await editor.diagnostics(uri, 1)
    actions = await editor.code_actions(uri, (0, 0), (0, len(text)))
    assert [action.title.split(" ")[0] for action in actions] == ["Replace"]


async def test_a_file_that_could_not_be_parsed_offers_no_fix(start_editor: StartEditor) -> None:
    editor = await start_editor("--select", "EL101,EL900")
    # The second service's YAML is broken: what was parsed may not be what is there.
    uri = editor.open("compose.yaml", "services:\n  web:\n    image: nginx:1.25\n  db: [\n")
    assert [d.code for d in await editor.diagnostics(uri, 1)] == ["EL900"]
    assert await editor.code_actions(uri, (0, 0), (4, 0)) == []


async def refined(editor: Editor, uri: str, needle: str) -> list[types.Diagnostic]:
    """The diagnostics once the gallery's answers are in (a message says ``needle``)."""

    def with_answers() -> list[types.Diagnostic] | None:
        for published in editor.publications(uri):
            if any(needle in diagnostic.message for diagnostic in published.diagnostics):
                return list(published.diagnostics)
        return None

    return await editor.until(with_answers, f"diagnostics of {uri} saying {needle!r}")


async def test_verified_fixes_are_preferred_and_fix_all_applies_them(
    start_editor: StartEditor, gallery: GalleryServer
) -> None:
    editor = await start_editor("--select", "EL101")
    text = "FROM nginx:1.25.3 AS web\nFROM python:3.12-slim\nFROM clearlinux\n"
    uri = editor.open("Dockerfile", text)
    first = await editor.diagnostics(uri, 1)
    assert all("catalog" in d.message or "no ECR Public" in d.message for d in first)
    found = await refined(editor, uri, "identical")
    assert [d.range.start.line for d in found] == [0, 1, 2]
    actions = await editor.code_actions(uri, (0, 6), (0, 6), only=["quickfix"])
    (nginx,) = titled(actions, "Replace nginx:1.25.3")
    assert nginx.is_preferred and not nginx.title.endswith("[unsafe]")
    assert only_edit(nginx).new_text == "public.ecr.aws/docker/library/nginx:1.25.3"
    (fix_all,) = await editor.code_actions(uri, (0, 0), (0, 0), only=["source.fixAll"])
    assert fix_all.kind == FIX_ALL
    assert fix_all.edit is not None and fix_all.edit.document_changes is not None
    (change,) = fix_all.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    assert change.text_document.version == 1  # the client refuses it once the text changed
    assert [edit.new_text for edit in change.edits if isinstance(edit, types.TextEdit)] == [
        "public.ecr.aws/docker/library/nginx:1.25.3",
        "public.ecr.aws/docker/library/python:3.12-slim",
    ]
    version = editor.apply(uri, fix_all)
    # clearlinux has no ECR Public equivalent: it stays.
    left = await editor.diagnostics(uri, version)
    assert [(d.code, d.range.start.line) for d in left] == [("EL101", 2)]


async def test_fix_all_is_offered_to_a_client_asking_for_source_actions(
    start_editor: StartEditor, gallery: GalleryServer
) -> None:
    editor = await start_editor("--select", "EL101")
    uri = editor.open("compose.yaml", "services:\n  web:\n    image: nginx:1.25.3\n")
    await refined(editor, uri, "identical")
    (fix_all,) = await editor.code_actions(uri, (0, 0), (0, 0), only=["source"])
    assert fix_all.kind == FIX_ALL
    assert await editor.code_actions(uri, (0, 0), (0, 0), only=["refactor"]) == []


async def test_hover_on_an_image_says_what_ecs_lint_knows(start_editor: StartEditor) -> None:
    editor = await start_editor()
    text = (
        "ARG TAG\nFROM nginx:1.25 AS web\nFROM public.ecr.aws/docker/library/redis:7.2\n"
        "FROM python:${TAG}\nRUN make\n"
    )
    uri = editor.open("Dockerfile", text)
    await editor.diagnostics(uri, 1)
    hover = await editor.hover(uri, 1, 8)
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.range == types.Range(types.Position(1, 5), types.Position(1, 15))
    value = hover.contents.value
    assert "Registry: Docker Hub (`docker.io`)" in value
    assert "Normalized: `docker.io/library/nginx:1.25`" in value
    assert "Pulled anonymously" in value
    assert "ECR Public: `public.ecr.aws/docker/library/nginx:1.25`, catalog" in value
    hover = await editor.hover(uri, 2, 20)
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "Registry: Amazon ECR Public (`public.ecr.aws`)" in hover.contents.value
    assert "ECR Public:" not in hover.contents.value
    hover = await editor.hover(uri, 3, 9)
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "depends on `TAG`" in hover.contents.value
    assert await editor.hover(uri, 4, 2) is None  # RUN make: no image there


async def test_hover_gives_the_gallery_s_evidence_once_looked_up(
    start_editor: StartEditor, gallery: GalleryServer
) -> None:
    editor = await start_editor("--select", "EL101")
    uri = editor.open("Dockerfile", "FROM nginx:1.25.3\n")
    await refined(editor, uri, "identical")
    hover = await editor.hover(uri, 0, 6)
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "`public.ecr.aws/docker/library/nginx:1.25.3`, identical" in hover.contents.value
    assert "digests equal" in hover.contents.value
