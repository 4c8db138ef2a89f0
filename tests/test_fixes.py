"""--fix, --unsafe-fixes and --diff on real files: minimal edits, everything else byte-for-byte.

These runs are offline, so the ECR Public answers come from the embedded catalog (unsafe fixes);
tests/gallery/test_equivalents.py covers safe fixes from verified look-ups.
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
from dataclasses import replace
from typing import TYPE_CHECKING

import pytest

from ecs_lint import safewrite
from ecs_lint.engine import lint_paths
from ecs_lint.findings import Edit, Fix
from ecs_lint.fixes import apply_edits, plan_fixes, write_fixes
from ecs_lint.gallery.service import EcrPublicEquivalents
from ecs_lint.rule import Services
from ecs_lint.settings import Settings
from ecs_lint.textio import SourceText
from support import FIXTURES, run_cli

if TYPE_CHECKING:
    from pathlib import Path

    from ecs_lint.model import Span


ECR = "public.ecr.aws/docker/library/"


@pytest.fixture(
    params=[True, False], ids=["relative to the open directory", "by path, as on Windows"]
)
def directory_calls(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Fixes written through the directory opened once (``dir_fd`` calls, POSIX), and by path,
    as on a system without those calls (Windows): every check must hold either way."""
    monkeypatch.setattr(safewrite, "DIR_FD_CALLS", request.param)


