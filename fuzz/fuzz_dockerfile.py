"""Fuzz the Dockerfile source on raw bytes (decoded as a file read is): it never raises, and every
span lies in the text and agrees with line and column, with and without build arguments.

Run: ``python fuzz/fuzz_dockerfile.py fuzz/corpus/dockerfile -max_total_time=60`` (see README).
"""

from __future__ import annotations

from _common import check_document, instrumented, main

with instrumented():
    from ecs_lint.settings import Settings
    from ecs_lint.sources.dockerfile import parse
    from ecs_lint.textio import UnreadableFile, decode_source

BUILD_ARGS = Settings(build_args={"BASE": "nginx:1.25", "TAG": "", "TARGETARCH": "arm64"})


def test_one_input(data: bytes) -> None:
    try:
        source = decode_source(data, "Dockerfile")
    except UnreadableFile as error:
        assert error.message
        return
    for settings in (Settings(), BUILD_ARGS):
        check_document(source, parse(source, settings))


if __name__ == "__main__":
    main(test_one_input)
