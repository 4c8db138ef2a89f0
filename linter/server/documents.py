"""The documents an editor has open: their unsaved text, version and the file they stand for.

A document is linted as the file its URI names would be (``ecs-lint PATH``), with its unsaved text
in place of the file's; one without a file (an editor's new, untitled buffer) is read as a file of
its language would be. Which documents are ecs-lint's is decided as a directory walk decides (the
file name, then a look at the content): an editor may send every YAML or JSON file it opens.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from ecs_lint.sources import formats_for
from ecs_lint.textio import BOM

# The name a buffer without a file is read as, by the editor's language identifier: its format
# is then chosen by that name and the content, as for a file so named.
LANGUAGE_FILE_NAMES: Final = {
    "dockerfile": "Dockerfile",
    "containerfile": "Containerfile",
    "dockercompose": "compose.yaml",
    "terraform": "main.tf",
    "hcl": "main.tf",
    "yaml": "untitled.yaml",
    "json": "untitled.json",
    "jsonc": "untitled.json",
}


@dataclass(slots=True)
class OpenDocument:
    """An open document as the editor last sent it."""

    uri: str
    text: str
    version: int
    language: str = ""

    @property
    def path(self) -> Path | None:
        """The file the document stands for; ``None`` for a buffer without one."""
        return path_of(self.uri)

    @property
    def display(self) -> str:
        """The document's path as ecs-lint's findings and messages name it: relative to the
        working directory (the workspace) when inside it, as on the command line; the URI
        itself for a buffer without a file."""
        path = self.path
        if path is None:
            return self.uri
        relative = os.path.relpath(path)
        return relative if not relative.startswith("..") else str(path)

    @property
    def format_name(self) -> str | None:
        """The file name its format is chosen by (its own, else its language's), or ``None``
        when no format of ecs-lint claims the document."""
        path = self.path
        names = [path.name] if path is not None else []
        if self.language.lower() in LANGUAGE_FILE_NAMES:
            names.append(LANGUAGE_FILE_NAMES[self.language.lower()])
        text = self.text.removeprefix(BOM)  # as a file's text is read
        return next((name for name in names if formats_for(name, text)), None)


def path_of(uri: str) -> Path | None:
    """The local path of a ``file:`` URI; ``None`` for any other scheme (``untitled:``)."""
    parts = urlsplit(uri)
    if parts.scheme != "file":
        return None
    if parts.netloc and parts.netloc != "localhost":  # a UNC share: \\host\share\...
        return Path(url2pathname(f"//{parts.netloc}{parts.path}"))
    return Path(url2pathname(parts.path) if os.name == "nt" else unquote(parts.path))
