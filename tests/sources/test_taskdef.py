"""The task-definition source: every input form, exact spans, shape problems where they are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_lint.model import (
    Document,
    ImageRef,
    ImageUse,
    Problem,
    ProblemKind,
    RegistryKind,
    Span,
    UnresolvedRef,
    UseKind,
)
from ecs_lint.settings import Settings
from ecs_lint.sources import taskdef
from ecs_lint.sources._tasks import CAMEL, task_shape
from ecs_lint.textio import SourceText, decode_source
from support import reported_as

FIXTURES = Path(__file__).parent.parent / "fixtures" / "taskdef"


def parse(text: str, path: str = "td.json") -> Document:
    return taskdef.parse(SourceText(path, text), Settings())


def parse_fixture(name: str) -> tuple[Document, str]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return parse(text, name), text


def located_at(text: str, needle: str, occurrence: int = 0) -> tuple[int, int, int]:
    """(line, column, end_column) of the ``occurrence``-th ``needle`` in ``text``."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    return line, column, column + len(needle)


def where(span: Span) -> tuple[int, int, int]:
    return span.line, span.column, span.end_column


def image_of(use: ImageUse | None) -> str:
    assert use is not None and isinstance(use.reference, ImageRef | UnresolvedRef)
    return use.reference.original


def problems(document: Document) -> list[tuple[str, str]]:
    return [(reported_as(problem), problem.message) for problem in document.problems]


# --- The four input forms -------------------------------------------------------------------


def test_register_form() -> None:
    document, text = parse_fixture("register.json")
    assert document.problems == []
    (task,) = document.tasks
    assert task.family == "web-frontend"
    assert task.network_mode == "awsvpc"
    assert task.requires_compatibilities == ("FARGATE",)
    assert task.runs_on_fargate
    assert (task.span.start, task.span.end) == (0, len(text.rstrip()))
    assert [c.name for c in task.containers] == ["nginx", "app", "xray-daemon"]

    role = task.execution_role
    assert role is not None
    assert role.value == "arn:aws:iam::123456789012:role/ecsTaskExecutionRole"
    assert where(role.span) == located_at(text, role.value) == (4, 24, 75)
    assert text[role.span.start : role.span.end] == role.value


def test_register_form_container_image_spans() -> None:
    document, text = parse_fixture("register.json")
    nginx, app, xray = document.tasks[0].containers
    image = nginx.image
    assert image is not None
    assert image.kind is UseKind.CONTAINER
    assert image.container == "nginx"
    assert not image.authenticated
    assert where(image.span) == located_at(text, "nginx:1.25") == (13, 17, 27)
    assert image.edit_span == image.span
    assert text[image.span.start : image.span.end] == "nginx:1.25"
    assert isinstance(image.reference, ImageRef)
    assert image.reference.registry is RegistryKind.DOCKER_HUB
    assert str(image.reference) == "docker.io/library/nginx:1.25"
    assert image_of(app.image) == "acme/web-app:2.4.1"
    assert image_of(xray.image) == "public.ecr.aws/xray/aws-xray-daemon:3.3.12"
    assert document.images == [c.image for c in document.tasks[0].containers]


def test_register_form_credentials_secrets_and_logs() -> None:
    document, text = parse_fixture("register.json")
    nginx, app, xray = document.tasks[0].containers
    assert app.image is not None and app.image.authenticated
    parameter = app.credentials_parameter
    assert parameter is not None
    assert parameter.value.endswith(":secret:dockerhub-AbCdEf")
    assert where(parameter.span) == located_at(text, parameter.value)
    assert [(s.name, s.value_from.value.split(":")[2]) for s in app.secrets] == [
        ("DB_PASSWORD", "secretsmanager"),
        ("API_KEY", "ssm"),
    ]
    assert where(app.secrets[1].value_from.span) == located_at(
        text, app.secrets[1].value_from.value
    )
    assert nginx.credentials_parameter is None and nginx.secrets == ()
    log = nginx.log
    assert log is not None
    assert log.driver.value == "awslogs"
    assert where(log.driver.span) == located_at(text, "awslogs", 0)
    assert {key: option.value for key, option in log.options.items()} == {
        "awslogs-group": "/ecs/web-frontend",
        "awslogs-region": "eu-west-1",
        "awslogs-stream-prefix": "nginx",
    }
    assert where(log.options["awslogs-group"].span) == located_at(text, "/ecs/web-frontend")
    assert app.log is None and xray.log is None


