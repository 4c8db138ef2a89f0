"""EL900, EL902, EL903: what sources could not read is reported where the problem is."""

from __future__ import annotations

from ecs_lint.settings import Settings
from support import Lint, codes


def test_el900_invalid_json_points_at_the_error(lint: Lint) -> None:
    findings = lint(
        {"td.json": '{\n  "containerDefinitions": [\n    }\n'}, Settings(select=("EL900",))
    )
    assert codes(findings) == ["EL900"]
    assert (findings[0].span.line, findings[0].span.column) == (3, 5)


def test_el900_quiet_on_valid_json(lint: Lint) -> None:
    assert lint({"td.json": '{"containerDefinitions": []}'}, Settings(select=("EL900",))) == []


def test_el902_wrong_shape_reported_at_the_value(lint: Lint) -> None:
    text = '{"containerDefinitions": [\n  {"name": "web", "image": 42}\n]}'
    findings = lint({"td.json": text}, Settings(select=("EL902",)))
    assert codes(findings) == ["EL902"]
    assert findings[0].span.line == 2
    assert "image" in findings[0].message


def test_el902_quiet_on_right_shape(lint: Lint) -> None:
    assert (
        lint(
            {"td.json": '{"containerDefinitions": [{"name": "w", "image": "ghcr.io/a/b:1"}]}'},
            Settings(select=("EL902",)),
        )
        == []
    )


def test_el903_duplicate_key_last_wins(lint: Lint) -> None:
    text = (
        '{"containerDefinitions": [{"name": "w", "image": "nginx:1.25",\n'
        ' "image": "ghcr.io/a/b:1"}]}'
    )
    findings = lint({"td.json": text}, Settings(select=("EL101", "EL903")))
    assert codes(findings) == ["EL903"]  # the last value (ghcr.io) is the one checked
    assert findings[0].span.line == 1


def test_el903_quiet_without_duplicates(lint: Lint) -> None:
    assert (
        lint(
            {"td.json": '{"containerDefinitions": [{"name": "w", "image": "ghcr.io/a/b:1"}]}'},
            Settings(select=("EL903",)),
        )
        == []
    )
