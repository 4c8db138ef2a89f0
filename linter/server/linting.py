"""Linting one open document as the command line lints its file, with the editor's unsaved text.

:func:`lint_document` runs the engine (``load_model`` then ``lint_model``) on the document's
path, with every open document's unsaved text standing for its file
(:func:`ecs_lint.textio.unsaved_texts`): the document itself and whatever is read for its context
(the other ``.tf`` files of its module, the ``.env`` beside a Compose file...). The findings of
other files the run reads are left to those files' own lints. Nothing here knows the protocol.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ecs_lint.engine import RunResult, lint_model, load_model
from ecs_lint.load import parse_text, unreadable_document
from ecs_lint.model import ProblemKind
from ecs_lint.textio import SourceText, UnreadableFile, decode_source, unsaved_texts

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

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
    """Lint ``document`` with ``unsaved`` texts (by real path) standing for their files."""
    lint = DocumentLint(document.version, document.text, settings=settings)
    name = document.format_name
    if name is None:
        return lint
    display = document.display
    with unsaved_texts(unsaved):
        model = _model(document, name, display, settings)
        result = lint_model(model, settings, services)
    return _of_document(lint, result, model, display, services)


def _model(document: OpenDocument, name: str, display: str, settings: Settings) -> Model:
    """The run's model, of the document's file as ``ecs-lint PATH`` reads it, or of its text
    alone when it has no file (yet, or any more)."""
    path = document.path
    if path is not None and path.is_file():
        model = load_model([display], settings)
        if not model.problems((ProblemKind.MISSING,)):
            return model
        # Removed meanwhile: its text is all there is.
    try:
        data = document.text.encode("utf-8", "surrogatepass")
        source = decode_source(data, display, settings.max_file_size)
    except UnreadableFile as error:
        return load_model([], settings, (unreadable_document(display, error),))
    parsed = parse_text(source, name, settings)
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
    lint.statements = own[0].statements if own else []
    lint.sources = result.sources
    lint.unchecked = frozenset(result.unchecked_files)
    lint.equivalents = services.ecr_public
    return lint


class ProjectSettings:
    """Each document's settings: the server's options laid over the nearest configuration file
    up from the document's directory (as the command line reads the one up from the working
    directory), read once per directory until a watched file changes."""

    def __init__(self, options: Mapping[str, Any]) -> None:
        self.options = dict(options)
        self._by_directory: dict[Path, Settings | Exception] = {}

    def for_directory(self, directory: Path) -> Settings:
        """The settings of a lint of a document in ``directory``: a copy of its own, as each lint
        is a run of its own (what a run caches, as Terraform's parsed modules, is read again
        with the texts of the moment). Raises ``ConfigError`` (or ``BadValue``) for a
        configuration that cannot be used."""
        known = self._by_directory.get(directory)
        if known is None:
            from ecs_lint.config import ConfigError, resolve_settings
            from ecs_lint.convert import BadValue

            try:
                known = resolve_settings(self.options, cwd=directory)
            except (ConfigError, BadValue) as error:
                known = error
            self._by_directory[directory] = known
        if isinstance(known, Exception):
            raise known
        return replace(known)

    def forget(self) -> None:
        """Read the configuration files again (one may have changed)."""
        self._by_directory.clear()
