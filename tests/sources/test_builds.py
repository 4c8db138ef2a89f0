"""The build around a Dockerfile: the BuildKit frontend image (``# syntax=``, ``BUILDKIT_SYNTAX``),
named build contexts (``--build-context``, the ``build-contexts`` key, Compose
``additional_contexts``), Docker Hub names whose variables cannot reach the registry, and builds
of one Dockerfile that disagree."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest

from ecs_lint.model import UseKind
from ecs_lint.settings import Settings
from ecs_lint.sources.dockerfile import parse
from ecs_lint.textio import SourceText
from support import Lint, codes, run_cli

if TYPE_CHECKING:
    from pathlib import Path

    from ecs_lint.findings import Finding

EL1 = Settings(select=("EL1",))


def frontend(text: str, **build_args: str) -> tuple[str, str] | None:
    """(reference, text at its span) of the frontend image the Dockerfile ``text`` pulls."""
    source = SourceText("Dockerfile", text)
    document = parse(source, Settings(build_args=build_args))
    found = [use for use in document.images if use.kind is UseKind.FRONTEND]
    if not found:
        return None
    (use,) = found
    return str(use.reference), source.text[use.span.start : use.span.end]


def lines(findings: list[Finding]) -> list[tuple[str, int]]:
    return [(finding.rule, finding.span.line) for finding in findings]


# --- The frontend image ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "# syntax=docker/dockerfile:1.7\nFROM scratch\n",
        "#syntax=docker/dockerfile:1.7\nFROM scratch\n",
        "# SYNTAX = docker/dockerfile:1.7   \nFROM scratch\n",
        "#\tsyntax=docker/dockerfile:1.7 opts\nFROM scratch\n",
        "# escape=`\n# check=skip=all\n# syntax=docker/dockerfile:1.7\nFROM scratch\n",
        "#!/usr/bin/env -S docker build -f\n# syntax=docker/dockerfile:1.7\nFROM scratch\n",
        "# syntax=docker/dockerfile:1.7\r\nFROM scratch\r\n",
    ],
)
def test_the_syntax_directive_names_the_frontend_image(text: str) -> None:
    assert frontend(text) == ("docker.io/docker/dockerfile:1.7", "docker/dockerfile:1.7")


@pytest.mark.parametrize(
    "text",
    [
        "# a comment\n# syntax=docker/dockerfile:1.7\nFROM scratch\n",
        "\n# syntax=docker/dockerfile:1.7\nFROM scratch\n",
        "FROM scratch\n# syntax=docker/dockerfile:1.7\n",
        "  # syntax=docker/dockerfile:1.7\nFROM scratch\n",
        "# escape=\\\n# escape=`\n# syntax=docker/dockerfile:1.7\nFROM scratch\n",
        "# syntax\nFROM scratch\n",
    ],
)
def test_a_directive_out_of_place_is_a_comment(text: str) -> None:
    """Only an unbroken run of directives at the top counts, each from the first column."""
    assert frontend(text) is None


def test_the_build_arg_wins_over_the_directive() -> None:
    text = "# syntax=docker/dockerfile:1.7\nFROM scratch\n"
    assert frontend(text, BUILDKIT_SYNTAX="docker/dockerfile:1.4 opts") == (
        "docker.io/docker/dockerfile:1.4",
        "docker/dockerfile:1.7",  # reported where the file names a frontend
    )
    assert frontend("FROM scratch\n", BUILDKIT_SYNTAX="acme/frontend:2") == (
        "docker.io/acme/frontend:2",
        "",  # the arg is written nowhere in the file: the start of it
    )
    assert frontend(text, BUILDKIT_SYNTAX="dockerfile.v0") is None  # the built-in frontend


def test_el101_flags_the_frontend_with_its_own_remedy(lint: Lint) -> None:
    findings = lint({"Dockerfile": "# syntax=docker/dockerfile:1.7\nFROM scratch\n"}, EL1)
    (finding,) = findings
    assert (finding.rule, finding.image) == ("EL101", "docker.io/docker/dockerfile:1.7")
    assert "(BuildKit frontend)" in finding.message
    assert finding.headline.endswith(  # the remedies end the headline; details follow
        "or remove the # syntax directive where the builder's built-in Dockerfile frontend suffices"
    )
    assert "run docker login on the build host" in finding.message


def test_a_frontend_from_a_mirror_is_not_flagged(lint: Lint) -> None:
    mirrored = "# syntax=public.ecr.aws/acme/dockerfile:1.7\nFROM scratch\n"
    private = "# syntax=123456789012.dkr.ecr.eu-west-1.amazonaws.com/dockerfile:1.7\nFROM scratch\n"
    assert lint({"a/Dockerfile": mirrored, "b/Dockerfile": private}, EL1) == []


def test_the_build_arg_frontend_says_so(lint: Lint) -> None:
    settings = Settings(select=("EL101",), build_args={"BUILDKIT_SYNTAX": "docker/dockerfile:1"})
    (finding,) = lint({"Dockerfile": "FROM scratch\n"}, settings)
    assert "(BuildKit frontend; named by the BUILDKIT_SYNTAX build arg)" in finding.message
    assert finding.headline.endswith(
        "or stop passing BUILDKIT_SYNTAX where the builder's built-in Dockerfile frontend suffices"
    )
    assert finding.fix is None


def test_an_untagged_frontend_is_mutable(lint: Lint) -> None:
    findings = lint({"Dockerfile": "# syntax=docker/dockerfile\nFROM scratch\n"}, EL1)
    assert codes(findings) == ["EL101", "EL105"]


# --- Named build contexts -------------------------------------------------------------------

STAGES = """\
FROM alpine:3.20 AS build
COPY --from=plugin . /plugin
RUN --mount=from=cache,target=/cache true
FROM base
"""


def test_without_contexts_a_bare_name_is_an_image_and_the_message_says_what_else(
    lint: Lint,
) -> None:
    findings = lint({"Dockerfile": STAGES}, EL1)
    assert lines(findings) == [
        ("EL101", 1),
        ("EL101", 2),
        ("EL105", 2),
        ("EL101", 3),
        ("EL105", 3),
        ("EL101", 4),
        ("EL105", 4),
    ]
    plugin = findings[1].message
    assert "docker.io/library/plugin:latest (COPY --from image; " in plugin
    assert "if 'plugin' is a named build context, pass --build-context plugin=VALUE" in plugin
    assert "named build context" in findings[2].message  # EL105 too
    assert "named build context" not in findings[0].message  # alpine:3.20 has a tag
    assert "named build context" not in findings[5].message  # FROM base: a FROM is an image


def test_contexts_from_the_command_line_are_not_images(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(STAGES, encoding="utf-8")
    run = run_cli(
        "--offline",
        "--select",
        "EL1",
        "--output-format",
        "json",
        "--build-context",
        "plugin=./plugin",
        "--build-context",
        "docker.io/library/cache:latest=https://example.com/cache.tar",
        "--build-context",
        "base=docker-image://public.ecr.aws/docker/library/debian:12",
        str(tmp_path / "Dockerfile"),
    )
    findings = json.loads(run.stdout)
    assert [(f["rule"], f["line"]) for f in findings] == [("EL101", 1)]
    assert run.status == 1


def test_a_docker_image_context_is_a_pull(lint: Lint) -> None:
    settings = Settings(select=("EL1",), build_contexts={"base": "docker-image://nginx"})
    findings = lint({"Dockerfile": "FROM base\nRUN true\n"}, settings)
    assert lines(findings) == [("EL101", 1), ("EL105", 1)]
    pull, mutable = findings
    assert pull.image == "docker.io/library/nginx:latest"
    assert "(base image; from named build context 'base' = docker-image://nginx)" in pull.message
    assert pull.fix is None  # the Dockerfile names the context, not the image
    assert mutable.message.startswith("nginx (from named build context 'base'")


def test_context_names_match_as_buildkit_matches_them(lint: Lint) -> None:
    """A context name and a FROM name match in Docker's short form, ``:latest`` dropped."""
    dockerfile = "FROM docker.io/library/alpine:latest\nFROM alpine\nFROM alpine:3.20\n"
    settings = Settings(select=("EL1",), build_contexts={"alpine": "./vendored"})
    assert lines(lint({"Dockerfile": dockerfile}, settings)) == [("EL101", 3)]


