"""Fuzz the Terraform source on raw bytes: ``terraform show -json`` output (a plan or a state) when
the input's first non-blank byte is ``{``, a ``.tf`` file (HCL, read with tree-sitter's grammar)
otherwise.

Invariants: the source never raises (bad JSON or HCL is an EL900 problem in the document); every
span lies in the text and agrees with line and column; an edit span holds exactly the image text;
a container's ``repositoryCredentials`` fix target is an insertion point after which the file
still parses and the container reads the secret. The ``.tf`` file lies in a directory that does
not exist, so no sibling module file or ``file()`` target is read.

Run: ``python fuzz/fuzz_terraform.py fuzz/corpus/terraform -max_total_time=60`` (see README).
"""

from __future__ import annotations

import importlib
from functools import partial

from _common import (
    TERRAFORM_MODULES,
    check_document,
    check_edit_spans,
    check_insertion,
    instrumented,
    main,
)

with instrumented():
    from ecs_lint.settings import Settings
    from ecs_lint.sources.terraform import parse
    from ecs_lint.textio import UnreadableFile, decode_source

    # The source imports its readers when it needs them: imported here to be instrumented.
    for lazy in TERRAFORM_MODULES:
        importlib.import_module(lazy)

PLAN, MODULE_FILE = "/nonexistent/plan.json", "/nonexistent/main.tf"

parse_default = partial(parse, settings=Settings())


def test_one_input(data: bytes) -> None:
    name = PLAN if data.lstrip()[:1] == b"{" else MODULE_FILE
    try:
        source = decode_source(data, name)
    except UnreadableFile:
        return
    document = parse_default(source)
    check_document(source, document)
    check_edit_spans(source, document)
    check_insertion(source, document, parse_default)


if __name__ == "__main__":
    main(test_one_input)
