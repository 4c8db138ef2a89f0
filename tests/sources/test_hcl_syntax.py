"""The HCL parser (tree-sitter's HCL grammar) and what ecs-lint reads of its tree: strings with
escapes and interpolations, heredocs, comments, offsets of non-ASCII text, syntax errors with
their line, template files; one parser per process, nothing written anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
import tree_sitter_hcl

from ecs_lint.settings import Settings
from ecs_lint.sources import terraform
from ecs_lint.sources._hclsyntax import _parser, parse_hcl, parse_template, syntax_error
from ecs_lint.sources._values import Str
from ecs_lint.textio import SourceText


def images(text: str, path: str = "/nonexistent/main.tf") -> list[tuple[str, int, int, bool]]:
    """Each image: its reference, line, column, and whether a fix may rewrite it there."""
    document = terraform.parse(SourceText(path, text), Settings())
    assert document.problems == []
    return [
        (str(use.reference), use.span.line, use.span.column, use.edit_span is not None)
        for use in document.images
    ]


def task(containers: str) -> str:
    return (
        'resource "aws_ecs_task_definition" "t" {\n'
        '  family = "t"\n'
        f"  container_definitions = {containers}\n"
        "}\n"
    )


def test_offsets_after_non_ascii_text_are_characters_not_bytes() -> None:
    text = task('jsonencode([{ name = "café ☕ 𝄞", image = "nginx:1.25" }])')
    line = text.splitlines()[2]
    assert images(text) == [("docker.io/library/nginx:1.25", 3, line.index("nginx") + 1, True)]


def test_escapes_are_decoded_and_such_strings_are_not_rewritten() -> None:
    escaped = task(r'jsonencode([{ name = "a", image = "ngin\u0078:1.25" }])')
    assert images(escaped)[0][0] == "docker.io/library/nginx:1.25"
    assert images(escaped)[0][3] is False  # the text is not the value: no fix writes over it
    literal = task('jsonencode([{ name = "a", image = "$${x}:1" }])')
    document = terraform.parse(SourceText("/nonexistent/main.tf", literal), Settings())
    assert [use.reference.original for use in document.images] == ["${x}:1"]  # type: ignore[union-attr]


def test_heredoc_indentation_is_trimmed_and_positions_kept() -> None:
    text = task('<<-EOT\n    [\n      {"name": "web", "image": "redis:7.2"}\n    ]\n    EOT')
    line = text.splitlines()[4]
    assert images(text) == [("docker.io/library/redis:7.2", 5, line.index("redis") + 1, True)]


def test_heredoc_interpolation_of_a_known_value() -> None:
    text = 'locals {\n  tag = "1.27"\n}\n' + task(
        '<<EOT\n[{"name": "web", "image": "nginx:${local.tag}"}]\nEOT'
    )
    ((reference, line, _, editable),) = images(text)
    assert (reference, line, editable) == ("docker.io/library/nginx:1.27", 7, False)


def test_comments_of_every_kind() -> None:
    text = task(
        "jsonencode([ # the containers\n"
        '    { /* web */ name = "web", // the main one\n'
        '      image = "nginx:1.25" }\n'
        "  ])"
    )
    assert [reference for reference, *_ in images(text)] == ["docker.io/library/nginx:1.25"]


def test_template_directives_are_evaluated_when_known() -> None:
    heredoc = (
        'variable "tags" {\n  default = ["1.27"]\n}\n'
        'variable "debug" {\n  default = false\n}\n'
        + task(
            "<<-EOT\n"
            "  [{\n"
            '    %{~ if var.debug ~}\n    "name": "debug",\n    %{~ else ~}\n'
            '    "name": "web",\n    %{~ endif ~}\n'
            '    "image": "nginx:%{ for tag in var.tags }${tag}%{ endfor }"\n'
            "  }]\n"
            "  EOT"
        )
    )
    document = terraform.parse(SourceText("/nonexistent/main.tf", heredoc), Settings())
    assert [(use.container, str(use.reference)) for use in document.images] == [
        ("web", "docker.io/library/nginx:1.27")
    ]
    unknown = task('<<EOT\n[{"name": "a", "image": "%{ if var.x }nginx%{ endif }"}]\nEOT')
    document = terraform.parse(SourceText("/nonexistent/main.tf", unknown), Settings())
    assert [use.reference.original for use in document.images] == ["template directive"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ('resource "a" "b" {\n  x = [1,\n}\n', 2, "invalid HCL: unexpected"),
        ('locals {\n  a = "unterminated\n}\n', 2, "invalid HCL: "),
        ("locals {\n  a = 1\n", 3, "invalid HCL: expected '}'"),
        ("locals {\n  a = <<EOT\nno end\n}\n", 2, "invalid HCL: <<EOT is not closed"),
        ("locals {\n  a = \n}\n", 2, "invalid HCL: expected a value after '='"),
    ],
)
def test_syntax_errors_name_their_line(text: str, line: int, message: str) -> None:
    found = syntax_error(parse_hcl(SourceText("main.tf", text)))
    assert found is not None
    span, said = found
    assert (span.line, said[: len(message)]) == (line, message)


def test_a_template_file_with_non_ascii_text(tmp_path: Path) -> None:
    template = tmp_path / "containers.json.tpl"
    template.write_text('[{"name": "ünïcode", "image": "${image}"}]\n', encoding="utf-8")
    parsed = parse_template(SourceText(str(template), template.read_text(encoding="utf-8")))
    assert parsed is not None
    file, _, start, end = parsed
    assert file.slice(start, end) == template.read_text(encoding="utf-8")
    assert file.offset(start) == 0


def test_one_parser_per_process_and_nothing_written_into_the_package() -> None:
    package = Path(tree_sitter_hcl.__file__).parent
    before = sorted(path.name for path in package.rglob("*"))
    parse_hcl(SourceText("a.tf", 'locals {\n  a = "b"\n}\n'))
    parse_hcl(SourceText("b.tf", "variable x {}\n"))
    assert _parser() is _parser()
    assert sorted(path.name for path in package.rglob("*")) == before


def test_strings_are_spans_of_their_text() -> None:
    """A plain quoted string is its own text, between the quotes, so a fix may rewrite it."""
    from ecs_lint.sources._hcl import Evaluator
    from ecs_lint.sources._tfinstance import Instance
    from ecs_lint.sources._tfmodule import ModuleDir, run_cache

    source = SourceText("x.tf", 'a = "nginx:1.25"\n')
    hcl = parse_hcl(source)
    attribute = hcl.body[0]
    scope = Instance(ModuleDir(Path("/nonexistent"), ""), run_cache(Settings()))
    value = Evaluator(scope, hcl).expression(attribute.named_children[-1], 0)
    assert isinstance(value, Str)
    assert value.editable and source.text[value.span.start : value.span.end] == "nginx:1.25"
