"""Suppressions: Dockerfile directives, per-file-ignores (with container narrowing), EL901."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from ecs_lint.engine import lint_paths
from ecs_lint.settings import PerFileIgnore, Settings
from ecs_lint.suppress import Directive, parse_directive
from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


# The rules these tests suppress, and EL901, which judges the suppressions.
SUPPRESSED = ("--select", "EL101,EL105,EL901")


def findings(path: Path | str, *options: str) -> list[dict[str, Any]]:
    run = run_cli("-o", "json", *options, str(path))
    assert run.status in (0, 1), run.stderr
    result: list[dict[str, Any]] = json.loads(run.stdout)
    return result


def located(path: Path | str, *options: str) -> list[tuple[str, int]]:
    return [(finding["rule"], finding["line"]) for finding in findings(path, *options)]


def dockerfile(directory: Path, text: str, name: str = "Dockerfile") -> Path:
    path = directory / name
    path.write_bytes(text.encode())
    return path


# --- the directive grammar --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# ecs-lint: ignore=EL101", Directive(False, ("EL101",))),
        ("#ecs-lint:ignore=el101,EL105 -- mirrored", Directive(False, ("EL101", "EL105"))),
        ("# ecs-lint: ignore = EL101 , EL105", Directive(False, ("EL101", "EL105"))),
        ("# ecs-lint: ignore-file=EL105 -- legacy", Directive(True, ("EL105",))),
        ("# a comment mentioning ecs-lint", None),
        ("# syntax=docker/dockerfile:1", None),
    ],
)
def test_directive_grammar(comment: str, expected: Directive | None) -> None:
    assert parse_directive(comment) == expected


@pytest.mark.parametrize(
    "comment",
    ["# ecs-lint: ignroe=EL101", "# ecs-lint: ignore=", "# ecs-lint: ignore=EL101 reason"],
)
def test_malformed_directive_is_an_error_message(comment: str) -> None:
    assert isinstance(parse_directive(comment), str)


# --- Dockerfile comments ------------------------------------------------------------------------


def test_directive_suppresses_the_next_instruction(workdir: Path) -> None:
    path = dockerfile(workdir, "FROM nginx AS a\n")
    assert located(path, *SUPPRESSED) == [("EL101", 1), ("EL105", 1)]
    path = dockerfile(
        workdir, "# ecs-lint: ignore=EL101,EL105 -- mirrored by the proxy\nFROM nginx AS a\n"
    )
    assert located(path, *SUPPRESSED) == []


def test_directive_covers_only_the_codes_it_names(workdir: Path) -> None:
    path = dockerfile(workdir, "# ecs-lint: ignore=EL105\nFROM nginx\n")
    assert located(path, *SUPPRESSED) == [("EL101", 2)]


def test_directive_does_not_reach_later_instructions(workdir: Path) -> None:
    path = dockerfile(
        workdir,
        "# ecs-lint: ignore=EL101\nFROM nginx:1.25 AS a\nFROM redis:7\n",
    )
    assert located(path, *SUPPRESSED) == [("EL101", 3)]


def test_directive_covers_continuation_lines(workdir: Path) -> None:
    path = dockerfile(
        workdir,
        "FROM public.ecr.aws/docker/library/alpine:3.20\n"
        "# ecs-lint: ignore=EL101\n"
        "COPY \\\n"
        "  --from=nginx:1.25 \\\n"
        "  /etc/nginx /etc/nginx\n"
        "COPY --from=redis:7 /a /b\n",
    )
    assert located(path, *SUPPRESSED) == [("EL101", 6)]


def test_stacked_comment_lines_keep_the_directive_attached(workdir: Path) -> None:
    path = dockerfile(
        workdir, "# ecs-lint: ignore=EL101 -- mirror\n# pinned by renovate\nFROM nginx:1.25\n"
    )
    assert located(path, *SUPPRESSED) == []


def test_directive_separated_by_a_blank_line_is_reported(workdir: Path) -> None:
    path = dockerfile(workdir, "# ecs-lint: ignore=EL101\n\nFROM nginx:1.25\n")
    result = findings(path, *SUPPRESSED)
    assert [(f["rule"], f["line"]) for f in result] == [("EL901", 1), ("EL101", 3)]
    assert "line right before" in result[0]["message"]


def test_directive_with_crlf_line_endings(workdir: Path) -> None:
    path = dockerfile(workdir, "# ecs-lint: ignore=EL101\r\nFROM nginx:1.25\r\nFROM redis:7\r\n")
    assert located(path, *SUPPRESSED) == [("EL101", 3)]


def test_ignore_file_applies_anywhere_in_the_file(workdir: Path) -> None:
    path = dockerfile(
        workdir, "FROM nginx AS a\nFROM redis AS b\n# ecs-lint: ignore-file=EL105 -- legacy\n"
    )
    assert located(path, *SUPPRESSED) == [("EL101", 1), ("EL101", 2)]


def test_heredoc_body_is_not_a_directive(workdir: Path) -> None:
    path = dockerfile(
        workdir,
        "FROM nginx:1.25\nRUN <<EOF\n# ecs-lint: ignore-file=EL101\nEOF\n",
    )
    assert located(path, *SUPPRESSED) == [("EL101", 1)]


def test_directive_in_one_file_does_not_suppress_another(workdir: Path) -> None:
    dockerfile(workdir, "# ecs-lint: ignore-file=EL101\nFROM nginx:1.25\n", "a.Dockerfile")
    dockerfile(workdir, "FROM nginx:1.25\n", "b.Dockerfile")
    assert [(f["file"], f["rule"]) for f in findings(".", *SUPPRESSED)] == [
        ("b.Dockerfile", "EL101")
    ]


# --- EL901 unused-suppression -----------------------------------------------------------------


def test_unused_directive_is_reported_at_the_comment(workdir: Path) -> None:
    path = dockerfile(
        workdir,
        "\n  # ecs-lint: ignore=EL101 -- mirror\nFROM nginx:1.25-alpine\n".replace(
            "nginx", "public.ecr.aws/docker/library/nginx"
        ),
    )
    (finding,) = findings(path, *SUPPRESSED)
    assert (finding["rule"], finding["line"], finding["column"]) == ("EL901", 2, 3)
    assert finding["end_column"] == len("  # ecs-lint: ignore=EL101 -- mirror") + 1
    assert finding["unused"] == ["EL101"]
    assert finding["severity"] == "warning"


def test_partly_used_directive_names_only_the_unused_code(workdir: Path) -> None:
    path = dockerfile(workdir, "# ecs-lint: ignore=EL101,EL105\nFROM nginx:1.25\n")
    (finding,) = findings(path, *SUPPRESSED)
    assert finding["rule"] == "EL901"
    assert finding["unused"] == ["EL105"]
    assert "EL101" not in finding["message"]


def test_unknown_code_in_a_directive_is_reported(workdir: Path) -> None:
    path = dockerfile(
        workdir,
        "# ecs-lint: ignore-file=EL999\nFROM alpine:3.20\n".replace(
            "alpine", "public.ecr.aws/docker/library/alpine"
        ),
    )
    (finding,) = findings(path, *SUPPRESSED)
    assert finding["rule"] == "EL901"
    assert finding["unknown"] == ["EL999"]


def test_malformed_directive_is_reported(workdir: Path) -> None:
    path = dockerfile(workdir, "# ecs-lint: ignroe=EL101\nFROM nginx:1.25\n")
    assert located(path, *SUPPRESSED) == [("EL901", 1), ("EL101", 2)]


def test_directive_for_a_rule_that_did_not_run_is_not_judged(workdir: Path) -> None:
    path = dockerfile(workdir, "# ecs-lint: ignore=EL105\nFROM nginx:1.25\n")
    assert located(path, "--select", "EL101,EL901") == [("EL101", 2)]
    assert located(path, "--select", "EL101,EL105,EL901") == [("EL901", 1), ("EL101", 2)]


def test_unused_suppression_rule_can_be_ignored(workdir: Path) -> None:
    path = dockerfile(workdir, "# ecs-lint: ignore=EL101\nFROM public.ecr.aws/nginx/nginx:1.25\n")
    assert located(path, *SUPPRESSED) == [("EL901", 1)]
    assert located(path, *SUPPRESSED, "--ignore", "EL901") == []
    (workdir / ".ecs-lint.toml").write_text('[per-file-ignores]\n"Dockerfile" = ["EL901"]\n')
    assert located(path, *SUPPRESSED) == []


def test_unused_suppression_makes_the_exit_status_1(workdir: Path) -> None:
    path = dockerfile(workdir, "# ecs-lint: ignore=EL101\nFROM public.ecr.aws/nginx/nginx:1.25\n")
    assert run_cli(*SUPPRESSED, str(path)).status == 1
    assert run_cli(*SUPPRESSED, "--fail-level", "error", str(path)).status == 0


# --- --no-suppressions --------------------------------------------------------------------------


def test_no_suppressions_shows_everything_and_judges_nothing(workdir: Path) -> None:
    path = dockerfile(
        workdir,
        "# ecs-lint: ignore=EL105\nFROM nginx\n# ecs-lint: ignore-file=EL103\n",
    )
    (workdir / ".ecs-lint.toml").write_text('[per-file-ignores]\n"*" = ["EL101"]\n')
    selected = ("--select", "EL101,EL103,EL105,EL901")
    assert located(path, *selected) == [("EL901", 3)]
    assert located(path, *selected, "--no-suppressions") == [("EL101", 2), ("EL105", 2)]


def test_suppressed_findings_are_kept_aside_in_the_result(workdir: Path) -> None:
    dockerfile(workdir, "# ecs-lint: ignore=EL101\nFROM nginx:1.25\n")
    result = lint_paths([str(workdir)], Settings(select=("EL101", "EL901")))
    assert result.findings == []
    assert [finding.rule for finding in result.suppressed] == ["EL101"]


# --- per-file-ignores -------------------------------------------------------------------------

TASK = """{
  "family": "web",
  "containerDefinitions": [
    {"name": "web", "image": "nginx"},
    {"name": "worker", "image": "redis"},
    {"name": "web-sidecar", "image": "busybox"}
  ]
}
"""


def containers_reported(*options: str) -> list[tuple[str, int]]:
    return located("ecs", *options)


@pytest.fixture
def ecs_project(workdir: Path) -> Path:
    (workdir / "ecs").mkdir()
    (workdir / "ecs" / "task.json").write_text(TASK)
    (workdir / "ecs" / "other.json").write_text(
        '{"containerDefinitions": [{"name": "web", "image": "httpd"}]}'
    )
    return workdir


def configure(directory: Path, table: str) -> None:
    (directory / ".ecs-lint.toml").write_text(f'select = ["EL101"]\n[per-file-ignores]\n{table}')


def test_per_file_ignore_by_glob(ecs_project: Path) -> None:
    assert len(containers_reported("--select", "EL101")) == 4
    configure(ecs_project, '"ecs/task.json" = ["EL101"]\n')
    assert [f["file"] for f in findings("ecs")] == ["ecs/other.json"]


def test_per_file_ignore_narrowed_to_one_container(ecs_project: Path) -> None:
    configure(ecs_project, '"ecs/*.json:web" = ["EL101"]\n')
    assert [f["image"] for f in findings("ecs")] == [
        "docker.io/library/redis:latest",
        "docker.io/library/busybox:latest",
    ]


def test_container_part_is_a_glob(ecs_project: Path) -> None:
    configure(ecs_project, '"ecs/task.json:web*" = ["EL101"]\n')
    assert [f["image"] for f in findings("ecs")] == [
        "docker.io/library/httpd:latest",
        "docker.io/library/redis:latest",
    ]


def test_pattern_without_slash_matches_the_base_name(ecs_project: Path) -> None:
    configure(ecs_project, '"other.json" = ["EL1"]\n')
    assert {f["file"] for f in findings("ecs")} == {"ecs/task.json"}


def test_patterns_are_relative_to_the_configuration_file(
    ecs_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(ecs_project, '"ecs/other.json" = ["EL101"]\n')
    monkeypatch.chdir(ecs_project / "ecs")
    assert {f["file"] for f in findings(".")} == {"task.json"}


def test_per_file_ignore_for_other_codes_keeps_the_finding(ecs_project: Path) -> None:
    configure(ecs_project, '"ecs/*.json" = ["EL105"]\n')
    assert len(findings("ecs")) == 4


def test_container_narrowing_matches_no_dockerfile_finding(tmp_path: Path) -> None:
    dockerfile(tmp_path, "FROM nginx:1.25\n")
    entry = PerFileIgnore("Dockerfile", ("EL101",), str(tmp_path), container="web")
    result = lint_paths([str(tmp_path)], Settings(select=("EL101",), per_file_ignores=(entry,)))
    assert [finding.rule for finding in result.findings] == ["EL101"]


# --- the same directives in every source with comments --------------------------------------

STACK = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  # ecs-lint: ignore=EL101 -- pulled through the registry mirror
  Web:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: web
          Image: nginx:1.25
  Api:
    Type: AWS::ECS::TaskDefinition
    Properties:
      ContainerDefinitions:
        - Name: api
          # ecs-lint: ignore=EL101
          Image: redis:7
        - Name: db
          Image: postgres:16
"""


