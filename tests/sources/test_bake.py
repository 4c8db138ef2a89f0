"""The Docker Bake source: each target's Dockerfile linted with the target's values (args,
contexts, inherits, variables, groups, matrix), the default files merged, bad files reported
where they are bad, and ``docker/bake-action`` steps of workflows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ecs_lint.settings import Settings
from ecs_lint.sources import bake, formats_for
from ecs_lint.textio import SourceText

if TYPE_CHECKING:
    from ecs_lint.findings import Finding
    from ecs_lint.model import LintRequest
    from support import Lint

EL1 = Settings(select=("EL1",))
BASE_DOCKERFILE = "ARG BASE\nFROM ${BASE}\n"


def requests(tmp_path: Path, files: dict[str, str], **env: str) -> list[LintRequest]:
    """The lint requests of the first file of ``files``, all written under ``tmp_path``."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    first = tmp_path / next(iter(files))
    source = SourceText(str(first), first.read_text(encoding="utf-8"))
    return bake.parse(source, Settings(env=env)).lint_requests


def built(tmp_path: Path, files: dict[str, str], **env: str) -> list[tuple[str, dict[str, str]]]:
    """(Dockerfile relative to ``tmp_path``, build args) of each request, by target."""
    return [
        (str(Path(r.path).relative_to(tmp_path)), dict(r.build_args))
        for r in requests(tmp_path, files, **env)
    ]


