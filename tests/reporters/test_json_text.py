"""The JSON, SARIF and GitLab reports are written by ``reporters._jsontext``, which must give the
very text ``json.dumps(value, indent=2)`` gives: tools and users diff these reports."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecs_lint.engine import RunResult
from ecs_lint.findings import Edit, Finding, Fix, Severity
from ecs_lint.model import Span
from ecs_lint.reporters import json as json_reporter
from ecs_lint.reporters._jsontext import indented_json

if TYPE_CHECKING:
    from typing import Any

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and the infinities too: json.dumps writes them
    | st.text()  # control characters, lone surrogates, non-ASCII
)
KEYS = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(KEYS, inner, max_size=4)
    ),
    max_leaves=20,
)


@given(VALUES, st.booleans())
def test_the_text_is_what_json_dumps_writes(value: Any, ensure_ascii: bool) -> None:
    expected = json.dumps(value, indent=2, ensure_ascii=ensure_ascii)
    assert indented_json(value, ensure_ascii=ensure_ascii) == expected


@given(VALUES)
def test_a_deeper_level_is_the_text_of_a_list_element(value: Any) -> None:
    in_a_list = json.dumps([value], indent=2, ensure_ascii=False)
    assert "[\n  " + indented_json(value, ensure_ascii=False, level=1) + "\n]" == in_a_list


def test_what_json_cannot_hold_is_refused_as_json_dumps_refuses_it() -> None:
    for value in ({1, 2}, {"a": object()}, {(1, 2): 3}):
        try:
            json.dumps(value)
        except TypeError:
            pass
        else:  # pragma: no cover - the premise of the test
            raise AssertionError(f"json.dumps accepts {value!r}")
        try:
            indented_json(value)
        except TypeError:
            continue
        raise AssertionError(f"indented_json accepts {value!r}")


def _finding(message: str, **extra: Any) -> Finding:
    span = Span("task.json", 3, 5, 3, 9, 20, 24)
    fix = Fix("use ECR Public", (Edit(span, "public.ecr.aws/x"),), safe=False)
    return Finding(
        "EL101",
        "docker-hub-anonymous-pull",
        Severity.WARNING,
        span,
        message,
        image="nginx",
        fix=fix,
        extra=extra,
    )


def test_the_json_report_is_json_dumps_of_the_findings_with_terminal_controls_escaped() -> None:
    findings = [
        _finding("plain"),
        _finding("a CSI \x9b[31m, a line separator \u2028 and é", pulls={"per_hour": 2.5}),
        _finding("nested", path=["containerDefinitions", 0, "image"], empty=[], none={}),
    ]
    out = io.StringIO()
    json_reporter.report(RunResult(findings, 1), out)
    dicts = [json_reporter.finding_to_dict(finding) for finding in findings]
    expected = json.dumps(dicts, indent=2, ensure_ascii=False)
    expected = expected.replace("\x9b", "\\u009b").replace("\u2028", "\\u2028")
    assert out.getvalue() == expected + "\n"
    assert json.loads(out.getvalue())[1]["message"].startswith("a CSI \x9b[31m")


def test_an_empty_json_report_is_an_empty_array() -> None:
    out = io.StringIO()
    json_reporter.report(RunResult([], 0), out)
    assert out.getvalue() == "[]\n"


def test_a_finding_is_complete_when_made_and_its_json_keys_cannot_change() -> None:
    keys = {"pulls": 4}
    span = Span("task.json", 3, 5, 3, 9, 20, 24)
    finding = Finding("EL150", "docker-hub-pull-budget", Severity.WARNING, span, "m", extra=keys)
    keys["pulls"] = 5
    with pytest.raises(TypeError):
        finding.extra["pulls"] = 6  # type: ignore[index]
    assert json_reporter.finding_to_dict(finding)["pulls"] == 4


def test_findings_with_the_same_absent_values_keep_their_keys_apart_from_the_dict_given() -> None:
    span = Span("Dockerfile", 1, 6, 1, 11, 5, 10)
    given = {"evidence": None, "pinned": False}
    first = Finding("EL101", "docker-hub-anonymous-pull", Severity.ERROR, span, "m", extra=given)
    given["evidence"] = "identical"
    second = Finding("EL101", "docker-hub-anonymous-pull", Severity.ERROR, span, "m", extra=given)
    third = Finding("EL102", "docker-hub-authenticated-pull", Severity.ERROR, span, "m")
    flags = {"evidence": None, "pinned": True}
    fourth = Finding("EL101", "docker-hub-anonymous-pull", Severity.ERROR, span, "m", extra=flags)
    assert dict(first.extra) == {"evidence": None, "pinned": False}
    assert dict(fourth.extra) == {"evidence": None, "pinned": True}
    assert dict(second.extra) == {"evidence": "identical", "pinned": False}
    assert dict(third.extra) == {}
    with pytest.raises(TypeError):
        first.extra["evidence"] = "verified"  # type: ignore[index]
    assert json_reporter.finding_to_dict(first)["evidence"] is None
