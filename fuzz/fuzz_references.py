"""Fuzz the image-reference grammar: it never raises, reasons are short printable lines, and
normalising twice equals normalising once.

Run: ``python fuzz/fuzz_references.py fuzz/corpus/references -max_total_time=60`` (see README).
"""

from __future__ import annotations

import dataclasses

from _common import instrumented, main

with instrumented():
    from ecs_lint.model import ImageRef, InvalidRef, UnresolvedRef
    from ecs_lint.references import ecr_private_parts, parse_reference, resolve_reference


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", "surrogateescape")
    result = parse_reference(text)
    assert isinstance(result, ImageRef | InvalidRef), result
    assert result.original == text
    if isinstance(result, InvalidRef):
        assert result.reason.isprintable() and 0 < len(result.reason) < 300, result.reason
    else:
        once = parse_reference(str(result))
        assert isinstance(once, ImageRef), (result, once)
        assert str(once) == str(result), (result, once)
        twice = parse_reference(str(once))
        assert twice == dataclasses.replace(once, original=str(once)), (once, twice)
    resolved = resolve_reference(text)
    assert isinstance(resolved, ImageRef | InvalidRef | UnresolvedRef)
    ecr_private_parts(text.split("/", 1)[0])


if __name__ == "__main__":
    main(test_one_input)
