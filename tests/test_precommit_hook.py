"""The pre-commit hooks, run by the real pre-commit against a throw-away repository, offline.

pre-commit installs a ``language: python`` hook from a git repository into a virtualenv of its
own (``pip install .``). So that no test reaches the internet, that pip installs from a local
wheelhouse (``PIP_NO_INDEX``, ``PIP_FIND_LINKS``: pip reads them from the environment pre-commit
passes on), which the ``wheelhouse`` fixture builds once per run, without network, from the
distributions installed in the test virtualenv (tests/offline_wheels.py). Anything that still
tries the network meets a proxy address where nothing listens, and fails at once. The tests of
this module run in one pytest-xdist worker (their ``xdist_group``), so the wheelhouse and the
hook's virtualenv are built once.

The hook repository is a committed snapshot of this working tree (the files git would track), so
the tests check the code under test, committed by the lead or not. The hooks run as users run
them: ``pre-commit run`` with a ``.pre-commit-config.yaml`` naming that repository (pre-commit's
cache, with the hook's virtualenv, is one temporary directory for the module) and ``pre-commit
try-repo`` (which builds a virtualenv of its own each time, so it is used once).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml
from offline_wheels import (
    MissingDistribution,
    project_requirements,
    rebuild_wheel,
    requirement_closure,
)
from packaging.requirements import Requirement
from packaging.tags import sys_tags
from packaging.utils import canonicalize_name, parse_wheel_filename
from servers.gallery_server import GalleryServer

from ecs_lint.sources import is_candidate_name
from support import SERVICE_ACCOUNT, deployment

if TYPE_CHECKING:
    from collections.abc import Iterator

PROJECT = Path(__file__).resolve().parents[1]
HOOKS_FILE = PROJECT / ".pre-commit-hooks.yaml"
INSTALL_TIMEOUT = 600  # seconds: the first run builds the hook's virtualenv
NOWHERE = "http://127.0.0.1:9"  # the discard port: a request through this proxy fails at once

# One worker runs this module, so the session's wheelhouse and hook virtualenv are built once.
pytestmark = pytest.mark.xdist_group("pre-commit")


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


def offline_environment(wheelhouse: Path) -> dict[str, str]:
    """pre-commit's environment: pip only from the wheelhouse, no network at all."""
    env = {
        **os.environ,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "VIRTUALENV_NO_PERIODIC_UPDATE": "1",  # else virtualenv refreshes its seed wheels online
        "VIRTUALENV_NO_DOWNLOAD": "1",
        "NO_COLOR": "1",
    }
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        env[name] = env[name.lower()] = NOWHERE
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    for name in ("PRE_COMMIT", "PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_REQUIRE_VIRTUALENV"):
        env.pop(name, None)
    return env


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


@pytest.fixture
def pre_commit(
    wheelhouse: Path, hook_repo: Path, pre_commit_home: Path, tmp_path: Path
) -> PreCommit:
    return PreCommit(hook_repo, tmp_path / "work", pre_commit_home, wheelhouse)


