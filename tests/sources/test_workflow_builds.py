"""The build steps of GitHub workflows: ``docker/build-push-action`` inputs and ``docker build``
run lines apply their build args and named contexts to the Dockerfile they build."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ecs_lint.settings import Settings
from ecs_lint.sources import workflow
from ecs_lint.sources._dockerbuild import BuildCommand, build_commands
from ecs_lint.textio import SourceText
from support import Lint, codes

if TYPE_CHECKING:
    from ecs_lint.model import Document

EL1 = Settings(select=("EL1",))
CI = ".github/workflows/ci.yml"
BASE_DOCKERFILE = "ARG BASE\nFROM ${BASE}\n"


def steps(*lines: str) -> str:
    """A workflow with one job whose steps are ``lines`` (already indented as steps)."""
    return "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n" + "".join(
        f"      {line}\n" for line in lines
    )


def requests(text: str) -> tuple[Document, list[tuple[str, tuple[tuple[str, str], ...]]]]:
    document = workflow.parse(SourceText(CI, text), Settings())
    return document, [(r.path, r.build_args) for r in document.lint_requests]


def images(findings: list[object]) -> list[tuple[str, str | None]]:
    return [(f.rule, f.image) for f in findings]  # type: ignore[attr-defined]


# --- docker/build-push-action -------------------------------------------------------------------


def test_build_args_of_the_action_resolve_the_base_image(lint: Lint) -> None:
    ci = steps(
        "- uses: docker/build-push-action@v6",
        "  with:",
        "    context: app",
        "    build-args: |",
        "      BASE=python:3.12-slim",
        "      REVISION=${{ github.sha }}",
    )
    findings = lint({CI: ci, "app/Dockerfile": BASE_DOCKERFILE}, EL1)
    assert images(findings) == [("EL101", "docker.io/library/python:3.12-slim")]
    assert "workflow job" not in findings[0].message  # one build: nothing to tell apart


def test_without_the_workflow_the_base_image_is_unresolved(lint: Lint) -> None:
    assert codes(lint({"app/Dockerfile": BASE_DOCKERFILE}, EL1)) == ["EL103"]


def test_build_contexts_of_the_action(lint: Lint) -> None:
    ci = steps(
        "- name: Build",
        "  uses: docker/build-push-action@v6",
        "  with:",
        "    build-contexts: |",
        "      plugin=./plugin",
        '      "base=docker-image://nginx:1.25"',
    )
    dockerfile = "FROM base\nCOPY --from=plugin . .\n"
    findings = lint({CI: ci, "Dockerfile": dockerfile}, EL1)
    assert images(findings) == [("EL101", "docker.io/library/nginx:1.25")]
    assert "from named build context 'base' = docker-image://nginx:1.25" in findings[0].message


@pytest.mark.parametrize(
    ("inputs", "dockerfile"),
    [
        ((), "Dockerfile"),  # the action's Git context: the repository
        (("context: .",), "Dockerfile"),
        (("context: ./svc", "file: ./svc/Dockerfile.prod"), "svc/Dockerfile.prod"),
        (("context: '{{defaultContext}}:svc'",), "svc/Dockerfile"),
        (("context: '{{ defaultContext }}:svc'", "file: Dockerfile.prod"), "svc/Dockerfile.prod"),
        (("file: build/Dockerfile",), "build/Dockerfile"),
    ],
)
def test_the_dockerfile_of_the_action(inputs: tuple[str, ...], dockerfile: str) -> None:
    lines = ["- uses: docker/build-push-action@v5"]
    if inputs:
        lines += ["  with:", *(f"    {line}" for line in inputs)]
    _, found = requests(steps(*lines))
    assert found == [(dockerfile, ())]


@pytest.mark.parametrize(
    "inputs",
    [
        ("context: ${{ matrix.dir }}",),
        ("context: https://github.com/acme/app.git#main",),
        ("file: ${{ matrix.dockerfile }}",),
        ("context: .", "file: '-'"),
    ],
)
def test_a_dockerfile_only_the_run_knows_is_left_out(inputs: tuple[str, ...]) -> None:
    lines = ["- uses: docker/build-push-action@v6", "  with:", *(f"    {i}" for i in inputs)]
    assert requests(steps(*lines))[1] == []


def test_list_inputs_as_yaml_lists_and_quoted_lines() -> None:
    ci = steps(
        "- uses: docker/build-push-action@v6",
        "  with:",
        "    build-args:",
        "      - BASE=alpine:3.20",
        "      - FROM_ENV",
        "    build-contexts: '\"a=./x,y\"'",
    )
    document, found = requests(ci)
    assert found == [("Dockerfile", (("BASE", "alpine:3.20"),))]
    assert document.lint_requests[0].build_contexts == (("a", "./x,y"),)


# --- docker build in run: ------------------------------------------------------------------------


def test_run_lines_resolve_the_base_image(lint: Lint) -> None:
    ci = steps(
        "- run: |",
        "    DOCKER_BUILDKIT=1 docker build \\",
        "      --build-arg BASE=node:20 \\",
        "      -f app/Dockerfile -t app:${{ github.sha }} app",
    )
    findings = lint({CI: ci, "app/Dockerfile": BASE_DOCKERFILE}, EL1)
    assert images(findings) == [("EL101", "docker.io/library/node:20")]


def test_working_directory_and_cd(lint: Lint) -> None:
    ci = (
        "on: push\ndefaults:\n  run:\n    working-directory: services\njobs:\n  build:\n"
        "    runs-on: x\n    steps:\n"
        "      - run: docker buildx build --build-arg BASE=redis:7 api\n"
        "      - run: cd api && docker build --build-arg BASE=redis:6 .\n"
        "      - run: docker build --build-arg BASE=redis:5 .\n"
        "        working-directory: services/api\n"
        "      - run: cd $DIR && docker build --build-arg BASE=redis:4 .\n"
        "      - run: docker build --build-arg BASE=redis:3 api\n"
        "        shell: pwsh\n"
    )
    _, found = requests(ci)
    assert found == [
        ("services/api/Dockerfile", (("BASE", "redis:7"),)),
        ("services/api/Dockerfile", (("BASE", "redis:6"),)),
        ("services/api/Dockerfile", (("BASE", "redis:5"),)),
    ]


def test_builds_that_disagree_are_each_linted_and_named(lint: Lint) -> None:
    ci = steps(
        "- name: Build",
        "  uses: docker/build-push-action@v6",
        "  with:",
        "    build-args: BASE=python:3.12",
        "- id: legacy",
        "  run: docker build --build-arg BASE=python:3.8 .",
        "- run: docker build --build-arg BASE=public.ecr.aws/docker/library/python:3.12 .",
    )
    findings = lint({CI: ci, "Dockerfile": BASE_DOCKERFILE}, EL1)
    assert [(f.image, f.message.split(") is pulled")[0].split("; ")[-1]) for f in findings] == [
        ("docker.io/library/python:3.12", "in workflow job 'build', step 'Build'"),
        ("docker.io/library/python:3.8", "in workflow job 'build', step 'legacy'"),
    ]


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("docker build .", [BuildCommand("Dockerfile")]),
        ("sudo docker image build -fDockerfile.ci ctx", [BuildCommand("Dockerfile.ci")]),
        ("docker builder build --file=x/Df ctx # done", [BuildCommand("x/Df")]),
        ("docker buildx --builder=ci b --load -t a#b .", [BuildCommand("Dockerfile")]),
        (
            'docker build --build-arg "A=b c" --build-arg B=$X --build-arg C \\\n  --target t .',
            [BuildCommand("Dockerfile", (("A", "b c"),))],
        ),
        (
            "docker buildx build --build-context p=./p --push .",
            [BuildCommand("Dockerfile", (), (("p", "./p"),))],
        ),
        (
            "make build && docker build -t x:${{ github.sha }} . | tee log",
            [BuildCommand("Dockerfile")],
        ),
        ("docker build --unknown-flag value .", []),  # an unknown flag: unreadable
        ("docker build --unknown=1 .", [BuildCommand("Dockerfile")]),
        ("docker build - < Dockerfile", []),
        ("docker build https://github.com/acme/app.git", []),
        ("docker build $CONTEXT", []),
        ("docker build a b", []),
        ('docker build "unclosed .', []),
        ("(cd sub && docker build .)\ndocker build .", []),
        ("docker run --rm alpine:3 true", []),
        ("docker compose build", []),
    ],
)
def test_build_commands(script: str, expected: list[BuildCommand]) -> None:
    assert build_commands(script) == expected


# --- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        ("- uses: docker/build-push-action@v6", "  with: [context, .]"),
        ("- uses: docker/build-push-action@v6", "  with: just text"),
        ("- uses: docker/build-push-action@v6", "  with:", "    build-args: {BASE: x}"),
        ("- uses: docker/build-push-action@v6", "  with:", "    context: [a, b]"),
        ("- run: [docker, build, .]",),
        ("- run: 'docker build \"'",),
        ("- run: docker build .", "  working-directory: [x]"),
        ("- run: docker build .", "  shell: {}"),
        ("- uses: [docker/build-push-action@v6]",),
        ("- just a string step",),
    ],
)
def test_bad_build_steps_are_read_as_far_as_they_go(lint: Lint, lines: tuple[str, ...]) -> None:
    """A step GitHub would refuse never crashes the lint nor invents a build."""
    findings = lint({CI: steps(*lines), "Dockerfile": BASE_DOCKERFILE}, EL1)
    assert codes(findings) == ["EL103"]  # the Dockerfile's own lint, as without the step


def test_a_dockerfile_an_earlier_step_makes_is_no_error(lint: Lint) -> None:
    ci = steps("- run: ./generate.sh > gen/Dockerfile", "- run: docker build gen")
    assert lint({CI: ci}, Settings(select=("EL900",))) == []


def test_bad_yaml_is_a_parse_error(lint: Lint) -> None:
    findings = lint({CI: "on: push\njobs:\n  build: [\n"}, Settings(select=("EL900",)))
    assert codes(findings) == ["EL900"]
