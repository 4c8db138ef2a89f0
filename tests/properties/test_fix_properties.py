"""Properties of ``--fix`` on generated trees of Dockerfiles, task definitions and YAML files.

Whatever the files hold and however they are laid out (CRLF, a byte-order mark, no final
newline, quotes, ARG defaults feeding several stages), ``ecs-lint --fix --unsafe-fixes``:

* writes exactly the planned edits: outside the replaced spans every byte stays as it was;
* is idempotent: a second run changes nothing and finds nothing left to fix;
* never touches a file it did not fix.

The example-based fix tests are in tests/sources/test_yaml_fixes.py and the rule tests.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_lint.cli.common import lookup_services
from ecs_lint.engine import lint_paths
from ecs_lint.fixes import plan_fixes
from ecs_lint.settings import Settings
from ecs_lint.textio import BOM
from support import run_cli

if TYPE_CHECKING:
    from ecs_lint.findings import Edit

# Docker Hub images with an ECR Public equivalent in the embedded catalog (so they get a fix),
# in several spellings, and images that get none.
FIXABLE = [
    "nginx",
    "nginx:1.25",
    "alpine:3.20",
    "docker.io/library/redis:7",
    "index.docker.io/library/busybox:1.36",
    "hashicorp/vault:1.15",
    "python:3.12-slim@sha256:" + "a" * 64,
]
UNFIXABLE = ["ghcr.io/acme/tool:1", "acme/unknown-thing:2", "public.ecr.aws/docker/library/nginx:1"]
IMAGES = st.sampled_from(FIXABLE + UNFIXABLE)
NEWLINES = st.sampled_from(["\n", "\r\n"])


@st.composite
def dockerfile(draw: st.DrawFn) -> str:
    newline = draw(NEWLINES)
    lines = [draw(st.sampled_from(["# syntax=docker/dockerfile:1", "# a comment", ""]))]
    if draw(st.booleans()):  # a global ARG default feeding two stages: one edit for both
        lines += [f"ARG BASE={draw(IMAGES)}", "FROM ${BASE} AS one", "FROM $BASE"]
    lines.append(f"FROM {draw(IMAGES)} AS first")
    for index in range(draw(st.integers(1, 3))):
        image = draw(IMAGES)
        lines.append(
            draw(
                st.sampled_from(
                    [
                        f"FROM {image}",
                        f"FROM --platform=$BUILDPLATFORM {image} AS s{index}",
                        f'FROM "{image}"',
                        f"from \\{newline}  {image}",
                        f"COPY --from={image} /a /b",
                        f"RUN --mount=type=bind,from={image},target=/t true",
                    ]
                )
            )
        )
    end = draw(st.sampled_from(["", newline]))
    return newline.join(lines) + end


@st.composite
def task_definition(draw: st.DrawFn) -> str:
    containers = [
        {"name": f"c{index}", "image": draw(IMAGES), "essential": index == 0}
        for index in range(draw(st.integers(1, 3)))
    ]
    indent = draw(st.sampled_from([None, 2, "\t"]))
    text = json.dumps({"family": "web", "containerDefinitions": containers}, indent=indent)
    return text.replace("\n", draw(NEWLINES))


@st.composite
def compose_file(draw: st.DrawFn) -> str:
    quote = draw(st.sampled_from(["", "'", '"']))
    services = "".join(
        f"  s{index}:\n    image: {quote}{draw(IMAGES)}{quote}  # note\n"
        for index in range(draw(st.integers(1, 3)))
    )
    return ("services:\n" + services).replace("\n", draw(NEWLINES))


@st.composite
def trees(draw: st.DrawFn) -> dict[str, bytes]:
    files = {
        "Dockerfile": draw(dockerfile()),
        "web/task-definition.json": draw(task_definition()),
        "compose.yaml": draw(compose_file()),
    }
    bom = draw(st.sampled_from(list(files)) | st.none())
    return {name: ((BOM if name == bom else "") + text).encode() for name, text in files.items()}


def write(root: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def read(root: Path, files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in files}


def planned_edits(root: Path) -> dict[str, list[Edit]]:
    """Each file's distinct edits, as the fix plan accepted them."""
    settings = Settings()
    services = lookup_services(settings)  # as the command line does: offline, the catalog
    plan = plan_fixes(lint_paths([str(root)], settings, services), unsafe=True)
    edits: dict[str, list[Edit]] = {}
    for change in plan.files:
        accepted = edits.setdefault(change.path, [])
        for finding in change.findings:
            assert finding.fix is not None
            accepted.extend(edit for edit in finding.fix.edits if edit not in accepted)
    return edits


def replaced(text: str, edits: list[Edit]) -> str:
    """``text`` with each edit's span replaced, checking that no two edits overlap."""
    out, position = [], 0
    for edit in sorted(edits, key=lambda e: e.span.start):
        assert position <= edit.span.start <= edit.span.end <= len(text)
        out += [text[position : edit.span.start], edit.new_text]
        position = edit.span.end
    return "".join([*out, text[position:]])


@settings(max_examples=40, deadline=None)
@given(trees())
def test_fix_changes_only_the_planned_spans_and_is_idempotent(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        write(root, files)
        edits = {
            str(Path(path).relative_to(root)): found for path, found in planned_edits(root).items()
        }
        first = run_cli(str(root), "--fix", "--unsafe-fixes", "-o", "concise")
        assert first.status in (0, 1), first.stderr
        fixed = read(root, files)
        for name, before in files.items():
            bom = before.startswith(BOM.encode())
            text = before.decode()[1 if bom else 0 :]
            expected = replaced(text, edits.get(name, []))
            assert fixed[name] == ((BOM if bom else "") + expected).encode(), name
        # Nothing left to fix, and a second run writes nothing.
        assert not planned_edits(root)
        second = run_cli(str(root), "--fix", "--unsafe-fixes", "-o", "concise")
        assert read(root, files) == fixed
        assert "Fixed" not in second.stderr
        for name in files:
            if name not in edits:
                assert fixed[name] == files[name]