class PreCommit:
    """pre-commit in a new repository holding the given files: ``run`` as users run it, with a
    ``.pre-commit-config.yaml`` naming the snapshot (its hook virtualenv is built once, in
    ``home``), and ``try_repo`` (a fresh virtualenv each time)."""

    def __init__(self, hook_repo: Path, workdir: Path, home: Path, wheelhouse: Path) -> None:
        self.hook_repo = hook_repo
        self.workdir = workdir
        self.env = {**offline_environment(wheelhouse), "PRE_COMMIT_HOME": str(home)}
        self.env["ECS_LINT_OFFLINE"] = "1"

    def commit(
        self,
        files: dict[str, str],
        args: tuple[str, ...] = ("--select", "EL101"),
        **hook_settings: object,
    ) -> None:
        """A new repository holding ``files``, committed, and a ``.pre-commit-config.yaml``
        naming the snapshot's hooks with ``args`` (the rules these tests are about, passed as a
        user's hook entry does) and any other hook settings a user may override."""
        hook_entries = [
            {"id": hook_id, "args": list(args), **hook_settings}
            for hook_id in ("ecs-lint", "ecs-lint-fix")
        ]
        config = {
            "repos": [
                {
                    "repo": str(self.hook_repo),
                    "rev": git(self.hook_repo, "rev-parse", "HEAD").strip(),
                    "hooks": hook_entries,
                }
            ]
        }
        files = {".pre-commit-config.yaml": yaml.safe_dump(config), **files}
        self.workdir.mkdir()
        git(self.workdir, "init", "-q")
        self.stage(files)
        git(self.workdir, "commit", "-q", "--no-verify", "-m", "files")

    def stage(self, files: dict[str, str]) -> None:
        """Write ``files`` and ``git add`` them: what the next commit holds."""
        for name, text in files.items():
            (self.workdir / name).parent.mkdir(parents=True, exist_ok=True)
            (self.workdir / name).write_text(text)
        git(self.workdir, "add", *files)

    def run(self, hook: str) -> subprocess.CompletedProcess[str]:
        return self._pre_commit("run", hook, "--all-files")

    def run_staged(self, hook: str) -> subprocess.CompletedProcess[str]:
        """``pre-commit run`` as ``git commit`` runs it: on the staged files only."""
        return self._pre_commit("run", hook)

    def try_repo(self, hook: str) -> subprocess.CompletedProcess[str]:
        return self._pre_commit("try-repo", str(self.hook_repo), hook, "--all-files")

    def _pre_commit(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *args, "--color", "never"],
            cwd=self.workdir,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
        )


def test_hook_fails_on_a_docker_hub_image(pre_commit: PreCommit) -> None:
    pre_commit.commit(
        {
            "Dockerfile": "FROM nginx:1.25\n",
            "ecs/task-definition.json": (
                '{"containerDefinitions": [{"name": "web", "image": "redis:7"}]}\n'
            ),
            "README.md": "FROM nginx\n",
        }
    )
    run = pre_commit.run("ecs-lint")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert re.search(r"^ecs-lint\.+Failed$", output, re.MULTILINE), output
    assert "Dockerfile:1:6" in output and "EL101" in output
    assert "ecs/task-definition.json:1:" in output
    assert "README.md" not in output.split("Failed", 1)[1]


def test_hook_passes_on_clean_files(pre_commit: PreCommit) -> None:
    pre_commit.commit(
        {
            "Dockerfile": "FROM public.ecr.aws/docker/library/nginx:1.25\n",
            "ecs/task-definition.json": (
                '{"containerDefinitions": [{"name": "web",'
                ' "image": "public.ecr.aws/docker/library/redis:7"}]}\n'
            ),
        }
    )
    run = pre_commit.run("ecs-lint")
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert re.search(r"^ecs-lint\.+Passed$", output, re.MULTILINE), output


def test_committing_only_the_deployment_still_finds_its_service_account(
    pre_commit: PreCommit,
) -> None:
    # The service account with pull secrets is in another file, which this commit does not
    # touch: pre-commit passes only the Deployment, and ecs-lint reads the account from the
    # repository, as `ecs-lint .` does. Authenticated pulls are EL102, not EL101.
    pre_commit.commit(
        {"k8s/service-account.yaml": SERVICE_ACCOUNT, "k8s/web.yaml": deployment("nginx:1.25")},
        args=("--select", "EL101,EL102"),
    )
    pre_commit.stage({"k8s/web.yaml": deployment("nginx:1.27")})
    run = pre_commit.run_staged("ecs-lint")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert re.search(r"^k8s/web\.yaml:10:\d+: EL102 .*nginx:1\.27", output, re.MULTILINE), output
    assert "EL101" not in output
    assert "service-account.yaml" not in output  # not a file of this commit: not reported


def test_a_task_definition_named_like_any_json_file_is_checked(pre_commit: PreCommit) -> None:
    pre_commit.commit(
        {
            "ecs/web.json": '{"family": "web", "containerDefinitions": '
            '[{"name": "web", "image": "nginx:1.25"}]}\n',
            "package.json": '{"name": "app", "version": "1.0.0"}\n',
        }
    )
    run = pre_commit.run("ecs-lint")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert re.search(r"^ecs/web\.json:1:\d+: EL101 ", output, re.MULTILINE), output
    assert "package.json" not in output
    assert "1 file checked" in output  # package.json passed, read, and found not to be ours