def test_cloudformation_yaml_comments_suppress_what_follows_them(workdir: Path) -> None:
    (workdir / "stack.yaml").write_text(STACK)
    assert located(workdir / "stack.yaml", *SUPPRESSED) == [("EL101", 18)]


def test_an_unused_cloudformation_comment_is_reported(workdir: Path) -> None:
    (workdir / "stack.yaml").write_text(STACK.replace("ignore=EL101\n", "ignore=EL105\n"))
    assert located(workdir / "stack.yaml", *SUPPRESSED) == [
        ("EL901", 15),
        ("EL101", 16),
        ("EL101", 18),
    ]


TERRAFORM = """\
# ecs-lint: ignore=EL101 -- mirrored
resource "aws_ecs_task_definition" "web" {
  family                = "web"
  container_definitions = jsonencode([{ name = "web", image = "nginx:1.25" }])
}

resource "aws_ecs_task_definition" "api" {
  family = "api"
  container_definitions = jsonencode([
    // ecs-lint: ignore=EL101
    { name = "api", image = "redis:7" },
    { name = "db", image = "postgres:16" },
  ])
  tags = {
    notes = <<-EOT
      # ecs-lint: ignore-file=EL101 -- text of a heredoc, not a comment
    EOT
  }
}
"""


def test_terraform_comments_suppress_what_follows_them(workdir: Path) -> None:
    (workdir / "main.tf").write_text(TERRAFORM)
    assert located(workdir / "main.tf", *SUPPRESSED) == [("EL101", 12)]


