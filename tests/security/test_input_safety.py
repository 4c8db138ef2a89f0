"""Hostile input costs one clear message and a little time, never a hang, a crash or a leak.

YAML alias bombs, oversized inputs of every kind (linted files, the compose ``.env``, the
configuration, policy files), FIFOs and devices where a file is expected, symbolic links that
lead out of the tree being linted or loop, and directories that cannot be listed.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ecs_lint.textio import MAX_FILE_BYTES
from support import run_cli

SECRET = "s3cr3t-marker-7f3a"


def run_subprocess(*args: str, cwd: Path, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """The real console entry in a child process, so a hang fails the test instead of CI."""
    env = {**os.environ, "ECS_LINT_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "ecs_lint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def alias_bomb(levels: int = 9, width: int = 9) -> list[str]:
    lines = [f"a0: &a0 [{', '.join(['lol'] * width)}]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * width)}]" for n in range(1, levels)]
    return lines


# --- YAML -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "head", "tail"),
    [
        ("pod.yaml", ["apiVersion: v1", "kind: Pod"], ["spec: {containers: [{image: *a8}]}"]),
        ("compose.yaml", ["services:", "  web: {image: nginx:1.25}", "x-bomb:"], []),
        (
            "ci.yml",
            ["on: push", "jobs:", "  t: {runs-on: x, container: nginx:1.25}", "x-bomb:"],
            [],
        ),
    ],
)
def test_a_billion_laughs_file_is_refused_quickly(
    name: str, head: list[str], tail: list[str], tmp_path: Path
) -> None:
    indent = "  " if head[-1] == "x-bomb:" else ""
    bomb = [indent + line for line in alias_bomb()]
    (tmp_path / name).write_text("\n".join([*head, *bomb, *tail]) + "\n", encoding="utf-8")
    started = time.perf_counter()
    run = run_cli(str(tmp_path), "-o", "concise")
    assert time.perf_counter() - started < 5
    assert run.status == 2
    assert "alias" in run.stdout and "refused" in run.stdout


def test_python_tags_in_yaml_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "constructed"
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\n"
        f"x: !!python/object/apply:os.system ['touch {marker}']\n"
        "spec: {containers: [{name: a, image: nginx:1.25}]}\n",
        encoding="utf-8",
    )
    run = run_cli(str(tmp_path), "-o", "concise")
    assert not marker.exists()
    assert "EL101" in run.stdout  # the manifest is still read


# --- Sizes ------------------------------------------------------------------------------------


def oversized(path: Path) -> None:
    """A sparse file one byte over the limit: cheap to make, refused before it is read."""
    with path.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)


@pytest.mark.parametrize("name", ["Dockerfile", "task-definition.json", "compose.yaml", "k.yaml"])
def test_an_oversized_linted_file_is_refused(name: str, tmp_path: Path) -> None:
    oversized(tmp_path / name)
    run = run_cli(str(tmp_path / name), "-o", "concise")
    assert run.status == 2
    assert "10 MiB limit" in run.stdout


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    body = "FROM nginx:1.25\n"
    padding = "#" * (MAX_FILE_BYTES - len(body) - 1) + "\n"
    (tmp_path / "Dockerfile").write_text(padding + body, encoding="utf-8")
    run = run_cli(str(tmp_path / "Dockerfile"), "-o", "concise")
    assert "EL101" in run.stdout and "limit" not in run.stdout


def test_an_oversized_env_file_is_refused_and_not_quoted(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  web: {image: 'nginx:${TAG}'}\n")
    oversized(tmp_path / ".env")
    run = run_cli(str(tmp_path), "-o", "concise")
    assert run.status == 2
    assert ".env" in run.stdout and "10 MiB limit" in run.stdout


def test_an_oversized_configuration_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    oversized(tmp_path / ".ecs-lint.toml")
    run = run_cli(str(tmp_path / "Dockerfile"), "--config", str(tmp_path / ".ecs-lint.toml"))
    assert run.status == 2
    assert "10 MiB limit" in run.stderr
    assert "Traceback" not in run.stderr


def test_an_oversized_policy_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "td.json").write_text(
        '{"family": "w", "executionRoleArn": "arn:aws:iam::123456789012:role/x",'
        ' "containerDefinitions": [{"name": "a", "image": "public.ecr.aws/a/b:1"}]}'
    )
    oversized(tmp_path / "policy.json")
    run = run_cli(str(tmp_path / "td.json"), "--role-policy", f"x={tmp_path / 'policy.json'}")
    assert run.status == 2
    assert "10 MiB limit" in run.stdout + run.stderr
    assert "Traceback" not in run.stderr


# --- Files that are not regular files ---------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_like_a_dockerfile_does_not_hang_a_walk(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "build.Dockerfile")
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    done = run_subprocess(".", "-o", "concise", cwd=tmp_path)
    assert "build.Dockerfile:1:1: EL900 not a regular file" in done.stdout
    assert "Dockerfile:1:6: EL101" in done.stdout


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    done = run_subprocess("/dev/zero", "-o", "concise", cwd=tmp_path)
    assert done.returncode == 2
    assert "not a regular file" in done.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_as_configuration_or_policy_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    done = run_subprocess("Dockerfile", "--config", "fifo", cwd=tmp_path)
    assert done.returncode == 2 and "ecs-lint: error: fifo:" in done.stderr
    done = run_subprocess("Dockerfile", "--role-policy", "x=fifo", cwd=tmp_path)
    assert "not a regular file" in done.stdout + done.stderr


# --- Symbolic links ---------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside the tree being linted, which a link must not make ecs-lint read."""
    secret = tmp_path / "outside" / "credentials.Dockerfile"
    secret.parent.mkdir()
    secret.write_text(f"FROM nginx:1.25\nBOGUS {SECRET}\n")
    return secret