def test_the_exclusions_apply_to_the_files_pre_commit_names(pre_commit: PreCommit) -> None:
    pre_commit.commit(
        {
            ".ecs-lint.toml": 'extend-exclude = ["vendor"]\n',
            ".gitignore": "generated/\n",
            "Dockerfile": "FROM public.ecr.aws/docker/library/nginx:1.25\n",
            "vendor/acme/Dockerfile": "FROM nginx:1.25\n",
        }
    )
    # Tracked though ignored (added before the ignore rule, or with --force): ignored all the
    # same, as `ecs-lint .` ignores it.
    (pre_commit.workdir / "generated").mkdir()
    (pre_commit.workdir / "generated" / "Dockerfile").write_text("FROM redis:7\n")
    git(pre_commit.workdir, "add", "--force", "generated/Dockerfile")
    run = pre_commit.run("ecs-lint")
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"^ecs-lint\.+Passed$", run.stdout, re.MULTILINE), run.stdout


SPLIT_FILES = {
    "k8s/service-account.yaml": SERVICE_ACCOUNT,
    **{f"k8s/app-{n}.yaml": deployment(f"nginx:1.2{n}") for n in range(4)},
    "k8s/other.yaml": deployment("redis:7", account="default"),
    "compose.yaml": "services:\n  api:\n    build:\n      context: api\n"
    "      args: {BASE: 'python:3.12'}\n",
    "api/Dockerfile": "ARG BASE=python:3.11\nFROM ${BASE}\n",
    "ecs/web.json": '{"containerDefinitions": [{"name": "web", "image": "nginx:1.25"}]}\n',
    "ecs/worker.json": '{"containerDefinitions": [{"name": "w", "image": "busybox:1.36"}]}\n',
    "Dockerfile": "FROM alpine:3.20\n",
    "docker/dev.yml": "services:\n  db:\n    image: postgres:16\n",
}


def finding_lines(output: str) -> set[str]:
    return set(re.findall(r"^\S+:\d+:\d+: EL\d+ .*$", output, re.MULTILINE))


def test_the_findings_do_not_depend_on_how_pre_commit_splits_the_files(
    pre_commit: PreCommit,
) -> None:
    # With require_serial off, pre-commit splits the files across processes (one per core),
    # shuffled: a Deployment and its service account, a Dockerfile and the compose file that
    # builds it land in different processes. Each file's findings are the same all the same.
    pre_commit.commit(SPLIT_FILES, args=("--select", "EL101,EL102", "-o", "concise"))
    serial = pre_commit.run("ecs-lint")
    config = pre_commit.workdir / ".pre-commit-config.yaml"
    settings = yaml.safe_load(config.read_text())
    for hook in settings["repos"][0]["hooks"]:
        hook["require_serial"] = False
    config.write_text(yaml.safe_dump(settings))
    split = pre_commit.run("ecs-lint")
    assert serial.returncode == split.returncode == 1, serial.stdout + split.stdout
    expected = finding_lines(serial.stdout)
    assert len(expected) == 10, serial.stdout
    assert any("EL102" in line and "k8s/app-0.yaml" in line for line in expected)
    assert any("api/Dockerfile" in line and "python:3.12" in line for line in expected)
    assert finding_lines(split.stdout) == expected
    if (os.cpu_count() or 1) > 1:  # one process per core: more than one summary line
        assert split.stdout.count(" checked)") > 1, split.stdout


@pytest.fixture
def gallery() -> Iterator[GalleryServer]:
    with GalleryServer() as server:
        yield server


