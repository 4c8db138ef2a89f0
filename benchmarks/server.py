"""Language server latency: how long after a change an editor gets diagnostics.

Run: ``.venv/bin/python benchmarks/server.py [--lines 1000] [--changes 40]`` (pygls is in the
test extra). Starts ``ecs-lint server`` (offline) as an editor does, opens a CloudFormation
template of at least ``--lines`` lines (the ``template.py`` workload: task definitions with
``!Sub``, ``!If``, roles and policies), then edits one container's image ``--changes`` times, as
a person typing a new tag and pausing, and times each change from the ``didChange`` sent to the
``publishDiagnostics`` of that version received (the server's debounce included). Prints the
first diagnostics after opening and the median, 90th percentile and maximum of the changes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml
from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).parent))
from template import template

TARGET = 0.3
"""Seconds from a change to its diagnostics, for a 1,000-line template."""


def template_text(lines: int) -> str:
    """The smallest template of the workload with at least ``lines`` lines."""
    tasks = 1
    while True:
        text = yaml.safe_dump(template(tasks), sort_keys=False)
        if text.count("\n") >= lines:
            return text
        tasks += 1


async def measure(text: str, changes: int, workdir: Path) -> tuple[float, list[float]]:
    client = LanguageClient("benchmark", "1")
    published: dict[int, float] = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            published.setdefault(params.version, time.perf_counter())
            arrived.set()

    async def wait_for(version: int) -> float:
        while version not in published:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 30)
        return published[version]

    env = {**os.environ, "ECS_LINT_OFFLINE": "1"}
    await client.start_io(sys.executable, "-m", "ecs_lint", "server", env=env, cwd=str(workdir))
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=workdir.as_uri())
    )
    client.initialized(types.InitializedParams())
    uri = (workdir / "stack.yaml").as_uri()
    sent = time.perf_counter()
    item = types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(item))
    first = await wait_for(1) - sent
    line = next(n for n, body in enumerate(text.split("\n")) if "statsd-exporter:v0.26.0" in body)
    column = text.split("\n")[line].index("v0.26.0") + len("v0.26.")
    latencies = []
    for version in range(2, changes + 2):
        await asyncio.sleep(0.25)  # a pause in the typing: each change is linted on its own
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(line, column), types.Position(line, column + 1)),
            text=str(version % 10),
        )
        document = types.VersionedTextDocumentIdentifier(uri=uri, version=version)
        sent = time.perf_counter()
        client.text_document_did_change(types.DidChangeTextDocumentParams(document, [change]))
        latencies.append(await wait_for(version) - sent)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return first, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=40)
    args = parser.parse_args()
    text = template_text(args.lines)
    with tempfile.TemporaryDirectory(prefix="ecs-lint-server-") as workdir:
        first, latencies = asyncio.run(measure(text, args.changes, Path(workdir)))
    latencies.sort()
    p90 = latencies[max(0, round(0.9 * len(latencies)) - 1)]
    median = statistics.median(latencies)
    print(f"CloudFormation template: {text.count(chr(10))} lines, {len(text) // 1024} KiB")
    print(f"first diagnostics after open (cold server): {first:.3f} s")
    print(
        f"{len(latencies)} changes, change → diagnostics: median {median:.3f} s, "
        f"p90 {p90:.3f} s, max {latencies[-1]:.3f} s (target ≤ {TARGET} s: "
        f"{'met' if p90 <= TARGET else 'NOT met'} at p90)"
    )


if __name__ == "__main__":
    main()