def test_a_stage_wins_over_a_context_of_the_same_name(lint: Lint) -> None:
    dockerfile = "FROM alpine:3.20 AS base\nFROM base\nCOPY --from=base / /\n"
    settings = Settings(select=("EL1",), build_contexts={"base": "docker-image://nginx:1.25"})
    assert lines(lint({"Dockerfile": dockerfile}, settings)) == [("EL101", 1)]


def test_a_context_may_stand_for_the_frontend(lint: Lint) -> None:
    image = "docker-image://public.ecr.aws/acme/dockerfile:1.7"
    settings = Settings(select=("EL1",), build_contexts={"docker/dockerfile:1.7": image})
    assert lint({"Dockerfile": "# syntax=docker/dockerfile:1.7\nFROM scratch\n"}, settings) == []


def test_the_build_contexts_key_of_the_configuration(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(STAGES, encoding="utf-8")
    (tmp_path / ".ecs-lint.toml").write_text(
        '[build-contexts]\nplugin = "./plugin"\ncache = "./cache"\nbase = "target:base"\n',
        encoding="utf-8",
    )
    run = run_cli(
        "--offline",
        "--select",
        "EL1",
        "--config",
        str(tmp_path / ".ecs-lint.toml"),
        str(tmp_path / "Dockerfile"),
    )
    assert [line.split()[1] for line in run.stdout.splitlines() if ": EL" in line] == ["EL101"]


@pytest.mark.parametrize("value", ["Plugin=.", "=.", "plugin"])
def test_a_bad_context_option_is_a_usage_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    run = run_cli("--build-context", value, str(tmp_path / "Dockerfile"))
    assert run.status == 2
    assert "--build-context" in run.stderr
    assert "Traceback" not in run.stderr


def test_a_bad_context_key_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    config = tmp_path / ".ecs-lint.toml"
    config.write_text('[build-contexts]\n"Bad Name" = "."\n', encoding="utf-8")
    run = run_cli("--config", str(config), str(tmp_path / "Dockerfile"))
    assert run.status == 2
    assert ".ecs-lint.toml" in run.stderr and "build-contexts" in run.stderr
    assert "invalid context name 'Bad Name'" in run.stderr


COMPOSE = """\
services:
  web:
    build:
      context: .
      additional_contexts:
        plugin: ./plugin
        base: docker-image://${BASE_IMAGE:-nginx:1.25}
  worker:
    build:
      context: .
      additional_contexts:
        - plugin=./plugin
        - base=docker-image://public.ecr.aws/docker/library/nginx:1.25
"""


def test_compose_additional_contexts(lint: Lint) -> None:
    dockerfile = "FROM base\nCOPY --from=plugin . .\n"
    findings = lint({"compose.yaml": COMPOSE, "Dockerfile": dockerfile}, EL1)
    (finding,) = findings  # the worker's base comes from ECR Public: one build pulls Hub
    assert (finding.rule, finding.span.line, finding.image) == (
        "EL101",
        1,
        "docker.io/library/nginx:1.25",
    )
    assert "in compose service 'web'" in finding.message  # the builds disagree


def test_where_the_value_came_from_and_the_builds_are_said_in_one_parenthesis(lint: Lint) -> None:
    """Every image rule writes the same words after the reference: where its value came from,
    then the builds that make the use."""
    compose = "services:\n  web:\n    build:\n      additional_contexts:\n"
    compose += "        base: docker-image://nginx\n  worker:\n    build: .\n"
    findings = lint({"compose.yaml": compose, "Dockerfile": "FROM base\n"}, EL1)
    said = "from named build context 'base' = docker-image://nginx; in compose service 'web'"
    worker = "in compose service 'worker'"  # FROM base is an image named base there
    starts = sorted(
        finding.message.split(" is pulled")[0].split(" has no tag")[0] for finding in findings
    )
    assert starts == [
        f"base ({worker})",
        f"docker.io/library/base:latest (base image; {worker})",
        f"docker.io/library/nginx:latest (base image; {said})",
        f"nginx ({said})",
    ]


def test_builds_that_agree_are_reported_once_without_a_name(lint: Lint) -> None:
    compose = COMPOSE.replace("public.ecr.aws/docker/library/nginx:1.25", "nginx:1.25")
    findings = lint({"compose.yaml": compose, "Dockerfile": "FROM base\n"}, EL1)
    (finding,) = findings
    assert "compose service" not in finding.message


def test_an_unresolved_context_value_keeps_the_name_a_context(lint: Lint) -> None:
    compose = "services:\n  web:\n    build:\n      additional_contexts:\n"
    compose += "        base: docker-image://${BASE}\n"
    findings = lint({"compose.yaml": compose, "Dockerfile": "FROM base\n"}, EL1)
    (finding,) = findings
    assert finding.rule == "EL103"
    assert "from named build context 'base' = docker-image://${BASE}" in finding.message


# --- Docker Hub whatever the variables are ---------------------------------------------------


@pytest.mark.parametrize(
    ("dockerfile", "image", "unknown"),
    [
        (
            "ARG ARCH\nFROM hexpm/erlang-${ARCH}:26.2\n",
            "docker.io/hexpm/erlang-${ARCH}:26.2",
            "ARCH",
        ),
        ("ARG A\nFROM acme/${A}/tool:1\n", "docker.io/acme/${A}/tool:1", "A"),
        ("ARG N\nFROM docker.io/${N}:1\n", "docker.io/${N}:1", "N"),
        ("ARG A\nARG T\nFROM acme/x-${A}:${T}\n", "docker.io/acme/x-${A}:${T}", "A, T"),
    ],
)
def test_a_variable_after_a_literal_first_component_keeps_docker_hub(
    lint: Lint, dockerfile: str, image: str, unknown: str
) -> None:
    findings = lint({"Dockerfile": dockerfile}, EL1)
    assert [(f.rule, f.image) for f in findings] == [("EL101", image)]
    verb = "is" if "," not in unknown else "are"
    assert f"pulled anonymously from Docker Hub whatever {unknown} {verb}" in findings[0].message
    assert findings[0].fix is None


def test_no_equivalent_is_claimed_for_an_unknown_repository(tmp_path: Path) -> None:
    """The catalog mirrors ``hashicorp/*`` as a whole, but ``hashicorp/${TOOL}`` may be
    anything: no ECR Public reference is offered, and nothing is fixed."""
    (tmp_path / "Dockerfile").write_text("ARG TOOL\nFROM hashicorp/${TOOL}:1.0\n", "utf-8")
    known = tmp_path / "known" / "Dockerfile"
    known.parent.mkdir()
    known.write_text("FROM hashicorp/vault:1.0\n", encoding="utf-8")
    run = run_cli("--offline", "--select", "EL101", "--output-format", "json", str(tmp_path))
    findings = {f["image"]: f for f in json.loads(run.stdout)}
    assert findings["docker.io/hashicorp/vault:1.0"]["replacement"] is not None
    unknown = findings["docker.io/hashicorp/${TOOL}:1.0"]
    assert (unknown["replacement"], unknown["fix"]) == (None, None)
    assert "public.ecr.aws" not in unknown["message"]


@pytest.mark.parametrize(
    ("dockerfile", "unknown"),
    [
        ("ARG R\nFROM ${R}/app:1\n", "registry"),
        ("ARG A\nFROM erlang-${A}:26\n", "registry"),  # A may hold "x.io/"
        ("ARG P\nFROM localhost:${P}/app:1\n", "registry"),
        ("ARG O\nFROM ghcr.io/${O}/app:1\n", "repository"),
    ],
)
def test_a_variable_that_may_reach_the_registry_stays_el103(
    lint: Lint, dockerfile: str, unknown: str
) -> None:
    findings = lint({"Dockerfile": dockerfile}, EL1)
    assert codes(findings) == ["EL103"]
    assert f"so its {unknown} is unknown" in findings[0].message


@pytest.mark.parametrize(
    ("dockerfile", "rule", "image"),
    [
        (
            "ARG REGISTRY=docker.io\nARG ARCH\nFROM ${REGISTRY}/hexpm/erlang-${ARCH}:26.2\n",
            "EL101",
            "docker.io/hexpm/erlang-${ARCH}:26.2",
        ),
        (
            "ARG ORG=hexpm\nARG A\nFROM ${ORG}/erlang-${A}\n",
            "EL101",
            "docker.io/hexpm/erlang-${A}:latest",
        ),
        ("ARG N=python\nARG T\nFROM $N:${T}\n", "EL101", "docker.io/library/python:${T}"),
        ("ARG R=ghcr.io\nARG O\nFROM ${R}/${O}/app:1\n", "EL103", None),
        ("ARG R=public.ecr.aws/docker/library\nARG T\nFROM ${R}/node:${T}\n", None, None),
    ],
)
def test_known_values_before_an_unknown_one_decide_the_registry(
    lint: Lint, dockerfile: str, rule: str | None, image: str | None
) -> None:
    """The registry is read from the reference with the values the file gives put in."""
    findings = lint({"Dockerfile": dockerfile}, EL1)
    assert [(f.rule, f.image) for f in findings] == ([(rule, image)] if rule else [])
