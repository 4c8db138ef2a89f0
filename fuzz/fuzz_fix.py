"""Fuzz ``--fix --unsafe-fixes`` end to end: lint a file, plan its fixes, write them, lint again.

The first input byte chooses the kind of file the rest is (``KINDS``: a Dockerfile, a task
definition, a Compose file, a Compose file and the Dockerfile it builds, split at the first NUL,
a CloudFormation template, a Terraform file or plan) and the settings (``SETTINGS``: offline
catalog answers, with a ``docker-hub-credentials`` secret, or with a pull-through cache). The
files are written to a fresh directory (in /dev/shm when there is one), which is also the
working directory while ecs-lint runs, so nothing outside it is read or written; the fixes are
applied as the command line applies them (``plan_fixes`` then ``write_fixes``).

Invariants: nothing raises and no source or rule crashes (no "internal error" EL900); every
written file is its old bytes with exactly the planned edits' spans replaced (byte-order mark,
line endings and everything else kept) and every other file is untouched; a fixed file lints
again without new EL900 problems; fixing is idempotent: the next run plans nothing, unless the
run before skipped a fix because it overlapped another (then runs go on, and must settle).

Run: ``python fuzz/fuzz_fix.py fuzz/corpus/fix -max_total_time=60`` (see README).
"""

from __future__ import annotations

import contextlib
import importlib
import os
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from _common import SECRET, TERRAFORM_MODULES, instrumented, main

with instrumented():
    from ecs_lint.engine import lint_paths
    from ecs_lint.fixes import plan_fixes, write_fixes
    from ecs_lint.gallery.service import EcrPublicEquivalents
    from ecs_lint.rule import Services
    from ecs_lint.settings import Settings

    # The engine imports sources, and EL101 its credentials fix, only when a run needs them:
    # imported here so that they are instrumented too.
    for lazy in (
        "ecs_lint.sources.dockerfile",
        "ecs_lint.sources.taskdef",
        "ecs_lint.sources.compose",
        "ecs_lint.sources.cloudformation",
        "ecs_lint.sources.terraform",
        *TERRAFORM_MODULES,
        "ecs_lint.iam.suggest",
    ):
        importlib.import_module(lazy)

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult
    from ecs_lint.findings import Edit
    from ecs_lint.fixes import FixPlan

# The file names the input is written to, by the first byte; a kind of two files takes the text
# up to the first NUL for the first and the rest for the second. fuzz/run.py seeds with these.
KINDS: tuple[tuple[str, ...], ...] = (
    ("Dockerfile",),
    ("task-definition.json",),
    ("compose.yaml",),
    ("compose.yaml", "Dockerfile"),
    ("template.yaml",),
    ("main.tf",),
    ("plan.json",),
)
SETTINGS = (
    Settings(offline=True),
    Settings(offline=True, docker_hub_credentials=SECRET),
    Settings(
        offline=True,
        pull_through_cache={"account": "123456789012", "region": "eu-west-1", "prefix": "hub"},
    ),
)
ROUNDS = 5
"""Runs of ``--fix`` a file must settle within (overlapping fixes take one run each)."""
OVERLAP = "fix skipped, it overlaps another fix"
UTF8_BOM = b"\xef\xbb\xbf"


def work_directory() -> Path:
    """This process's directory, named by its id; those of earlier runs that are gone (libFuzzer
    exits without Python's clean-up) are removed."""
    base = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    for stale in base.glob("ecs-lint-fuzz-fix-*"):
        pid = stale.name.rpartition("-")[2]
        if pid.isdigit() and not _running(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    return base / f"ecs-lint-fuzz-fix-{os.getpid()}"


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, as another user's
    return True


WORK = work_directory()


def files_of(data: bytes) -> tuple[dict[str, bytes], Settings]:
    selector, body = data[0], data[1:]
    names = KINDS[selector % len(KINDS)]
    settings = SETTINGS[selector // len(KINDS) % len(SETTINGS)]
    parts = body.split(b"\0", len(names) - 1)
    return dict(zip(names, parts, strict=False)), settings


def test_one_input(data: bytes) -> None:
    if not data:
        return
    files, settings = files_of(data)
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir()
    for name, content in files.items():
        (WORK / name).write_bytes(content)
    on_disk = dict(files)
    with contextlib.chdir(WORK):  # requested files are read only inside it
        previous: RunResult | None = None
        overlapped = False
        for _ in range(ROUNDS):
            result = lint_paths(
                [str(WORK)], settings, Services(ecr_public=EcrPublicEquivalents(settings))
            )
            check_result(result, previous)
            plan = plan_fixes(result, unsafe=True)
            if previous is not None and not overlapped:
                assert not plan.files, ("not idempotent", [c.path for c in plan.files])
            if not plan.files:
                return
            written, problems = write_fixes(plan)
            assert not problems and len(written) == len(plan.files), problems
            on_disk = check_written(plan, on_disk)
            previous, overlapped = result, any(OVERLAP in message for message in plan.skipped)
    raise AssertionError(f"--fix did not settle in {ROUNDS} runs")


def check_result(result: RunResult, previous: RunResult | None) -> None:
    """No crash hid as a finding; no file has more EL900 problems than before its fixes."""
    for finding in result.findings:
        assert "internal error" not in finding.message, finding
    if previous is not None:
        errors, before = _parse_errors(result), _parse_errors(previous)
        assert not errors - before, (errors - before, result.findings)


def _parse_errors(result: RunResult) -> Counter[str]:
    return Counter(f.span.path for f in result.findings if f.rule == "EL900")


def check_written(plan: FixPlan, before: dict[str, bytes]) -> dict[str, bytes]:
    """Each file now holds its old bytes with exactly the accepted edits applied, others are as
    they were; returns what every file holds now."""
    expected = dict(before)
    for change in plan.files:
        name = Path(os.path.relpath(Path(WORK, change.path).resolve(), WORK.resolve())).as_posix()
        edits: list[Edit] = []
        for finding in change.findings:
            assert finding.fix is not None
            edits.extend(edit for edit in finding.fix.edits if edit not in edits)
        expected[name] = replaced(before[name], edits)
        assert change.new_bytes() == expected[name]
    for name, content in expected.items():
        assert (WORK / name).read_bytes() == content, name
    assert sorted(p.name for p in WORK.iterdir()) == sorted(expected)  # no temporary file left
    return expected


def replaced(data: bytes, edits: list[Edit]) -> bytes:
    """``data`` with each edit's span (offsets into its text, after any byte-order mark)
    replaced, checking that the edits lie in the text and do not overlap."""
    bom = UTF8_BOM if data.startswith(UTF8_BOM) else b""
    text = data[len(bom) :].decode("utf-8")
    pieces, position = [], 0
    for edit in sorted(edits, key=lambda e: e.span.start):
        assert position <= edit.span.start <= edit.span.end <= len(text), edit
        pieces += [text[position : edit.span.start], edit.new_text]
        position = edit.span.end
    return bom + "".join([*pieces, text[position:]]).encode("utf-8")


if __name__ == "__main__":
    main(test_one_input)
