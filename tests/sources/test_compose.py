"""The Docker Compose source: service images with interpolation (.env, --env), and the
Dockerfiles of ``build:`` linted with each service's build args, once."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_lint.engine import lint_paths
from ecs_lint.model import Document, ImageRef, LintRequest, UnresolvedRef, UseKind
from ecs_lint.settings import Settings
from ecs_lint.sources import compose, formats_for
from ecs_lint.sources.compose import InterpolationError, Interpolator, parse_env_file
from ecs_lint.textio import SourceText
from support import reported_as, run_cli

FIXTURES = Path(__file__).parent.parent / "fixtures" / "compose"
COMPOSE_FILE = FIXTURES / "docker-compose.yml"


def parse_file(path: Path, **env: str) -> tuple[Document, SourceText]:
    source = SourceText(str(path), path.read_text(encoding="utf-8"))
    return compose.parse(source, Settings(env=env)), source


def rows(
    document: Document, source: SourceText
) -> list[tuple[int, int, str, str, str | None, bool]]:
    """(line, column, text at the span, what it resolves to, service, editable) per image."""
    found = []
    for use in document.images:
        assert use.kind is UseKind.SERVICE
        ref = use.reference
        resolved = str(ref) if isinstance(ref, ImageRef) else repr(ref)
        text = source.text[use.span.start : use.span.end]
        found.append(
            (
                use.span.line,
                use.span.column,
                text,
                resolved,
                use.container,
                use.edit_span is not None,
            )
        )
    return found


def test_services_images_interpolated_from_env_file() -> None:
    document, source = parse_file(COMPOSE_FILE)
    assert document.problems == []
    assert rows(document, source) == [
        (
            15,
            13,
            "nginx:${NGINX_VERSION:-1.25}-alpine",
            "docker.io/library/nginx:1.25.4-alpine",
            "proxy",
            False,
        ),
        (26, 12, "shop/web:dev", "docker.io/shop/web:dev", "web", True),
        # x-worker's text, merged into the worker service; WORKER_TAG comes from .env
        (
            10,
            10,
            "${REGISTRY:-docker.io}/shop/worker:${WORKER_TAG}",
            "docker.io/shop/worker:2024-05-01",
            "worker",
            False,
        ),
        (36, 13, "redis:7.2", "docker.io/library/redis:7.2", "cache", True),
        (40, 12, "postgres:$POSTGRES_VERSION", "docker.io/library/postgres:16.2", "db", False),
        (
            45,
            12,
            "${MAIL_IMAGE:?set MAIL_IMAGE}",
            repr(UnresolvedRef("${MAIL_IMAGE:?set MAIL_IMAGE}", ("MAIL_IMAGE",))),
            "mail",
            False,
        ),
    ]


def test_env_option_wins_over_the_env_file() -> None:
    document, _ = parse_file(
        COMPOSE_FILE, NGINX_VERSION="1.27", MAIL_IMAGE="public.ecr.aws/ses/mailer:2"
    )
    resolved = {use.container: str(use.reference) for use in document.images}
    assert resolved["proxy"] == "docker.io/library/nginx:1.27-alpine"
    assert resolved["mail"] == "public.ecr.aws/ses/mailer:2"


def test_without_env_file_unset_variables_are_unresolved(tmp_path: Path) -> None:
    shutil.copy(COMPOSE_FILE, tmp_path / "compose.yaml")  # no .env beside it
    document, _ = parse_file(tmp_path / "compose.yaml")
    references = {use.container: use.reference for use in document.images}
    assert references["db"] == UnresolvedRef("postgres:$POSTGRES_VERSION", ("POSTGRES_VERSION",))
    assert references["worker"] == UnresolvedRef(
        "${REGISTRY:-docker.io}/shop/worker:${WORKER_TAG}", ("WORKER_TAG",)
    )
    assert str(references["proxy"]) == "docker.io/library/nginx:1.25-alpine"  # the default


def test_build_asks_for_the_dockerfile_with_the_service_args() -> None:
    document, _ = parse_file(COMPOSE_FILE)
    requests = [
        (r.path, r.build_args, r.requested_at.line, r.requested_at.column)
        for r in document.lint_requests
    ]
    assert requests == [
        (
            str(FIXTURES / "web" / "Dockerfile"),
            (("PYTHON_VERSION", "3.12"), ("BASE_DISTRO", "slim")),
            21,
            5,
        ),
        (str(FIXTURES / "worker" / "Dockerfile"), (), 32, 5),
    ]


def test_dockerfile_is_linted_with_build_args_and_reported_once() -> None:
    findings = lint_paths([str(FIXTURES)], Settings(select=("EL101",))).findings
    dockerfile = [
        (f.rule, f.span.line, f.image)
        for f in findings
        if f.span.path.endswith("web/Dockerfile") and f.rule == "EL101"
    ]
    # The walk finds web/Dockerfile too; its defaults (3.11, bookworm) are not linted on top.
    assert dockerfile == [
        ("EL101", 3, "docker.io/library/python:3.12-slim"),
        ("EL101", 6, "docker.io/library/python:3.12-slim"),
    ]
    worker = [f.image for f in findings if f.span.path.endswith("worker/Dockerfile")]
    assert worker == ["docker.io/library/ubuntu:22.04"]


def test_compose_file_alone_still_lints_its_dockerfiles() -> None:
    findings = lint_paths([str(COMPOSE_FILE)], Settings()).findings
    assert {Path(f.span.path).parent.name for f in findings} == {"compose", "web", "worker"}


def write(tmp_path: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)


def test_two_services_one_dockerfile_different_args(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": (
                "services:\n"
                "  a:\n    build: {context: ., args: {BASE: 'node:20'}}\n"
                "  b:\n    build: {context: ., args: [BASE=node:22]}\n"
                "  c:\n    build: .\n    pull_policy: build\n    image: built/locally:1\n"
            ),
            "Dockerfile": "ARG BASE=node:18\nFROM ${BASE}\nFROM alpine:3.19\n",
        },
    )
    findings = lint_paths([str(tmp_path)], Settings()).findings
    assert sorted((f.span.line, f.image) for f in findings if f.rule == "EL101") == [
        (2, "docker.io/library/node:18"),  # service c: no args, the default
        (2, "docker.io/library/node:20"),
        (2, "docker.io/library/node:22"),
        (3, "docker.io/library/alpine:3.19"),  # the same for every set: once
    ]


def test_an_image_the_service_also_builds_names_pull_policy_build_as_the_way_out(
    tmp_path: Path,
) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": (
                "services:\n"
                "  etl:\n    image: etl-kafka\n    build: .\n"
                "  db:\n    image: acme/db:1\n"
                "  cache:\n    image: acme/cache:1\n    build: .\n    pull_policy: always\n"
            ),
            "Dockerfile": "FROM public.ecr.aws/docker/library/alpine:3.20\n",
        },
    )
    findings = lint_paths([str(tmp_path)], Settings(select=("EL101",))).findings
    hint = ", or set pull_policy: build (the service builds this image)"
    assert [(f.image, f.message.split("\n")[0].endswith(hint)) for f in findings] == [
        ("docker.io/library/etl-kafka:latest", True),  # Compose tries the pull, then builds
        ("docker.io/acme/db:1", False),  # nothing built: the pull is the only way
        ("docker.io/acme/cache:1", False),  # the policy asks for the pull
    ]


def test_missing_dockerfile_is_reported_at_the_build_key(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  api:\n    build:\n      context: ./api\n"})
    findings = lint_paths([str(tmp_path)], Settings()).findings
    ((rule, line, column, message),) = [
        (f.rule, f.span.line, f.span.column, f.message) for f in findings
    ]
    assert (rule, line, column) == ("EL900", 3, 5)
    assert message.startswith(f"cannot lint Dockerfile '{tmp_path / 'api' / 'Dockerfile'}': ")


def test_a_missing_dockerfile_does_not_stop_fixes_in_the_compose_file(tmp_path: Path) -> None:
    compose_file = tmp_path / "compose.yaml"
    compose_file.write_text("services:\n  api:\n    build: ./api\n  db:\n    image: postgres:16\n")
    done = run_cli("--fix", "--unsafe-fixes", str(compose_file))
    assert compose_file.read_text().endswith("image: public.ecr.aws/docker/library/postgres:16\n")
    assert "cannot lint Dockerfile" in done.stdout and "not fixed" not in done.stderr
    assert done.status == 2  # the Dockerfile was not checked


def test_dockerfile_outside_the_linted_tree_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        tmp_path,
        {
            "outside/Dockerfile": "FROM nginx:1.25\n",
            "project/compose.yaml": (
                "services:\n  x:\n    build: {context: .., dockerfile: outside/Dockerfile}\n"
            ),
        },
    )
    monkeypatch.chdir(tmp_path / "project")
    findings = lint_paths(["compose.yaml"], Settings()).findings
    ((rule, message),) = [(f.rule, f.message) for f in findings]
    assert rule == "EL900" and "outside the working directory and the linted paths" in message


def test_remote_build_context_and_inline_dockerfile_are_not_followed(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "compose.yaml": (
                "services:\n"
                "  a:\n    build: https://github.com/acme/app.git#main\n"
                "  b:\n    build:\n      dockerfile_inline: |\n        FROM nginx\n"
            )
        },
    )
    document, _ = parse_file(tmp_path / "compose.yaml")
    assert document.lint_requests == [] and document.problems == []


def test_bad_interpolation_is_a_problem_at_the_value(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    image: nginx:${TAG\n"})
    document, _ = parse_file(tmp_path / "compose.yaml")
    ((code, line, column, message),) = [
        (reported_as(p), p.span.line, p.span.column, p.message) for p in document.problems
    ]
    assert (code, line, column) == ("EL900", 3, 12)
    assert message == "service 'a': '${' is never closed"


def test_env_option_on_the_command_line(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    image: ${IMAGE}\n"})
    image_rules = ("--select", "EL101,EL102,EL103,EL104,EL105")
    unresolved = run_cli(*image_rules, str(tmp_path), "-o", "concise")
    assert "EL103" in unresolved.stdout
    resolved = run_cli(
        *image_rules,
        str(tmp_path),
        "-o",
        "concise",
        "--env",
        "IMAGE=public.ecr.aws/docker/library/nginx:1.25",
    )
    assert resolved.status == 0, resolved.stdout
    assert run_cli(str(tmp_path), "--env", "=x").status == 2


def test_recognised_by_file_name() -> None:
    text = "services:\n  a: {image: x}\n"
    for name in [
        "compose.yaml",
        "compose.yml",
        "docker-compose.yml",
        "docker-compose.prod.yml",
        "compose.override.yaml",
    ]:
        assert [f.name for f in formats_for(name, text)] == ["compose"], name


@pytest.mark.parametrize(
    "name", ["docker-stack.yml", "tests/docker-compose-e2e.yml", "docker/dev.yml", "stack.yml"]
)
@pytest.mark.parametrize(
    "text",
    [
        "services:\n  a: {image: x}\n",
        "version: '3.8'\nservices:\n  # the API\n\n  api:\n    build: ./api\n",
        "services: {web: {image: nginx}}\n",
        'services:\n  web:\n    "image": nginx\n',
    ],
)
def test_any_yaml_file_with_compose_services_is_compose(name: str, text: str) -> None:
    assert [f.name for f in formats_for(Path(name).name, text)] == ["compose"]


@pytest.mark.parametrize(
    "text",
    [
        "services:\n  - postgres:16\nimage: ruby:3.3\ntest:\n  image: ruby\n",  # GitLab CI
        "services:\n  web:\n    port: 80\n",  # no image, no build
        "settings:\n  services:\n    web:\n      image: nginx\n",  # not at the top level
        "image: nginx\nservices: []\n",
    ],
)
def test_other_yaml_with_services_is_not_compose(text: str) -> None:
    assert [f.name for f in formats_for("stack.yml", text)] == []


def test_compose_files_found_by_content_are_linted(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "docker-stack.yml": "services:\n  web:\n    image: nginx:1.25\n",
            "tests/docker-compose-e2e.yml": "services:\n  db:\n    image: postgres:16\n",
            "docker/dev.yml": "services:\n  api:\n    build: {context: api}\n",
            "docker/api/Dockerfile": "FROM redis:7\n",
            ".gitlab-ci.yml": "services:\n  - mysql:8\nimage: ruby:3.3\n",
        },
    )
    findings = lint_paths([str(tmp_path)], Settings(select=("EL101",))).findings
    found = [(Path(f.span.path).relative_to(tmp_path).as_posix(), f.image) for f in findings]
    assert sorted(found) == [
        ("docker-stack.yml", "docker.io/library/nginx:1.25"),
        ("docker/api/Dockerfile", "docker.io/library/redis:7"),
        ("tests/docker-compose-e2e.yml", "docker.io/library/postgres:16"),
    ]


@pytest.mark.parametrize(
    ("text", "expected", "unresolved"),
    [
        ("plain", "plain", ()),
        ("$$HOME", "$HOME", ()),
        ("$$${A}", "$a", ()),
        ("${A}-$A-${A:-x}-${A-x}", "a-a-a-a", ()),
        ("${EMPTY:-x}|${EMPTY-x}", "x|", ()),
        ("${UNSET:-x}|${UNSET-x}", "x|x", ()),
        ("${UNSET:-${A}}", "a", ()),
        ("${UNSET:-${ALSO_UNSET:-deep}}", "deep", ()),
        ("${A:+set}|${EMPTY:+set}|${EMPTY+set}|${UNSET+set}", "set||set|", ()),
        ("${A:?need A}", "a", ()),
        ("${UNSET:?need it}", "", ("UNSET",)),
        ("${EMPTY:?need it}", "", ("EMPTY",)),
        ("$UNSET/${OTHER}", "/", ("UNSET", "OTHER")),
        ("cost: $5", "cost: $5", ()),
    ],
)
def test_interpolation(text: str, expected: str, unresolved: tuple[str, ...]) -> None:
    interpolator = Interpolator({"A": "a", "EMPTY": ""})
    assert interpolator.expand(text) == expected
    assert tuple(interpolator.unresolved) == unresolved


@pytest.mark.parametrize("text", ["${A", "${}", "${1A}", "${A!x}", "${A:-${B}"])
def test_interpolation_errors(text: str) -> None:
    with pytest.raises(InterpolationError):
        Interpolator({}).expand(text)


def test_env_file_syntax() -> None:
    text = (
        "# comment\n\n"
        "PLAIN=value\n"
        "export EXPORTED=yes\n"
        "SPACED = padded  \n"
        "INLINE=value # a comment\n"
        "SINGLE='literal ${PLAIN} # kept'\n"
        'DOUBLE="tab\\there ${PLAIN}"\n'
        "REF=${PLAIN}-2\n"
        "not a line\n"
        "9BAD=x\n"
        "EMPTY=\n"
    )
    assert parse_env_file(text) == {
        "PLAIN": "value",
        "EXPORTED": "yes",
        "SPACED": "padded",
        "INLINE": "value",
        "SINGLE": "literal ${PLAIN} # kept",
        "DOUBLE": "tab\there value",
        "REF": "value-2",
        "EMPTY": "",
    }


def test_unreadable_env_file_is_reported(tmp_path: Path) -> None:
    write(tmp_path, {"compose.yaml": "services:\n  a:\n    image: nginx:${TAG:-1}\n"})
    (tmp_path / ".env").write_bytes(b"TAG=\xff\n")
    document, _ = parse_file(tmp_path / "compose.yaml")
    ((path, message),) = [(p.span.path, p.message) for p in document.problems]
    assert path == str(tmp_path / ".env") and message.startswith(".env: invalid UTF-8")


COMPOSE_PIECES = [
    "services:\n",
    "  a:\n",
    "    image: ",
    "    build: ",
    "context: ",
    "args: ",
    "nginx",
    "$",
    "${",
    "}",
    ":-",
    "$$",
    "{",
    "[",
    "]",
    "'",
    '"',
    "\n",
    "<<: ",
    "&x ",
    "*x",
    "- ",
    "=",
    "pull_policy: build\n",
]


@given(st.lists(st.sampled_from(COMPOSE_PIECES), max_size=40).map("".join) | st.text())
@settings(max_examples=300, deadline=None)
def test_parse_never_raises(text: str) -> None:
    document = compose.parse(SourceText("/nonexistent/compose.yaml", text), Settings())
    for use in document.images:
        assert 0 <= use.span.start <= use.span.end <= len(text)
        if use.edit_span is not None:
            assert text[use.edit_span.start : use.edit_span.end] == use.reference.original
    for request in document.lint_requests:
        assert isinstance(request, LintRequest)


@given(st.text(), st.dictionaries(st.sampled_from(["A", "B", "C"]), st.text(max_size=5)))
def test_interpolator_raises_only_its_own_error(text: str, values: dict[str, str]) -> None:
    with contextlib.suppress(InterpolationError):
        Interpolator(values).expand(text)