def test_container_span_covers_the_container_object() -> None:
    document, text = parse_fixture("register.json")
    xray = document.tasks[0].containers[2]
    covered = text[xray.span.start : xray.span.end]
    assert covered.startswith("{") and covered.endswith("}")
    assert json.loads(covered)["name"] == "xray-daemon"


def test_describe_form_reads_the_task_definition_and_ignores_read_only_fields() -> None:
    document, text = parse_fixture("describe.json")
    assert document.problems == []
    (task,) = document.tasks
    assert task.family == "worker"
    assert task.network_mode == "bridge"
    assert task.requires_compatibilities == ("EC2",)  # not "compatibilities", which is read-only
    assert task.ec2_only
    inner = text[task.span.start : task.span.end]
    assert json.loads(inner) == json.loads(text)["taskDefinition"]
    worker, redis = task.containers
    assert image_of(worker.image).endswith(".amazonaws.com/worker:9f3c2e1")
    assert [s.name for s in worker.secrets] == ["QUEUE_URL"]
    assert image_of(redis.image) == "redis:7-alpine"
    assert where(redis.image.span if redis.image else Span.whole_file("")) == located_at(
        text, "redis:7-alpine"
    )
    role = task.execution_role
    assert role is not None and where(role.span) == located_at(text, role.value)


def test_bare_container_definitions_list() -> None:
    document, text = parse_fixture("container-definitions.json")
    assert document.problems == []
    (task,) = document.tasks
    assert task.family is None and task.execution_role is None
    assert (task.span.start, task.span.end) == (0, len(text.rstrip()))
    api, router = task.containers
    assert image_of(api.image) == "ghcr.io/acme/api:v3.1.0"
    assert api.log is not None and api.log.driver.value == "awsfirelens"
    assert image_of(router.image) == "amazon/aws-for-fluent-bit:stable"
    assert [image_of(use) for use in document.images] == [
        "ghcr.io/acme/api:v3.1.0",
        "amazon/aws-for-fluent-bit:stable",
    ]


def test_list_of_task_definitions_in_both_forms() -> None:
    document, text = parse_fixture("task-definitions.json")
    assert document.problems == []
    assert [task.family for task in document.tasks] == ["cron-report", "cron-cleanup"]
    assert [image_of(use) for use in document.images] == [
        "python:3.12-slim",
        "public.ecr.aws/docker/library/busybox:1.36",
    ]
    assert where(document.images[1].span) == located_at(text, document.images[1].reference.original)


@pytest.mark.parametrize(
    "text",
    [
        (FIXTURES / "package.json").read_text(encoding="utf-8"),
        '{"name": "x", "image": "nginx"}',  # one container, not a list of them
        '["a", "b"]',
        '[{"name": "x"}]',
        '{"taskDefinition": "arn:aws:ecs:us-east-1:123456789012:task-definition/x:1"}',
        "42",
        '"containerDefinitions"',
        "[]",
        "{}",
        '{"a": 1, "a": 2}',  # duplicates in somebody else's file are not ours to report
    ],
)
def test_other_json_is_an_empty_document(text: str) -> None:
    document = parse(text)
    assert (document.tasks, document.images, document.problems) == ([], [], [])


@pytest.mark.parametrize("text", ["", "   \n\t\r\n"])
def test_empty_and_whitespace_files_are_empty_documents(text: str) -> None:
    assert parse(text) == Document("td.json")


# --- Shapes ---------------------------------------------------------------------------------

