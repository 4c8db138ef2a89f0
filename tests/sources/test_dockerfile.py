"""The Dockerfile source: which images a Dockerfile pulls, with exact spans, and what is wrong.

Fixtures are real Dockerfiles under ``tests/fixtures/dockerfile``; each test reads one through
``decode_source`` as the engine does and checks references, kinds and spans (line, column, end
column, and the text the span covers, so a wrong offset cannot hide behind right numbers).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser
from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_lint.model import Document, ImageRef, ImageUse, InvalidRef, Span, UnresolvedRef, UseKind
from ecs_lint.settings import Settings
from ecs_lint.sources.dockerfile import _Splitter, parse
from ecs_lint.textio import SourceText, decode_source

FIXTURES = Path(__file__).parent.parent / "fixtures" / "dockerfile"

BASE, COPY, MOUNT = UseKind.BASE_IMAGE, UseKind.COPY_SOURCE, UseKind.MOUNT_SOURCE

Where = tuple[int, int, int, int, str]
"""(line, column, end line, end column, covered text) of a span."""


def load(name: str, **build_args: str) -> tuple[SourceText, Document]:
    source = decode_source((FIXTURES / name).read_bytes(), name)
    return source, parse(source, Settings(build_args=build_args))


def parse_text(text: str, **build_args: str) -> tuple[SourceText, Document]:
    source = SourceText("Dockerfile", text)
    return source, parse(source, Settings(build_args=build_args))


def where(source: SourceText, span: Span) -> Where:
    return (
        span.line,
        span.column,
        span.end_line,
        span.end_column,
        source.text[span.start : span.end],
    )


def shown(use: ImageUse) -> str:
    """The normalised reference, or what kind of non-reference it is."""
    ref = use.reference
    if isinstance(ref, ImageRef):
        return str(ref)
    if isinstance(ref, UnresolvedRef):
        return f"unresolved {ref.original} {','.join(ref.variables)}"
    return f"invalid {ref.original}"


def uses(source: SourceText, document: Document) -> list[tuple[UseKind, str, Where]]:
    return [(use.kind, shown(use), where(source, use.span)) for use in document.images]


def edits(source: SourceText, document: Document) -> list[Where | None]:
    return [where(source, use.edit_span) if use.edit_span else None for use in document.images]


def problems(source: SourceText, document: Document) -> list[tuple[str, Where]]:
    return [(problem.message, where(source, problem.span)) for problem in document.problems]


# --- FROM, stages, COPY --from -----------------------------------------------------------------


def test_from_images_skip_stages_indexes_and_scratch() -> None:
    source, document = load("stages.Dockerfile")
    assert uses(source, document) == [
        (UseKind.FRONTEND, "docker.io/docker/dockerfile:1", (1, 10, 1, 29, "docker/dockerfile:1")),
        (BASE, "docker.io/library/golang:1.23", (2, 32, 2, 43, "golang:1.23")),
        (BASE, "docker.io/library/alpine:3.20", (3, 6, 3, 17, "alpine:3.20")),
        # FROM build, FROM scratch, --from=BUILD, --from=0, --from=Runtime, --from=scratch: none.
        (COPY, "docker.io/library/publish:latest", (10, 13, 10, 20, "publish")),
        (BASE, "docker.io/library/nginx:1.25", (11, 6, 11, 16, "nginx:1.25")),
    ]
    assert document.problems == []


def test_literal_images_are_their_own_edit_span() -> None:
    _source, document = load("stages.Dockerfile")
    assert [use.edit_span for use in document.images] == [use.span for use in document.images]


def test_a_stage_named_only_later_is_an_image() -> None:
    # The classic builder pulled it; BuildKit refuses the build. Either way it is no stage yet.
    text = "FROM alpine:3.20\nCOPY --from=tools / /\nFROM alpine AS tools\n"
    _source, document = parse_text(text)
    assert [shown(use) for use in document.images][1] == "docker.io/library/tools:latest"


def test_stage_names_compare_case_insensitively() -> None:
    text = "FROM alpine:3.20 AS Builder\nFROM BUILDER\nCOPY --from=bUiLdEr / /\n"
    _source, document = parse_text(text)
    assert [shown(use) for use in document.images] == ["docker.io/library/alpine:3.20"]


def test_copy_from_stage_index_is_not_an_image() -> None:
    _source, document = parse_text("FROM alpine:3.20\nCOPY --from=0 / /\nCOPY --from=12 / /\n")
    assert len(document.images) == 1


def test_thousands_of_stages_are_looked_up_by_name() -> None:
    # Each FROM used to scan every earlier stage: 32,000 stages took 26 s.
    stages = 32_000
    lines = [f"FROM busybox:1.36 AS s{index}" for index in range(stages)]
    lines += ["FROM S0", "COPY --from=s31999 / /", "FROM alpine:3.20 AS S7"]
    source, document = parse_text("\n".join(lines) + "\n")
    assert len(document.images) == stages + 1  # FROM S0 and --from=s31999 are stages
    assert shown(document.images[-1]) == "docker.io/library/alpine:3.20"
    assert problems(source, document) == [
        ("duplicate stage name 'S7'", (stages + 3, 21, stages + 3, 23, "S7"))
    ]


def test_add_from_is_not_a_copy_source() -> None:
    _source, document = parse_text("FROM alpine:3.20\nADD --from=busybox:1.36 a b\n")
    assert [use.kind for use in document.images] == [BASE]


def test_onbuild_pulls_nothing_in_this_build() -> None:
    _source, document = parse_text("FROM alpine:3.20\nONBUILD COPY --from=busybox:1.36 a b\n")
    assert [use.kind for use in document.images] == [BASE]


# --- Line structure: continuations, comments, escape directive, CRLF, heredocs ----------------


def test_continuations_with_comment_and_blank_lines_inside() -> None:
    source, document = load("continuations.Dockerfile")
    assert uses(source, document) == [
        (BASE, "ghcr.io/acme/base:1.2", (5, 5, 5, 26, "ghcr.io/acme/base:1.2")),
        (COPY, "docker.io/library/busybox:1.36", (9, 13, 9, 25, "busybox:1.36")),
    ]
    assert document.problems == []


def test_escape_directive_makes_backtick_the_continuation() -> None:
    source, document = load("escape.Dockerfile")
    assert uses(source, document) == [
        (
            BASE,
            "mcr.microsoft.com/windows/servercore:ltsc2022",
            (2, 6, 2, 51, "mcr.microsoft.com/windows/servercore:ltsc2022"),
        ),
        (
            COPY,
            "mcr.microsoft.com/powershell:lts",
            (4, 13, 4, 45, "mcr.microsoft.com/powershell:lts"),
        ),
        # RUN echo C:\path\ does not continue, so FROM on line 7 is an instruction of its own.
        (BASE, "docker.io/library/nginx:1.25", (7, 6, 7, 16, "nginx:1.25")),
    ]


def test_crlf_line_endings() -> None:
    source, document = load("crlf.Dockerfile")
    assert "\r\n" in source.text
    assert uses(source, document) == [
        (BASE, "docker.io/library/nginx:1.25", (3, 3, 3, 10, "${BASE}")),
        (COPY, "docker.io/library/redis:7", (4, 13, 4, 20, "redis:7")),
        (MOUNT, "docker.io/library/alpine:3.20", (6, 28, 6, 39, "alpine:3.20")),
    ]
    assert edits(source, document)[0] == (1, 10, 1, 20, "nginx:1.25")


def test_heredoc_bodies_are_not_instructions() -> None:
    source, document = load("heredoc.Dockerfile")
    assert uses(source, document) == [
        (BASE, "docker.io/library/python:3.12", (1, 6, 1, 17, "python:3.12")),
        (BASE, "docker.io/library/alpine:3.20", (10, 6, 10, 17, "alpine:3.20")),
    ]
    assert document.problems == []


def test_escaped_escape_character_does_not_continue() -> None:
    _source, document = parse_text("FROM alpine:3.20\nRUN echo \\\\\nFROM nginx:1.25\n")
    assert [use.span.line for use in document.images] == [1, 3]


def test_lowercase_instructions_and_tabs() -> None:
    source, document = parse_text("from\tnginx:1.25\tas\tweb\n  copy --from=redis:7 a b\n")
    assert uses(source, document) == [
        (BASE, "docker.io/library/nginx:1.25", (1, 6, 1, 16, "nginx:1.25")),
        (COPY, "docker.io/library/redis:7", (2, 15, 2, 22, "redis:7")),
    ]


def test_quoted_image_span_is_inside_the_quotes() -> None:
    source, document = parse_text('FROM "nginx:1.25"\n')
    assert where(source, document.images[0].span) == (1, 7, 1, 17, "nginx:1.25")


@pytest.mark.parametrize(
    "name", ["stages", "escape", "crlf", "global-args", "stage-args", "mounts", "bad-from"]
)
def test_instruction_lines_agree_with_dockerfile_parse(name: str) -> None:
    """Where dockerfile-parse and BuildKit agree (no heredocs, no blank continuation lines)."""
    data = (FIXTURES / f"{name}.Dockerfile").read_bytes()
    theirs = DockerfileParser(fileobj=io.BytesIO(data)).structure  # in memory, never on disk
    expected = [
        (i["startline"] + 1, i["endline"] + 1) for i in theirs if i["instruction"] != "COMMENT"
    ]
    assert _Splitter(decode_source(data, name).text).run().line_ranges == expected


# --- ARGs: global scope, stage scope, build-args, variable forms ------------------------------


def test_global_args_reach_from() -> None:
    source, document = load("global-args.Dockerfile")
    assert uses(source, document) == [
        (BASE, "docker.io/library/python:3.12-slim", (5, 6, 5, 13, "${BASE}")),
        (BASE, "public.ecr.aws/docker/library/node:20", (6, 6, 6, 23, "$REGISTRY/node:20")),
        (BASE, "unresolved acme/app:${VERSION} VERSION", (7, 6, 7, 25, "acme/app:${VERSION}")),
        (BASE, "unresolved acme/app:$TAG TAG", (8, 6, 8, 19, "acme/app:$TAG")),
        (
            BASE,
            "unresolved ${TARGETARCH}/alpine:3.20 TARGETARCH",
            (9, 6, 9, 31, "${TARGETARCH}/alpine:3.20"),
        ),
        (BASE, "docker.io/library/busybox:1.36", (10, 7, 10, 15, "${TOOLS}")),
        (BASE, "docker.io/library/local:latest", (11, 6, 11, 11, "local")),
    ]
    assert document.problems == []


def test_edit_span_points_into_the_arg_default() -> None:
    source, document = load("global-args.Dockerfile")
    assert edits(source, document) == [
        (2, 11, 2, 27, "python:3.12-slim"),  # inside the quotes of BASE="python:3.12-slim"
        None,  # $REGISTRY/node:20 is more than one variable
        None,
        None,
        None,
        (2, 35, 2, 47, "busybox:1.36"),  # second ARG on the line; FROM "${TOOLS}" is quoted
        (11, 6, 11, 11, "local"),
    ]


def test_build_args_override_defaults_and_fill_unset_args() -> None:
    source, document = load(
        "global-args.Dockerfile", BASE="alpine:3.20", VERSION="1.0", TARGETARCH="arm64v8"
    )
    assert [shown(use) for use in document.images][:5] == [
        "docker.io/library/alpine:3.20",
        "public.ecr.aws/docker/library/node:20",
        "docker.io/acme/app:1.0",
        "docker.io/acme/app:1.0",  # TAG=${VERSION:-dev} sees the build-arg
        "docker.io/arm64v8/alpine:3.20",
    ]
    # A value from --build-arg is in no file, so there is nothing there for a fix to rewrite.
    assert edits(source, document)[0] is None


def test_build_args_do_not_set_undeclared_names() -> None:
    _source, document = parse_text("FROM ${NAME:-nginx:1.25}\n", NAME="redis:7")
    assert shown(document.images[0]) == "docker.io/library/nginx:1.25"


def test_unset_arg_default_word_is_used() -> None:
    _source, document = load("global-args.Dockerfile", VERSION="")
    assert shown(document.images[3]) == "docker.io/acme/app:dev"
    assert shown(document.images[2]) == "invalid acme/app:"


def test_stage_scope_arguments() -> None:
    source, document = load("stage-args.Dockerfile")
    assert uses(source, document) == [
        (BASE, "docker.io/library/alpine:3.20", (3, 6, 3, 17, "alpine:3.20")),
        (COPY, "docker.io/library/busybox:1.36", (7, 13, 7, 21, "${TOOLS}")),
        (COPY, "quay.io/acme/helper:2", (8, 13, 8, 20, "$HELPER")),
        (COPY, "unresolved $UNSET UNSET", (9, 13, 9, 19, "$UNSET")),
        # Not declared in the stage: the base image's ENV may define it.
        (
            COPY,
            "unresolved ${NOT_DECLARED:-ghcr.io/acme/x:1} NOT_DECLARED",
            (10, 13, 10, 46, "${NOT_DECLARED:-ghcr.io/acme/x:1}"),
        ),
        (COPY, "ghcr.io/acme/env:3", (12, 13, 12, 20, "$HELPER")),  # ENV overrides the ARG
        (BASE, "docker.io/library/alpine:3.20", (13, 6, 13, 17, "alpine:3.20")),
        # A global ARG is not seen in a stage that does not declare it again.
        (COPY, "unresolved $TOOLS TOOLS", (14, 13, 14, 19, "$TOOLS")),
    ]
    assert edits(source, document)[1:4] == [
        (1, 11, 1, 23, "busybox:1.36"),  # re-declared global: the global default
        (5, 13, 5, 34, "quay.io/acme/helper:2"),  # single-quoted stage default
        None,
    ]
    assert edits(source, document)[5] is None  # from ENV, not an ARG default


def test_stage_built_on_a_stage_inherits_its_variables() -> None:
    text = "FROM alpine:3.20 AS base\nARG T=busybox:1.36\nFROM base\nCOPY --from=$T / /\n"
    _source, document = parse_text(text)
    assert shown(document.images[-1]) == "docker.io/library/busybox:1.36"


def test_stage_on_scratch_knows_undeclared_names_are_unset() -> None:
    _source, document = parse_text("FROM scratch\nCOPY --from=${X:-busybox:1.36} / /\n")
    assert shown(document.images[0]) == "docker.io/library/busybox:1.36"


def test_stage_build_arg_overrides_stage_default() -> None:
    text = "FROM alpine:3.20\nARG T=busybox:1.36\nCOPY --from=$T / /\n"
    _source, document = parse_text(text, T="redis:7")
    assert shown(document.images[-1]) == "docker.io/library/redis:7"
    assert document.images[-1].edit_span is None


def test_variable_forms() -> None:
    _source, document = load("variable-forms.Dockerfile")
    assert [shown(use) for use in document.images] == [
        "docker.io/library/alpine:3.19",  # ${EMPTY:-x}: empty counts as unset
        "docker.io/library/alpine:latest",  # ${EMPTY-x}: empty is set
        "docker.io/library/alpine:3.20-slim",  # ${SET:+x}
        "docker.io/library/alpine:3.20-set",  # ${EMPTY+x}: set, though empty
        "docker.io/library/alpine:3.20",  # ${NEVER+x}: never declared, so unset
        "docker.io/library/nginx:1.25",  # ${IMAGE%-alpine}
        "docker.io/library/nginx:1.25-alpine",  # ${IMAGE#docker.io/}
        "docker.io/library/nginx:1.25-alpine",  # ${IMAGE##*/}
        "docker.io/library/httpd:1.25-alpine",  # ${IMAGE/nginx/httpd}
        "invalid ${SET}",  # single quotes keep it literal
        "invalid $SET",  # so does an escaped $
    ]
    assert [use.edit_span for use in document.images[:9]] == [None] * 9


def test_pattern_with_many_stars_on_a_long_value() -> None:
    # Each '*' used to be a backtracking regular expression: this took minutes.
    text = "ARG V=" + "a" * 60 + "\nFROM nginx:${V#*a*a*a*a*a*a*a*a*b}\n"
    _source, document = parse_text(text)
    assert [shown(use) for use in document.images] == ["docker.io/library/nginx:" + "a" * 60]


@pytest.mark.parametrize(
    ("text", "build_args", "image"),
    [
        # Go's '.' stops at a newline, so BuildKit's '*' does: nothing is trimmed here.
        ("ARG V\nFROM ${V##*/}\n", {"V": "a\nb/nginx:1.25"}, "invalid a\nb/nginx:1.25"),
        # Go's ReplaceAll leaves an empty match right after a match alone.
        ("ARG V=nginx\nFROM ${V//*/httpd}\n", {}, "docker.io/library/httpd:latest"),
        ("ARG V=nginx:1.25-alpine\nFROM ${V%%-*}\n", {}, "docker.io/library/nginx:1.25"),
        ("ARG V=library/nginx\nFROM ${V##*\\/}\n", {}, "docker.io/library/nginx:latest"),
    ],
)
def test_patterns_match_as_buildkit_matches_them(
    text: str, build_args: dict[str, str], image: str
) -> None:
    _source, document = parse_text(text, **build_args)
    assert [shown(use) for use in document.images] == [image]


def test_unknown_value_in_default_forms_stays_unresolved() -> None:
    text = "ARG A\nARG B=x\nFROM ${A:-nginx}\nFROM ${B:-$A}\nFROM ${A:+x}${B}\n"
    _source, document = parse_text(text)
    assert [shown(use) for use in document.images] == [
        "unresolved ${A:-nginx} A",
        "docker.io/library/x:latest",  # B is set, so the unknown default is never read
        "unresolved ${A:+x}${B} A",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ARG E=\nFROM ${E:?no-base}\n", "E: no-base"),
        ("FROM ${X:x}\n", "unsupported modifier (:x)"),
        ("ARG X=a\nFROM ${X:#a}\n", "unsupported modifier (:#)"),
        ("ARG X=a\nFROM ${X%a\\b}\n", "invalid escape '\\b' in pattern 'a\\\\b'"),
        ("FROM ${}\n", "bad substitution"),
        ("FROM 'nginx\n", "single quote is never closed"),
        ("FROM " + "${A:-" * 40 + "x" + "}" * 40 + "\n", "nested too deeply"),
    ],
)
def test_variable_errors_are_problems(text: str, message: str) -> None:
    source, document = parse_text(text)
    assert document.images == []
    ((found, (line, column, *_)),) = problems(source, document)
    assert message in found
    assert (line, column) == (text.count("\n", 0, text.rfind("FROM")) + 1, 6)


# --- RUN --mount --------------------------------------------------------------------------------


def test_run_mount_from_in_any_position() -> None:
    source, document = load("mounts.Dockerfile")
    assert uses(source, document) == [
        (BASE, "docker.io/library/alpine:3.20", (1, 6, 1, 17, "alpine:3.20")),
        (MOUNT, "docker.io/library/golang:1.23", (2, 28, 2, 39, "golang:1.23")),
        (MOUNT, "docker.io/library/node:20", (3, 18, 3, 25, "node:20")),
        # cache without from, from=BASE (a stage), tmpfs, secret: no image
        (MOUNT, "quay.io/acme/tool:1", (8, 39, 8, 58, "quay.io/acme/tool:1")),  # quoted flag
        (MOUNT, "docker.io/library/redis:7", (10, 28, 10, 35, "redis:7")),
    ]
    assert document.problems == []


def test_mount_with_stage_scope_variable() -> None:
    text = "FROM alpine:3.20\nARG T=node:20\nRUN --mount=type=bind,from=${T},target=/t true\n"
    source, document = parse_text(text)
    assert uses(source, document)[1] == (MOUNT, "docker.io/library/node:20", (3, 28, 3, 32, "${T}"))
    assert edits(source, document)[1] == (2, 7, 2, 14, "node:20")


def test_bad_mount_csv_is_a_problem() -> None:
    # The flag reader takes \" as a quote character, which the CSV reader then refuses.
    source, document = parse_text('FROM alpine:3.20\nRUN --mount=type=bind,fr\\"om=x true\n')
    assert problems(source, document) == [
        (
            'cannot read --mount: a " appears inside a field that is not quoted',
            (2, 13, 2, 31, 'type=bind,fr\\"om=x'),
        )
    ]


# --- Bad input: a problem, never an exception --------------------------------------------------


def test_bad_from_lines_are_problems_and_parsing_goes_on() -> None:
    source, document = load("bad-from.Dockerfile")
    assert problems(source, document) == [
        (
            "FROM has no image: FROM [--platform=<platform>] <image> [AS <name>]",
            (1, 1, 1, 5, "FROM"),
        ),
        ("FROM takes one image and an optional AS <name>", (2, 17, 2, 24, "builder")),
        ("invalid stage name '1st'", (3, 21, 3, 24, "1st")),
        ("cannot expand '${BASE': '${BASE' has no closing '}'", (4, 6, 4, 12, "${BASE")),
    ]
    assert [shown(use) for use in document.images] == [
        "docker.io/library/nginx:1.25",
        "docker.io/library/alpine:3.20",
        "docker.io/library/redis:7",
    ]


@pytest.mark.parametrize("name", ["empty.Dockerfile", "comments-only.Dockerfile"])
def test_empty_files_have_nothing(name: str) -> None:
    _source, document = load(name)
    assert (document.images, document.problems) == ([], [])


@pytest.mark.parametrize(
    ("text", "message", "at"),
    [
        ("FROM a\nRUN <<EOF\nx\n", "heredoc <<EOF is never terminated", (2, 5, 2, 10, "<<EOF")),
        ("# escape=x\nFROM a\n", "invalid escape character 'x'", (1, 1, 1, 11, "# escape=x")),
        (
            "# escape=`\n# escape=`\nFROM a\n",
            "only one escape parser directive",
            (2, 1, 2, 11, "# escape=`"),
        ),
        ("COPY --from=a / /\nFROM a\n", "COPY comes before the first FROM", (1, 1, 1, 5, "COPY")),
        ("FROM a\nFORM b\nFROME c\n", "unknown instruction 'FORM'", (2, 1, 2, 5, "FORM")),
        ("FROM a AS x\nFROM b AS X\n", "duplicate stage name 'X'", (2, 11, 2, 12, "X")),
        ("ARG E=\nFROM $E\n", "FROM image '$E' expands to nothing", (2, 6, 2, 8, "$E")),
    ],
)
def test_structural_errors_are_problems(text: str, message: str, at: Where) -> None:
    source, document = parse_text(text)
    ((found, span),) = problems(source, document)  # one only: unknown instructions included
    assert message in found
    assert span == at


FRAGMENTS = st.sampled_from(
    [
        *("FROM ", "from ", "ARG ", "ENV ", "COPY ", "RUN ", "ONBUILD ", "AS ", "scratch", "0"),
        *("--from=", "--mount=", "type=cache,", "from=", "--platform=", "=", ",", " ", "\t"),
        *("\\\n", "`\n", "\r\n", "\n", "# escape=`\n", "# escape=\\\n", "# c\n", "\\"),
        *("$", "${", "}", ":-", ":+", "-", "+", "?", "#", "%", "/", "'", '"', "A", "B"),
        *("<<EOF", "<<-X", "EOF", "\tX", "[", "]", '["a"]', "nginx:1.25", "ö", "\x00"),
    ]
)
DOCKERISH = st.lists(FRAGMENTS, max_size=60).map("".join)
BUILD_ARGS = st.dictionaries(st.sampled_from(["A", "B", "TARGETARCH"]), st.text(max_size=4))


@given(st.one_of(st.text(), DOCKERISH), BUILD_ARGS)
@settings(max_examples=400, deadline=None)
def test_parse_never_raises_and_spans_stay_in_the_text(
    text: str, build_args: dict[str, str]
) -> None:
    source, document = parse_text(text, **build_args)
    spans = [use.span for use in document.images] + [p.span for p in document.problems]
    spans += [use.edit_span for use in document.images if use.edit_span is not None]
    for span in spans:
        assert 0 <= span.start <= span.end <= len(text)
        assert (span.line, span.column) == source.position(span.start)
        assert (span.end_line, span.end_column) == source.position(span.end)


IMAGES = st.from_regex(r"[a-z][a-z0-9]{0,8}(/[a-z0-9]{1,8})?(:[a-z0-9.]{1,8})?", fullmatch=True)


@given(
    image=IMAGES,
    newline=st.sampled_from(["\n", "\r\n"]),
    breaks=st.lists(
        st.sampled_from([" \\", "\\", " \\  ", " \\\n# note", " \\\n  \t", " \\\n"]),
        min_size=3,
    ),
)
def test_literal_image_span_is_exact_whatever_the_line_structure(
    image: str, newline: str, breaks: list[str]
) -> None:
    before, between, after = breaks[:3]  # each continues the line, however it is written
    text = f"FROM{before}\n --platform=linux/amd64{between}\n {image}{after}\n AS the-stage\n"
    text = text.replace("\n", newline)
    source, document = parse_text(text + f"COPY --from={image} / /{newline}")
    assert [source.text[use.span.start : use.span.end] for use in document.images] == [image] * 2
    assert [use.edit_span for use in document.images] == [use.span for use in document.images]


def test_invalid_reference_is_kept_for_rules_to_report() -> None:
    _source, document = parse_text("FROM Nginx:latest\n")
    assert isinstance(document.images[0].reference, InvalidRef)


def test_a_name_with_an_unknown_part_that_names_a_stage_is_no_image() -> None:
    """``FROM binaries-$TARGETOS`` builds on the stage ``binaries-linux`` (BuildKit's own
    Dockerfiles do so): whatever the platform, it names a stage, not an image."""
    text = (
        "FROM alpine:3.20 AS binaries-linux\n"
        "FROM alpine:3.20 AS Binaries-Darwin\n"
        "FROM binaries-$TARGETOS AS out\n"
        "COPY --from=binaries-${TARGETOS} / /\n"
        "FROM other-${TARGETOS}${TARGETARCH:+-x}\n"
        "FROM ${TARGETOS}\n"
    )
    _source, document = parse_text(text)
    assert [(use.kind, shown(use)) for use in document.images] == [
        (BASE, "docker.io/library/alpine:3.20"),
        (BASE, "docker.io/library/alpine:3.20"),
        (BASE, "unresolved other-${TARGETOS}${TARGETARCH:+-x} TARGETOS,TARGETARCH"),
        (BASE, "unresolved ${TARGETOS} TARGETOS"),  # no literal part: anything, an image first
    ]