def images(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return [(f.rule, f.image) for f in findings]


# --- Targets and their values -------------------------------------------------------------------

HCL = """\
variable "PYTHON" {
  default = "3.12"
}
variable "REGISTRY" {}

target "app" {
  context = "services/app"
  args = {
    BASE = "python:${PYTHON}-slim"
  }
}
"""


def test_bake_args_resolve_the_base_image(lint: Lint) -> None:
    files = {"docker-bake.hcl": HCL, "services/app/Dockerfile": BASE_DOCKERFILE}
    findings = lint(files, EL1)
    assert images(findings) == [("EL101", "docker.io/library/python:3.12-slim")]
    assert "bake target" not in findings[0].message  # one build: nothing to tell apart


def test_the_json_form(lint: Lint) -> None:
    bake_json = (
        '{"variable": {"PYTHON": {"default": "3.11"}},\n'
        ' "target": {"app": {"context": "services/app",\n'
        '   "args": {"BASE": "python:${PYTHON}", "N": 3, "OFF": null}}}}\n'
    )
    findings = lint(
        {"docker-bake.json": bake_json, "services/app/Dockerfile": BASE_DOCKERFILE}, EL1
    )
    assert images(findings) == [("EL101", "docker.io/library/python:3.11")]


def test_the_environment_overrides_a_default(tmp_path: Path) -> None:
    assert built(tmp_path, {"docker-bake.hcl": HCL}, PYTHON="3.13") == [
        ("services/app/Dockerfile", {"BASE": "python:3.13-slim"})
    ]


def test_a_variable_without_default_is_unknown_so_its_arg_is_left_out(tmp_path: Path) -> None:
    hcl = HCL.replace("python:${PYTHON}-slim", "${REGISTRY}/python:${PYTHON}-slim")
    assert built(tmp_path, {"docker-bake.hcl": hcl}) == [("services/app/Dockerfile", {})]
    assert built(tmp_path, {"docker-bake.hcl": hcl}, REGISTRY="public.ecr.aws/docker/library") == [
        ("services/app/Dockerfile", {"BASE": "public.ecr.aws/docker/library/python:3.12-slim"})
    ]


def test_inherits_groups_and_templates(tmp_path: Path) -> None:
    hcl = """\
variable "DEBUG" { default = null }
target "_common" {
  args = { BASE = "alpine:3.20", LEVEL = "1", DEBUG = DEBUG }
}
target "_release" {
  args = { LEVEL = "2" }
}
target "app" {
  inherits = ["_common", "_release"]
  dockerfile = "app.Dockerfile"
}
target "tool" {
  inherits = ["app"]
  args = { LEVEL = "3" }
  dockerfile = "tool.Dockerfile"
}
target "_base" {
  dockerfile = "base.Dockerfile"
}
group "default" {
  targets = ["app", "tool", "_base"]
}
"""
    assert built(tmp_path, {"docker-bake.hcl": hcl}) == [
        # app is inherited by tool, but a group lists it: a build of its own
        ("app.Dockerfile", {"BASE": "alpine:3.20", "LEVEL": "2"}),
        ("tool.Dockerfile", {"BASE": "alpine:3.20", "LEVEL": "3"}),
        ("base.Dockerfile", {}),
    ]


def test_conditionals_and_comparisons(tmp_path: Path) -> None:
    hcl = """\
variable "CHANNEL" { default = "stable" }
variable "SLIM" { default = true }
target "app" {
  args = {
    BASE = CHANNEL == "stable" && SLIM ? "debian:12-slim" : "debian:sid"
    OTHER = CHANNEL != "stable" || !SLIM ? "x" : "y"
    UNKNOWN = timestamp()
  }
}
"""
    assert built(tmp_path, {"docker-bake.hcl": hcl}) == [
        ("Dockerfile", {"BASE": "debian:12-slim", "OTHER": "y"})
    ]
    assert built(tmp_path, {"docker-bake.hcl": hcl}, CHANNEL="edge") == [
        ("Dockerfile", {"BASE": "debian:sid", "OTHER": "x"})
    ]


def test_the_standard_functions_that_decide_a_value_are_evaluated_as_buildx_does(
    tmp_path: Path,
) -> None:
    hcl = """\
variable "TAG" { default = "" }
variable "DISTRO" { default = "Debian" }
target "app" {
  args = {
    BASE = notequal("", TAG) ? "python:${TAG}" : "python:3.12-${lower(DISTRO)}"
    SHORT = join("-", ["py", replace("3.12", ".", "")])
    FIRST = coalesce(null, "", "x")
    TRIMMED = trim("--x--", "-")
    BOTH = and(true, not(equal(TAG, "x")))
    WHEN = timestamp()
  }
}
"""
    # Bake's replace takes no regular expression and its coalesce keeps "" (Terraform's differ);
    # the time is not known before the build, so that arg is left out.
    expected = {"SHORT": "py-312", "FIRST": "", "TRIMMED": "x", "BOTH": "true"}
    assert built(tmp_path, {"docker-bake.hcl": hcl}) == [
        ("Dockerfile", {"BASE": "python:3.12-debian", **expected})
    ]
    assert built(tmp_path, {"docker-bake.hcl": hcl}, TAG="3.13") == [
        ("Dockerfile", {"BASE": "python:3.13", **expected})
    ]


def test_a_function_the_file_defines_is_not_taken_for_the_standard_one(tmp_path: Path) -> None:
    hcl = """\
function "lower" {
  params = [text]
  result = "${text}-custom"
}
target "app" {
  args = { BASE = lower("ALPINE"), OTHER = upper("alpine") }
}
"""
    assert built(tmp_path, {"docker-bake.hcl": hcl}) == [("Dockerfile", {"OTHER": "ALPINE"})]


def test_a_matrix_is_one_build_per_combination(tmp_path: Path) -> None:
    hcl = """\
target "app" {
  name = "app-${tgt}"
  matrix = {
    tgt = ["slim", "alpine"]
  }
  args = { BASE = "python:3.12-${tgt}" }
}
"""
    found = requests(tmp_path, {"docker-bake.hcl": hcl})
    assert [(r.build, dict(r.build_args)) for r in found] == [
        ("bake target 'app-slim'", {"BASE": "python:3.12-slim"}),
        ("bake target 'app-alpine'", {"BASE": "python:3.12-alpine"}),
    ]


def test_expressions_are_evaluated_as_terraform_values_are(tmp_path: Path) -> None:
    """The HCL evaluator the Terraform source uses: indexes, attributes, ``for``, operators;
    a value that is not a string is the text buildx makes of it."""
    hcl = """\
variable "VERSIONS" {
  default = ["3.11", "3.12"]
}
variable "BASES" {
  default = { slim = "debian:12-slim" }
}
target "app" {
  args = {
    LATEST = VERSIONS[1]
    BASE = BASES.slim
    FIRST = [for v in VERSIONS : "python:${v}"][0]
    JOBS = 2 * 4
    RELEASE = 1.10
    PUSH = !false
    UNKNOWN = VERSIONS[2]
  }
}
"""
    assert built(tmp_path, {"docker-bake.hcl": hcl}) == [
        (
            "Dockerfile",
            {
                "LATEST": "3.12",
                "BASE": "debian:12-slim",
                "FIRST": "python:3.11",
                "JOBS": "8",
                "RELEASE": "1.1",
                "PUSH": "true",
            },
        )
    ]


def test_the_json_form_reads_its_strings_as_templates(tmp_path: Path) -> None:
    bake_json = """\
{"variable": {"REGISTRY": {"default": ""}, "SLIM": {"default": true}},
 "target": {"app": {"args": {
   "BASE": "${REGISTRY == \\"\\" ? \\"docker.io/library\\" : REGISTRY}/python:3.12",
   "VARIANT": "%{ if SLIM }slim%{ else }full%{ endif }",
   "LITERAL": "$${NOT_A_VARIABLE}",
   "SLIM": "${SLIM}",
   "UNKNOWN": "${uuidv4()}"}}}}
"""
    assert built(tmp_path, {"docker-bake.json": bake_json}) == [
        (
            "Dockerfile",
            {
                "BASE": "docker.io/library/python:3.12",
                "VARIANT": "slim",
                "LITERAL": "${NOT_A_VARIABLE}",
                "SLIM": "true",
            },
        )
    ]


def test_a_matrix_of_objects_and_of_lists_written_over_lines(tmp_path: Path) -> None:
    hcl = """\
target "app" {
  name = "app-${item.tag}"
  matrix = {
    item = [
      { tag = "slim", base = "python:3.12-slim" },
      { tag = "alpine", base = "python:3.12-alpine" },
    ]
  }
  args = { BASE = item.base }
}
target "tool" {
  name = "tool-${variant}"
  matrix = {
    variant = [
      "a",
      "b",
    ]
  }
  dockerfile = "tool.Dockerfile"
}
"""
    found = requests(tmp_path, {"docker-bake.hcl": hcl})
    assert [(r.build, dict(r.build_args)) for r in found] == [
        ("bake target 'app-slim'", {"BASE": "python:3.12-slim"}),
        ("bake target 'app-alpine'", {"BASE": "python:3.12-alpine"}),
        ("bake target 'tool-a'", {}),
        ("bake target 'tool-b'", {}),
    ]


def test_a_huge_matrix_lints_its_first_builds(tmp_path: Path) -> None:
    """Four axes of ten values are 10,000 builds; the first thousand are linted (Terraform's
    ``for_each`` limit), never all of a product that can be astronomically large."""
    values = ", ".join(f'"{n}"' for n in range(10))
    axes = "".join(f"    a{axis} = [{values}]\n" for axis in range(4))
    name = 'name = "app-${a0}${a1}${a2}${a3}"'
    hcl = f'target "app" {{\n  {name}\n  matrix = {{\n{axes}  }}\n}}\n'
    found = requests(tmp_path, {"docker-bake.hcl": hcl})
    assert len(found) == bake.MAX_COMBINATIONS
    assert [r.build for r in found[:2]] == ["bake target 'app-0000'", "bake target 'app-0001'"]


def test_an_inheritance_chain_too_long_to_follow_is_said(lint: Lint) -> None:
    chain = "".join(f'target "t{n}" {{\n  inherits = ["t{n + 1}"]\n}}\n' for n in range(70))
    files = {"docker-bake.hcl": chain + 'target "t70" {}\n', "Dockerfile": "FROM scratch\n"}
    findings = lint(files, Settings(select=("EL900",)))
    assert [(f.rule, f.span.line) for f in findings] == [("EL900", 1)]
    assert "target 't0' inherits through more than 64 targets" in findings[0].message


def test_reading_a_bake_file_builds_no_grammar(tmp_path: Path) -> None:
    """tree-sitter's parser, in C: no Lark grammar is built (seconds when its cache is
    missing) and python-hcl2 is not needed."""
    (tmp_path / "docker-bake.hcl").write_text(HCL, encoding="utf-8")
    script = (
        "import sys\n"
        "from ecs_lint.settings import Settings\n"
        "from ecs_lint.sources import bake\n"
        "from ecs_lint.textio import SourceText\n"
        "path = sys.argv[1]\n"
        "document = bake.parse(SourceText(path, open(path).read()), Settings())\n"
        "assert len(document.lint_requests) == 1, document\n"
        "print(sorted(n for n in ('hcl2', 'lark') if n in sys.modules))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "docker-bake.hcl")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("attributes", "dockerfile"),
    [
        ("", "Dockerfile"),
        ('context = "app"', "app/Dockerfile"),
        ('context = "app"\n  dockerfile = "build/Dockerfile.prod"', "app/build/Dockerfile.prod"),
        ('context = "./app/../svc"', "svc/Dockerfile"),
        ('context = "cwd://app"', "app/Dockerfile"),
        ("context = null\n  dockerfile = null", "Dockerfile"),  # null: not set
    ],
)
def test_the_dockerfile_is_in_the_context(tmp_path: Path, attributes: str, dockerfile: str) -> None:
    hcl = f'target "app" {{\n  {attributes}\n}}\n'
    assert built(tmp_path, {"docker-bake.hcl": hcl}) == [(dockerfile, {})]


@pytest.mark.parametrize(
    "attributes",
    [
        'context = "https://github.com/acme/app.git#main"',
        'dockerfile-inline = "FROM alpine"',
        'context = lookup(CONTEXTS, "app")',
        'matrix = { x = LIST }\n  name = "a-${x}"',
    ],
)
def test_a_target_only_the_build_can_read_is_left_out(tmp_path: Path, attributes: str) -> None:
    assert requests(tmp_path, {"docker-bake.hcl": f'target "app" {{\n  {attributes}\n}}\n'}) == []


def test_override_files_merge_into_the_targets(lint: Lint, tmp_path: Path) -> None:
    files = {
        "docker-bake.hcl": 'target "app" {\n  args = { BASE = "alpine:3.19", KEEP = "1" }\n}\n',
        "docker-bake.override.hcl": 'target "app" {\n  args = { BASE = "alpine:3.20" }\n}\n',
        "Dockerfile": BASE_DOCKERFILE,
    }
    assert built(tmp_path, files) == [("Dockerfile", {"BASE": "alpine:3.20", "KEEP": "1"})]
    findings = lint(files, EL1)
    assert images(findings) == [("EL101", "docker.io/library/alpine:3.20")]


def test_builds_that_disagree_are_named(lint: Lint) -> None:
    hcl = (
        'target "a" {\n  args = { BASE = "alpine:3.20" }\n}\n'
        'target "b" {\n  args = { BASE = "public.ecr.aws/docker/library/alpine:3.20" }\n}\n'
    )
    findings = lint({"docker-bake.hcl": hcl, "Dockerfile": BASE_DOCKERFILE}, EL1)
    (finding,) = findings
    assert "(base image; in bake target 'a')" in finding.message


# --- Named contexts ---------------------------------------------------------------------------


def test_contexts_of_a_bake_target(lint: Lint) -> None:
    hcl = """\
target "base" {
  dockerfile = "base.Dockerfile"
}
target "app" {
  contexts = {
    baseapp = "target:base"
    src = "../src"
    alpine = "docker-image://alpine:3.20"
  }
}
"""
    dockerfile = "FROM baseapp\nCOPY --from=src . .\nFROM alpine\n"
    files = {"docker-bake.hcl": hcl, "Dockerfile": dockerfile, "base.Dockerfile": "FROM scratch\n"}
    findings = lint(files, EL1)
    assert [(f.rule, f.span.line, f.image) for f in findings] == [
        ("EL101", 3, "docker.io/library/alpine:3.20")
    ]
    assert "from named build context 'alpine' = docker-image://alpine:3.20" in findings[0].message


# --- Bad Bake files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "line", "column", "message"),
    [
        ("docker-bake.hcl", 'target "app" {\n  args = {\n}\n', 4, 1, "invalid HCL"),
        ("docker-bake.hcl", 'target "app" {\n  context = \n}\n', 2, 13, "invalid HCL"),
        ("docker-bake.json", '{"target": {"app": {"context": "."}}', 1, 37, "invalid JSON"),
        ("docker-bake.json", '{"target": {"app": [1]}}', 1, 20, "target 'app' is not an object"),
        (
            "docker-bake.hcl",
            'target "app" {\n  inherits = ["nope"]\n}\n',
            2,
            3,
            "target 'app' inherits 'nope', which is not defined",
        ),
        (
            "docker-bake.hcl",
            'target "a" {\n  inherits = ["b"]\n}\ntarget "b" {\n  inherits = ["a"]\n}\n'
            'group "default" {\n  targets = ["a"]\n}\n',
            1,
            1,
            "target 'a' inherits from itself: a → b",
        ),
        ("docker-bake.hcl", 'target {\n  context = "."\n}\n', 1, 1, "a target block needs a name"),
    ],
)
def test_a_bad_bake_file_is_a_parse_error_at_its_place(
    lint: Lint, name: str, text: str, line: int, column: int, message: str
) -> None:
    findings = lint({name: text, "Dockerfile": "FROM scratch\n"}, Settings(select=("EL900",)))
    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [("EL900", line, column)]
    assert message in findings[0].message
    assert findings[0].span.path.endswith(name)