WRONG_SHAPES = [
    (
        '{"containerDefinitions": [{"name": "a", "image": "nginx"}, {"name": "b", "image": 42}]}',
        "42",
        "containerDefinitions[1].image must be a string, got number",
    ),
    (
        '{"containerDefinitions": [{"name": ["web"], "image": "nginx"}]}',
        '["web"]',
        "containerDefinitions[0].name must be a string, got array",
    ),
    (
        '{"containerDefinitions": [{"name": "a", "image": "acme/x:1",'
        ' "repositoryCredentials": "arn:aws:secretsmanager:x"}]}',
        '"arn:aws:secretsmanager:x"',
        "containerDefinitions[0].repositoryCredentials must be an object, got string",
    ),
    (
        '{"containerDefinitions": [{"name": "a", "image": "acme/x:1",'
        ' "repositoryCredentials": {"credentialsParameter": true}}]}',
        "true",
        "containerDefinitions[0].repositoryCredentials.credentialsParameter must be a string, "
        "got boolean",
    ),
    (
        '{"containerDefinitions": [{"name": "a", "image": "x", "secrets": {"name": "A"}}]}',
        '{"name": "A"}',
        "containerDefinitions[0].secrets must be an array, got object",
    ),
    (
        '{"containerDefinitions": [{"name": "a", "image": "x", "secrets": [{"name": "A"}]}]}',
        '{"name": "A"}',
        'containerDefinitions[0].secrets[0] has no "valueFrom", which ECS requires',
    ),
    (
        '{"containerDefinitions": [{"name": "a", "image": "x",'
        ' "logConfiguration": {"logDriver": null}}]}',
        "null",
        "containerDefinitions[0].logConfiguration.logDriver must be a string, got null",
    ),
    (
        '{"containerDefinitions": [{"name": "a", "image": "x",'
        ' "logConfiguration": {"logDriver": "awslogs", "options": {"mode": 1.5}}}]}',
        "1.5",
        "containerDefinitions[0].logConfiguration.options.mode must be a string, got number",
    ),
    (
        '{"executionRoleArn": 7, "containerDefinitions": []}',
        "7",
        "executionRoleArn must be a string, got number",
    ),
    (
        '{"requiresCompatibilities": "FARGATE", "containerDefinitions": []}',
        '"FARGATE"',
        "requiresCompatibilities must be an array, got string",
    ),
    (
        '{"requiresCompatibilities": ["EC2", 1], "containerDefinitions": []}',
        "1",
        "requiresCompatibilities[1] must be a string, got number",
    ),
    (
        '{"containerDefinitions": {"name": "a", "image": "x"}}',
        '{"name": "a", "image": "x"}',
        "containerDefinitions must be an array, got object",
    ),
    (
        '{"containerDefinitions": ["nginx"]}',
        '"nginx"',
        "containerDefinitions[0] must be an object, got string",
    ),
    (
        '{"taskDefinition": {"family": "x"}}',
        '{"family": "x"}',
        'taskDefinition has no "containerDefinitions", which ECS requires',
    ),
    (
        '{"taskDefinition": {"containerDefinitions": [{"name": "a", "image": false}]}}',
        "false",
        "taskDefinition.containerDefinitions[0].image must be a string, got boolean",
    ),
    (
        '[{"name": "a", "image": "x"}, {"name": "b", "image": {}}]',
        "{}",
        "[1].image must be a string, got object",
    ),
]


@pytest.mark.parametrize(("text", "offending", "message"), WRONG_SHAPES)
def test_wrong_shape_is_reported_at_the_offending_value(
    text: str, offending: str, message: str
) -> None:
    document = parse(text)
    (problem,) = document.problems
    assert (reported_as(problem), problem.message) == ("EL902", message)
    assert text[problem.span.start : problem.span.end] == offending
    assert problem.span.start == text.rindex(offending)


def test_missing_image_is_reported_at_the_container_and_the_rest_is_read() -> None:
    text = (
        '{"family": "t", "containerDefinitions": [\n'
        '  {"name": "sidecar"},\n'
        '  {"name": "web", "image": "nginx:1.25", "secrets": [{"name": 1, "valueFrom": "arn"}]}\n'
        "]}"
    )
    document = parse(text)
    assert problems(document) == [
        ("EL902", 'containerDefinitions[0] has no "image", which ECS requires'),
        ("EL902", "containerDefinitions[1].secrets[0].name must be a string, got number"),
    ]
    assert where(document.problems[0].span) == located_at(text, '{"name": "sidecar"}')
    sidecar, web = document.tasks[0].containers
    assert sidecar.name == "sidecar" and sidecar.image is None
    assert image_of(web.image) == "nginx:1.25"
    assert web.secrets == ()  # the bad secret is skipped, not guessed
    assert [image_of(use) for use in document.images] == ["nginx:1.25"]


def test_every_wrong_value_in_a_file_is_reported_once_in_text_order() -> None:
    text = (
        '{"family": 1, "executionRoleArn": [], "containerDefinitions": [\n'
        '  {"image": 2},\n'
        '  {"name": "ok", "image": "redis:7"}\n'
        "]}"
    )
    document = parse(text)
    assert problems(document) == [
        ("EL902", "family must be a string, got number"),
        ("EL902", "executionRoleArn must be a string, got array"),
        ("EL902", 'containerDefinitions[0] has no "name", which ECS requires'),
        ("EL902", "containerDefinitions[0].image must be a string, got number"),
    ]
    (task,) = document.tasks
    assert task.family is None and task.execution_role is None
    assert [image_of(use) for use in document.images] == ["redis:7"]


