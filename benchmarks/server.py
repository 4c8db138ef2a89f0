"""Language server latency: how long after a change an editor gets diagnostics.

Run: ``.venv/bin/python benchmarks/server.py [--lines 1000] [--changes 40]`` (pygls is in the
test extra). Starts ``ecs-lint server`` (offline) as an editor does, opens a CloudFormation
template of at least ``--lines`` lines (the ``template.py`` workload: task definitions with
``!Sub``, ``!If``, roles and policies), then edits one container's image ``--changes`` times, as
a person typing a new tag and pausing, and times each change from the ``didChange`` sent to the
``publishDiagnostics`` of that version received (the server's debounce included). Prints the
first diagnostics after opening and the median, 90th percentile and maximum of the changes.

With ``--repository``, the document is a Kubernetes Deployment of the 2,000-file git repository
of ``repository_context.py``, whose service account is in another file: each lint reads its
context from the repository, as ``ecs-lint PATH`` does. Its image tag is edited as above; then
the service account, open beside it, is edited (unsaved) ``--changes`` times, timing each change
to the Deployment's next diagnostics (the server waits 0.2 s before linting the documents that
read a changed file, so that is part of that figure).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from lsprotocol import types
from pygls.lsp.client import LanguageClient

sys.path.insert(0, str(Path(__file__).parent))
from repository_context import write_repository
from template import template

if TYPE_CHECKING:
    from collections.abc import Callable

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


@dataclass
class Workload:
    """The document edited: its file (under the work directory), its text, where to type."""

    name: str
    text: str
    needle: str
    """The text whose last character each change replaces."""
    context: str | None = None
    """A file the document reads (its service account), edited in its turn."""
    context_needle: str = ""


async def measure(
    work: Workload, changes: int, workdir: Path
) -> tuple[float, list[float], list[float]]:
    client = LanguageClient("benchmark", "1")
    published: dict[str, dict[int, float]] = {}
    counts: dict[str, list[float]] = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def publish(params: types.PublishDiagnosticsParams) -> None:
        now = time.perf_counter()
        counts.setdefault(params.uri, []).append(now)
        if params.version is not None:
            published.setdefault(params.uri, {}).setdefault(params.version, now)
        arrived.set()

    async def wait_until(ready: Callable[[], float | None]) -> float:
        while (when := ready()) is None:
            arrived.clear()
            await asyncio.wait_for(arrived.wait(), 30)
        return when

    def version_of(uri: str, version: int) -> Callable[[], float | None]:
        return lambda: published.get(uri, {}).get(version)

    def publication(uri: str, number: int) -> Callable[[], float | None]:
        return lambda: counts[uri][number] if len(counts.get(uri, [])) > number else None

    env = {**os.environ, "ECS_LINT_OFFLINE": "1"}
    await client.start_io(sys.executable, "-m", "ecs_lint", "server", env=env, cwd=str(workdir))
    await client.initialize_async(
        types.InitializeParams(capabilities=types.ClientCapabilities(), root_uri=workdir.as_uri())
    )
    client.initialized(types.InitializedParams())
    uri = open_document(client, workdir / work.name, work.text)
    sent = time.perf_counter()
    first = await wait_until(version_of(uri, 1)) - sent
    latencies = []
    for version in range(2, changes + 2):
        await asyncio.sleep(0.25)  # a pause in the typing: each change is linted on its own
        sent = time.perf_counter()
        type_digit(client, uri, work.text, work.needle, version)
        latencies.append(await wait_until(version_of(uri, version)) - sent)
    relints = []
    if work.context is not None:
        path = workdir / work.context
        text = path.read_text()
        context = open_document(client, path, text)
        await wait_until(version_of(context, 1))
        for version in range(2, changes + 2):
            await asyncio.sleep(0.35)  # the Deployment's lint of the last change is published
            seen = len(counts[uri])
            sent = time.perf_counter()
            type_digit(client, context, text, work.context_needle, version)
            relints.append(await wait_until(publication(uri, seen)) - sent)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return first, latencies, relints


def open_document(client: LanguageClient, path: Path, text: str) -> str:
    uri = path.as_uri()
    item = types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)
    client.text_document_did_open(types.DidOpenTextDocumentParams(item))
    return uri


def type_digit(client: LanguageClient, uri: str, text: str, needle: str, version: int) -> None:
    """Replace the last character of ``needle`` in ``text`` (as changed so far) with a digit."""
    line = next(n for n, body in enumerate(text.split("\n")) if needle in body)
    column = text.split("\n")[line].index(needle) + len(needle) - 1
    change = types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(line, column), types.Position(line, column + 1)),
        text=str(version % 10),
    )
    document = types.VersionedTextDocumentIdentifier(uri=uri, version=version)
    client.text_document_did_change(types.DidChangeTextDocumentParams(document, [change]))


def figures(latencies: list[float]) -> str:
    latencies = sorted(latencies)
    p90 = latencies[max(0, round(0.9 * len(latencies)) - 1)]
    median = statistics.median(latencies)
    return (
        f"{len(latencies)} changes, change → diagnostics: median {median:.3f} s, "
        f"p90 {p90:.3f} s, max {latencies[-1]:.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--changes", type=int, default=40)
    parser.add_argument("--repository", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecs-lint-server-") as directory:
        workdir = Path(directory).resolve()
        if args.repository:
            files = write_repository(workdir)
            name = "services/svc-03/k8s/deployment.yaml"
            work = Workload(name, (workdir / name).read_text(), "acme/svc-3:1.3")
            work.context, work.context_needle = "k8s/service-accounts.yaml", "{name: hub"
            title = f"Kubernetes Deployment in a {files}-file git repository"
        else:
            text = template_text(args.lines)
            work = Workload("stack.yaml", text, "statsd-exporter:v0.26.0")
            title = f"CloudFormation template: {text.count(chr(10))} lines, {len(text) // 1024} KiB"
        first, latencies, relints = asyncio.run(measure(work, args.changes, workdir))
    print(title)
    print(f"first diagnostics after open (cold server): {first:.3f} s")
    p90 = sorted(latencies)[max(0, round(0.9 * len(latencies)) - 1)]
    met = "met" if p90 <= TARGET else "NOT met"
    print(f"{figures(latencies)} (target ≤ {TARGET} s: {met} at p90)")
    if relints:
        print(f"service account edited: {figures(relints)} of the Deployment (0.2 s wait included)")


if __name__ == "__main__":
    main()