def test_fix_hook_rewrites_a_verified_equivalent_then_passes(
    pre_commit: PreCommit, gallery: GalleryServer, tmp_path: Path
) -> None:
    # Look-ups go to the local gallery/registry server, which mirrors nginx:1.25 with the same
    # digest as Docker Hub: a verified, identical equivalent, so the fix is safe and --fix
    # (the ecs-lint-fix hook) applies it.
    pre_commit.env.pop("ECS_LINT_OFFLINE")
    pre_commit.env.update(gallery.environment())
    pre_commit.env["ECS_LINT_CACHE_DIR"] = str(tmp_path / "cache")
    pre_commit.commit(
        {
            "Dockerfile": "FROM nginx:1.25 AS web\nRUN nginx -v\n",
            "ecs/task-definition.json": (
                '{"containerDefinitions": [{"name": "web", "image": "nginx:1.25"}]}\n'
            ),
        }
    )
    run = pre_commit.try_repo("ecs-lint-fix")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert re.search(r"^ecs-lint \(fix\)\.+Failed$", output, re.MULTILINE), output
    assert "files were modified by this hook" in output
    assert "Fixed 2 findings in 2 files." in output
    workdir = pre_commit.workdir
    assert (workdir / "Dockerfile").read_text() == (
        "FROM public.ecr.aws/docker/library/nginx:1.25 AS web\nRUN nginx -v\n"
    )
    assert (workdir / "ecs/task-definition.json").read_text() == (
        '{"containerDefinitions": [{"name": "web",'
        ' "image": "public.ecr.aws/docker/library/nginx:1.25"}]}\n'
    )
    again = pre_commit.run("ecs-lint-fix")
    assert again.returncode == 0, again.stdout + again.stderr
    assert re.search(r"^ecs-lint \(fix\)\.+Passed$", again.stdout, re.MULTILINE), again.stdout


def test_fix_hook_offline_reports_what_it_cannot_fix(pre_commit: PreCommit) -> None:
    # Offline, the embedded catalog's equivalents are unverified (unsafe fixes): the hook
    # changes nothing, fails, and says why.
    text = "FROM nginx:1.25\n"
    pre_commit.commit({"Dockerfile": text})
    run = pre_commit.run("ecs-lint-fix")
    output = run.stdout + run.stderr
    assert run.returncode == 1, output
    assert re.search(r"^ecs-lint \(fix\)\.+Failed$", output, re.MULTILINE), output
    assert "files were modified by this hook" not in output
    assert "Dockerfile:1:6" in output and "EL101" in output
    assert "1 more fix available with --unsafe-fixes" in output
    assert (pre_commit.workdir / "Dockerfile").read_text() == text


def test_pip_in_the_offline_environment_uses_no_index(tmp_path: Path) -> None:
    # The wheelhouse only: pip names no index (not even one set in a pip configuration file).
    run = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "-d", str(tmp_path), "six"],
        env=offline_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = run.stdout + run.stderr
    assert run.returncode != 0, output
    assert f"Looking in links: {tmp_path}" in output
    assert "Looking in indexes" not in output
    assert not list(tmp_path.glob("six*"))


def test_the_wheelhouse_meets_every_requirement_of_the_project(wheelhouse: Path) -> None:
    wheels = [parse_wheel_filename(wheel.name) for wheel in wheelhouse.glob("*.whl")]
    versions = {name: version for name, version, _, _ in wheels}
    for text in project_requirements():
        requirement = Requirement(text)
        version = versions.get(canonicalize_name(requirement.name))
        assert version is not None and requirement.specifier.contains(version), text


def test_a_requirement_the_virtualenv_lacks_is_named_with_the_install_command() -> None:
    with pytest.raises(MissingDistribution, match=r"no-such-distribution>=1 is not installed"):
        requirement_closure(["no-such-distribution>=1"])
    with pytest.raises(MissingDistribution, match=r"PyYAML<1 is needed but PyYAML 6\.") as raised:
        requirement_closure(["PyYAML<1"])
    assert "pip install -e '.[test]'" in str(raised.value)


def test_requirements_of_requirements_are_included_and_markers_respected() -> None:
    names = {
        distribution.metadata["Name"].lower()
        for distribution in requirement_closure(["jsonschema", "botocore; python_version < '3'"])
    }
    assert {"jsonschema", "referencing", "rpds-py", "attrs"} <= names
    assert "botocore" not in names


