"""``SourceText.span`` places nearby offsets by counting newlines from the last one it placed,
and far ones with its line index; whichever way, a span must say the line and column a reader
counts in the text, in any order of requests."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ecs_lint import textio
from ecs_lint.textio import SourceText

TEXTS = st.text(alphabet=st.sampled_from(["a", " ", "\n", "\r", "\t", "é"]), max_size=300)


def line_and_column(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


@given(TEXTS, st.lists(st.tuples(st.integers(0, 300), st.integers(0, 40)), max_size=20))
def test_spans_in_any_order_give_the_line_and_column_of_the_text(
    text: str, requests: list[tuple[int, int]]
) -> None:
    source = SourceText("f", text)
    for start, length in requests:
        start = min(start, len(text))
        end = min(start + length, len(text))
        span = source.span(start, end)
        assert (span.line, span.column) == line_and_column(text, start)
        assert (span.end_line, span.end_column) == line_and_column(text, end)
        assert (span.start, span.end) == (start, end)


@given(TEXTS, st.lists(st.integers(0, 300), min_size=1, max_size=10))
def test_counting_and_the_line_index_agree(text: str, offsets: list[int]) -> None:
    counted, indexed = SourceText("f", text), SourceText("f", text)
    indexed.position(0)  # builds the index, which every later span then uses
    for offset in (min(offset, len(text)) for offset in offsets):
        assert counted.span(offset, offset) == indexed.span(offset, offset)


def test_offsets_far_apart_in_a_long_file_are_placed_exactly() -> None:
    # Jumps of more than textio._NEARBY characters: the line index places these.
    lines = [f"line {number}" for number in range(1, 20_001)]
    assert textio._NEARBY < 10_000 * 6
    source = SourceText("f", "\n".join(lines))
    for number in (19_000, 3, 10_000, 10_001, 20_000, 1):
        offset = sum(len(line) + 1 for line in lines[: number - 1]) + 2
        span = source.span(offset, offset + 1)
        assert (span.line, span.column) == (number, 3)
