"""A file's findings do not depend on which other files the run names: what they depend on is
read from the file's repository (``ecs_lint.context``), once per run."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from ecs_lint import textio
from ecs_lint.engine import lint_paths
from ecs_lint.settings import Settings
from support import REPOSITORY, SERVICE_ACCOUNT, deployment, git_repository, run_cli

RULES = ("EL101", "EL102", "EL103", "EL150", "EL203", "EL207", "EL900", "EL901")


Row = tuple[str, str, int, int, str]


def rows(paths: list[Path], settings: Settings | None = None) -> set[Row]:
    result = lint_paths([str(path) for path in paths], settings or Settings(select=RULES))
    return {
        (str(Path(f.span.path).resolve()), f.rule, f.span.line, f.span.column, f.message)
        for f in result.findings
    }


def candidates(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file() and ".git" not in path.parts)


@pytest.fixture
def repository(tmp_path: Path) -> Path:
    return git_repository(tmp_path, REPOSITORY)


def test_each_file_alone_has_the_findings_the_whole_repository_gives_it(repository: Path) -> None:
    whole = rows([repository])
    for path in candidates(repository):
        own = {row for row in whole if row[0] == str(path)}
        alone = {row for row in rows([path]) if row[0] == str(path)}
        assert alone == own, path


def test_any_split_of_the_files_gives_the_same_findings(repository: Path) -> None:
    whole = rows([repository])
    files = candidates(repository)
    shuffle = random.Random(19)
    for batches in (2, 3, 5):
        shuffle.shuffle(files)
        found: set[Row] = set()
        for index in range(batches):
            found |= rows(files[index::batches])
        assert found == whole


def test_what_each_file_depends_on_decides_its_findings(repository: Path) -> None:
    def alone(name: str, rule: str) -> list[tuple[int, str]]:
        return sorted(
            (row[2], row[4])
            for row in rows([repository / name])
            if row[0] == str(repository / name) and row[1] == rule
        )

    # The pod pulls with its service account's credentials (another file).
    assert [line for line, _ in alone("k8s/web.yaml", "EL102")] == [10]
    assert alone("k8s/web.yaml", "EL101") == []
    # The Dockerfile is linted with the build args of the compose file and the workflow.
    assert ["python:3.12" in message for _, message in alone("api/Dockerfile", "EL101")] == [True]
    assert ["node:22" in message for _, message in alone("worker/Dockerfile", "EL101")] == [True]
    assert ["golang:1.22" in message for _, message in alone("tools/Dockerfile", "EL101")] == [True]
    # A .tf file alone: the rest of its module gives its variable a value.
    assert ["memcached:1.6" in message for _, message in alone("infra/solo/main.tf", "EL101")] == [
        True
    ]
    # The module's image is its caller's value: known, and reported where the caller writes it.
    assert alone("infra/modules/ecs/main.tf", "EL103") == []
    (module,) = alone("infra/live/main.tf", "EL101")
    assert "nginx:1.27" in module[1]
    # The task's execution role is defined in another template: known, and denied the secret.
    assert alone("ecs/web.json", "EL207") == []
    assert len(alone("ecs/web.json", "EL203")) == 1
    # The service in front.yaml shares the budget with back.yaml's.
    (budget,) = alone("cfn/front.yaml", "EL150")
    assert "the 2 services" in budget[1] and "need 120" in budget[1]
    # The compose file's .env gives its variable.
    assert ["redis:7.2" in message for _, message in alone("compose.yaml", "EL101")] == [True]


def test_a_file_another_asks_for_is_reported_with_it(repository: Path) -> None:
    # The compose file named alone still reports the Dockerfile it builds (with its args).
    found = rows([repository / "compose.yaml"])
    dockerfile = str(repository / "api" / "Dockerfile")
    assert {row[2] for row in found if row[0] == dockerfile} == {2}
    # But not the files it is context for, nor the other builders' findings.
    assert {Path(row[0]).name for row in found} == {"compose.yaml", "Dockerfile"}


def test_nothing_of_the_context_is_reported(repository: Path) -> None:
    found = rows([repository / "k8s" / "web.yaml"])
    assert {row[0] for row in found} == {str(repository / "k8s" / "web.yaml")}


def test_outside_git_the_repository_is_the_nearest_configured_directory(tmp_path: Path) -> None:
    files = {"k8s/service-account.yaml": SERVICE_ACCOUNT, "apps/web.yaml": deployment("nginx:1")}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    pod = tmp_path / "apps" / "web.yaml"
    # No repository, no configuration: the file's own directory is all ecs-lint reads.
    assert {row[1] for row in rows([pod])} == {"EL101"}
    (tmp_path / ".ecs-lint.toml").write_text("")
    assert {row[1] for row in rows([pod])} == {"EL102"}


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_outside_any_project_a_file_named_alone_has_its_directory_s_own_files(
    tmp_path: Path,
) -> None:
    # As in a home directory: the pod's service account beside it counts, the trees below it
    # (nobody's project) are not read.
    write_tree(
        tmp_path,
        {
            "web.yaml": deployment("nginx:1"),
            "api.yaml": deployment("nginx:2", account="builder"),
            "service-account.yaml": SERVICE_ACCOUNT,
            "old/builder.yaml": SERVICE_ACCOUNT.replace("puller", "builder"),
        },
    )
    assert {row[1] for row in rows([tmp_path / "web.yaml"])} == {"EL102"}
    assert {row[1] for row in rows([tmp_path / "api.yaml"])} == {"EL101"}


@pytest.mark.parametrize("named", [["api/Dockerfile", "k8s", "ecs/web.json"], ["."]])
def test_each_file_is_read_once_per_run(
    repository: Path, monkeypatch: pytest.MonkeyPatch, named: list[str]
) -> None:
    reads: list[str] = []
    real_read = textio._read_source

    def counted(path: Path, display: str, limit: int) -> textio.SourceText:
        reads.append(str(Path(path).resolve()))
        return real_read(path, display, limit)

    monkeypatch.setattr(textio, "_read_source", counted)
    lint_paths([str(repository / name) for name in named], Settings())
    assert reads
    assert len(reads) == len(set(reads))


def test_the_command_line_reports_what_the_repository_decides(
    repository: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repository)
    run = run_cli("k8s/web.yaml", "--select", "EL101,EL102", "-o", "concise")
    assert run.stdout.splitlines()[0].startswith("k8s/web.yaml:10:18: EL102 ")
    assert "service-account.yaml" not in run.stdout