def test_a_broken_sibling_is_reported_once_in_its_own_file(lint: Lint) -> None:
    files = {
        "docker-bake.hcl": 'target "app" {\n  args = { BASE = "alpine:3.20" }\n}\n',
        "docker-bake.override.hcl": 'target "app" {\n',
        "Dockerfile": BASE_DOCKERFILE,
    }
    findings = lint(files, Settings(select=("EL1", "EL900")))
    assert [(f.rule, Path(f.span.path).name) for f in findings] == [
        ("EL101", "Dockerfile"),
        ("EL900", "docker-bake.override.hcl"),
    ]


def test_a_missing_dockerfile_is_skipped(lint: Lint) -> None:
    """Vendored Bake files of dependencies name Dockerfiles their vendoring left out."""
    hcl = 'target "app" {\n  context = "app"\n}\ntarget "b" {\n  dockerfile = "b.Dockerfile"\n}\n'
    files = {"vendor/x/docker-bake.hcl": hcl, "vendor/x/b.Dockerfile": "FROM alpine:3.20\n"}
    assert [(f.rule, f.span.line) for f in lint(files, Settings(select=("EL101", "EL900")))] == [
        ("EL101", 1)
    ]


# --- Names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "docker-bake.hcl",
        "docker-bake.json",
        "docker-bake.override.hcl",
        "docker-bake.override.json",
        "docker-bake.release.hcl",
        "ci.bake.hcl",
    ],
)
def test_bake_file_names(name: str) -> None:
    text = '{"target": {"a": {}}}' if name.endswith(".json") else 'target "a" {}\n'
    assert [fmt.name for fmt in formats_for(name, text)] == ["bake"]