def test_missing_name_still_checks_the_image() -> None:
    document = parse('{"containerDefinitions": [{"image": "nginx:1.25"}]}')
    assert [code for code, _ in problems(document)] == ["EL902"]
    (use,) = document.images
    assert use.container is None and image_of(use) == "nginx:1.25"


def test_empty_credentials_parameter_is_not_authenticated() -> None:
    document = parse(
        '{"containerDefinitions": [{"name": "a", "image": "acme/x:1",'
        ' "repositoryCredentials": {"credentialsParameter": ""}}]}'
    )
    (use,) = document.images
    assert not use.authenticated
    assert document.tasks[0].containers[0].credentials_parameter is not None


# The hand check must say "wrong" exactly when jsonschema finds an error, or a wrong shape
# would go unreported (or jsonschema would run for nothing). Generate near-valid task
# definitions where any field may have any JSON type.

any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda children: (
        st.lists(children, max_size=2) | st.dictionaries(st.text(max_size=3), children)
    ),
    max_leaves=4,
)


def maybe(value: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.one_of(value, value, any_json)


def fields(**strategies: st.SearchStrategy[object]) -> st.SearchStrategy[dict[str, object]]:
    """Objects with any subset of the given fields."""
    return st.fixed_dictionaries(
        {}, optional={key: maybe(value) for key, value in strategies.items()}
    )


strings = st.text(max_size=5)
containers = fields(
    name=strings,
    image=strings,
    repositoryCredentials=fields(credentialsParameter=strings),
    secrets=st.lists(maybe(fields(name=strings, valueFrom=strings)), max_size=2),
    logConfiguration=fields(
        logDriver=strings, options=st.dictionaries(strings, maybe(strings), max_size=2)
    ),
)
tasks = fields(
    family=strings,
    executionRoleArn=strings,
    networkMode=strings,
    requiresCompatibilities=st.lists(maybe(strings), max_size=2),
    containerDefinitions=st.lists(maybe(containers), max_size=2),
)


@settings(max_examples=400, deadline=None)
@given(tasks)
def test_hand_check_agrees_with_jsonschema(task: dict[str, Any]) -> None:
    shape = task_shape(CAMEL)
    has_errors = any(True for _ in shape.validator().iter_errors(task))
    assert shape.fits(task) is not has_errors
    definitions = task.get("containerDefinitions")
    shape = task_shape(CAMEL, containers_only=True)
    has_errors = any(True for _ in shape.validator().iter_errors(definitions))
    assert shape.fits(definitions) is not has_errors


@settings(max_examples=200, deadline=None)
@given(tasks)
def test_generated_task_definitions_parse_without_surprises(task: dict[str, object]) -> None:
    text = json.dumps({"containerDefinitions": [], **task}, indent=1)
    document = parse(text)
    assert all(reported_as(problem) == "EL902" for problem in document.problems)
    assert len(document.tasks) == 1
    for use in document.images:
        if use.edit_span is not None:
            assert text[use.edit_span.start : use.edit_span.end] == use.reference.original


# --- Duplicate keys -------------------------------------------------------------------------


def test_duplicate_key_last_wins_and_the_earlier_key_is_reported() -> None:
    text = (
        '{"containerDefinitions": [{"name": "w", "image": "ghcr.io/a/b:1", "image": "nginx:1.25"}]}'
    )
    document = parse(text)
    message = (
        "duplicate key 'image' in containerDefinitions[0]; the last value wins, as in AWS tools"
    )
    assert problems(document) == [("EL903", message)]
    span = document.problems[0].span
    assert text[span.start : span.end] == '"image"'
    assert span.start == text.index('"image"')
    (use,) = document.images
    assert image_of(use) == "nginx:1.25"
    assert text[use.span.start : use.span.end] == "nginx:1.25"


def test_duplicates_anywhere_in_a_task_definition_file_are_reported() -> None:
    text = (
        '{"taskDefinition": {"family": "a", "family": "b", "containerDefinitions": []},\n'
        ' "tags": [{"key": "team", "key": "owner", "value": "x"}]}'
    )
    document = parse(text)
    assert problems(document) == [
        ("EL903", "duplicate key 'family' in taskDefinition; the last value wins, as in AWS tools"),
        ("EL903", "duplicate key 'key' in tags[0]; the last value wins, as in AWS tools"),
    ]
    assert [p.span.line for p in document.problems] == [1, 2]
    assert document.tasks[0].family == "b"


def test_duplicate_at_the_top_level_is_named_so() -> None:
    document = parse('{"containerDefinitions": [], "containerDefinitions": []}')
    assert problems(document) == [
        (
            "EL903",
            "duplicate key 'containerDefinitions' in the top-level object; "
            "the last value wins, as in AWS tools",
        )
    ]


def test_duplicate_key_that_is_not_printable_is_escaped_in_the_message() -> None:
    document = parse('{"containerDefinitions": [], "\\ud800": 1, "\\ud800": 2}')
    (problem,) = document.problems
    assert "\\ud800" in problem.message
    problem.message.encode("utf-8")  # a lone surrogate would not encode


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        ('{\n  "containerDefinitions": [\n    }\n', "expected a value or ']', found '}'", 3, 5),
        ('{"containerDefinitions": [\n  {"name": "a",}\n]}', "expected a string key", 2, 16),
        ('{"containerDefinitions": [\n  {"image": "nginx\n"}]}', "control character", 2, 19),
        ('{"containerDefinitions": []', "unexpected end of input", 1, 28),
        ('{"containerDefinitions": []}\n{"containerDefinitions": []}', "extra data", 2, 1),
    ],
)
def test_invalid_json_is_el900_at_the_line_and_column(
    text: str, message: str, line: int, column: int
) -> None:
    document = parse(text)
    (problem,) = document.problems
    assert reported_as(problem) == "EL900"
    assert problem.message.startswith("invalid JSON: ")
    assert message in problem.message
    assert (problem.span.line, problem.span.column) == (line, column)
    assert document.tasks == [] and document.images == []


