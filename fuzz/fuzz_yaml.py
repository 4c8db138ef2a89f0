"""Fuzz the YAML loader and the three YAML sources (Kubernetes, Docker Compose, GitHub Actions).

Invariants: loading raises only ``YamlError`` (alias bombs and deep nesting included, within
libFuzzer's time and memory limits); a value span holds exactly the scalar's value; no source
raises, and their spans are exact.

Run: ``python fuzz/fuzz_yaml.py fuzz/corpus/yaml -max_total_time=60`` (see README).
"""

from __future__ import annotations

from _common import check_document, instrumented, main

with instrumented():
    from ecs_lint import yamlpos
    from ecs_lint.settings import Settings
    from ecs_lint.sources import compose, kubernetes, workflow
    from ecs_lint.textio import UnreadableFile, decode_source

# No .env file is read for a compose file in a directory that does not exist.
PARSERS = (
    ("/nonexistent/compose.yaml", compose.parse),
    ("deployment.yaml", kubernetes.parse),
    (".github/workflows/ci.yml", workflow.parse),
)


def test_one_input(data: bytes) -> None:
    try:
        source = decode_source(data, "x.yaml")
    except UnreadableFile:
        return
    text = source.text
    try:
        documents = yamlpos.load_documents(text)
    except yamlpos.YamlError as error:
        assert 0 <= error.offset <= len(text), error
        documents = []
    for document in documents:
        pending, seen = [document.root], set()
        while pending:
            node = pending.pop()
            if id(node) in seen:
                continue
            seen.add(id(node))
            span = yamlpos.value_span(node, text)
            if span is not None:
                assert text[span[0] : span[1]] == node.value, (span, node.value)
            pending.extend(yamlpos.items(node))
            if yamlpos.is_mapping(node):
                pending.extend(part for pair in node.value for part in pair)
    for path, parse in PARSERS:
        named = type(source)(path, text, source.bom)
        check_document(named, parse(named, Settings()))


if __name__ == "__main__":
    main(test_one_input)
