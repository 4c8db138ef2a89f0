"""Loading one file: read it, choose its format, parse it into a ``Document``, never raising.

A file that cannot be read, and a source that crashes on it, cost that file alone: its document
then holds one parse problem saying why, and the run goes on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from ecs_lint.model import Document, ImageRef, ImageUse, Problem, ProblemKind, Span, UnresolvedRef
from ecs_lint.references import known_repository, literal_repository, parse_reference
from ecs_lint.sources import format_named, formats_for
from ecs_lint.suppress import read_comments
from ecs_lint.textio import SourceText, UnreadableFile, decode_source, read_source

if TYPE_CHECKING:
    from ecs_lint.discover import Candidate
    from ecs_lint.settings import Settings
    from ecs_lint.sources import Parser


@dataclass(frozen=True, slots=True)
class GivenText:
    """A file's text given rather than read from a file: stdin, for the path ``-``. ``name`` is
    what findings call it (``--stdin-filename``, else ``-``), and chooses its format with the
    text."""

    name: str
    data: bytes


def load_document(
    candidate: Candidate, settings: Settings, source: SourceText | None = None
) -> tuple[Document, SourceText | None] | None:
    """Read (unless its ``source`` was read already) and parse one candidate; ``None`` when no
    format claims it."""
    if candidate.refused is not None:
        kind = ProblemKind.MISSING if candidate.missing else ProblemKind.PARSE
        return unreadable_document(candidate.display, UnreadableFile(candidate.refused), kind), None
    if source is None:
        try:
            limit = settings.max_file_size
            source = read_source(candidate.path, candidate.display, limit, candidate.real)
        except UnreadableFile as error:
            if not candidate.explicit and not _claimed_by_name(candidate):
                return None
            return unreadable_document(candidate.display, error), None
    document = parse_text(source, candidate.path.name, settings, explicit=candidate.explicit)
    return None if document is None else (document, source)


def load_given(given: GivenText, settings: Settings) -> tuple[Document, SourceText | None] | None:
    """Parse a text given on stdin, as a file named ``given.name`` on the command line would
    be (the name need not exist); ``None`` when no format claims it."""
    try:
        source = decode_source(given.data, given.name, settings.max_file_size)
    except UnreadableFile as error:
        return unreadable_document(given.name, error), None
    document = parse_text(source, PurePath(given.name).name, settings)
    return None if document is None else (document, source)


def parse_text(
    source: SourceText, name: str, settings: Settings, *, explicit: bool = True
) -> Document | None:
    """The document of a text read as a file called ``name`` (its base name chooses the format,
    with its content); ``None`` when no format claims it. ``explicit``: named by the user (on
    the command line, or opened in an editor), so a name no format knows is claimed by content.
    A template another tool renders first (:func:`template_kind`) is a document not checked.
    """
    formats = formats_for(name, source.text, explicit=explicit)
    if not formats:
        return None
    if not source.text.strip() and formats[0].promised_by(name):
        message = f"empty file, though its name says it is in the {formats[0].name} format"
        return unreadable_document(source.path, UnreadableFile(message))
    document = parse_guarded(formats[0].parser(), source, settings)
    document.format = formats[0].name
    template = template_kind(source.path, source.text, document)
    if template is not None:
        return Document(source.path, format=document.format, not_checked=template)
    return document


# Template actions: Go text/template and Helm (``{{ .Values.x }}``, not GitHub's ``${{ }}`` nor
# CloudFormation's ``{{resolve:...}}`` dynamic references) and Jinja (``{% if %}``).
_GO_ACTION = r"(?<!\$)\{\{(?!\s*resolve:)"
_JINJA_STATEMENT = r"\{%-?\s*[a-z]"
_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".gotmpl")
GO_TEMPLATE = "a Go template (Helm)"
JINJA_TEMPLATE = "a Jinja template"


def template_kind(path: str, text: str, document: Document) -> str | None:
    """What kind of template the file is, if it is one another tool renders before it is of
    its format: one whose template actions keep it from parsing, one named as a template
    (``Dockerfile.j2``), or a file of a Helm chart's ``templates`` directory that holds actions
    (valid YAML or not, its values are Helm's to fill in). ``None`` for any other file, such as
    one that only quotes ``{{ }}`` in its values and parses."""
    # The substring tests first: every file is asked, and a pattern scans all of its text.
    go = "{{" in text and re.compile(_GO_ACTION).search(text) is not None
    jinja = "{%" in text and re.compile(_JINJA_STATEMENT).search(text) is not None
    if not go and not jinja:
        return None
    kind = (
        JINJA_TEMPLATE
        if jinja and (not go or path.endswith(_TEMPLATE_SUFFIXES[:3]))
        else GO_TEMPLATE
    )
    unparsed = any(problem.kind is ProblemKind.PARSE for problem in document.problems)
    if unparsed or path.endswith(_TEMPLATE_SUFFIXES) or (go and _in_helm_chart(path)):
        return kind
    return None


def _in_helm_chart(path: str) -> bool:
    """Whether ``path`` lies in the ``templates`` directory of a Helm chart (one with a
    ``Chart.yaml`` beside that directory)."""
    return any(
        directory.name == "templates" and (directory.parent / "Chart.yaml").is_file()
        for directory in Path(path).parents
    )


def parse_guarded(parse: Parser, source: SourceText, settings: Settings) -> Document:
    """``parse(source, settings)`` with the directives of its comments read; a crash of the
    source becomes the file's parse problem."""
    try:
        document = parse(source, settings)
    except Exception as error:  # a source bug must cost one file, not the run
        name = type(error).__name__
        message = f"internal error while parsing ({name}: {error}); please report it"
        return unreadable_document(source.path, UnreadableFile(message))
    document.images = [_with_repository_span(use, source) for use in document.images]
    read_comments(document)
    return document


def _with_repository_span(use: ImageUse, source: SourceText) -> ImageUse:
    """``use`` with its ``repository_span`` when no fix can rewrite its whole text but the text
    as written starts with the repository it names, literally: ``python`` of
    ``python:${VERSION}-slim``, in whatever format the variables are written."""
    span = use.span
    fixed_otherwise = use.edit_span is not None or use.shared_text
    if fixed_otherwise or span.logical is not None or span.path != source.path:
        return use
    repository = literal_repository(source.text[span.start : span.end])
    if repository is None:
        return use
    reference = use.reference
    named = known_repository(reference) if isinstance(reference, UnresolvedRef) else reference
    written = parse_reference(repository)
    if not isinstance(named, ImageRef) or not isinstance(written, ImageRef):
        return use
    if written.repository != named.repository:  # the variables reach into the repository
        return use
    return replace(use, repository_span=source.span(span.start, span.start + len(repository)))


def statements_of(document: Document, source: SourceText | None) -> list[tuple[int, int]]:
    """Where the document's ignore comments may go (``Document.statements``), found now when
    its source left them to be found on demand."""
    if document.statements is not None:
        return document.statements
    if source is None or document.format is None:
        return []
    return format_named(document.format).statements(source)


def unreadable_document(
    path: str, error: UnreadableFile, kind: ProblemKind = ProblemKind.PARSE
) -> Document:
    """The document of a file that could not be read or parsed (or, ``MISSING``, a path named
    that does not exist): its one problem."""
    span = Span(path, error.line, error.column, error.line, error.column + 1)
    return Document(path, problems=[Problem(kind, error.message, span)])


def _claimed_by_name(candidate: Candidate) -> bool:
    # A binary *.json found in a walk is somebody else's file; a binary "Dockerfile" is ours.
    return candidate.path.suffix.lower() not in {".json", ".yaml", ".yml"}
