"""What the fuzz targets share: running a target, and the checks every parsed document must pass.

Each ``fuzz_*.py`` script defines ``test_one_input(data: bytes)`` that raises (an assertion or any
unexpected exception) only when ecs-lint misbehaves; ``main`` hands it to atheris (libFuzzer), so
a crash, a hang past ``-timeout`` or a run over ``-rss_limit_mb`` is reported with the input that
caused it. Without atheris installed, ``main`` replays the files named on the command line, which
is how a crash input is turned into a regression check.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from ecs_lint.model import Document
    from ecs_lint.textio import SourceText

Target = Callable[[bytes], None]


TERRAFORM_MODULES = (
    "ecs_lint.sources._hcl",
    "ecs_lint.sources._hclsyntax",
    "ecs_lint.sources._hcltemplate",
    "ecs_lint.sources._tffunctions",
    "ecs_lint.sources._tfinputs",
    "ecs_lint.sources._tfinstance",
    "ecs_lint.sources._tfmodule",
    "ecs_lint.sources._tfregistry",
    "ecs_lint.sources._tfplan",
    "ecs_lint.sources._tfexpress",
    "ecs_lint.sources._express",
)
"""The modules the Terraform source imports when it reads a file (imported by the harnesses so
that they are instrumented too)."""


def instrumented() -> AbstractContextManager[object]:
    """Coverage instrumentation for the modules imported inside it (when atheris is there)."""
    try:
        import atheris
    except ImportError:
        return contextlib.nullcontext()
    manager: AbstractContextManager[object] = atheris.instrument_imports()
    return manager


def main(target: Target) -> None:
    try:
        import atheris
    except ImportError:
        replay(target, sys.argv[1:])
        return
    atheris.Setup(sys.argv, target)
    atheris.Fuzz()


def replay(target: Target, paths: list[str]) -> None:
    """Run the target once on each file (or every file under each directory)."""
    files = [f for p in map(Path, paths) for f in ([p] if p.is_file() else sorted(p.rglob("*")))]
    for path in files:
        if path.is_file():
            target(path.read_bytes())
    print(f"replayed {len(files)} input(s) without a failure")


def check_document(source: SourceText, document: Document) -> None:
    """Spans lie in the text and agree with line/column; problems have known codes."""
    text = source.text
    spans = [use.span for use in document.images]
    spans += [use.edit_span for use in document.images if use.edit_span is not None]
    spans += [problem.span for problem in document.problems if problem.span.path == source.path]
    for span in spans:
        assert 0 <= span.start <= span.end <= len(text), span
        assert (span.line, span.column) == source.position(span.start), span
        assert (span.end_line, span.end_column) == source.position(span.end), span
    for problem in document.problems:
        assert problem.code.startswith("EL9"), problem
        assert problem.message, problem


def check_edit_spans(source: SourceText, document: Document) -> None:
    """An image's edit span (what a fix rewrites) holds exactly the reference's text."""
    for use in document.images:
        span = use.edit_span
        if span is not None and span.path == source.path and span.logical is None:
            written = source.text[span.start : span.end]
            assert written == use.reference.original, (written, use.reference)


SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf"
CREDENTIALS = ("repositoryCredentials", "credentialsParameter")


def check_insertion(
    source: SourceText, document: Document, parse: Callable[[SourceText], Document]
) -> None:
    """The ``repositoryCredentials`` fix target of the first container that offers one is an
    insertion point in the text; with the member inserted, ``parse`` finds no new EL900 problem
    and one more container reads the secret."""
    for task in document.tasks:
        for container in task.containers:
            added = (
                container.insertion.add_member(CREDENTIALS, SECRET) if container.insertion else None
            )
            if added is None or added[0].path != source.path:
                continue  # no place for the member, or one in another file (Terraform file())
            span, new_text = added
            assert span.start == span.end and span.logical is None, span
            assert (span.line, span.column) == source.position(span.start), span
            text = source.text[: span.start] + new_text + source.text[span.start :]
            again = parse(type(source)(source.path, text, source.bom))
            assert _parse_errors(again) <= _parse_errors(document), (new_text, again.problems)
            assert _with_secret(again) > _with_secret(document), (new_text, span)
            return


def _parse_errors(document: Document) -> int:
    return sum(problem.code == "EL900" for problem in document.problems)


def _with_secret(document: Document) -> int:
    return sum(
        container.credentials_parameter is not None
        and container.credentials_parameter.value == SECRET
        for task in document.tasks
        for container in task.containers
    )