def test_a_non_default_name_is_read_alone(tmp_path: Path) -> None:
    files = {
        "docker-bake.release.hcl": 'target "app" {\n  args = { BASE = "alpine:3.20" }\n}\n',
        "docker-bake.hcl": 'target "app" {\n  args = { BASE = "alpine:3.19" }\n}\n',
    }
    assert built(tmp_path, files) == [("Dockerfile", {"BASE": "alpine:3.20"})]


# --- docker/bake-action ----------------------------------------------------------------------

CI = ".github/workflows/ci.yml"


def test_a_bake_action_step_builds_its_targets_with_its_variables(lint: Lint) -> None:
    hcl = HCL.replace("python:${PYTHON}-slim", "${REGISTRY}/python:${PYTHON}-slim")
    ci = """\
on: push
env:
  REGISTRY: docker.io/library
jobs:
  bake:
    runs-on: ubuntu-latest
    steps:
      - name: Bake
        uses: docker/bake-action@v6
        env:
          PYTHON: "3.13"
        with:
          targets: app
"""
    files = {CI: ci, "docker-bake.hcl": hcl, "services/app/Dockerfile": BASE_DOCKERFILE}
    findings = lint(files, EL1)
    # The Bake file alone leaves REGISTRY unknown; the workflow's build knows it.
    assert sorted((f.rule, f.image or "") for f in findings) == [
        ("EL101", "docker.io/library/python:3.13-slim"),
        ("EL103", ""),
    ]
    pull = next(f for f in findings if f.rule == "EL101")
    assert "in workflow job 'bake', step 'Bake', bake target 'app'" in pull.message


