"""Position-tracking YAML: exact spans, tags kept, aliases charged, every error with a position."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_lint import _yamlloader, yamlpos
from ecs_lint.textio import SourceText
from ecs_lint.yamlpos import YamlError

if TYPE_CHECKING:
    from pathlib import Path


def load_one(text: str) -> yamlpos.YamlDocument:
    (document,) = yamlpos.load_documents(text)
    return document


def value_text(text: str, node: yaml.Node) -> str | None:
    span = yamlpos.value_span(node, text)
    return None if span is None else text[span[0] : span[1]]


def error_position(text: str) -> tuple[int, int, str]:
    """(line, column, message) of the error loading ``text`` gives, as users see it."""
    with pytest.raises(YamlError) as caught:
        yamlpos.load_documents(text)
    line, column = SourceText("f.yaml", text).position(caught.value.offset)
    return line, column, caught.value.message


# --- Spans ----------------------------------------------------------------------------------


def test_value_spans_cover_exactly_the_value_inside_quotes() -> None:
    text = (
        "plain: nginx:1.25  # a comment\n"
        "single: 'redis:7'\n"
        'double: "postgres:16"\n'
        "tagged: !Ref ImageParameter\n"
        "anchored: &img busybox:1.36\n"
        "flow: {image: 'alpine:3.19', other: x}\n"
    )
    root = load_one(text).root
    assert {entry.key.value: value_text(text, entry.value) for entry in yamlpos.entries(root)} == {
        "plain": "nginx:1.25",
        "single": "redis:7",
        "double": "postgres:16",
        "tagged": "ImageParameter",
        "anchored": "busybox:1.36",
        "flow": None,  # a mapping has no value text
    }
    flow_image = yamlpos.get_value(yamlpos.get_value(root, "flow"), "image")
    assert flow_image is not None
    assert value_text(text, flow_image) == "alpine:3.19"
    start, end = yamlpos.value_span(flow_image, text) or (0, 0)
    span = SourceText("f", text).span(start, end)
    assert (span.line, span.column, span.end_line, span.end_column) == (6, 16, 6, 27)


def test_node_span_includes_quotes_tags_and_anchors() -> None:
    text = "a: 'quoted'\nb: !Sub '${AWS::Region}'\nc: &x value\n"
    root = load_one(text).root
    spans = [yamlpos.node_span(entry.value, text) for entry in yamlpos.entries(root)]
    assert [text[start:end] for start, end in spans] == [
        "'quoted'",
        "!Sub '${AWS::Region}'",
        "&x value",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "image: |\n  nginx:1.25\n",  # literal block
        "image: >-\n  nginx:1.25\n",  # folded block
        "image: nginx\n  :1.25\n",  # plain scalar folded over two lines
        "image: 'nginx\n  :1.25'\n",  # quoted scalar folded over two lines
        'image: "nginx\\x3a1.25"\n',  # an escape
        "image: 'it''s'\n",  # a doubled quote
    ],
)
def test_no_value_span_when_the_text_is_not_the_value(text: str) -> None:
    node = yamlpos.get_value(load_one(text).root, "image")
    assert node is not None
    assert yamlpos.value_span(node, text) is None
    start, end = yamlpos.scalar_span(node, text)
    assert text[start:end].startswith(("|", ">", "nginx", "'", '"'))
    assert not text[start:end].endswith("\n")


def test_offsets_count_characters_not_bytes() -> None:
    text = "note: é😀 ünïcode\nimage: 'nginx:1.25'\n"
    node = yamlpos.get_value(load_one(text).root, "image")
    assert node is not None
    assert value_text(text, node) == "nginx:1.25"


def test_crlf_line_endings_keep_offsets_exact() -> None:
    text = "a: 1\r\nimage: nginx:1.25\r\n"
    node = yamlpos.get_value(load_one(text).root, "image")
    assert node is not None
    assert value_text(text, node) == "nginx:1.25"


def test_every_document_of_a_stream_in_order() -> None:
    text = "# Source: a.yaml\nkind: A\n---\n# Source: b.yaml\nkind: B\n---\n---\nkind: C\n...\n"
    documents = yamlpos.load_documents(text)
    kinds = [yamlpos.text(yamlpos.get_value(doc.root, "kind")) for doc in documents]
    assert kinds == ["A", "B", None, "C"]
    assert yamlpos.is_null(documents[2].root)
    assert text[documents[1].start :].startswith("---\n# Source: b.yaml")


def test_empty_stream_has_no_documents() -> None:
    assert yamlpos.load_documents("") == []
    assert yamlpos.load_documents("# only a comment\n") == []


# --- Tags -----------------------------------------------------------------------------------

CLOUDFORMATION_TEMPLATE = """\
Resources:
  Task:
    Properties:
      Ref: !Ref ImageTag
      Sub: !Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app"
      SubList: !Sub ["${Repo}:latest", {Repo: !Ref Repository}]
      GetAtt: !GetAtt Role.Arn
      Join: !Join [":", [nginx, !Ref Tag]]
      If: !If [IsProd, nginx:1.25, nginx:latest]
      FindInMap: !FindInMap [Images, !Ref "AWS::Region", Web]
      Select: !Select [0, !GetAZs ""]
      Split: !Split [",", "a,b"]
      ImportValue: !ImportValue SharedRepository
      Base64: !Base64 "echo hi"
      Equals: !Equals [!Ref Env, prod]
      Not: !Not [!Condition IsProd]
      And: !And [!Condition A, !Condition B]
      Or: !Or [!Condition A, !Condition B]
      Cidr: !Cidr [10.0.0.0/16, 4, 8]
      Transform: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}
