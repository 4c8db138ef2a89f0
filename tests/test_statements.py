"""Where an ignore comment may go (``Document.statements``): a file without ecs-lint comments
leaves them out while it is parsed (a large run never needs them), and the language server finds
them on demand; both ways must give the same lines."""

from __future__ import annotations

import pytest

from ecs_lint.load import parse_text, statements_of
from ecs_lint.settings import Settings
from ecs_lint.textio import SourceText

POD = (
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n"
    "    - name: web\n      image: nginx:1.25\n      args: |\n        # not a comment\n"
    "        run\n"
)
STACK = (
    "Resources:\n  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n"
    "      ContainerDefinitions:\n        - Name: {name}\n          Image: nginx:1.25\n"
)

# Each text, then the same file mentioning ecs-lint without moving a line: a Dockerfile's comment
# after its last instruction, a YAML value (a YAML comment there would lengthen the collection
# that ends before it).
CASES = [
    pytest.param(
        "Dockerfile",
        "FROM alpine:3.20\nRUN apk add \\\n  curl\nFROM nginx\n",
        "FROM alpine:3.20\nRUN apk add \\\n  curl\nFROM nginx\n# ecs-lint: ignore=EL105\n",
        id="dockerfile",
    ),
    pytest.param(
        "compose.yaml",
        "services:\n  web:\n    image: nginx:1.25\n    ports:\n      - '80:80'\n",
        "services:\n  web:\n    image: nginx:1.25\n    ports:\n      - 'ecs-lint'\n",
        id="compose",
    ),
    pytest.param(
        "pod.yaml",
        POD.format(name="web"),
        POD.format(name="ecs-lint"),
        id="kubernetes",
    ),
    pytest.param(
        "ci.yml",
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    container: node:20\n",
        "on: push\njobs:\n  build:\n    runs-on: ecs-lint\n    container: node:20\n",
        id="workflow",
    ),
    pytest.param(
        "stack.yaml",
        STACK.format(name="web"),
        STACK.format(name="ecs-lint"),
        id="cloudformation",
    ),
]


def parsed(name: str, text: str) -> tuple[list[tuple[int, int]] | None, SourceText, str | None]:
    source = SourceText(name, text)
    document = parse_text(source, name, Settings())
    assert document is not None
    return document.statements, source, document.format


@pytest.mark.parametrize(("name", "text", "mentioning"), CASES)
def test_statements_found_on_demand_are_those_a_file_mentioning_ecs_lint_keeps(
    name: str, text: str, mentioning: str
) -> None:
    left, source, _ = parsed(name, text)
    assert left is None  # no ecs-lint comment: nothing kept
    kept, _, _ = parsed(name, mentioning)
    document = parse_text(source, name, Settings())
    assert document is not None
    found = statements_of(document, source)
    assert found, "every case has statements"
    assert found == kept


def test_a_json_file_has_no_statements() -> None:
    text = '{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"image": "nginx"}]}}'
    source = SourceText("pod.json", text)
    document = parse_text(source, "pod.json", Settings())
    assert document is not None and document.images
    assert statements_of(document, source) == []