def test_a_walk_skips_links_out_of_the_tree(
    tmp_path: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tree / "evil.Dockerfile").symlink_to(outside)
    (tree / "linked-dir").symlink_to(outside.parent, target_is_directory=True)
    (tree / "loop").symlink_to(tree, target_is_directory=True)
    (tree / "same.Dockerfile").symlink_to(tree / "Dockerfile")
    monkeypatch.chdir(tree)
    run = run_cli(".", "-o", "concise")
    assert SECRET not in run.stdout + run.stderr
    assert "evil.Dockerfile" not in run.stdout
    assert "credentials" not in run.stdout
    assert "1 file checked" in run.stdout  # a link inside the tree is the same file, once


def test_a_link_named_on_the_command_line_is_not_followed_out_of_the_working_directory(
    tmp_path: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "repo"
    tree.mkdir()
    (tree / "Dockerfile").symlink_to(outside)
    (tree / "dir").symlink_to(outside.parent, target_is_directory=True)
    monkeypatch.chdir(tree)
    for named in ("Dockerfile", "dir"):
        run = run_cli(named, "-o", "concise")
        assert run.status == 2
        assert "symbolic link to a path outside the working directory" in run.stdout
        assert SECRET not in run.stdout + run.stderr


def test_a_link_named_on_the_command_line_inside_the_working_directory_is_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "real.Dockerfile").write_text("FROM nginx:1.25\n")
    (tmp_path / "Dockerfile").symlink_to(tmp_path / "real.Dockerfile")
    monkeypatch.chdir(tmp_path)
    run = run_cli("Dockerfile", "-o", "concise")
    assert "Dockerfile:1:6: EL101" in run.stdout


