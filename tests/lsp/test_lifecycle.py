"""The server's life: started by an editor, told to stop (or left by it), and typing that comes
faster than lints."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from lsp_editor import StartEditor

pytestmark = pytest.mark.asyncio


async def exit_status(process: asyncio.subprocess.Process | None) -> int:
    assert process is not None
    return await asyncio.wait_for(process.wait(), 20)


async def test_shutdown_then_exit_ends_the_process_with_status_0(
    start_editor: StartEditor,
) -> None:
    editor = await start_editor()
    uri = editor.open("Dockerfile", "FROM nginx:1.25\n")
    await editor.diagnostics(uri, 1)
    await editor.client.shutdown_async(None)
    editor.client.exit(None)
    assert await exit_status(editor.client._server) == 0


async def test_exit_without_shutdown_ends_with_status_1(start_editor: StartEditor) -> None:
    editor = await start_editor()
    editor.client.exit(None)
    assert await exit_status(editor.client._server) == 1


async def test_the_server_ends_when_the_editor_goes_away(start_editor: StartEditor) -> None:
    editor = await start_editor()
    uri = editor.open("Dockerfile", "FROM nginx:1.25\n")
    await editor.diagnostics(uri, 1)
    process = editor.client._server
    assert process is not None and process.stdin is not None
    process.stdin.close()  # the editor died: no shutdown, no exit
    assert await exit_status(process) == 1


async def test_a_burst_of_keystrokes_is_linted_once_at_its_end(start_editor: StartEditor) -> None:
    editor = await start_editor("--select", "EL101")
    uri = editor.open("Dockerfile", "FROM \n")
    await editor.diagnostics(uri, 1)
    typed = "nginx:1.25"
    for column, character in enumerate(typed, start=5):
        last = editor.edit(uri, (0, column), (0, column), character)
    found = await editor.diagnostics(uri, last)
    assert [(d.code, d.range.end.character) for d in found] == [("EL101", 5 + len(typed))]
    versions = [published.version for published in editor.publications(uri)]
    # Each stale version's lint was dropped: far fewer lints than keystrokes were published,
    # in order, and none after the last version's.
    assert versions == sorted(versions) and versions[-1] == last
    assert len(versions) < len(typed) // 2
    await editor.hover(uri, 0, 6)  # the server is idle again: nothing more comes
    assert [published.version for published in editor.publications(uri)] == versions