def test_a_rebuilt_wheel_holds_the_installed_files_under_its_tags(tmp_path: Path) -> None:
    distribution = metadata.distribution("PyYAML")  # compiled: a platform-specific wheel
    wheel = rebuild_wheel(distribution, tmp_path)
    name, version, _, tags = parse_wheel_filename(wheel.name)
    assert (name, str(version)) == ("pyyaml", distribution.version)
    assert tags & set(sys_tags())  # pip on this machine takes it
    with zipfile.ZipFile(wheel) as archive:
        (record_name,) = [n for n in archive.namelist() if n.endswith(".dist-info/RECORD")]
        rows = [row.rsplit(",", 2) for row in archive.read(record_name).decode().splitlines()]
        assert {path for path, _, _ in rows} == set(archive.namelist())
        for path, digest, size in rows:
            if path == record_name:
                continue
            data = archive.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert (digest, size) == (f"sha256={expected.decode()}", str(len(data)))
    assert "yaml/__init__.py" in set(archive.namelist())
    assert not any("__pycache__" in path or path.startswith("..") for path, _, _ in rows)


def test_hooks_file_declares_both_hooks() -> None:
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS_FILE.read_text())}
    assert set(hooks) == {"ecs-lint", "ecs-lint-fix"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        # One process per commit: the repository is read once for the files' context; the
        # findings do not depend on how pre-commit would split the files anyway.
        assert hook["require_serial"] is True
        assert hook["types"] == ["text"]
        assert hook["entry"].split()[0] == "ecs-lint"
        # pre-commit names each file: the exclusions (and .gitignore) must still apply.
        assert "--force-exclude" in hook["entry"].split()
    assert hooks["ecs-lint-fix"]["entry"].split()[:2] == ["ecs-lint", "--fix"]
    assert hooks["ecs-lint-fix"]["files"] == hooks["ecs-lint"]["files"]


HOOK_NAMES = [
    ("Dockerfile", True),
    ("services/api/Dockerfile.prod", True),
    ("build/api.Dockerfile", True),
    ("build/api.dockerfile", True),
    ("Containerfile", True),
    ("Containerfile.dev", True),
    ("images/base.Containerfile", True),
    ("ecs/task-definition.json", True),
    ("deploy/taskdef.json", True),
    ("web.taskdef.json", True),
    ("infra/container-definitions.json", True),
    # A task definition by content only: the hook passes every JSON file, ecs-lint decides.
    ("ecs/web.json", True),
    ("package.json", True),
    ("tsconfig.json", True),
    ("bake.json", True),
    ("template.yaml", True),
    ("cdk.out/ApiStack.template.json", True),
    ("infra/network.cfn.yml", True),
    ("templates/vpc.template", True),
    ("plans/prod.tfplan.json", True),
    ("tfplan.json", True),
    ("infra/main.tf", True),
    ("docker-bake.hcl", True),
    ("build/docker-bake.override.json", True),
    ("docker-bake.release.hcl", True),
    ("ci/release.bake.hcl", True),
    ("gh-actions-bake.hcl", True),
    ("terraform.hcl", False),
    ("compose.yaml", True),
    ("deploy/docker-compose.prod.yml", True),
    ("docker-stack.yml", True),
    (".github/workflows/ci.yml", True),
    ("k8s/deployment.yaml", True),
    ("docker/Dockerfile-prod", True),
    ("Dockerfile_dev", True),
    ("Containerfile-ubi", True),
    ("app/dockerfile", True),
    ("docs/Dockerfile-guide.md", True),  # looked at; its first line decides (see test_discovery)
    ("docs/dockerfile.md", False),
    ("src/app.py", False),
    ("terraform.tfvars", False),
    ("README.md", False),
    ("Makefile", False),
]


@pytest.mark.parametrize(("path", "passed"), HOOK_NAMES)
def test_hook_files_pattern(path: str, passed: bool) -> None:
    (hook,) = [h for h in yaml.safe_load(HOOKS_FILE.read_text()) if h["id"] == "ecs-lint"]
    assert bool(re.search(hook["files"], path)) is passed


@pytest.mark.parametrize(("path", "_passed"), HOOK_NAMES)
def test_the_hook_passes_exactly_what_a_directory_walk_looks_at(path: str, _passed: bool) -> None:
    # What pre-commit passes is what `ecs-lint .` considers, so a commit checks each file as the
    # whole-repository run does.
    (hook,) = [h for h in yaml.safe_load(HOOKS_FILE.read_text()) if h["id"] == "ecs-lint"]
    assert bool(re.search(hook["files"], path)) is is_candidate_name(path.rsplit("/", 1)[-1])
