"""Properties of the task-definition source beyond those in tests/sources/test_taskdef.py.

That file generates register-form task definitions in one layout. Here every input form (register,
``describe-task-definition``, a bare container list, a list of task definitions), any JSON layout
(indentation, escaped non-ASCII, CRLF line ends, a byte-order mark), and arbitrary bytes: spans
must agree with line and column, and a fix target must hold exactly the image text.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ecs_lint import jsonpos
from ecs_lint.settings import Settings
from ecs_lint.sources import taskdef
from ecs_lint.sources._tasks import JsonView
from ecs_lint.textio import UnreadableFile, decode_source
from support import reported_as

IMAGES = st.one_of(
    st.sampled_from(["nginx", "nginx:1.25", "public.ecr.aws/a/b:1", "${IMAGE}", "Bad Image"]),
    st.text(max_size=12),
)
CONTAINERS = st.lists(
    st.fixed_dictionaries(
        {"name": st.text(max_size=4), "image": IMAGES},
        optional={
            "repositoryCredentials": st.fixed_dictionaries(
                {"credentialsParameter": st.text(max_size=8)}
            ),
            "secrets": st.lists(
                st.fixed_dictionaries({"name": st.text(max_size=3), "valueFrom": st.text()}),
                max_size=2,
            ),
            "essential": st.booleans(),
        },
    ),
    max_size=3,
)
TASKS = st.fixed_dictionaries(
    {"containerDefinitions": CONTAINERS},
    optional={
        "family": st.text(max_size=6),
        "executionRoleArn": st.text(max_size=10),
        "requiresCompatibilities": st.lists(st.sampled_from(["FARGATE", "EC2"]), max_size=2),
    },
)


def wrapped(form: int, task: dict[str, Any]) -> object:
    """One of the input forms ecs-lint reads."""
    if form == 0:
        return task
    if form == 1:
        return {"taskDefinition": {**task, "taskDefinitionArn": "arn:x", "revision": 3}}
    if form == 2:
        return task["containerDefinitions"] or [{"name": "a", "image": "nginx"}]
    return [task, {"taskDefinition": task}]


LAYOUTS = st.fixed_dictionaries(
    {
        "indent": st.sampled_from([None, 0, 1, 2, "\t"]),
        "ensure_ascii": st.booleans(),
        "sort_keys": st.booleans(),
    }
)


@given(TASKS, st.integers(0, 3), LAYOUTS, st.booleans(), st.booleans())
def test_every_form_and_layout_gives_exact_spans(
    task: dict[str, Any], form: int, layout: dict[str, Any], crlf: bool, bom: bool
) -> None:
    text = json.dumps(wrapped(form, task), **layout)
    if crlf:
        text = text.replace("\n", "\r\n")
    data = ("\ufeff" if bom else "").encode() + text.encode()
    source = decode_source(data, "td.json")
    assert source.text == text
    document = taskdef.parse(source, Settings())
    assert all(reported_as(problem) in {"EL902", "EL903"} for problem in document.problems)
    for use in document.images:
        for span in (use.span, use.edit_span):
            if span is None:
                continue
            assert 0 <= span.start <= span.end <= len(text)
            assert (span.line, span.column) == source.position(span.start)
            assert (span.end_line, span.end_column) == source.position(span.end)
        # The span covers the JSON string's content, which decodes to the image as written.
        raw = text[use.span.start : use.span.end]
        assert json.loads(f'"{raw}"') == use.reference.original
        if use.edit_span is not None:
            assert text[use.edit_span.start : use.edit_span.end] == use.reference.original


@given(st.binary(max_size=400) | TASKS.map(lambda task: json.dumps(task).encode()[:-3]))
def test_any_bytes_are_read_or_reported(data: bytes) -> None:
    try:
        source = decode_source(data, "td.json")
    except UnreadableFile as error:
        assert error.message
        return
    document = taskdef.parse(source, Settings())
    for problem in document.problems:
        assert reported_as(problem) in {"EL900", "EL902", "EL903"}
        assert 0 <= problem.span.start <= problem.span.end <= len(source.text)


SCALARS = st.one_of(st.text(max_size=6), st.integers(), st.booleans(), st.none())


@given(st.lists(SCALARS, max_size=6), LAYOUTS)
def test_a_json_string_read_in_one_step_is_its_text(
    values: list[Any], layout: dict[str, Any]
) -> None:
    # The task reader takes a string's value (and where its text is) from a JsonView directly;
    # it must be what the view's Text says, escapes and non-strings included.
    text = json.dumps({"items": values}, **layout)
    source = decode_source(text.encode(), "td.json")
    root = JsonView(jsonpos.parse(source.text).root, source.span, source.text)
    items = root.get("items")
    assert items is not None
    for item in items.elements() or []:
        assert isinstance(item, JsonView)
        found = item.text()
        assert item.string() == (found.value if found else None)
        assert item.located() == (found.located() if found else None)