def test_bake_action_inputs(tmp_path: Path) -> None:
    from ecs_lint.sources import workflow

    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "ci.hcl").write_text(
        'target "app" {\n  args = { BASE = "a" }\n}\ntarget "other" {}\n'
        'group "all" {\n  targets = ["app", "other"]\n}\n',
        encoding="utf-8",
    )
    ci = tmp_path / ".github" / "workflows" / "ci.yml"
    ci.parent.mkdir(parents=True)
    text = """\
on: push
jobs:
  bake:
    runs-on: x
    steps:
      - uses: docker/bake-action@v5
        with:
          source: ./build
          files: ci.hcl
          targets: app
          vars: BASE2=x
          set: |
            app.args.BASE=alpine:3.20
            app.contexts.src=./src
      - uses: docker/bake-action@v5
        with:
          files: ${{ matrix.file }}
      - uses: docker/bake-action@v5
        with:
          files: ../outside.hcl
"""
    document = workflow.parse(SourceText(str(ci), text), Settings())
    assert [
        (Path(r.path).name, r.build_args, r.build_contexts) for r in document.lint_requests
    ] == [("Dockerfile", (("BASE", "alpine:3.20"),), (("src", "./src"),))]
    assert str(Path(document.lint_requests[0].path).parent) == str(tmp_path / "build")


