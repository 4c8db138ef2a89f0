"""The language server: the protocol's messages (pygls), and when each document is linted.

Typing never waits for ecs-lint. The protocol is served on the event loop; lints run one at a
time on a worker thread (the engine's caches are not shared between threads), and look-ups on
threads of their own. A document is linted :data:`DEBOUNCE` seconds after its last change, and a
lint of a version that is no longer the document's is dropped (before it starts when it can,
and its diagnostics are never published). Diagnostics come first from what is known without the
network (the session's answers and the embedded catalog); the Docker Hub images the gallery has
not answered yet are then looked up in the background and the documents using them linted again
(:mod:`ecs_lint.server.lookups`), so a slow or unreachable gallery never holds back diagnostics.

Each lint is a run of ``ecs-lint`` in the workspace's root naming the document's file
(:mod:`ecs_lint.server.linting`): the same configuration of each file, the same repository
context, with the open documents' texts standing for their files. So a change of a document lints
again, besides itself, the open documents whose last lint read its file (a Deployment whose
ServiceAccount is being edited); a save, and a change of a file the client watches (a
ServiceAccount, a module's ``.tf`` file, a ``.gitignore``, a configuration file), lint every
other open document again: what they read, or which files are their context, may have changed.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
import sys
import threading
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final, NoReturn, TypeVar

from lsprotocol import types
from pygls.lsp.server import LanguageServer

from ecs_lint import __version__
from ecs_lint.rule import Services
from ecs_lint.server import protocol
from ecs_lint.server.documents import OpenDocument, path_of
from ecs_lint.server.linting import DocumentLint, ProjectSettings, lint_document
from ecs_lint.server.lookups import Equivalents
from ecs_lint.server.text import UTF16, apply_change
from ecs_lint.sources import FORMATS

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from pathlib import Path

    from ecs_lint.model import ImageUse
    from ecs_lint.settings import Settings

T = TypeVar("T")

DEBOUNCE: Final = 0.05
"""Seconds after a document's last change before it is linted: keystrokes in a burst make one
lint, and the first change after a pause is checked at once."""
CONTEXT_DELAY: Final = 0.2
"""Seconds before the other open documents are linted again after a save or a watched change,
or those that read a document after its change (after its own lint: typing there comes first)."""
WATCHER_ID: Final = "ecs-lint-watched-files"
CONTEXT_FILES: Final = (
    ".ecs-lint.toml",
    "pyproject.toml",
    ".env",
    "*.tfvars",
    "*.tfvars.json",
    "*.tftpl",
    ".gitignore",
    ".git/info/exclude",
)
"""Files read for a document's context or settings that no format claims by name (the
configuration, a compose file's ``.env``, Terraform's variable files and templates), and those
deciding which files are context (``.gitignore``)."""

log = logging.getLogger(__name__)


class Session:
    """The state of one editing session: the open documents, their last lints, the work pending."""

    def __init__(self, server: LanguageServer, options: Mapping[str, Any]) -> None:
        self.server = server
        self.settings = ProjectSettings(options)
        self.equivalents = Equivalents()
        self.documents: dict[str, OpenDocument] = {}
        self.lints: dict[str, DocumentLint] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        self.background: set[asyncio.Future[None]] = set()
        """Look-ups under way (kept here: the event loop keeps only weak references)."""
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ecs-lint-lint")
        self.encoding = UTF16
        self.shut_down = False
        self._said: set[str] = set()

    def register(self) -> None:
        """Register every handler with the server."""
        kinds = [types.CodeActionKind.QuickFix, protocol.FIX_ALL]
        actions = types.CodeActionOptions(code_action_kinds=kinds, resolve_provider=False)
        handlers: list[tuple[str, Callable[[Any], Any], object]] = [
            (types.INITIALIZE, self.initialize, None),
            (types.INITIALIZED, self.initialized, None),
            (types.SHUTDOWN, self.shutdown, None),
            (types.TEXT_DOCUMENT_DID_OPEN, self.did_open, None),
            (types.TEXT_DOCUMENT_DID_CHANGE, self.did_change, None),
            (types.TEXT_DOCUMENT_DID_SAVE, self.did_save, None),
            (types.TEXT_DOCUMENT_DID_CLOSE, self.did_close, None),
            (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, self.did_change_watched_files, None),
            (types.TEXT_DOCUMENT_CODE_ACTION, self.code_action, actions),
            (types.TEXT_DOCUMENT_HOVER, self.hover, None),
        ]
        for method, handler, options in handlers:
            self.server.feature(method, options)(_function(handler))

    # --- Life cycle -------------------------------------------------------------------------

    def initialize(self, params: types.InitializeParams) -> None:
        """Agree on the position encoding, and work from the workspace's root: relative paths
        in messages, the files a document may ask to read, are the command line's there."""
        encoding = self.server.workspace.position_encoding
        self.encoding = str(getattr(encoding, "value", encoding) or UTF16)
        folders = params.workspace_folders or []
        root_uri = folders[0].uri if folders else params.root_uri
        root = path_of(root_uri) if root_uri else None
        if root is not None and root.is_dir():
            os.chdir(root)

    async def initialized(self, params: types.InitializedParams) -> None:
        """Ask the client to report changes of the files a lint may read (when it can)."""
        capabilities = self.server.client_capabilities.workspace
        watching = capabilities.did_change_watched_files if capabilities is not None else None
        if watching is None or not watching.dynamic_registration:
            return
        names = sorted({pattern for fmt in FORMATS for pattern in fmt.name_patterns})
        watchers = [
            types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in (*names, *CONTEXT_FILES)
        ]
        registration = types.Registration(
            id=WATCHER_ID,
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
        )
        try:
            await self.server.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            )
        except Exception as error:  # the client refused: documents are still linted
            self._log(f"could not watch files for changes: {error}", types.MessageType.Warning)

    def shutdown(self, params: None) -> None:
        self.shut_down = True
        self.close()

    def close(self) -> None:
        for task in self.pending.values():
            task.cancel()
        self.pending.clear()
        self.worker.shutdown(wait=False, cancel_futures=True)

    # --- Documents ---------------------------------------------------------------------------

    def did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        self.documents[item.uri] = OpenDocument(item.uri, item.text, item.version, item.language_id)
        self.schedule(item.uri, 0)
        self.lint_dependents(item.uri, unless_saved=True)  # a restored session's unsaved text

    def did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        document = self.documents.get(params.text_document.uri)
        if document is None:
            return  # never opened: nothing to lint
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start = (change.range.start.line, change.range.start.character)
                end = (change.range.end.line, change.range.end.character)
                document.text = apply_change(document.text, self.encoding, start, end, change.text)
            else:
                document.text = change.text
        document.version = params.text_document.version
        self.schedule(document.uri, DEBOUNCE)
        self.lint_dependents(document.uri)

    def did_save(self, params: types.DidSaveTextDocumentParams) -> None:
        # The file saved may be a configuration file, or one another document reads: with an
        # editor that watches no files for the server, a save is the only news of it.
        self.lint_others(params.text_document.uri)

    def did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        self.lint_dependents(uri, unless_saved=True)  # they read the file again, not the text
        self.documents.pop(uri, None)
        self.lints.pop(uri, None)
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )

    def did_change_watched_files(self, params: types.DidChangeWatchedFilesParams) -> None:
        self.lint_others(None)

    def lint_others(self, changed: str | None) -> None:
        """Lint again every open document but ``changed``: what it reads may have changed."""
        for uri in list(self.documents):
            if uri != changed:
                self.schedule(uri, CONTEXT_DELAY)

    def lint_dependents(self, changed: str, *, unless_saved: bool = False) -> None:
        """Lint again the other open documents whose last lint read the file of ``changed``,
        whose text in the editor has changed (``unless_saved``: when it is not the file's)."""
        document = self.documents.get(changed)
        path = document.path if document is not None else None
        if document is None or path is None or (unless_saved and _saved(document, path)):
            return
        real = os.path.realpath(path)
        for uri, lint in list(self.lints.items()):
            if uri != changed and real in lint.reads:
                self.schedule(uri, CONTEXT_DELAY)

    # --- Linting -----------------------------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> asyncio.Task[None]:
        """Lint ``uri`` after ``delay`` seconds, in place of any lint of it not published yet."""
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        task = asyncio.ensure_future(self._lint_after(uri, delay))
        self.pending[uri] = task
        task.add_done_callback(lambda done: self._forget_task(uri, done))
        return task

    def _forget_task(self, uri: str, task: asyncio.Task[None]) -> None:
        if self.pending.get(uri) is task:
            del self.pending[uri]

    async def _lint_after(self, uri: str, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        document = self.documents.get(uri)
        if document is None:
            return
        snapshot = replace(document)  # the worker lints this version, whatever comes meanwhile
        unsaved = self._unsaved()
        versions = {key: open_document.version for key, open_document in self.documents.items()}
        loop = asyncio.get_running_loop()
        lint = await loop.run_in_executor(self.worker, self._lint, document, snapshot, unsaved)
        if lint is None or self._stale(document, snapshot.version):
            return
        lint.versions = versions
        self.lints[uri] = lint
        self._say(self.equivalents.problems)
        for notice in lint.notices:
            self._log_once(notice)
        placer = protocol.Placer.of(lint, self.encoding)
        diagnostics = protocol.diagnostics(lint, placer)
        self.server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=lint.version)
        )
        if lint.settings is not None:
            wanted = self.equivalents.to_look_up(lint.images, lint.settings)
            if wanted:
                look_up = asyncio.ensure_future(self._look_up(wanted, lint.settings))
                self.background.add(look_up)
                look_up.add_done_callback(self.background.discard)
        if self._read_changed(uri, lint):
            self.schedule(uri, CONTEXT_DELAY)

    def _read_changed(self, uri: str, lint: DocumentLint) -> bool:
        """Whether another document whose file ``lint`` read was changed, opened or closed in
        the editor while it ran (before a lint of ``uri`` said which files it reads)."""
        current = {key: document.version for key, document in self.documents.items()}
        for key in (lint.versions.keys() | current.keys()) - {uri}:
            if lint.versions.get(key) != current.get(key):
                path = path_of(key)
                if path is not None and os.path.realpath(path) in lint.reads:
                    return True
        return False

    def _unsaved(self) -> dict[str, str]:
        """Every open document's text, by the real path of its file."""
        texts: dict[str, str] = {}
        for document in self.documents.values():
            path = document.path
            if path is not None:
                texts[os.path.realpath(path)] = document.text
        return texts

    def _stale(self, document: OpenDocument, version: int) -> bool:
        """Whether ``version`` of ``document`` is no longer what the editor has open (a newer
        version came, or the document was closed, and maybe opened again)."""
        return self.documents.get(document.uri) is not document or document.version != version

    def _lint(
        self, document: OpenDocument, snapshot: OpenDocument, unsaved: dict[str, str]
    ) -> DocumentLint | None:
        """On the worker thread: the lint of ``snapshot`` (a version of ``document``);
        ``None`` when it is stale already."""
        if self._stale(document, snapshot.version):
            return None
        from ecs_lint.config import ConfigError
        from ecs_lint.convert import BadValue

        lint = DocumentLint(snapshot.version, snapshot.text)
        try:
            settings = self.settings.for_run()
            services = Services(ecr_public=self.equivalents.for_lint(settings))
            return lint_document(snapshot, settings, services, unsaved)
        except (ConfigError, BadValue) as error:  # the message names the file and the key
            lint.problem = f"ecs-lint cannot use its configuration: {error}"
            return lint
        except Exception as error:
            from ecs_lint.cli.common import policy_or_aws_failure

            message = policy_or_aws_failure(error)
            if message is None:
                log.error("lint of %s failed:\n%s", snapshot.uri, traceback.format_exc())
                message = f"internal error ({type(error).__name__}: {error}); please report it"
            lint.problem = f"ecs-lint could not lint this file: {message}"
            return lint

    async def _look_up(self, uses: list[ImageUse], settings: Settings) -> None:
        """Ask the gallery about ``uses`` in the background, then lint again the documents
        using an image it answered."""
        warnings, answered = await _on_daemon_thread(
            lambda: self.equivalents.look_up(uses, settings)
        )
        for warning in warnings:
            self._log(warning, types.MessageType.Warning)
        if not answered:
            return
        for uri, lint in list(self.lints.items()):
            if any(str(use.reference) in answered for use in lint.images):
                self.schedule(uri, 0)

    async def current_lint(self, uri: str) -> DocumentLint | None:
        """The lint of the document's current version, waiting for it if it is under way."""
        for _ in range(3):  # a change while waiting means one more lint; typing may go on
            document = self.documents.get(uri)
            if document is None:
                return None
            lint = self.lints.get(uri)
            if lint is not None and lint.version == document.version:
                return lint
            task = self.pending.get(uri) or self.schedule(uri, 0)
            await asyncio.wait([task])
        return None

    # --- Requests ----------------------------------------------------------------------------

    async def code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri
        lint = await self.current_lint(uri)
        if lint is None:
            return None
        edits = self.server.client_capabilities.workspace
        versioned = bool(edits and edits.workspace_edit and edits.workspace_edit.document_changes)
        placer = protocol.Placer.of(lint, self.encoding)
        context = protocol.ActionContext(lint, placer, uri, versioned_edits=versioned)
        only = params.context.only
        kinds = None if only is None else [str(getattr(kind, "value", kind)) for kind in only]
        return protocol.code_actions(context, params.range, kinds)

    async def hover(self, params: types.HoverParams) -> types.Hover | None:
        lint = await self.current_lint(params.text_document.uri)
        if lint is None:
            return None
        hover = self.server.client_capabilities.text_document
        formats = hover.hover.content_format if hover and hover.hover else None
        markdown = formats is None or types.MarkupKind.Markdown in formats
        placer = protocol.Placer.of(lint, self.encoding)
        return protocol.hover(lint, placer, params.position, markdown)

    # --- Messages ----------------------------------------------------------------------------

    def _log(self, message: str, kind: types.MessageType) -> None:
        self.server.window_log_message(types.LogMessageParams(type=kind, message=message))

    def _log_once(self, message: str) -> None:
        """Log ``message`` once in the session (a notice about a configuration file)."""
        if message not in self._said:
            self._said.add(message)
            self._log(message, types.MessageType.Warning)

    def _say(self, messages: list[str]) -> None:
        """Show each message once in the session (a configuration that turns look-ups off)."""
        for message in messages:
            if message not in self._said:
                self._said.add(message)
                self.server.window_show_message(
                    types.ShowMessageParams(type=types.MessageType.Warning, message=message)
                )


