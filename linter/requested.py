"""Files that documents ask to be linted: a compose service's Dockerfile, with its build args.

A stage of its own, after every file and the repository's context are loaded: a requested file is
linted once per distinct set of arguments, and those lints are merged into one document that
replaces the plain lint the file got, so nothing in it is reported twice: an image every argument
set resolves alike is reported once, and one that depends on the arguments once per value.

A file is linted so when the run checks it (whoever asks for it: every compose file of its
repository that builds it, read as context) or when a file the run checks asks for it; a file
only context documents ask for is not linted at all.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint.load import parse_guarded
from ecs_lint.model import Document, Problem, ProblemKind
from ecs_lint.sources import format_named
from ecs_lint.textio import UnreadableFile

if TYPE_CHECKING:
    from ecs_lint.context import RunFiles
    from ecs_lint.model import LintRequest, Model
    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText


def lint_requested_files(model: Model, files: RunFiles, roots: list[str]) -> None:
    """Lint the files ``model``'s documents ask for, replacing their plain lints in the model
    and adding their text to its ``sources``.

    Only files inside the working directory, a linted path or a repository of the run
    (``roots``) are read, so a compose file cannot make ecs-lint print parts of other files.
    """
    checked = {id(document) for document in model.documents}
    by_file: dict[str, list[tuple[LintRequest, bool]]] = {}
    for document in model.every_document:
        asked_by_checked = id(document) in checked
        for request in document.lint_requests:
            real = os.path.realpath(request.path)
            by_file.setdefault(real, []).append((request, asked_by_checked))
    if not by_file:
        return
    named = {model.real_path(document.path): document for document in model.documents}
    allowed = [Path.cwd().resolve(), *(_root_directory(root) for root in roots)]
    for real, asked in by_file.items():
        plain = named.get(real)
        if plain is None and not any(by_checked for _, by_checked in asked):
            continue  # only context asks for it, and the run does not check it
        requests = [request for request, _ in asked]
        display = plain.path if plain is not None else requests[0].path
        if plain is not None:
            model.documents = [doc for doc in model.documents if doc is not plain]
        try:
            if not any(Path(real).is_relative_to(root) for root in allowed):
                raise UnreadableFile(
                    "outside the working directory and the linted paths, so not read "
                    "(run ecs-lint from the project root)"
                )
            source = files.read(real, display)
        except UnreadableFile as error:
            sites = [request for request, by_checked in asked if by_checked]
            if sites:
                model.documents.append(_unreadable(display, sites, error))
            elif plain is not None:
                model.documents.append(plain)
            continue
        settings = files.settings.for_path(display)
        model.documents.append(_lint_with_each_build_args(source, requests, settings))
        model.sources[display] = source


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
    merged.format = "dockerfile"
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