def test_a_file_named_directly_outside_the_working_directory_is_read(
    tmp_path: Path, outside: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Naming a real path is the user's choice; only links are held to the working directory."""
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    run = run_cli(str(outside), "-o", "concise")
    assert "EL101" in run.stdout


# --- A bug in one rule ------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "concise", "github", "json", "sarif", "gitlab", "junit"])
def test_a_crashing_rule_costs_its_findings_not_the_run(
    fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ecs_lint import engine
    from ecs_lint.findings import Severity
    from ecs_lint.rule import Rule

    def crash(model: object, context: object) -> list[object]:
        raise IndexError("list index out of range")

    broken = Rule("EL999", "always-crashes", Severity.ERROR, crash, "EL999 always-crashes: x")
    monkeypatch.setattr(engine, "RULES", (*engine.RULES, broken))
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    run = run_cli(str(tmp_path), "-o", fmt)
    assert run.status == 2  # not everything was checked
    assert "Traceback" not in run.stderr
    assert "internal error in rule EL999" in run.stdout
    assert "EL101" in run.stdout  # the other rules still report


# --- Paths that cannot be read ----------------------------------------------------------------


def el900_lines(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if ": EL900 " in line]


def test_link_loops_in_a_walk_are_reported_and_the_rest_is_linted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "a.Dockerfile").symlink_to("b.Dockerfile")
    (sub / "b.Dockerfile").symlink_to("a.Dockerfile")
    (sub / "task-definition.json").symlink_to("task-definition.json")
    monkeypatch.chdir(tmp_path)
    run = run_cli(".", "-o", "concise", "--select", "EL101,EL900")
    assert run.status == 2 and run.stderr == ""
    loop = "cannot follow symbolic link: Too many levels of symbolic links; not read"
    assert el900_lines(run.stdout) == [
        f"sub/a.Dockerfile:1:1: EL900 {loop}",
        f"sub/b.Dockerfile:1:1: EL900 {loop}",
        f"sub/task-definition.json:1:1: EL900 {loop}",
    ]
    assert run.stdout.startswith("Dockerfile:1:6: EL101 docker.io/library/nginx:1.25 ")


def test_a_link_loop_named_on_the_command_line_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "Dockerfile").symlink_to("Dockerfile")
    monkeypatch.chdir(tmp_path)
    run = run_cli("Dockerfile", "-o", "concise", "--select", "EL900")
    assert run.status == 2
    expected = "Dockerfile:1:1: EL900 cannot open: Too many levels of symbolic links; not read"
    assert el900_lines(run.stdout) == [expected]


def deep_directories(top: Path, levels: int) -> None:
    """Directories nested deeper than a path may be long, made one level at a time."""
    descriptor = os.open(top, os.O_RDONLY)
    try:
        for _ in range(levels):
            os.mkdir("d" * 250, dir_fd=descriptor)
            deeper = os.open("d" * 250, os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = deeper
    finally:
        os.close(descriptor)


def test_a_directory_that_cannot_be_listed_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A path longer than the system takes (PATH_MAX) cannot be listed, by root either.
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    deep_directories(tmp_path, levels=20)
    monkeypatch.chdir(tmp_path)
    run = run_cli(".", "-o", "concise", "--select", "EL101,EL900")
    assert run.status == 2 and "All clear" not in run.stdout
    (reported,) = el900_lines(run.stdout)
    path, _, message = reported.partition(":1:1: EL900 ")
    assert set(path.split("/")) == {"d" * 250}
    assert message == "cannot read directory: File name too long; its files were not checked"
    assert run.stdout.startswith("Dockerfile:1:6: EL101 ")


CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, PR_CAPBSET_DROP = 1, 2, 24


def held_to_permission_bits() -> None:
    """In a child process of root, before it runs the command: drop the two capabilities that
    let root read any file from the bounding set, so that the command (whose permitted set an
    exec of root takes from the bounding set) is held to permission bits like any user."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run_held_to_permission_bits(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``run_subprocess``, but as root without the power to read every file; skips the test when
    this root may not give that power up (no CAP_SETPCAP)."""
    try:
        return subprocess.run(
            [sys.executable, "-m", "ecs_lint", *args],
            cwd=cwd,
            env={**os.environ, "ECS_LINT_OFFLINE": "1"},
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
            preexec_fn=held_to_permission_bits if os.geteuid() == 0 else None,
        )
    except subprocess.SubprocessError as error:
        if isinstance(error, subprocess.TimeoutExpired):
            raise
        pytest.skip("runs as root, which may not drop CAP_DAC_OVERRIDE here: it reads any file")


@pytest.mark.skipif(sys.platform != "linux", reason="drops capabilities with Linux's prctl")
def test_a_directory_without_read_permission_is_reported(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM nginx:1.25\n")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "Dockerfile").write_text("FROM redis:7\n")
    locked.chmod(0)
    try:
        done = run_held_to_permission_bits(
            ".", "-o", "concise", "--select", "EL101,EL900", cwd=tmp_path
        )
    finally:
        locked.chmod(0o755)
    assert done.returncode == 2, done.stderr
    assert el900_lines(done.stdout) == [
        "locked:1:1: EL900 cannot read directory: Permission denied; its files were not checked"
    ]
    assert done.stdout.startswith("Dockerfile:1:6: EL101 docker.io/library/nginx:1.25 ")
