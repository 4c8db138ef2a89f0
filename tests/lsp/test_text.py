"""The protocol's positions in an open document: its line ends (``\\n``, ``\\r\\n``, ``\\r``, and
nothing else) and its code units (UTF-8, UTF-16, UTF-32), against a plain reading of the spec."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from ecs_lint.server.text import UTF8, UTF16, UTF32, LineIndex, apply_change

ENCODINGS = {UTF8: "utf-8", UTF16: "utf-16-le", UTF32: "utf-32-le"}
UNIT_BYTES = {UTF8: 1, UTF16: 2, UTF32: 4}
# Line ends and what must not end a line (form feed, NEL, U+2028), wide and narrow characters.
pieces = ["a", "é", "😀", "\n", "\r", "\r\n", "\x0c", "\x85", "\u2028", " "]
texts = st.lists(st.sampled_from(pieces), max_size=30).map("".join)


def reference_position(text: str, offset: int, encoding: str) -> tuple[int, int]:
    """The position of ``offset`` (never inside a ``\\r\\n``) as the spec defines it, counted
    the slow and obvious way."""
    breaks = list(re.finditer(r"\r\n|\r|\n", text[:offset]))
    line_start = breaks[-1].end() if breaks else 0
    units = len(text[line_start:offset].encode(ENCODINGS[encoding], "surrogatepass"))
    return len(breaks), units // UNIT_BYTES[encoding]


@given(texts, st.sampled_from(sorted(ENCODINGS)), st.data())
def test_positions_follow_the_spec_and_find_their_offset_again(
    text: str, encoding: str, data: st.DataObject
) -> None:
    index = LineIndex(text, encoding)
    offset = data.draw(st.integers(0, len(text)))
    if text[offset - 1 : offset + 1] == "\r\n":
        offset -= 1  # between \r and \n is no position of the protocol
    assert index.position(offset) == reference_position(text, offset, encoding)
    assert index.offset(index.position(offset)) == offset


def test_a_character_past_the_line_end_means_the_end_of_the_line() -> None:
    index = LineIndex("ab\r\ncd\n", UTF16)
    assert index.offset((0, 99)) == 2  # before the \r\n
    assert index.offset((1, 99)) == 6
    assert index.offset((9, 0)) == len("ab\r\ncd\n")


def test_a_surrogate_pair_is_two_utf16_units_and_one_utf32_unit() -> None:
    text = "x😀y"
    assert LineIndex(text, UTF16).position(2) == (0, 3)
    assert LineIndex(text, UTF32).position(2) == (0, 2)
    assert LineIndex(text, UTF8).position(2) == (0, 5)
    assert LineIndex(text, UTF16).offset((0, 3)) == 2


@given(texts, texts, st.sampled_from(sorted(ENCODINGS)), st.data())
def test_an_edit_replaces_exactly_its_range(
    text: str, new: str, encoding: str, data: st.DataObject
) -> None:
    index = LineIndex(text, encoding)
    starts = [o for o in range(len(text) + 1) if text[o - 1 : o + 1] != "\r\n"]
    first = data.draw(st.sampled_from(starts))
    last = data.draw(st.sampled_from([o for o in starts if o >= first]))
    changed = apply_change(text, encoding, index.position(first), index.position(last), new)
    assert changed == text[:first] + new + text[last:]
