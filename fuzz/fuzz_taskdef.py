"""Fuzz the task-definition source and the position-tracking JSON parser under it.

Invariants: ``jsonpos`` raises only ``JsonError`` and agrees with ``json.loads`` on every text
both accept; the task-definition source never raises and its spans are exact; a fix target holds
exactly the image text.

Run: ``python fuzz/fuzz_taskdef.py fuzz/corpus/taskdef -max_total_time=60`` (see README).
"""

from __future__ import annotations

import json

from _common import check_document, instrumented, main

with instrumented():
    from ecs_lint import jsonpos
    from ecs_lint.jsonpos import JsonError
    from ecs_lint.settings import Settings
    from ecs_lint.sources import taskdef
    from ecs_lint.textio import UnreadableFile, decode_source

_INVALID = object()


def test_one_input(data: bytes) -> None:
    try:
        source = decode_source(data, "task-definition.json")
    except UnreadableFile:
        return
    text = source.text
    try:
        ours: object = jsonpos.to_python(jsonpos.parse(text).root)
    except JsonError:
        ours = _INVALID
    try:
        theirs: object = json.loads(text)
    except (ValueError, RecursionError):
        theirs = _INVALID
    # json.loads also takes NaN/Infinity (not JSON) and nests deeper than our limit allows.
    if ours is not _INVALID and theirs is not _INVALID:
        assert ours == theirs or repr(ours) == repr(theirs), (ours, theirs)
    if ours is not _INVALID and theirs is _INVALID:
        raise AssertionError(f"jsonpos accepted what json.loads refuses: {text[:200]!r}")
    document = taskdef.parse(source, Settings())
    check_document(source, document)
    for use in document.images:
        if use.edit_span is not None:
            assert text[use.edit_span.start : use.edit_span.end] == use.reference.original


if __name__ == "__main__":
    main(test_one_input)
