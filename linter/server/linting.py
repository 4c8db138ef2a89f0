"""Linting one open document as the command line lints its file, with the editor's unsaved text.

:func:`lint_document` runs the engine (``load_model`` then ``lint_model``) on the document's
path, with every open document's unsaved text standing for its file
(:func:`ecs_lint.textio.unsaved_texts`): the document itself and whatever is read for its context
(the other ``.tf`` files of its module, the ``.env`` beside a Compose file...). The findings of
other files the run reads are left to those files' own lints. The lint remembers which files it
read (:attr:`DocumentLint.reads`): an unsaved change of one of them calls for a lint again.
Nothing here knows the protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecs_lint.engine import RunResult, lint_model, load_model
from ecs_lint.load import GivenText, parse_text, statements_of, unreadable_document
from ecs_lint.model import ProblemKind
from ecs_lint.textio import SourceText, UnreadableFile, decode_source, unsaved_texts

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ecs_lint.findings import Finding
    from ecs_lint.gallery.service import EcrPublicEquivalents
    from ecs_lint.model import ImageUse, Model
    from ecs_lint.rule import Services
    from ecs_lint.server.documents import OpenDocument
    from ecs_lint.settings import Settings


@dataclass(slots=True)
class DocumentLint:
    """What one lint of a document found, kept for its diagnostics, code actions and hovers."""

    version: int
    text: str
    """The document's text as linted (as the editor holds it: a byte-order mark included)."""
    source: SourceText | None = None
    """The text as the sources read it; ``None`` when ecs-lint does not check the document."""
    findings: list[Finding] = field(default_factory=list)
    images: list[ImageUse] = field(default_factory=list)
    statements: list[tuple[int, int]] = field(default_factory=list)
    """Where an ignore comment may be written (``Document.statements``)."""
    sources: dict[str, SourceText] = field(default_factory=dict)
    """Every file's text the run read, by display path: a fix may edit another file (a
    Terraform variable's default, where the image is written)."""
    unchecked: frozenset[str] = frozenset()
    """The files that could not be checked: no fix applies there (what was parsed may not be
    what is there)."""
    versions: dict[str, int] = field(default_factory=dict)
    """The version of each open document (by URI) whose text the lint read."""
    equivalents: EcrPublicEquivalents | None = None
    """The ECR Public answers the lint used, for hovers."""
    settings: Settings | None = None
    problem: str | None = None
    """Why the document was not linted (a configuration that cannot be used), in words."""
    reads: frozenset[str] = frozenset()
    """The real path of every file the lint read (the document's own, its context's, those
    asked for), whether an unsaved text stood for it or not."""
    notices: list[str] = field(default_factory=list)
    """What the user should know about the configurations found (``RunResult.notices``)."""

    @property
    def fixable(self) -> bool:
        """Whether the document itself could be checked, so that its fixes may apply."""
        return self.source is not None and self.source.path not in self.unchecked

    @property
    def bom(self) -> int:
        """How many characters the text has before the offsets of spans (a byte-order mark)."""
        return 1 if self.source is not None and self.source.bom else 0


def lint_document(
    document: OpenDocument, settings: Settings, services: Services, unsaved: Mapping[str, str]
) -> DocumentLint:
    """Lint ``document`` with ``unsaved`` texts (by real path) standing for their files, as a
    run of ``ecs-lint`` with ``settings`` (the run's, from the workspace's root) lints its file:
    each file read with its own settings (``Settings.for_path``). Raises ``ConfigError`` (or
    ``BadValue``) when the configuration of a file it reads cannot be used."""
    display = document.display
    own = settings.for_path(display) if document.path is not None else settings
    lint = DocumentLint(document.version, document.text, settings=own)
    name = document.format_name
    if name is None:
        return lint
    overlay = _Overlay(unsaved)
    with unsaved_texts(overlay):
        model = _model(document, name, display, settings)
        result = lint_model(model, settings, services)
    lint.reads = frozenset(overlay.asked)
    return _of_document(lint, result, model, display, services)


class _Overlay(dict[str, str]):
    """The unsaved texts, noting every real path a read asks about: ``read_source`` asks about
    each file it reads, so these are the files the lint depends on."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        super().__init__(texts)
        self.asked: set[str] = set()

    def __bool__(self) -> bool:
        return True  # asked even when no text stands for any file

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)


def _model(document: OpenDocument, name: str, display: str, settings: Settings) -> Model:
    """The run's model, of the document's file as ``ecs-lint PATH`` reads it; of its text given
    as that file's when it has no file (yet, or any more); of its text alone when it is not a
    file's (an untitled buffer, a file read as its language's)."""
    path = document.path
    if path is not None and path.is_file():
        model = load_model([display], settings)
        if not model.problems((ProblemKind.MISSING,)):
            return model
        # Removed meanwhile: its text is all there is.
    data = document.text.encode("utf-8", "surrogatepass")
    if path is not None and name == path.name:
        # As ``ecs-lint - --stdin-filename PATH``: the text stands for the file its path names,
        # in that file's repository, with its context.
        return load_model([], settings, given=(GivenText(display, data),))
    own = settings.for_path(display) if path is not None else settings
    try:
        source = decode_source(data, display, own.max_file_size)
    except UnreadableFile as error:
        return load_model([], settings, (unreadable_document(display, error),))
    parsed = parse_text(source, name, own)
    model = load_model([], settings, () if parsed is None else (parsed,))
    model.sources[display] = source
    return model


def _of_document(
    lint: DocumentLint, result: RunResult, model: Model, display: str, services: Services
) -> DocumentLint:
    """The parts of the run that are the document's own."""
    lint.source = result.sources.get(display)
    # A finding without a file (a rule that crashed) concerns this run, so this document.
    lint.findings = [f for f in result.findings if f.span.path in (display, "")]
    lint.images = [use for use in model.images if use.span.path == display]
    own = [doc for doc in model.documents if doc.path == display]
    lint.statements = statements_of(own[0], lint.source) if own else []
    lint.sources = result.sources
    lint.unchecked = frozenset(result.unchecked_files)
    lint.equivalents = services.ecr_public
    lint.notices = result.notices
    return lint


class ProjectSettings:
    """The settings of each lint: those of a run of ``ecs-lint`` in the working directory (the
    workspace's root), the server's options over its nearest configuration file, with the
    ``Configurations`` that give each file the keys of the configuration nearest to it, as on
    the command line. Read again for every lint, as every run reads them: a configuration file
    changed (saved, checked out) applies to the next lint, with no state to forget."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.options = dict(options)

    def for_run(self) -> Settings:
        """The run's settings. Raises ``ConfigError`` (or ``BadValue``) for a configuration
        that cannot be used."""
        from ecs_lint.config import resolve_settings

        return resolve_settings(self.options)