def test_deeply_nested_json_is_el900_not_a_recursion_error() -> None:
    text = '{"containerDefinitions": ' + "[" * 100_000 + "]" * 100_000 + "}"
    (problem,) = parse(text).problems
    assert problem == Problem(
        ProblemKind.PARSE,
        "invalid JSON: nesting deeper than 512 levels",
        SourceText("td.json", text).span(25 + 511, 25 + 512),
    )


def test_utf8_bom_is_not_counted_in_columns() -> None:
    data = b'{"containerDefinitions": [{"name": "w", "image": "nginx:1.25"}]}'
    source = decode_source(b"\xef\xbb\xbf" + data, "td.json")
    document = taskdef.parse(source, Settings())
    (use,) = document.images
    assert where(use.span) == (1, 51, 61)
    assert source.text[use.span.start : use.span.end] == "nginx:1.25"


def test_crlf_line_endings_keep_spans_right() -> None:
    text = (FIXTURES / "register.json").read_text(encoding="utf-8").replace("\n", "\r\n")
    document = parse(text)
    assert document.problems == []
    nginx = document.tasks[0].containers[0]
    assert nginx.image is not None
    assert where(nginx.image.span) == (13, 17, 27)
    assert text[nginx.image.span.start : nginx.image.span.end] == "nginx:1.25"
    role = document.tasks[0].execution_role
    assert role is not None and where(role.span) == (4, 24, 75)


def test_escaped_image_has_no_edit_span() -> None:
    text = r'{"containerDefinitions": [{"name": "w", "image": "library\/nginx:1.25"}]}'
    (use,) = parse(text).images
    assert use.edit_span is None
    assert text[use.span.start : use.span.end] == r"library\/nginx:1.25"
    assert isinstance(use.reference, ImageRef)
    assert str(use.reference) == "docker.io/library/nginx:1.25"


def test_unicode_before_the_image_keeps_columns_in_characters() -> None:
    text = '{"containerDefinitions": [{"name": "café-☕", "image": "nginx:1.25"}]}'
    (use,) = parse(text).images
    assert use.edit_span == use.span
    assert where(use.span) == located_at(text, "nginx:1.25")


def test_template_placeholders_are_unresolved_references() -> None:
    (use,) = parse('{"containerDefinitions": [{"name": "w", "image": "${IMAGE_URI}"}]}').images
    assert isinstance(use.reference, UnresolvedRef)


@settings(max_examples=300, deadline=None)
@given(
    st.text()
    | st.text(alphabet=st.sampled_from('{}[],:"\\ \n\r\taeimgnx0123456789')).map(
        lambda text: '{"containerDefinitions": [{"name": "a", "image": ' + text
    )
)
def test_parse_never_raises(text: str) -> None:
    document = parse(text)
    assert all(reported_as(problem) in {"EL900", "EL902", "EL903"} for problem in document.problems)
