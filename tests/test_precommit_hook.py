"""The pre-commit hook, run by the real pre-commit against a throw-away repository.

pre-commit installs a ``language: python`` hook from a git repository into a virtualenv of its
own, so this needs PyPI for the project's dependencies (reachable in CI). The hook repository is
a committed snapshot of this working tree (the files git would track), so the test checks the
code under test, committed by the lead or not. pre-commit's cache goes to a temporary directory.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).resolve().parents[1]
HOOKS_FILE = PROJECT / ".pre-commit-hooks.yaml"
INSTALL_TIMEOUT = 900  # seconds: the first run builds the hook's virtualenv from PyPI


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        [
            "git",
            "-c",
            "user.name=ecs-lint tests",
            "-c",
            "user.email=tests@example.invalid",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def tracked_files(root: Path) -> list[str]:
    """The project's files as a commit would hold them: tracked or not ignored."""
    listing = git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return sorted({name for name in listing.split("\0") if name and (root / name).is_file()})


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for name in tracked_files(PROJECT):
        target = snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PROJECT / name, target)
    git(snapshot, "init", "-q")
    git(snapshot, "add", "-A")
    git(snapshot, "commit", "-q", "--no-verify", "-m", "snapshot")
    return snapshot


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(
    hook_repo: Path, pre_commit_home: Path, workdir: Path, files: dict[str, str], hook: str
) -> subprocess.CompletedProcess[str]:
    """Commit ``files`` in a new repository and run ``pre-commit try-repo`` there."""
    git(workdir, "init", "-q")
    for name, text in files.items():
        (workdir / name).parent.mkdir(parents=True, exist_ok=True)
        (workdir / name).write_text(text)
    git(workdir, "add", "-A")
    git(workdir, "commit", "-q", "--no-verify", "-m", "files")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(pre_commit_home),
        "ECS_LINT_OFFLINE": "1",
        "NO_COLOR": "1",
    }
    env.pop("PRE_COMMIT", None)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hook_repo),
            hook,
            "--all-files",
            "--color",
            "never",
        ],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
    )


def test_hook_fails_on_a_docker_hub_image(
    hook_repo: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    files = {
        "Dockerfile": "FROM nginx:1.25\n",
        "ecs/task-definition.json": (
            '{"containerDefinitions": [{"name": "web", "image": "redis:7"}]}\n'
        ),
        "README.md": "FROM nginx\n",
    }
    run = try_repo(hook_repo, pre_commit_home, tmp_path, files, "ecs-lint")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert re.search(r"^ecs-lint\.+Failed$", output, re.MULTILINE), output
    assert "Dockerfile:1:6" in output and "EL101" in output
    assert "ecs/task-definition.json:1:" in output
    assert "README.md" not in output.split("Failed", 1)[1]


def test_hook_passes_on_clean_files(hook_repo: Path, pre_commit_home: Path, tmp_path: Path) -> None:
    files = {
        "Dockerfile": "FROM public.ecr.aws/docker/library/nginx:1.25\n",
        "ecs/task-definition.json": (
            '{"containerDefinitions": [{"name": "web",'
            ' "image": "public.ecr.aws/docker/library/redis:7"}]}\n'
        ),
    }
    run = try_repo(hook_repo, pre_commit_home, tmp_path, files, "ecs-lint")
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert re.search(r"^ecs-lint\.+Passed$", output, re.MULTILINE), output


def test_hooks_file_declares_both_hooks() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS_FILE.read_text())}
    assert set(hooks) == {"ecs-lint", "ecs-lint-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["require_serial"] is False
        assert hook["entry"].split()[0] == "ecs-lint"
    assert hooks["ecs-lint-fix"]["entry"] == "ecs-lint --fix"
    assert hooks["ecs-lint-fix"]["files"] == hooks["ecs-lint"]["files"]


@pytest.mark.parametrize(
    ("path", "checked"),
    [
        ("Dockerfile", True),
        ("services/api/Dockerfile.prod", True),
        ("build/api.Dockerfile", True),
        ("Containerfile", True),
        ("ecs/task-definition.json", True),
        ("deploy/taskdef.json", True),
        ("web.taskdef.json", True),
        ("infra/container-definitions.json", True),
        ("template.yaml", True),
        ("cdk.out/ApiStack.template.json", True),
        ("infra/network.cfn.yml", True),
        ("plans/prod.tfplan.json", True),
        ("tfplan.json", True),
        ("infra/main.tf", True),
        ("compose.yaml", True),
        ("deploy/docker-compose.prod.yml", True),
        (".github/workflows/ci.yml", True),
        ("k8s/deployment.yaml", True),
        ("package.json", False),
        ("docs/Dockerfile-guide.md", False),
        ("src/app.py", False),
        ("tsconfig.json", False),
    ],
)
def test_hook_files_pattern(path: str, checked: bool) -> None:
    (hook,) = [h for h in yaml.safe_load(HOOKS_FILE.read_text()) if h["id"] == "ecs-lint"]
    assert bool(re.search(hook["files"], path)) is checked
