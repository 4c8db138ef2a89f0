"""The position-tracking JSON parser: json.loads values, exact spans, strict errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_lint import jsonpos
from ecs_lint.jsonpos import JsonArray, JsonError, JsonNode, JsonObject, JsonScalar

FIXTURES = Path(__file__).parent.parent / "fixtures" / "taskdef"
BOTH_PATHS = pytest.mark.parametrize("fast", [True, False], ids=["fast", "exact"])


def spans(root: JsonNode) -> list[tuple[str, int, int]]:
    """Every node's and key's span, in text order, to compare trees built by the two paths."""
    found: list[tuple[str, int, int]] = []
    pending = [root]
    while pending:
        node = pending.pop()
        found.append((type(node).__name__, node.start, node.end))
        if isinstance(node, JsonObject):
            for member in node.members:
                found.append((f"key {member.key}", member.key_start, member.key_end))
                pending.append(member.value)
        elif isinstance(node, JsonArray):
            pending.extend(node.items)
    return sorted(found, key=lambda span: (span[1], span[2], span[0]))


def assert_spans_hold_their_values(text: str, root: JsonNode) -> None:
    pending = [root]
    while pending:
        node = pending.pop()
        assert json.loads(text[node.start : node.end]) == jsonpos.to_python(node)
        if isinstance(node, JsonObject):
            for member in node.members:
                assert json.loads(text[member.key_start : member.key_end]) == member.key
                pending.append(member.value)
        elif isinstance(node, JsonArray):
            pending.extend(node.items)


@BOTH_PATHS
def test_spans_of_values_and_keys(fast: bool) -> None:
    text = '{"a": [1, "two", {"b": null}], "c": true}'
    root = jsonpos.parse(text, fast=fast).root
    assert isinstance(root, JsonObject)
    assert (root.start, root.end) == (0, len(text))
    first = root.members[0]
    assert (first.key, text[first.key_start : first.key_end]) == ("a", '"a"')
    array = root.get("a")
    assert isinstance(array, JsonArray)
    assert text[array.start : array.end] == '[1, "two", {"b": null}]'
    assert [text[item.start : item.end] for item in array.items] == ["1", '"two"', '{"b": null}']
    flag = root.get("c")
    assert isinstance(flag, JsonScalar) and flag.value is True
    assert text[flag.start : flag.end] == "true"
    assert root.get("missing") is None


@BOTH_PATHS
@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.json")))
def test_fixtures_agree_with_json_loads(name: str, fast: bool) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    parsed = jsonpos.parse(text, fast=fast)
    assert jsonpos.to_python(parsed.root) == json.loads(text)
    assert_spans_hold_their_values(text, parsed.root)


@pytest.mark.parametrize("name", sorted(path.name for path in FIXTURES.glob("*.json")))
def test_fast_and_exact_paths_build_the_same_tree(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert spans(jsonpos.parse(text).root) == spans(jsonpos.parse(text, fast=False).root)


@BOTH_PATHS
def test_escaped_string_spans_its_raw_text(fast: bool) -> None:
    text = r'{"image": "docker.io\u002flibrary\/nginx:1.25"}'
    root = jsonpos.parse(text, fast=fast).root
    assert isinstance(root, JsonObject)
    image = root.get("image")
    assert isinstance(image, JsonScalar)
    assert image.value == "docker.io/library/nginx:1.25"
    assert text[image.start : image.end] == r'"docker.io\u002flibrary\/nginx:1.25"'


def test_crlf_and_tabs_are_whitespace() -> None:
    text = '{\r\n\t"a":\r\n\t[1,\r\n\t2]\r\n}\r\n'
    root = jsonpos.parse(text).root
    assert jsonpos.to_python(root) == {"a": [1, 2]}
    assert isinstance(root, JsonObject)
    assert (root.start, root.end) == (0, len(text) - 2)


def test_scalars_at_the_top_level() -> None:
    for text, value in [(" 42 ", 42), ('"x"', "x"), ("null", None), ("-1.5e3", -1500.0)]:
        root = jsonpos.parse(text).root
        assert isinstance(root, JsonScalar) and root.value == value
        assert text[root.start : root.end] == text.strip()


@BOTH_PATHS
def test_numbers_keep_python_types(fast: bool) -> None:
    value = jsonpos.to_python(
        jsonpos.parse("[1, 1.0, 1e2, -0, 12345678901234567890]", fast=fast).root
    )
    assert value == [1, 1.0, 100.0, 0, 12345678901234567890]
    assert isinstance(value, list)
    assert [type(item) for item in value] == [int, float, float, int, int]


def test_duplicate_keys_last_wins_and_both_are_kept() -> None:
    text = '{"image": "a", "name": "n", "image": "b"}'
    parsed = jsonpos.parse(text)
    root = parsed.root
    assert isinstance(root, JsonObject)
    assert jsonpos.to_python(root) == {"image": "b", "name": "n"} == json.loads(text)
    assert list(root.value) == list(json.loads(text))  # the first occurrence keeps its place
    assert [member.key for member in root.members] == ["image", "name", "image"]
    (duplicate,) = parsed.duplicates
    assert duplicate.obj is root
    assert text[duplicate.earlier.key_start : duplicate.earlier.key_end] == '"image"'
    assert duplicate.earlier.key_start == 1
    assert duplicate.later.key_start == text.rindex('"image"')
    value = root.get("image")
    assert isinstance(value, JsonScalar) and value.value == "b"


def test_every_repeat_of_a_key_is_recorded() -> None:
    parsed = jsonpos.parse('{"a": 1, "a": 2, "a": 3}')
    values = [
        (jsonpos.to_python(d.earlier.value), jsonpos.to_python(d.later.value))
        for d in parsed.duplicates
    ]
    assert values == [(1, 2), (2, 3)]


def test_duplicates_deep_inside_are_found_with_their_path() -> None:
    parsed = jsonpos.parse('{"a": [{"x": 1}, {"b": {"k": 1, "k": 2}}]}')
    (duplicate,) = parsed.duplicates
    paths = jsonpos.find_paths(parsed.root, [duplicate.obj, parsed.root])
    assert paths == {id(duplicate.obj): ["a", 1, "b"], id(parsed.root): []}
    assert jsonpos.format_path(paths[id(duplicate.obj)]) == "a[1].b"


def test_format_path_quotes_keys_that_are_not_names() -> None:
    assert (
        jsonpos.format_path(["containerDefinitions", 0, "image"]) == "containerDefinitions[0].image"
    )
    assert jsonpos.format_path([0, "options", "awslogs-group"]) == "[0].options.awslogs-group"
    assert jsonpos.format_path(["a b", "c"]) == '["a b"].c'
    assert jsonpos.format_path([]) == "(top level)"


@pytest.mark.parametrize(
    ("text", "message", "offset"),
    [
        ("", "empty input", 0),
        ("  \n\t ", "empty input", 5),
        ("{", "unexpected end of input", 1),
        ('{"a": 1', "unexpected end of input", 7),
        ('{"a": 1,}', "expected a string key in double quotes, found '}'", 8),
        ("[1, 2,]", "expected a value, found ']'", 6),
        (
            "{'a': 1}",
            "expected a string key in double quotes or '}', found \"'\" "
            "(JSON strings and keys need double quotes)",
            1,
        ),
        ('{"a" 1}', "expected ':' after the key, found '1'", 5),
        ('{"a": 1 "b": 2}', "expected ',' or '}', found '\"'", 8),
        ("[1 2]", "expected ',' or ']', found '2'", 3),
        ('{"a": NaN}', "expected a value, found 'N' (NaN is not valid JSON)", 6),
        ("[Infinity]", "expected a value or ']', found 'I' (Infinity is not valid JSON)", 1),
        ("[-Infinity]", "expected a value or ']', found '-' (Infinity is not valid JSON)", 1),
        ("[01]", "expected ',' or ']', found '1'", 2),
        ("[.5]", "expected a value or ']', found '.'", 1),
        ("[True]", "expected a value or ']', found 'T'", 1),
        ('{"a": 1} x', "extra data after the JSON value", 9),
        ("{} {}", "extra data after the JSON value", 3),
        ('["abc', "unterminated string", 1),
        ('["a\nb"]', "control character in a string (escape it, e.g. \\n or \\t)", 3),
        (r'["a\qb"]', "invalid escape sequence in a string", 3),
        (r'["\u12"]', "invalid escape sequence in a string", 3),
        ("// comment\n{}", "expected a value, found '/' (JSON has no comments)", 0),
        ("\ufeff{}", "expected a value, found U+FEFF", 0),
        ("[\u00a0]", "expected a value or ']', found U+00A0", 1),
        ("[" + "1" * 5000 + "]", "integer too long (5000 digits)", 1),
    ],
)
def test_invalid_json_is_a_clear_error_at_its_offset(text: str, message: str, offset: int) -> None:
    for fast in (True, False):
        with pytest.raises(JsonError) as caught:
            jsonpos.parse(text, fast=fast)
        assert (caught.value.message, caught.value.offset) == (message, offset)


def test_deep_nesting_is_an_error_not_a_recursion_error() -> None:
    text = "[" * 100_000 + "]" * 100_000
    for fast in (True, False):
        with pytest.raises(JsonError) as caught:
            jsonpos.parse(text, fast=fast)
        assert caught.value.message == "nesting deeper than 512 levels"
        assert caught.value.offset == 512


def test_nesting_up_to_the_limit_is_fine() -> None:
    text = '{"a": ' * 511 + "[]" + "}" * 511
    root = jsonpos.parse(text).root
    assert jsonpos.to_python(root) == json.loads(text)
    with pytest.raises(JsonError, match="nesting deeper than 512"):
        jsonpos.parse("[" + text + "]")
    with pytest.raises(JsonError, match="nesting deeper than 3 levels"):
        jsonpos.parse("[[[[]]]]", max_depth=3)


def test_deep_tree_converts_without_recursion() -> None:
    text = "[" * 5000 + "]" * 5000
    root = jsonpos.parse(text, max_depth=10_000).root
    value = jsonpos.to_python(root)
    depth = 0
    while isinstance(value, list) and value:
        value, depth = value[0], depth + 1
    assert depth == 4999
    assert repr(root) == f"JsonArray(start=0, end={len(text)})"


# --- Properties -------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)
layouts = st.sampled_from(
    [
        {},
        {"indent": 2},
        {"indent": "\t", "separators": (",", ": ")},
        {"separators": (",", ":")},
        {"ensure_ascii": False},
        {"indent": 1, "ensure_ascii": False},
    ]
)


@settings(max_examples=300, deadline=None)
@given(json_values, layouts)
def test_agrees_with_json_loads_on_valid_json(value: object, layout: dict[str, object]) -> None:
    text = json.dumps(value, **layout)  # type: ignore[arg-type]
    fast = jsonpos.parse(text)
    exact = jsonpos.parse(text, fast=False)
    assert jsonpos.to_python(fast.root) == json.loads(text) == value
    assert jsonpos.to_python(exact.root) == json.loads(text)
    assert spans(fast.root) == spans(exact.root)
    assert_spans_hold_their_values(text, fast.root)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from('{}[],:"\\ \n\r\tuaetrfnl0123456789.-+eE\x01')) | st.text())
def test_any_text_parses_or_is_a_json_error(text: str) -> None:
    invalid = object()
    expected: object
    got: object
    try:
        expected = json.loads(text)
    except (ValueError, RecursionError):
        expected = invalid
    try:
        got = jsonpos.to_python(jsonpos.parse(text).root)
    except JsonError:  # nothing else may escape
        got = invalid
    if "NaN" in text or "Infinity" in text:  # json.loads accepts these; RFC 8259 does not
        return
    assert got == expected