def test_a_bake_file_only_the_run_knows_leaves_the_others_linted(lint: Lint) -> None:
    """docker/metadata-action's Bake file defines the ``docker-metadata-action`` target the
    others inherit; a step reading it as well as the repository's still builds those."""
    hcl = (
        'target "app" {\n  inherits = ["docker-metadata-action"]\n'
        '  args = { BASE = "alpine:3.20" }\n}\n'
    )
    ci = """\
on: push
jobs:
  bake:
    runs-on: ubuntu-latest
    steps:
      - uses: docker/bake-action@v6
        with:
          files: |
            ./ci-bake.hcl
            ${{ steps.meta.outputs.bake-file }}
          targets: ${{ matrix.target }}
"""
    files = {CI: ci, "ci-bake.hcl": hcl, "Dockerfile": BASE_DOCKERFILE}
    findings = lint(files, EL1)
    assert images(findings) == [("EL101", "docker.io/library/alpine:3.20")]


def test_a_top_level_attribute_is_a_constant(tmp_path: Path) -> None:
    hcl = 'BASE = "alpine:3.20"\ntarget "app" {\n  args = { BASE = BASE }\n}\n'
    assert built(tmp_path, {"docker-bake.hcl": hcl}) == [("Dockerfile", {"BASE": "alpine:3.20"})]
