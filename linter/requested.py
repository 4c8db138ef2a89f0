"""Files that documents ask to be linted: a compose service's Dockerfile, with its build args.

A stage of its own, after every file is loaded: a requested file is linted once per distinct set
of arguments, and those lints are merged into one document that replaces the plain lint a
directory walk gave the file, so nothing in it is reported twice: an image every argument set
resolves alike is reported once, and one that depends on the arguments once per value.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint.load import parse_guarded
from ecs_lint.model import Document, Problem, ProblemKind
from ecs_lint.sources import format_named
from ecs_lint.textio import UnreadableFile, read_source

if TYPE_CHECKING:
    from ecs_lint.model import LintRequest, Model
    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText


def lint_requested_files(
    model: Model, sources: dict[str, SourceText], settings: Settings, roots: list[str]
) -> None:
    """Lint the files ``model``'s documents ask for, replacing their plain lints in the model
    and adding their text to ``sources``.

    Only files inside the working directory or a linted path (``roots``) are read, so a compose
    file cannot make ecs-lint print parts of other files.
    """
    by_file: dict[Path, list[LintRequest]] = {}
    for document in model.documents:
        for request in document.lint_requests:
            by_file.setdefault(Path(request.path).resolve(), []).append(request)
    if not by_file:
        return
    model.documents = [doc for doc in model.documents if Path(doc.path).resolve() not in by_file]
    allowed = [Path.cwd().resolve(), *(_root_directory(root) for root in roots)]
    for resolved, requests in by_file.items():
        display = requests[0].path
        try:
            if not any(resolved.is_relative_to(root) for root in allowed):
                raise UnreadableFile(
                    "outside the working directory and the linted paths, so not read "
                    "(run ecs-lint from the project root)"
                )
            source = read_source(Path(display), display, settings.max_file_size)
        except UnreadableFile as error:
            model.documents.append(_unreadable(display, requests, error))
            continue
        model.documents.append(_lint_with_each_build_args(source, requests, settings))
        sources[display] = source


def _lint_with_each_build_args(
    source: SourceText, requests: list[LintRequest], settings: Settings
) -> Document:
    """One document for the file: its lint with each distinct set of build args, merged."""
    parse = format_named("dockerfile").parser()
    merged: Document | None = None
    for args in dict.fromkeys(request.build_args for request in requests):
        arg_settings = replace(settings, build_args={**settings.build_args, **dict(args)})
        document = parse_guarded(parse, source, arg_settings)
        merged = document if merged is None else _merge(merged, document)
    assert merged is not None  # there is at least one request
    return merged


def _merge(first: Document, other: Document) -> Document:
    """One document for two lints of the same file; suppressions come from the first."""
    first.images += [use for use in other.images if use not in first.images]
    first.problems += [problem for problem in other.problems if problem not in first.problems]
    return first


def _unreadable(display: str, requests: list[LintRequest], error: UnreadableFile) -> Document:
    """A requested file that cannot be read: a parse problem where each document asked."""
    message = f"cannot lint Dockerfile '{display}': {error.message}"
    sites = dict.fromkeys(request.requested_at for request in requests)
    problems = [Problem(ProblemKind.PARSE, message, site, about=display) for site in sites]
    return Document(requests[0].requested_at.path, problems=problems)


def _root_directory(root: str) -> Path:
    path = Path(root).resolve()
    return path if path.is_dir() else path.parent
