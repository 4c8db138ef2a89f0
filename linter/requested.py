"""Files that documents ask to be linted: the Dockerfile of a compose service, a Bake target or
a CI build step, with the build's args and named contexts.

A stage of its own, after every file is loaded: a requested file is linted once per distinct set
of build values, and those lints are merged into one document that replaces the plain lint a
directory walk gave the file, so nothing in it is reported twice: an image every build resolves
alike is reported once, and one that depends on the build once per value, naming the builds
that pull it (``ImageUse.build``).
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
    from ecs_lint.model import ImageUse, LintRequest, Model
    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText

Pairs = tuple[tuple[str, str], ...]


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
            if not all(request.if_present for request in requests) or resolved.exists():
                model.documents.append(_unreadable(display, requests, error))
            continue
        model.documents.append(_lint_each_build(source, requests, settings))
        sources[display] = source


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
    return _merge(lints)


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