def _saved(document: OpenDocument, path: Path) -> bool:
    """Whether the document's text is its file's (opened, or closed, with nothing unsaved)."""
    try:
        return path.read_bytes() == document.text.encode("utf-8", "surrogatepass")
    except OSError:  # gone, or never saved: the lints that read it read no text of it
        return False


def _function(method: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A plain function calling ``method`` (pygls marks what it registers, which a bound method
    cannot be), a coroutine function for a coroutine method."""
    if inspect.iscoroutinefunction(method):

        async def call_async(params: Any) -> Any:
            return await method(params)

        return call_async

    def call(params: Any) -> Any:
        return method(params)

    return call


def _on_daemon_thread(compute: Callable[[], T]) -> asyncio.Future[T]:
    """``compute()`` on a daemon thread: a look-up still waiting on the network when the editor
    quits never holds the process (the look-up budget bounds it anyway)."""
    outcome: Future[T] = Future()

    def run() -> None:
        try:
            outcome.set_result(compute())
        except BaseException as error:
            outcome.set_exception(error)

    threading.Thread(target=run, name="ecs-lint-lookups", daemon=True).start()
    return asyncio.wrap_future(outcome)


def run(options: Mapping[str, Any]) -> NoReturn:
    """Serve the protocol on stdin/stdout until the client says ``exit`` or goes away; exit
    status 0 after a ``shutdown`` request, 1 otherwise (as the protocol says)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="ecs-lint: %(message)s")
    server = LanguageServer(
        "ecs-lint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental
    )
    session = Session(server, options)
    session.register()
    try:
        server.start_io()
    finally:
        session.close()
    sys.exit(0 if session.shut_down else 1)
