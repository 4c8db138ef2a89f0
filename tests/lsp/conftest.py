"""Fixtures starting the real ``ecs-lint server`` process, as an editor does, for each test.

Each test starts the server as an editor would (``python -m ecs_lint server``, in a workspace
directory of its own, with the test's environment: offline and a private cache, unless the
``gallery`` fixture points look-ups at the local gallery server), speaks to it with the
capabilities a real editor sends (pytest-lsp records VS Code's, Neovim's and Emacs's), and shuts
it down.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import pytest_asyncio
from lsp_editor import Editor
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Awaitable, Callable
    from pathlib import Path


@pytest_asyncio.fixture
async def start_editor(tmp_path: Path) -> AsyncIterator[Callable[..., Awaitable[Editor]]]:
    """Start ``ecs-lint server ARGS`` with the environment of the test (``env`` added) and
    initialise it as the editor ``client`` (pytest-lsp's recorded capabilities) would, in the
    workspace ``tmp_path``."""
    started: list[Editor] = []

    async def start(
        *args: str, client: str = "visual-studio-code", env: dict[str, str] | None = None
    ) -> Editor:
        language_client = LanguageClient(converter_factory=default_converter)
        editor = Editor(language_client, tmp_path)

        async def publish(_: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
            await editor.record(params)

        async def register(_: LanguageClient, params: types.RegistrationParams) -> None:
            await editor.register(params)

        features = {
            **DEFAULT_CLIENT_FEATURES,
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
            types.CLIENT_REGISTER_CAPABILITY: register,
        }
        register_lsp_features(language_client, features)
        command = [sys.executable, "-m", "ecs_lint", "server", *args]
        await language_client.start_io(
            *command, env={**os.environ, **(env or {})}, cwd=str(tmp_path)
        )
        started.append(editor)
        params = types.InitializeParams(
            capabilities=client_capabilities(client),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="project")],
        )
        editor.initialized = await language_client.initialize_session(params)
        return editor

    yield start
    for editor in started:
        if editor.client._server is not None and editor.client._server.returncode is None:
            await editor.client.shutdown_session()
        await editor.client.stop()
