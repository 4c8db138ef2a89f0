"""An editor driving the real ``ecs-lint server`` process over stdio, with pytest-lsp's client.

Imported as ``lsp_editor`` (tests/ is on pytest's pythonpath); the fixtures that start the server
are in tests/lsp/conftest.py.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lsprotocol import types

if TYPE_CHECKING:
    from pathlib import Path

    from pytest_lsp import LanguageClient

WAIT = 20.0
"""Seconds a test waits for the server at most (a busy 2-core machine is slow, never that slow)."""


@dataclass
class Editor:
    """The client side: open, change and save documents, ask for actions and hovers, and see
    every ``publishDiagnostics`` the server sends, in order."""

    client: LanguageClient
    root: Path
    published: list[types.PublishDiagnosticsParams] = field(default_factory=list)
    registrations: list[types.Registration] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    initialized: types.InitializeResult | None = None
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    def uri(self, name: str) -> str:
        return (self.root / name).as_uri()

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
        return path

    def open(self, name: str, text: str | None = None, language: str = "") -> str:
        """Open ``name`` with ``text`` (unsaved), or with the file's text when ``None``."""
        uri = self.uri(name) if ":" not in name else name
        if text is None:
            text = (self.root / name).read_text(encoding="utf-8")
        self.versions[uri], self.texts[uri] = 1, text
        item = types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(item))
        return uri

    def edit(self, uri: str, start: tuple[int, int], end: tuple[int, int], text: str) -> int:
        """Replace a range as an editor sends a keystroke or a paste (incrementally); returns
        the new version. The editor's own copy of the text is not kept: read ``texts`` only
        after ``replace_all``."""
        return self.send_changes(
            uri,
            [
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(*start), types.Position(*end)), text=text
                )
            ],
        )

    def replace_all(self, uri: str, text: str) -> int:
        self.texts[uri] = text
        return self.send_changes(uri, [types.TextDocumentContentChangeWholeDocument(text=text)])

    def send_changes(self, uri: str, changes: list[types.TextDocumentContentChangeEvent]) -> int:
        self.versions[uri] += 1
        document = types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri])
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(document, content_changes=changes)
        )
        return self.versions[uri]

    def save(self, uri: str) -> None:
        identifier = types.TextDocumentIdentifier(uri)
        self.client.text_document_did_save(types.DidSaveTextDocumentParams(identifier))

    def close(self, uri: str) -> None:
        identifier = types.TextDocumentIdentifier(uri)
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(identifier))

    def files_changed(self, *names: str) -> None:
        changes = [
            types.FileEvent(uri=self.uri(name), type=types.FileChangeType.Changed) for name in names
        ]
        params = types.DidChangeWatchedFilesParams(changes=changes)
        self.client.workspace_did_change_watched_files(params)

    def publications(self, uri: str) -> list[types.PublishDiagnosticsParams]:
        return [published for published in self.published if published.uri == uri]

    async def diagnostics(
        self, uri: str, version: int | None = None, *, after: int = 0
    ) -> list[types.Diagnostic]:
        """The diagnostics of the first publication for ``uri`` past its first ``after`` ones
        (of ``version`` when given), waiting for it."""

        def arrived() -> list[types.Diagnostic] | None:
            for published in self.publications(uri)[after:]:
                if version is None or published.version == version:
                    return list(published.diagnostics)
            return None

        return await self.until(arrived, f"diagnostics of {uri} (version {version})")

    async def until(self, found: Callable[[], Any | None], what: str) -> Any:
        """Wait until ``found()`` gives something else than ``None`` (it reads what the server
        sent: publications, registrations, log messages), and return it."""
        deadline = asyncio.get_running_loop().time() + WAIT
        while (result := found()) is None:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no {what} within {WAIT} s")
            async with self._arrived:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), 0.05)
        return result

    async def record(self, params: types.PublishDiagnosticsParams) -> None:
        async with self._arrived:
            self.published.append(params)
            self._arrived.notify_all()

    async def register(self, params: types.RegistrationParams) -> None:
        async with self._arrived:
            self.registrations.extend(params.registrations)
            self._arrived.notify_all()

    async def code_actions(
        self, uri: str, start: tuple[int, int], end: tuple[int, int], only: list[str] | None = None
    ) -> list[types.CodeAction]:
        where = types.Range(types.Position(*start), types.Position(*end))
        context = types.CodeActionContext(diagnostics=[], only=only)
        params = types.CodeActionParams(types.TextDocumentIdentifier(uri), where, context)
        actions = await self.client.text_document_code_action_async(params)
        return [action for action in actions or [] if isinstance(action, types.CodeAction)]

    async def hover(self, uri: str, line: int, character: int) -> types.Hover | None:
        position = types.Position(line, character)
        params = types.HoverParams(types.TextDocumentIdentifier(uri), position)
        return await self.client.text_document_hover_async(params)

    def apply(self, uri: str, action: types.CodeAction) -> int:
        """Send the action's edits of ``uri`` back as the editor applies them; the new version."""
        assert action.edit is not None
        if action.edit.document_changes is not None:
            edits = [
                edit
                for change in action.edit.document_changes
                if isinstance(change, types.TextDocumentEdit)
                and change.text_document.uri == uri
                and change.text_document.version == self.versions[uri]
                for edit in change.edits
            ]
        else:
            edits = list((action.edit.changes or {}).get(uri, []))
        assert edits, action
        changes: list[types.TextDocumentContentChangeEvent] = [
            types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)
            for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))
            if isinstance(edit, types.TextEdit)
        ][::-1]  # last first: each edit's range stays true for the text before it
        return self.send_changes(uri, changes)


def line_of(text: str, needle: str) -> tuple[int, int, int]:
    """The 0-based line of ``needle`` in ``text`` and its code-point columns (start, end)."""
    for number, line in enumerate(text.split("\n")):
        column = line.find(needle)
        if column >= 0:
            return number, column, column + len(needle)
    raise AssertionError(f"{needle!r} not in the text")


StartEditor = Callable[..., Awaitable[Editor]]
"""The ``start_editor`` fixture: ``await start_editor(*server_args, client=..., env=...)``."""
