"""The GitHub Actions source: job containers, service containers and docker:// steps, with
credentials, expressions and exact spans."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_lint.engine import lint_paths
from ecs_lint.model import Document, ImageRef, InvalidRef, UnresolvedRef, UseKind
from ecs_lint.settings import Settings
from ecs_lint.sources import formats_for, workflow
from ecs_lint.textio import SourceText

FIXTURE = (
    Path(__file__).parent.parent / "fixtures" / "workflow" / ".github" / "workflows" / "ci.yml"
)
JOB, SERVICE, STEP = UseKind.JOB_CONTAINER, UseKind.SERVICE_CONTAINER, UseKind.STEP


def parse(text: str) -> tuple[Document, SourceText]:
    source = SourceText("ci.yml", text)
    return workflow.parse(source, Settings()), source


def rows(
    document: Document, source: SourceText
) -> list[tuple[int, int, str, UseKind, str | None, bool, bool]]:
    """(line, column, text at the span, kind, name, authenticated, editable) per image."""
    return [
        (
            use.span.line,
            use.span.column,
            source.text[use.span.start : use.span.end],
            use.kind,
            use.container,
            use.authenticated,
            use.edit_span is not None,
        )
        for use in document.images
    ]


def test_containers_services_and_steps_with_exact_positions() -> None:
    document, source = parse(FIXTURE.read_text(encoding="utf-8"))
    assert document.problems == []
    assert rows(document, source) == [
        (15, 14, "python:3.12-bookworm", JOB, "test", True, True),
        (21, 16, "postgres:16", SERVICE, "postgres", False, True),
        (28, 17, "redis:7.2-alpine", SERVICE, "redis", True, True),
        (33, 16, "ghcr.io/acme/registry-mirror:1.4", SERVICE, "mirror", False, True),
        (37, 24, "koalaman/shellcheck:v0.10.0", STEP, "Lint shell scripts", False, True),
        (44, 16, "node:20-alpine", JOB, "build", False, True),
        (50, 16, "${{ matrix.db }}:latest", SERVICE, "db", False, False),
        (55, 25, "alpine:3.19", STEP, "build", False, True),
    ]
    matrix = document.images[6].reference
    assert matrix == UnresolvedRef("${{ matrix.db }}:latest", ("matrix.db",))
    step = document.images[4].reference
    assert isinstance(step, ImageRef) and str(step) == "docker.io/koalaman/shellcheck:v0.10.0"


def test_credentials_give_el102_and_anonymous_pulls_el101() -> None:
    findings = lint_paths([str(FIXTURE)], Settings()).findings
    assert [(f.rule, f.span.line) for f in findings if f.rule in {"EL101", "EL102", "EL103"}] == [
        ("EL102", 15),
        ("EL101", 21),
        ("EL102", 28),
        ("EL101", 37),
        ("EL101", 44),
        ("EL103", 50),
        ("EL101", 55),
    ]


def test_whole_container_from_an_expression_and_actions_that_are_not_images() -> None:
    document, _ = parse(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
        "    container: ${{ matrix.container }}\n"
        "    steps:\n      - uses: actions/setup-node@v4\n      - uses: ./local-action\n"
        "      - run: docker run nginx\n"
    )
    assert [use.reference for use in document.images] == [
        UnresolvedRef("${{ matrix.container }}", ("matrix.container",))
    ]


def test_shell_variables_are_literal_text_in_a_workflow_image() -> None:
    """The runner expands only ${{ }} in images, so `$IMAGE` is an invalid reference (EL104),
    not a variable someone could still supply (EL103)."""
    document, _ = parse(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    container: $IMAGE\n"
        "    steps:\n      - run: true\n"
    )
    (use,) = document.images
    assert isinstance(use.reference, InvalidRef)
    assert use.reference.original == "$IMAGE"


def test_credentials_from_an_expression_still_count() -> None:
    document, _ = parse(
        "on: push\njobs:\n  a:\n    container:\n      image: nginx:1.25\n"
        "      credentials: ${{ fromJSON(secrets.HUB) }}\n"
        "  b:\n    container:\n      image: nginx:1.25\n      credentials: null\n"
    )
    assert [use.authenticated for use in document.images] == [True, False]


def test_recognised_by_content_in_any_yaml_file() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    assert [f.name for f in formats_for("ci.yml", text)] == ["workflow"]
    assert [f.name for f in formats_for("release.yaml", '"on": [push]\njobs: {}\n')] == ["workflow"]
    assert [f.name for f in formats_for("config.yml", "jobs:\n  - build\n")] == []


WORKFLOW_PIECES = [
    "on: push\n",
    "jobs:\n",
    "  a:\n",
    "    container: ",
    "    services:\n",
    "      s:\n",
    "        image: ",
    "    steps:\n",
    "      - uses: ",
    "docker://",
    "nginx",
    "${{ x }}",
    "'",
    '"',
    "credentials: {}",
    "\n",
    ":",
    "[",
    "{",
    "}",
    "]",
    "&a ",
    "*a",
]


@given(st.lists(st.sampled_from(WORKFLOW_PIECES), max_size=40).map("".join) | st.text())
@settings(max_examples=300, deadline=None)
def test_parse_never_raises_and_edit_spans_hold_the_reference(text: str) -> None:
    document, _ = parse(text)
    for use in document.images:
        assert 0 <= use.span.start <= use.span.end <= len(text)
        if use.edit_span is not None:
            assert text[use.edit_span.start : use.edit_span.end] == use.reference.original
