"""Properties of the Dockerfile source beyond those in tests/sources/test_dockerfile.py.

That file checks that ``parse`` never raises on text and that spans agree with line/column
positions. Here: any bytes at all (through the same decoding a file read goes through), and
spans that slice back to exactly the text written: the image a finding points at, and the text a
fix would replace.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ecs_lint.model import ImageRef, InvalidRef, UnresolvedRef
from ecs_lint.settings import Settings
from ecs_lint.sources.dockerfile import parse
from ecs_lint.textio import SourceText, UnreadableFile, decode_source

IMAGE = st.one_of(
    st.from_regex(r"[a-z][a-z0-9]{0,6}(/[a-z0-9]{1,6})?(:[A-Za-z0-9.]{1,6})?", fullmatch=True),
    st.sampled_from(["Nginx", "a:b:c", "a@sha256:1", "x/", "-x", "\u212a", "scratch", "0"]),
)
SPACE = st.sampled_from([" ", "  ", "\t", " \\\n ", " \\\r\n\t"])
NEWLINE = st.sampled_from(["\n", "\r\n"])


@st.composite
def dockerfiles(draw: st.DrawFn) -> str:
    """Dockerfiles built from the instructions that name images, in varied layouts."""
    lines = []
    for _ in range(draw(st.integers(1, 6))):
        image = draw(IMAGE)
        space = draw(SPACE)
        form = draw(st.integers(0, 6))
        if form == 0:
            lines.append(f"FROM{space}{image}")
        elif form == 1:
            lines.append(f"from{space}--platform=linux/amd64{space}{image}{space}AS s{len(lines)}")
        elif form == 2:
            lines.append(f"COPY{space}--from={image}{space}/a /b")
        elif form == 3:
            lines.append(f"RUN{space}--mount=type=bind,from={image},target=/t true")
        elif form == 4:
            lines.append(f"ARG{space}BASE={image}")
            lines.append(f"FROM{space}${{BASE}}")
        elif form == 5:
            lines.append(f'FROM{space}"{image}"')
        else:
            lines.append(f"# ecs-lint: ignore=EL101\nFROM {image}")
    newline = draw(NEWLINE)
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


@given(st.binary(max_size=300) | dockerfiles().map(str.encode))
def test_any_bytes_decode_to_an_error_or_parse_without_raising(data: bytes) -> None:
    try:
        source = decode_source(data, "Dockerfile")
    except UnreadableFile as error:
        assert error.message
        return
    document = parse(source, Settings())
    for use in document.images:
        assert 0 <= use.span.start <= use.span.end <= len(source.text)


@given(dockerfiles())
def test_spans_slice_back_to_the_written_text(text: str) -> None:
    source = SourceText("Dockerfile", text)
    document = parse(source, Settings())
    for use in document.images:
        written = text[use.span.start : use.span.end]
        ref = use.reference
        if isinstance(ref, ImageRef | InvalidRef) and not any(c in written for c in '\\"$'):
            # No variable, continuation or quoting in the written reference: it is the span.
            assert ref.original == written
        if isinstance(ref, UnresolvedRef):
            assert "$" in written
        if use.edit_span is not None:
            replaced = text[use.edit_span.start : use.edit_span.end]
            # What a fix replaces is the image's own text or the ARG default it came from: the
            # same reference, not a neighbouring word, quote or variable.
            assert "$" not in replaced
            assert replaced.strip() == replaced
            if isinstance(ref, ImageRef | InvalidRef) and "\\" not in replaced:
                assert replaced == ref.original
    for problem in document.problems:
        assert 0 <= problem.span.start <= problem.span.end <= len(text)
    for suppression in document.suppressions:
        assert text[suppression.span.start : suppression.span.end].lstrip().startswith("#")


@given(dockerfiles(), st.dictionaries(st.just("BASE"), IMAGE, max_size=1))
def test_build_args_only_change_what_the_arg_feeds(text: str, build_args: dict[str, str]) -> None:
    """A build argument changes the images read through the ARG, never the literal ones."""
    source = SourceText("Dockerfile", text)

    def literal_uses(settings: Settings) -> list[tuple[object, ...]]:
        uses = parse(source, settings).images
        return [
            (use.span, use.reference, use.edit_span)
            for use in uses
            if "$" not in text[use.span.start : use.span.end]
        ]

    assert literal_uses(Settings()) == literal_uses(Settings(build_args=build_args))
