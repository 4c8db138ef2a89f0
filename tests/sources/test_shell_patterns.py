"""Shell patterns of ``${V#p}``, ``${V%p}`` and ``${V/p/r}`` (``sources/_shellpattern.py``).

The reference is what BuildKit does, written as plainly as possible: the pattern becomes the
regular expression BuildKit builds (``*`` is ``.*`` or ``.*?``, ``?`` is ``.``, no ``DOTALL``, as
Go's ``.`` never matches a newline), Python's backtracking ``re`` finds the leftmost-first match as
Go's ``regexp`` does, and ``//`` follows Go's ``ReplaceAllString`` loop. It takes exponential time
on some patterns, so it only runs on small inputs; the worst cases below run on the real thing.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ecs_lint.sources._shellpattern import PatternError, replace, trim_prefix, trim_suffix

VALUES = st.text(alphabet="ab\n", max_size=8)
PATTERNS = st.text(alphabet="ab\n*?", max_size=6) | st.text(alphabet="ab*?\\}/", max_size=6)


def reference_regex(pattern: str, greedy: bool, anchored: bool) -> re.Pattern[str]:
    out = ["^"] if anchored else []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char == "*":
            out.append(".*" if greedy else ".*?")
        elif char == "?":
            out.append(".")
        elif char == "\\":
            if pattern[index : index + 1] in ("}", "/"):
                continue
            char = pattern[index : index + 1]
            index += 1
            if char not in ("*", "?", "\\"):
                raise PatternError(char)
            out.append(re.escape(char))
        else:
            out.append(re.escape(char))
    return re.compile("".join(out))


def reference_prefix(value: str, pattern: str, longest: bool) -> str:
    match = reference_regex(pattern, longest, anchored=True).match(value)
    return value[match.end() :] if match else value


def reversed_pattern(pattern: str) -> str:
    """BuildKit's reversal: an escape stays in front of the character it escapes."""
    pieces = re.findall(r"\\.|.", pattern, re.DOTALL)
    return "".join(reversed(pieces))


def reference_suffix(value: str, pattern: str, longest: bool) -> str:
    return reference_prefix(value[::-1], reversed_pattern(pattern), longest)[::-1]


def reference_replace(value: str, pattern: str, replacement: str, every: bool) -> str:
    regex = reference_regex(pattern, greedy=True, anchored=False)
    if not every:
        match = regex.search(value)
        return value[: match.start()] + replacement + value[match.end() :] if match else value
    out, last_end, search = [], 0, 0
    while search <= len(value) and (match := regex.search(value, search)):
        out.append(value[last_end : match.start()])
        if match.end() > last_end or match.start() == 0:
            out.append(replacement)
        last_end = match.end()
        search = max(search + 1, match.end())
    return "".join(out) + value[last_end:]


def outcome(function, *args):  # type: ignore[no-untyped-def]
    try:
        return function(*args)
    except PatternError:
        return PatternError


@given(VALUES, PATTERNS, st.booleans())
@example("ab", "a**", True)
@example("a\nb", "*b", False)
@example("aab", "a\\*", False)
def test_prefix_removal_is_buildkits(value: str, pattern: str, longest: bool) -> None:
    assert outcome(trim_prefix, value, pattern, longest) == outcome(
        reference_prefix, value, pattern, longest
    )


@given(VALUES, PATTERNS, st.booleans())
@example("a*", "*\\", False)  # BuildKit's reversal moves the lone backslash to the front
def test_suffix_removal_is_buildkits(value: str, pattern: str, longest: bool) -> None:
    assert outcome(trim_suffix, value, pattern, longest) == outcome(
        reference_suffix, value, pattern, longest
    )


@given(VALUES, PATTERNS, st.text(alphabet="xy", max_size=2), st.booleans())
@example("abc", "*", "x", True)  # Go leaves the empty match at the end alone
@example("abc", "", "x", True)
@example("a\nb", "?", "x", True)
def test_replacement_is_buildkits(value: str, pattern: str, replacement: str, every: bool) -> None:
    assert outcome(replace, value, pattern, replacement, every) == outcome(
        reference_replace, value, pattern, replacement, every
    )


@pytest.mark.parametrize(
    ("value", "operation", "expected"),
    [
        ("a\nb", lambda v: trim_prefix(v, "*", True), "\nb"),  # a wildcard stops at a newline
        ("a\nb", lambda v: trim_suffix(v, "?b", False), "a\nb"),
        ("a\nb", lambda v: trim_prefix(v, "a\n", False), "b"),  # a literal newline matches
        ("abc", lambda v: replace(v, "*", "x", True), "x"),
        ("abc", lambda v: replace(v, "b*", "[$0]", True), "a[bc]"),
        ("abc", lambda v: replace(v, "b", "<${0}$$$1$x${x}>", True), "a<b$>c"),
        ("abc", lambda v: replace(v, "b", "$ ${ ${0 $", True), "a$ ${ ${0 $c"),
        ("abc", lambda v: replace(v, "b", "$0", False), "a$0c"),  # one replacement is literal
        ("ab-ab", lambda v: replace(v, "a?", "x", True), "x-x"),
    ],
)
def test_buildkit_specifics(value: str, operation, expected: str) -> None:  # type: ignore[no-untyped-def]
    assert operation(value) == expected


def test_invalid_escape_is_refused() -> None:
    with pytest.raises(PatternError, match=r"invalid escape '\\x'"):
        trim_prefix("abc", "a\\x", False)


WORST_STARS = 40


@pytest.mark.parametrize("size", [60, 5000])
def test_many_stars_on_a_long_value_finish_with_the_right_answer(size: int) -> None:
    # Each '*' is a backtracking point for a regular expression engine: 2**40 paths here.
    value = "a" * size
    no_match = "*a" * WORST_STARS + "*b"
    assert trim_prefix(value, no_match, False) == value
    assert trim_prefix(value, no_match, True) == value
    assert trim_suffix(value, "b*" + "a*" * WORST_STARS, True) == value
    assert replace(value, no_match, "x", True) == value
    matching = value + "b"
    assert trim_prefix(matching, no_match, False) == ""
    assert trim_suffix(value, "*a" * WORST_STARS, False) == value[:-WORST_STARS]
    assert trim_suffix(value, "*a" * WORST_STARS, True) == ""
    assert replace(matching + "\n" + matching, no_match, "x", True) == "x\nx"
