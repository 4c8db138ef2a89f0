"""The repository around the files a run checks: what their findings depend on, read from it.

A file's findings must not depend on which other files the run names: pre-commit names only the
files a commit changes (and may split them across processes), CI names a directory, an editor
one file. So the facts a file's findings depend on in other files (``ContextKind``: the images
Skaffold builds in place of a pod's, a pod's service account with its pull secrets, the task
definition a service names, the roles a task names, every service behind the same NAT, the
compose file or Terraform module that decides how a Dockerfile or module is linted) are read
from the file's repository whether or not those files are named:

* the repository is the file's git work tree (the nearest directory above it holding ``.git``);
  outside git, the directory of the nearest ecs-lint configuration file above it; else the
  directory the run was given, or for a file named alone its own directory, whose own files
  only are read: that directory may be a home directory or ``/tmp``, whose trees are nobody's
  project;
* its files are those a walk of it finds (the same exclusions, ``.gitignore`` included), and a
  cheap test of their text (``SourceFormat.provides``) says which may hold a kind needed: only
  those are parsed, each once per run, as the model's ``context``. Nothing in them is reported,
  unless it lies in a file the run checks (a Terraform module read through its caller).

What a checked document needs is ``Document.context_needs`` (and, for a file another may ask for,
``ContextKind.REQUESTS``); what a context document needs in turn, only what decides the checked
files' findings (the task definitions of a service, whose pulls add up with theirs).

Every file is read once per run (``textio.reading_once``): the files named, the repository's,
those asked for (a compose service's Dockerfile, a ``.env``) share one cache by real path, and
each is parsed once.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint.config import project_directory
from ecs_lint.discover import Discovery
from ecs_lint.load import load_document
from ecs_lint.model import ContextKind
from ecs_lint.sources import formats_for, formats_named
from ecs_lint.textio import UnreadableFile, read_source

if TYPE_CHECKING:
    from ecs_lint.discover import Candidate
    from ecs_lint.model import Document, Model
    from ecs_lint.settings import Settings
    from ecs_lint.sources import SourceFormat
    from ecs_lint.textio import SourceText

_CONTEXT_OF_CONTEXT = frozenset({ContextKind.TASK_DEFINITIONS})
"""What a context document's own needs may add: a service's task definitions, whose images its
pulls count (EL150 adds them up with the checked services')."""


@dataclass(slots=True)
class RunFiles:
    """The run's file reads: discovery, each file's text and format, each repository's files."""

    settings: Settings
    discovery: Discovery = field(init=False)
    _formats: dict[str, SourceFormat | None] = field(default_factory=dict)
    _repositories: dict[str, list[Candidate]] = field(default_factory=dict)
    _projects: dict[str, str] = field(default_factory=dict)
    _alone: set[str] = field(default_factory=set)
    """The roots that are the directory of a file named alone, outside any project: their own
    files are its repository, not the trees below them."""

    def __post_init__(self) -> None:
        self.discovery = Discovery(self.settings)

    def text(self, candidate: Candidate) -> SourceText | None:
        """The text of a candidate found in a repository (``None``: it cannot be read, which
        only matters when it is checked itself). Read once per run (``textio.reading_once``)."""
        try:
            limit = self.settings.max_file_size
            return read_source(candidate.path, candidate.display, limit, candidate.real)
        except UnreadableFile:
            return None

    def format_of(self, candidate: Candidate, source: SourceText) -> SourceFormat | None:
        if candidate.real not in self._formats:
            formats = formats_for(candidate.path.name, source.text)
            self._formats[candidate.real] = formats[0] if formats else None
        return self._formats[candidate.real]

    def repository_files(self, root: str) -> list[Candidate]:
        """The candidates of the repository at ``root`` (a real path), walked once."""
        files = self._repositories.get(root)
        if files is None:
            files = self.discovery.walk(root, below=root not in self._alone)
            self._repositories[root] = files
        return files

    def repository_of(self, path: str, given: str) -> str:
        """The root of the repository ``path`` (a real path) belongs to: its git work tree,
        else the directory of its nearest configuration file, else ``given`` (the real path of
        the directory the run was given, or of the file's own directory)."""
        directory = os.path.dirname(path)
        root = self.discovery.gitignores.root_of(directory)
        if root is not None:
            return root
        project = self._projects.get(directory)
        if project is None:
            configurations = self.settings.configurations
            if configurations is not None:
                project = configurations.project_directory(directory) or ""
            else:
                found = project_directory(Path(directory), self.settings.max_file_size)
                project = str(found) if found is not None else ""
            self._projects[directory] = project
        if project:
            return os.path.realpath(project)
        if given not in self.discovery.named_directories:  # the directory of a file named
            self._alone.add(given)
        return given


Need = tuple[ContextKind, str]
"""A kind of context needed; for ``ContextKind.REQUESTS``, with the format of the file whose
askers are wanted (``""`` for the other kinds)."""


def add_context(model: Model, files: RunFiles, roots: dict[str, str]) -> None:
    """Read into ``model.context`` what the checked documents depend on in their repositories.

    ``roots`` maps the real path of each checked file to its repository's root.
    """
    loaded = set(roots)
    needs: dict[str, set[Need]] = {}
    for document in model.documents:
        root = roots.get(model.real_path(document.path))
        if root is not None:
            needs.setdefault(root, set()).update(_needs(document))
    done: dict[str, set[Need]] = {}
    while any(wanted - done.get(root, set()) for root, wanted in needs.items()):
        for root, wanted in list(needs.items()):
            new = wanted - done.setdefault(root, set())
            if not new:
                continue
            done[root] |= new
            for document in _providers(files, root, new, loaded):
                model.context.append(document)
                kinds = document.context_needs() & _CONTEXT_OF_CONTEXT
                needs[root] |= {(kind, "") for kind in kinds}


def _needs(document: Document) -> set[Need]:
    needs: set[Need] = {(kind, "") for kind in document.context_needs()}
    if document.format is not None and any(fmt.requested_by for fmt in _named(document.format)):
        needs.add((ContextKind.REQUESTS, document.format))
    return needs


def _named(format_name: str) -> list[SourceFormat]:
    from ecs_lint.sources import FORMATS

    return [fmt for fmt in FORMATS if fmt.name == format_name]


def _provides(fmt: SourceFormat, text: str | None, need: Need) -> bool:
    """Whether a file of ``fmt`` with ``text`` may give ``need``; without a text, whether any
    file of ``fmt`` may."""
    kind, requested = need
    if kind is ContextKind.REQUESTS:
        return any(fmt.may_ask_for(wanted, text) for wanted in _named(requested))
    return fmt.may_provide(kind, text)


@functools.lru_cache(maxsize=64)
def _serving(needs: frozenset[Need]) -> frozenset[int]:
    """The formats (by ``id``) whose files may give one of ``needs``: a file no such format
    claims by its name is never read (the task definitions beside a Dockerfile, when what is
    wanted is a compose file that might build it)."""
    from ecs_lint.sources import FORMATS

    return frozenset(
        id(fmt) for fmt in FORMATS if any(_provides(fmt, None, need) for need in needs)
    )


def _providers(files: RunFiles, root: str, needs: set[Need], loaded: set[str]) -> list[Document]:
    """The documents of the repository at ``root`` that may provide one of ``needs``, not
    loaded yet (each then is)."""
    found: list[Document] = []
    if files.discovery.walked(root):
        # The run walked the repository (``ecs-lint .`` at its root): each file that may
        # provide is loaded already, or was passed over as a walk passes it over.
        return found
    serving = _serving(frozenset(needs))
    for candidate in files.repository_files(root):
        if candidate.real in loaded or candidate.refused is not None:
            continue
        if not any(id(fmt) in serving for fmt in formats_named(candidate.path.name)):
            continue
        source = files.text(candidate)
        if source is None:
            continue
        fmt = files.format_of(candidate, source)
        if fmt is None or not any(_provides(fmt, source.text, need) for need in needs):
            continue
        loaded.add(candidate.real)
        settings = files.settings.for_path(candidate.display)
        result = load_document(candidate, settings, source)
        if result is not None and result[0].not_checked is None:
            found.append(result[0])
    return found
