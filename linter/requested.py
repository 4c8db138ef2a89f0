"""Files that documents ask to be linted: the Dockerfile of a compose service, a Bake target or
a CI build step, with the build's args and named contexts.

A stage of its own, after every file and the repository's context are loaded: a requested file is
linted once per distinct set of build values, and those lints are merged into one document that
replaces the plain lint the file got, so nothing in it is reported twice: an image every build
resolves alike is reported once, and one that depends on the build once per value, naming the
builds that pull it (``ImageUse.build``).

A file is linted so when the run checks it (whoever asks for it: every compose file, Bake file or
workflow of its repository that builds it, read as context) or when a file the run checks asks
for it; a file only context documents ask for is not linted at all.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint.load import parse_guarded
from ecs_lint.model import Document, Problem, ProblemKind
from ecs_lint.sources import format_named
from ecs_lint.textio import UnreadableFile, read_source

if TYPE_CHECKING:
    from ecs_lint.context import RunFiles
    from ecs_lint.model import ImageUse, LintRequest, Model
    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText

Pairs = tuple[tuple[str, str], ...]


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
            source = read_source(Path(real), display, files.settings.max_file_size)
        except UnreadableFile as error:
            sites = [request for request, by_checked in asked if by_checked]
            if sites and (not all(r.if_present for r in sites) or Path(real).exists()):
                model.documents.append(_unreadable(display, sites, error))
            elif plain is not None:
                model.documents.append(plain)
            continue
        settings = files.settings.for_path(display)
        model.documents.append(_lint_each_build(source, requests, settings))
        model.sources[display] = source


def _lint_each_build(
    source: SourceText, requests: list[LintRequest], settings: Settings
) -> Document:
    """One document for the file: its lint with each distinct set of build values, merged."""
    parse = format_named("dockerfile").parser()
    builds: dict[tuple[Pairs, Pairs], list[str]] = {}
    for request in requests:
        names = builds.setdefault((request.build_args, request.build_contexts), [])
        if request.build and request.build not in names:
            names.append(request.build)
    lints = []
    for (args, contexts), names in builds.items():
        build_settings = replace(
            settings,
            build_args={**settings.build_args, **dict(args)},
            build_contexts={**settings.build_contexts, **dict(contexts)},
        )
        lints.append((parse_guarded(parse, source, build_settings), names))
    merged = _merge(lints)
    merged.format = "dockerfile"
    return merged


def _merge(lints: list[tuple[Document, list[str]]]) -> Document:
    """One document for the lints of one file; suppressions come from the first. A use that not
    every build makes names the builds that make it."""
    first = lints[0][0]
    made_by: dict[ImageUse, list[int]] = {}
    for index, (document, _names) in enumerate(lints):
        for use in document.images:
            made_by.setdefault(use, []).append(index)
        if index:
            first.problems += [p for p in document.problems if p not in first.problems]
    first.images = [
        use if len(indexes) == len(lints) else replace(use, build=_builds(lints, indexes))
        for use, indexes in made_by.items()
    ]
    return first


def _builds(lints: list[tuple[Document, list[str]]], indexes: list[int]) -> str:
    return ", ".join(dict.fromkeys(name for index in indexes for name in lints[index][1]))


def _unreadable(display: str, requests: list[LintRequest], error: UnreadableFile) -> Document:
    """A requested file that cannot be read: a parse problem where each document asked."""
    message = f"cannot lint Dockerfile '{display}': {error.message}"
    sites = dict.fromkeys(request.requested_at for request in requests)
    problems = [Problem(ProblemKind.PARSE, message, site, about=display) for site in sites]
    return Document(requests[0].requested_at.path, problems=problems)


def _root_directory(root: str) -> Path:
    path = Path(root).resolve()
    return path if path.is_dir() else path.parent
