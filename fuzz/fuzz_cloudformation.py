"""Fuzz the CloudFormation source on raw bytes: JSON templates (text starting with ``{``) and YAML
templates, short-form tags and intrinsic functions included, with and without ``--parameter``
values.

Invariants: the source never raises (bad syntax is an EL900 problem in the document); every span
lies in the text and agrees with line and column; an edit span holds exactly the image text; a
container's ``repositoryCredentials`` fix target is an insertion point after which the template
still parses and the container reads the secret.

Run: ``python fuzz/fuzz_cloudformation.py fuzz/corpus/cloudformation -max_total_time=60`` (see
README).
"""

from __future__ import annotations

import importlib
from functools import partial

from _common import check_document, check_edit_spans, check_insertion, instrumented, main

with instrumented():
    from ecs_lint.settings import Settings
    from ecs_lint.sources.cloudformation import parse
    from ecs_lint.textio import UnreadableFile, decode_source

    # Imported by the source only for duplicate JSON keys: here, to be instrumented.
    importlib.import_module("ecs_lint.sources.taskdef")

# Values for parameters the seed templates declare, an empty one and a list (CommaDelimitedList).
PARAMETERS = Settings(
    parameters={
        "Environment": "production",
        "NginxTag": "",
        "WorkerImage": "nginx:1.25",
        "ApiImageTag": "1,2",
    }
)


def test_one_input(data: bytes) -> None:
    try:
        source = decode_source(data, "stack.template")
    except UnreadableFile:
        return
    for settings in (Settings(), PARAMETERS):
        document = parse(source, settings)
        check_document(source, document)
        check_edit_spans(source, document)
    check_insertion(source, document, partial(parse, settings=PARAMETERS))


if __name__ == "__main__":
    main(test_one_input)