def test_a_compose_comment_before_a_service_covers_the_whole_service(workdir: Path) -> None:
    (workdir / "compose.yaml").write_text(
        "services:\n  # ecs-lint: ignore=EL101\n  web:\n    image: nginx:1.25\n"
        "  db:\n    image: postgres:16\n    # ecs-lint: ignore=EL101\n"
    )
    assert located(workdir / "compose.yaml", *SUPPRESSED) == [("EL101", 6), ("EL901", 7)]


@pytest.mark.parametrize(
    ("selector", "left"),
    [
        ("EL1", []),
        ("el10", []),
        ("ALL", []),
        ("EL101,mutable-image-tag", []),
        ("docker-hub-anonymous-pull", [("EL105", 2)]),
        ("EL105", [("EL101", 2)]),
    ],
)
def test_directives_name_rules_as_the_configuration_does(
    workdir: Path, selector: str, left: list[tuple[str, int]]
) -> None:
    path = dockerfile(workdir, f"# ecs-lint: ignore={selector}\nFROM nginx\nFROM redis:7\n")
    assert located(path, *SUPPRESSED) == [*left, ("EL101", 3)]


def test_a_prefix_or_name_that_names_no_rule_is_unknown(workdir: Path) -> None:
    path = dockerfile(workdir, "# ecs-lint: ignore=EL8,no-such-rule\nFROM nginx:1.25\n")
    (finding, _) = findings(path, *SUPPRESSED)
    assert finding["rule"] == "EL901"
    assert finding["unknown"] == ["EL8", "no-such-rule"]


def test_an_unused_prefix_is_reported(workdir: Path) -> None:
    path = dockerfile(workdir, "# ecs-lint: ignore=EL2\nFROM nginx:1.25\n")
    rows = findings(path, "--select", "EL101,EL201,EL901")
    assert [(row["rule"], row.get("unused")) for row in rows] == [
        ("EL901", ["EL2"]),
        ("EL101", None),
    ]


def test_the_configuration_takes_rule_names(workdir: Path) -> None:
    path = dockerfile(workdir, "FROM nginx\n")
    assert located(path, "--select", "mutable-image-tag") == [("EL105", 1)]
    (workdir / ".ecs-lint.toml").write_text(
        'select = ["EL1"]\nignore = ["docker-hub-anonymous-pull"]\n'
    )
    assert located(path) == [("EL105", 1)]