def copy_fixture(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(FIXTURES / "fixes" / name, target)
    return target


def test_dockerfile_with_bom_and_crlf_changes_only_the_references(tmp_path: Path) -> None:
    path = copy_fixture(tmp_path, "crlf-bom.Dockerfile")
    before = path.read_bytes()
    done = run_cli("--offline", "--fix", "--unsafe-fixes", str(path))
    after = path.read_bytes()
    expected = (
        before.replace(
            b"ARG BASE_IMAGE=python:3.12-slim",
            b"ARG BASE_IMAGE=" + ECR.encode() + b"python:3.12-slim",
        )
        .replace(b"--from=busybox:1.36", b"--from=" + ECR.encode() + b"busybox:1.36")
        .replace(b"from=alpine:3.19.1,", b"from=" + ECR.encode() + b"alpine:3.19.1,")
        .replace(b"FROM   nginx:1.25   AS", b"FROM   " + ECR.encode() + b"nginx:1.25   AS")
    )
    assert after == expected
    assert after.startswith(b"\xef\xbb\xbf")  # the byte-order mark stays
    assert after.count(b"\r\n") == before.count(b"\r\n") and b"\n" not in after.replace(
        b"\r\n", b""
    )
    assert not after.endswith(b"\n")  # still no final newline
    # The ARG default was rewritten, not the FROM lines that use it.
    assert after.count(b"FROM ${BASE_IMAGE} AS") == 2
    assert "Fixed 5 findings in 1 file." in done.stderr
    assert done.status == 1  # the unfixable EL105 (distroless :latest) remains
    # Every base and source image was fixed; the frontend image (docker/dockerfile) has no ECR
    # Public equivalent, so its EL101 stays.
    remaining = [line for line in done.stdout.splitlines() if " EL101 " in line]
    assert len(remaining) == 1
    assert "docker.io/docker/dockerfile:1 (BuildKit frontend)" in remaining[0]


def test_task_definition_keeps_its_formatting_and_key_order(tmp_path: Path) -> None:
    path = copy_fixture(tmp_path, "task-definition.json")
    before = path.read_bytes()
    done = run_cli("--offline", "--fix", "--unsafe-fixes", "--output-format", "json", str(path))
    after = path.read_bytes()
    expected = before.replace(
        b'"image" :   "nginx:1.25"', b'"image" :   "' + ECR.encode() + b'nginx:1.25"'
    ).replace(b'"image": "redis:7.2.3"', b'"image": "' + ECR.encode() + b'redis:7.2.3"')
    assert after == expected
    document = json.loads(after)
    assert [c["name"] for c in document["containerDefinitions"]] == [
        "web",
        "cache",
        "sidecar",
        "escaped",
        "private",
    ]
    remaining = {(f["rule"], f["image"]) for f in json.loads(done.stdout)}
    # A reference written with JSON escapes has no literal to rewrite; it stays a finding.
    assert ("EL101", "docker.io/library/node:20") in remaining
    assert ("EL102", "docker.io/someone/private-tool:1.0") in remaining


def test_file_mode_is_kept_and_the_file_is_replaced_atomically(
    tmp_path: Path, directory_calls: None
) -> None:
    path = copy_fixture(tmp_path, "task-definition.json")
    path.chmod(0o640)
    inode = path.stat().st_ino
    run_cli("--offline", "--fix", "--unsafe-fixes", str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.stat().st_ino != inode  # a new file renamed over the old one
    assert [p.name for p in tmp_path.iterdir()] == ["task-definition.json"]  # no temp file left


def test_a_second_run_changes_nothing(tmp_path: Path, directory_calls: None) -> None:
    dockerfile = copy_fixture(tmp_path, "crlf-bom.Dockerfile")
    task = copy_fixture(tmp_path, "task-definition.json")
    run_cli("--offline", "--fix", "--unsafe-fixes", str(tmp_path))
    fixed = dockerfile.read_bytes(), task.read_bytes()
    again = run_cli("--offline", "--fix", "--unsafe-fixes", str(tmp_path))
    assert (dockerfile.read_bytes(), task.read_bytes()) == fixed
    assert "Fixed" not in again.stderr


def test_a_file_with_a_parse_error_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"FROM nginx:1.25\nRUN make\nFROM\n")
    done = run_cli("--offline", "--fix", "--unsafe-fixes", str(path))
    assert path.read_bytes() == b"FROM nginx:1.25\nRUN make\nFROM\n"
    assert "parse error" in done.stderr and str(path) in done.stderr
    assert done.status == 2


def test_diff_prints_the_change_and_writes_nothing(tmp_path: Path) -> None:
    path = copy_fixture(tmp_path, "crlf-bom.Dockerfile")
    before = path.read_bytes()
    done = run_cli("--offline", "--diff", "--unsafe-fixes", str(path))
    assert path.read_bytes() == before
    assert done.status == 1
    lines = done.stdout.splitlines()
    assert f"--- a/{path}" in lines and f"+++ b/{path}" in lines
    assert "-ARG BASE_IMAGE=python:3.12-slim" in lines
    assert f"+ARG BASE_IMAGE={ECR}python:3.12-slim" in lines
    assert "\\ No newline at end of file" in lines
    assert "Would fix 5 findings in 1 file." in done.stderr


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_the_diff_applies_with_patch_as_fix_would_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, newline: str
) -> None:
    text = newline.join(["# base", "ARG V=1.25", "FROM nginx:${V}", "RUN make", "FROM redis:7"])
    fixed, patched = tmp_path / "fixed", tmp_path / "patched"
    for tree in (fixed, patched):
        tree.mkdir()
        (tree / "Dockerfile").write_bytes(text.encode())
    monkeypatch.chdir(patched)
    diff = run_cli("--offline", "--diff", "--unsafe-fixes", "Dockerfile")
    assert diff.status == 1
    monkeypatch.chdir(fixed)
    run_cli("--offline", "--fix", "--unsafe-fixes", "Dockerfile")
    applied = subprocess.run(
        ["patch", "-p1", "--batch", "--quiet"],
        cwd=patched,
        input=diff.stdout.encode(),
        capture_output=True,
        check=False,
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    after = (patched / "Dockerfile").read_bytes()
    assert after == (fixed / "Dockerfile").read_bytes() != text.encode()
    assert after.count(newline.encode()) == 4


def diff_bytes(*args: str, cwd: Path) -> bytes:
    """What the real console writes to a pipe for ``--diff``, byte for byte."""
    done = subprocess.run(
        [sys.executable, "-m", "ecs_lint", "--offline", "--diff", *args],
        cwd=cwd,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    return done.stdout


@pytest.mark.parametrize(
    "text",
    [
        b"\xef\xbb\xbfFROM nginx:1.25\nRUN make\n",  # a byte-order mark on the changed line
        b"\xef\xbb\xbf# base\nFROM nginx:1.25",  # on a context line; no final newline
        b"# \x1b[31mred\x1b[0m\x07\x0c\tx\nFROM nginx:1.25\n# \rCR \x7f\xc2\x85\xe2\x80\xae\r\n",
    ],
    ids=["bom-changed", "bom-context", "controls"],
)
def test_the_diff_applies_byte_exactly(tmp_path: Path, text: bytes) -> None:
    trees = {name: tmp_path / name for name in ("fixed", "git", "patch")}
    for tree in trees.values():
        tree.mkdir()
        (tree / "Dockerfile").write_bytes(text)
    diff = diff_bytes("--unsafe-fixes", "--select", "EL101", "Dockerfile", cwd=trees["git"])
    run_cli("--offline", "--fix", "--unsafe-fixes", str(trees["fixed"] / "Dockerfile"))
    expected = (trees["fixed"] / "Dockerfile").read_bytes()
    assert expected != text
    for tree, command in ((trees["git"], ["git", "apply"]), (trees["patch"], ["patch", "-p1"])):
        if command[0] == "git":
            check = [*command, "--check"]
            assert subprocess.run(check, cwd=tree, input=diff, check=False).returncode == 0
        applied = subprocess.run(command, cwd=tree, input=diff, capture_output=True, check=False)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        assert (tree / "Dockerfile").read_bytes() == expected


def test_a_diff_names_an_awkward_path_as_git_does(tmp_path: Path) -> None:
    name = 'Dockerfile.a\tb"c\\d'
    (tmp_path / name).write_bytes(b"FROM nginx:1.25\n")
    diff = diff_bytes("--unsafe-fixes", ".", cwd=tmp_path)
    assert diff.startswith(
        b'--- "a/Dockerfile.a\\tb\\"c\\\\d"\n+++ "b/Dockerfile.a\\tb\\"c\\\\d"\n'
    )
    applied = subprocess.run(["git", "apply"], cwd=tmp_path, input=diff, check=False)
    assert applied.returncode == 0
    assert (tmp_path / name).read_bytes() == f"FROM {ECR}nginx:1.25\n".encode()


def test_diff_with_nothing_to_fix_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(f"FROM {ECR}nginx:1.25\n", encoding="utf-8")
    done = run_cli("--offline", "--diff", str(path))
    assert (done.status, done.stdout) == (0, "")


def test_unsafe_fixes_need_their_option(tmp_path: Path) -> None:
    path = copy_fixture(tmp_path, "task-definition.json")
    before = path.read_bytes()
    done = run_cli("--offline", "--fix", str(path))
    assert path.read_bytes() == before
    assert "2 more fixes available with --unsafe-fixes" in done.stderr
    diff = run_cli("--offline", "--diff", str(path))
    assert (diff.status, diff.stdout) == (0, "")


def test_a_file_changed_since_it_was_checked_is_left_alone(
    tmp_path: Path, directory_calls: None
) -> None:
    path = copy_fixture(tmp_path, "task-definition.json")
    result = lint_paths([str(path)], Settings(offline=True), _services())
    plan = plan_fixes(result, unsafe=True)
    assert len(plan.files) == 1
    edited = path.read_text(encoding="utf-8").replace('"cpu": "512"', '"cpu": "1024"')
    path.write_text(edited, encoding="utf-8")
    written, problems = write_fixes(plan)
    assert written == []
    assert problems == [f"{path}: not fixed, the file changed since it was checked"]
    assert path.read_text(encoding="utf-8") == edited


def test_a_link_swapped_in_after_the_check_is_not_written_through(
    tmp_path: Path, directory_calls: None
) -> None:
    tree, outside = tmp_path / "repo", tmp_path / "outside"
    tree.mkdir()
    outside.mkdir()
    path = copy_fixture(tree, "task-definition.json")
    result = lint_paths([str(tree)], Settings(offline=True), _services())
    plan = plan_fixes(result, unsafe=True)
    assert len(plan.files) == 1
    # Between the check and the write the file becomes a link to a file outside the tree,
    # with the very text that was checked.
    victim = outside / "task-definition.json"
    shutil.copyfile(path, victim)
    before = victim.read_bytes()
    path.unlink()
    path.symlink_to(victim)
    written, problems = write_fixes(plan)
    assert written == []
    assert problems == [
        f"{path}: not fixed: it now leads to {victim}, which is not the file that was checked"
    ]
    assert victim.read_bytes() == before
    assert path.is_symlink()
    assert sorted(outside.iterdir()) == [victim]  # nothing written beside it either


def test_a_read_only_file_is_left_unchanged(tmp_path: Path, directory_calls: None) -> None:
    path = copy_fixture(tmp_path, "task-definition.json")
    path.chmod(0o444)
    before, inode = path.read_bytes(), path.stat().st_ino
    done = run_cli("--offline", "--fix", "--unsafe-fixes", str(path))
    assert f"ecs-lint: {path}: not fixed: file is read-only" in done.stderr.splitlines()
    assert (path.read_bytes(), path.stat().st_ino) == (before, inode)
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert sorted(tmp_path.iterdir()) == [path]


def test_overlapping_fixes_are_refused_and_identical_ones_applied_once(tmp_path: Path) -> None:
    path = copy_fixture(tmp_path, "crlf-bom.Dockerfile")
    result = lint_paths([str(path)], Settings(offline=True), _services())
    first = next(f for f in result.findings if f.fix is not None)
    assert first.fix is not None
    (edit,) = first.fix.edits
    rival = replace(first, fix=Fix("other", (Edit(edit.span, "other:1"),), safe=True))
    result.findings.append(rival)
    plan = plan_fixes(result, unsafe=True)
    assert any("overlaps another fix" in message for message in plan.skipped)
    (change,) = plan.files
    # The two FROM lines share one ARG default: that one edit is applied once.
    assert change.new_text.count(f"ARG BASE_IMAGE={ECR}python:3.12-slim") == 1
    assert "other:1" not in change.new_text


def test_edits_replace_exactly_their_spans() -> None:
    text = "ab\r\ncd"
    span = lint_span(text, 1, 3)
    assert apply_edits(text, [Edit(span, "XYZ")]) == "aXYZ\ncd"


def test_fixing_through_a_symbolic_link_keeps_the_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, directory_calls: None
) -> None:
    monkeypatch.chdir(tmp_path)  # links are followed only inside the working directory
    target = copy_fixture(tmp_path, "task-definition.json")
    link = tmp_path / "link.json"
    link.symlink_to(target.name)
    done = run_cli("--offline", "--fix", "--unsafe-fixes", "link.json")
    assert "Fixed 2 findings in 1 file." in done.stderr, done.stderr
    assert link.is_symlink()
    assert f"{ECR}nginx:1.25" in target.read_text(encoding="utf-8")


def _services() -> Services:
    return Services(ecr_public=EcrPublicEquivalents(Settings(offline=True)))


def lint_span(text: str, start: int, end: int) -> Span:
    return SourceText("x", text).span(start, end)


ECR_LIBRARY = "public.ecr.aws/docker/library"


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        (
            "Dockerfile",
            "ARG PY=3.12\nFROM python:${PY}-slim AS build\n",
            f"ARG PY=3.12\nFROM {ECR_LIBRARY}/python:${{PY}}-slim AS build\n",
        ),
        (
            "Dockerfile",
            'FROM "nginx:${N:-1.25}"\n',
            f'FROM "{ECR_LIBRARY}/nginx:${{N:-1.25}}"\n',
        ),
        (
            "compose.yaml",
            "services:\n  web:\n    image: python:${PY:-3.12}-slim\n",
            f"services:\n  web:\n    image: {ECR_LIBRARY}/python:${{PY:-3.12}}-slim\n",
        ),
        (
            "main.tf",
            'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n'
            '  container_definitions = jsonencode([{ name = "c", image = "nginx:${var.tag}" }])\n'
            '}\nvariable "tag" {\n  default = "1.25"\n}\n',
            'resource "aws_ecs_task_definition" "t" {\n  family = "t"\n'
            '  container_definitions = jsonencode([{ name = "c", image = '
            f'"{ECR_LIBRARY}/nginx:${{var.tag}}" }}])\n'
            '}\nvariable "tag" {\n  default = "1.25"\n}\n',
        ),
    ],
)
def test_a_tag_with_variables_keeps_them_when_the_repository_is_rewritten(
    tmp_path: Path, name: str, before: str, after: str
) -> None:
    path = tmp_path / name
    path.write_text(before, encoding="utf-8")
    safe_only = run_cli("--offline", "--select", "EL101", "--fix", str(path))
    assert path.read_text(encoding="utf-8") == before  # the tags the variables take: unchecked
    assert "1 more fix available with --unsafe-fixes" in safe_only.stderr
    run_cli("--offline", "--select", "EL101", "--fix", "--unsafe-fixes", str(path))
    assert path.read_text(encoding="utf-8") == after
    again = run_cli("--offline", "--select", "EL101", "--fix", "--unsafe-fixes", str(path))
    assert (again.status, path.read_text(encoding="utf-8")) == (0, after)


@pytest.mark.parametrize(
    "before",
    [
        "ARG REGISTRY=docker.io\nFROM ${REGISTRY}/library/python:3.12\n",
        "ARG NAME=python\nFROM library/${NAME}:3.12\n",
        "ARG V=3.12\nFROM pyth\\\non:${V}\n",  # a line continuation inside the repository
    ],
)
def test_variables_before_the_tag_leave_the_text_alone(tmp_path: Path, before: str) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text(before, encoding="utf-8")
    done = run_cli(
        "--offline", "--select", "EL101", "--fix", "--unsafe-fixes", "-o", "json", str(path)
    )
    assert [finding["rule"] for finding in json.loads(done.stdout)] == ["EL101"]
    assert path.read_text(encoding="utf-8") == before