"""


def test_cloudformation_short_forms_stay_tagged_nodes() -> None:
    root = load_one(CLOUDFORMATION_TEMPLATE).root
    properties = yamlpos.get_value(
        yamlpos.get_value(yamlpos.get_value(root, "Resources"), "Task"), "Properties"
    )
    tags = {
        entry.key.value: yamlpos.short_tag(entry.value) for entry in yamlpos.entries(properties)
    }
    assert tags == {
        "Ref": "!Ref",
        "Sub": "!Sub",
        "SubList": "!Sub",
        "GetAtt": "!GetAtt",
        "Join": "!Join",
        "If": "!If",
        "FindInMap": "!FindInMap",
        "Select": "!Select",
        "Split": "!Split",
        "ImportValue": "!ImportValue",
        "Base64": "!Base64",
        "Equals": "!Equals",
        "Not": "!Not",
        "And": "!And",
        "Or": "!Or",
        "Cidr": "!Cidr",
        "Transform": "!Transform",
    }
    getatt = yamlpos.get_value(properties, "GetAtt")
    assert yamlpos.is_scalar(getatt) and yamlpos.text(getatt) == "Role.Arn"
    join = yamlpos.get_value(properties, "Join")
    assert yamlpos.is_sequence(join)
    inner = yamlpos.items(yamlpos.items(join)[1])[1]
    assert (yamlpos.short_tag(inner), yamlpos.text(inner)) == ("!Ref", "Tag")
    select = yamlpos.items(yamlpos.get_value(properties, "Select"))[1]
    assert yamlpos.short_tag(select) == "!GetAZs"
    assert yamlpos.short_tag(yamlpos.get_value(properties, "Transform")) == "!Transform"
    assert yamlpos.is_mapping(yamlpos.get_value(properties, "Transform"))


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    text = (
        f"a: !!python/object/apply:os.system ['touch {marker}']\n"
        f"b: !!python/object/new:pathlib.Path ['{marker}']\n"
        "c: !!python/name:os.system\n"
        "d: !!binary aGVsbG8=\n"
    )
    root = load_one(text).root
    assert not marker.exists()
    tags = [entry.value.tag for entry in yamlpos.entries(root)]
    assert tags == [
        "tag:yaml.org,2002:python/object/apply:os.system",
        "tag:yaml.org,2002:python/object/new:pathlib.Path",
        "tag:yaml.org,2002:python/name:os.system",
        "tag:yaml.org,2002:binary",
    ]
    assert all(isinstance(entry.value, yaml.Node) for entry in yamlpos.entries(root))
    assert yamlpos.text(yamlpos.get_value(root, "d")) == "aGVsbG8="


def test_implicit_types_resolve_but_text_is_as_written() -> None:
    root = load_one("version: 1.10\non: push\nempty:\ntilde: ~\n").root
    version = yamlpos.get_value(root, "version")
    assert version is not None and version.tag == "tag:yaml.org,2002:float"
    assert yamlpos.text(version) == "1.10"
    assert yamlpos.get(root, "on") is not None  # a key that YAML 1.1 reads as a boolean
    assert yamlpos.is_null(yamlpos.get_value(root, "empty"))
    assert yamlpos.is_null(yamlpos.get_value(root, "tilde"))
    assert yamlpos.text(yamlpos.get_value(root, "empty")) is None


# --- Mappings: merge keys and duplicates ---------------------------------------------------------


def test_merge_keys_apply_and_explicit_keys_win() -> None:
    text = (
        "base: &base {image: redis:7, restart: always}\n"
        "extra: &extra {image: ignored, ports: [80]}\n"
        "svc:\n"
        "  <<: [*base, *extra]\n"
        "  restart: never\n"
    )
    service = yamlpos.get_value(load_one(text).root, "svc")
    found = {entry.key.value: yamlpos.text(entry.value) for entry in yamlpos.entries(service)}
    assert found == {"image": "redis:7", "restart": "never", "ports": None}
    assert yamlpos.text(yamlpos.get_value(service, "image")) == "redis:7"
    assert yamlpos.text(yamlpos.get_value(service, "restart")) == "never"
    assert yamlpos.get(service, "missing") is None


def test_last_duplicate_key_wins() -> None:
    text = "image: first\nimage: second\n"
    root = load_one(text).root
    assert yamlpos.text(yamlpos.get_value(root, "image")) == "second"
    assert [yamlpos.text(e.value) for e in yamlpos.entries(root)] == ["second"]


def test_walking_helpers_accept_any_node() -> None:
    scalar = load_one("just text\n").root
    assert yamlpos.get(scalar, "x") is None
    assert yamlpos.entries(scalar) == []
    assert yamlpos.items(scalar) == []
    assert yamlpos.items(None) == []
    assert yamlpos.text(load_one("[1]\n").root) is None


# --- Aliases ----------------------------------------------------------------------------------


def test_nodes_reached_through_an_alias_are_shared() -> None:
    text = "a: &img nginx:1.25\nb: *img\nc: &unused redis:7\nd: &tpl {image: x}\ne: *tpl\n"
    document = load_one(text)
    root = document.root
    a, b, c = (yamlpos.get_value(root, key) for key in "abc")
    assert a is b and a is not None and document.is_shared(a)
    assert c is not None and not document.is_shared(c)
    inner = yamlpos.get_value(yamlpos.get_value(root, "e"), "image")
    assert inner is not None and document.is_shared(inner)


def billion_laughs(levels: int) -> str:
    lines = ["lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        aliases = ", ".join([f"*lol{level - 1}"] * 10)
        lines.append(f"lol{level}: &lol{level} [{aliases}]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_quickly_at_the_alias() -> None:
    text = billion_laughs(30)  # 10**30 nodes if expanded
    began = time.perf_counter()
    line, column, message = error_position(text)
    elapsed = time.perf_counter() - began
    assert "alias *lol3 would expand the file past 100,000 nodes" in message
    assert line == 5  # lol4's line: refused long before the end of the file
    assert text.splitlines()[line - 1][column - 1 :].startswith("*lol3")
    assert elapsed < 1.0


def test_many_small_aliases_are_counted_too() -> None:
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 100_001) + "]\n"
    _, _, message = error_position(text)
    assert "would expand the file past" in message


def test_ordinary_alias_use_is_accepted() -> None:
    text = billion_laughs(4)  # 11,111 nodes: fine
    assert len(yamlpos.load_documents(text)) == 1


def test_recursive_and_undefined_aliases_are_refused_with_positions() -> None:
    assert error_position("a: &a [1, *a]\n") == (
        1,
        11,
        "alias *a refers to a node that contains it; refused",
    )
    assert error_position("a: 1\nb: *nowhere\n") == (
        2,
        4,
        "alias *nowhere refers to no anchor &nowhere before it",
    )


def test_anchors_do_not_leak_between_documents() -> None:
    assert error_position("a: &x 1\n---\nb: *x\n")[:2] == (3, 4)


def test_redefined_anchor_uses_the_latest_definition() -> None:
    root = load_one("a: &x first\nb: &x second\nc: *x\n").root
    assert yamlpos.text(yamlpos.get_value(root, "c")) == "second"


# --- Errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("services:\n  web:\n    image: nginx\n   ports: [80]\n", (4, 4)),
        ("a: b: c\n", (1, 5)),
        ("list: [1, 2\nnext: 3\n", (2, 5)),
        ("key: 'unterminated\n", (2, 1)),
        ("a:\n\t- tab\n", (2, 1)),
        ("a: 1\n%TAG ! bad\n", (3, 1)),
    ],
)
def test_syntax_errors_have_a_line_and_column(text: str, expected: tuple[int, int]) -> None:
    line, column, message = error_position(text)
    assert (line, column) == expected
    assert message and "\n" not in message


def test_context_of_an_error_names_its_line() -> None:
    _, _, message = error_position("a:\n  list: [1, 2\n")
    assert "started on line 2" in message


def test_control_characters_are_refused_by_code_point_not_echoed() -> None:
    line, column, message = error_position("a: ok\nb: x\x1b[31m\n")
    assert (line, column) == (2, 5)
    assert message == "character U+001B is not allowed in YAML"


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    line, column, message = error_position("- " * 100_000)
    assert (line, column) == (1, 1001)
    assert message == "nesting deeper than 500 levels; refused"
    _, _, message = error_position("[" * 100_000)  # libyaml may stop it first, at its own limit
    assert "nesting" in message
    assert len(yamlpos.load_documents("[" * 400 + "]" * 400)) == 1


# --- Both parsers -----------------------------------------------------------------------------


SAMPLES = [
    CLOUDFORMATION_TEMPLATE,
    "a: &x [1, {b: 'c'}]\nd: *x\n---\n- \"é\"\n- |\n  block\n",
    billion_laughs(3),
]


def shape(node: yaml.Node) -> object:
    if isinstance(node, yaml.ScalarNode):
        return (node.tag, node.value, node.style, node.start_mark.index, node.end_mark.index)
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, [shape(item) for item in node.value], node.start_mark.index)
    return (node.tag, [(shape(k), shape(v)) for k, v in node.value], node.start_mark.index)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="libyaml is not installed")
@pytest.mark.parametrize("text", SAMPLES)
def test_libyaml_and_pure_python_parsers_agree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = [shape(doc.root) for doc in yamlpos.load_documents(text)]
    monkeypatch.setattr(_yamlloader, "_loader_base", lambda: yaml.SafeLoader)
    slow = [shape(doc.root) for doc in yamlpos.load_documents(text)]
    assert fast == slow


def test_yaml_is_not_imported_at_start_up() -> None:
    import subprocess
    import sys

    code = "import sys, ecs_lint.yamlpos, ecs_lint.cli; print('yaml' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


# --- Properties -------------------------------------------------------------------------------

YAML_PIECES = [*"ab:-[]{}&*!'\"#|>\n ,?%@`\\\t", "---\n", "*a", "&a ", "<<: ", "!Ref ", "\n  "]
YAMLISH = st.lists(st.sampled_from(YAML_PIECES), max_size=60).map("".join)


@given(st.one_of(st.text(), YAMLISH))
@settings(max_examples=400, deadline=None)
def test_loading_never_raises_anything_but_yaml_error(text: str) -> None:
    try:
        documents = yamlpos.load_documents(text)
    except YamlError as error:
        assert 0 <= error.offset <= len(text)
        return
    for document in documents:
        pending = [document.root]
        seen: set[int] = set()
        while pending:
            node = pending.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            assert 0 <= node.start_mark.index <= node.end_mark.index <= len(text)
            span = yamlpos.value_span(node, text)
            if span is not None:
                assert text[span[0] : span[1]] == node.value
            pending.extend(yamlpos.items(node))
            if yamlpos.is_mapping(node):
                pending.extend(part for pair in node.value for part in pair)
