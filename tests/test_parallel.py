"""A large run parses its files on every core (``ecs_lint.parallel``) and reports exactly what a
serial run reports, in the same order.

The threshold of files that makes a run parallel is forced low here through the internal
variable ``parallel.MIN_ITEMS_VARIABLE``, so a small tree takes the parallel path."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

import pytest

from ecs_lint import parallel
from ecs_lint.engine import load_model
from ecs_lint.settings import Settings
from support import REPOSITORY, git_repository

if TYPE_CHECKING:
    from pathlib import Path

MULTI_CORE_LINUX = sys.platform == "linux" and len(os.sched_getaffinity(0)) > 1


def task_definition(number: int) -> str:
    return (
        f'{{"family": "svc{number}", "executionRoleArn": "arn:aws:iam::1:role/e{number}",\n'
        ' "containerDefinitions": [\n'
        f'  {{"name": "a", "image": "nginx:1.{number}",\n'
        '   "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "g"}}},\n'
        f'  {{"name": "b", "image": "acme/tool:{number}"}}]}}\n'
    )


def tree(root: Path) -> Path:
    """The repository-context cases (a service account in another file, Terraform modules, a
    compose file and its Dockerfiles), files of every kind of problem, and enough task
    definitions and Dockerfiles for every worker to get a share of each."""
    files = dict(REPOSITORY)
    for number in range(12):
        files[f"svc/{number:02d}/task-definition.json"] = task_definition(number)
        files[f"svc/{number:02d}/Dockerfile"] = (
            f"FROM python:3.{number} AS build\n# ecs-lint: ignore=EL105\nFROM build\n"
        )
    files["bad/task-definition.json"] = '{"family": "x", "family": "y",\n "containerDefinitions": ['
    files["bad/dup/task-definition.json"] = (
        '{"family": "x", "family": "y", "containerDefinitions": [{"name": "a", "image": 3}]}'
    )
    files["bad/empty/task-definition.json"] = ""
    files["bad/unused/Dockerfile"] = "# ecs-lint: ignore=EL104\nFROM alpine:3.20\n"
    root = git_repository(root, files)
    (root / "bad/binary").mkdir()
    (root / "bad/binary/Dockerfile").write_bytes(b"FROM alpine:3.20\nRUN echo \xff\n")
    return root


def lint_json(root: Path, minimum: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "ECS_LINT_OFFLINE": "1", parallel.MIN_ITEMS_VARIABLE: minimum}
    return subprocess.run(
        [sys.executable, "-m", "ecs_lint", "-o", "json", "."],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_parallel_run_reports_what_a_serial_run_reports_byte_for_byte(tmp_path: Path) -> None:
    root = tree(tmp_path)
    serial = lint_json(root, "0")
    forked = lint_json(root, "2")
    assert serial.returncode == forked.returncode == 2  # a file could not be checked
    assert '"EL900"' in serial.stdout and '"EL903"' in serial.stdout  # problems are in it
    assert '"EL102"' in serial.stdout  # the service account's credentials reached the pod
    assert forked.stdout == serial.stdout
    assert forked.stderr == serial.stderr


@pytest.mark.skipif(not MULTI_CORE_LINUX, reason="forks only on Linux with several cores")
def test_a_run_over_many_files_is_shared_between_processes() -> None:
    environment = {**os.environ, parallel.MIN_ITEMS_VARIABLE: "2"}
    # Each item takes a while, so that every process takes some before the queue is empty.
    script = (
        "import os, time; from ecs_lint import parallel; "
        "print(parallel.worker_count(10), len(set(parallel.map_forked("
        "lambda _: time.sleep(0.05) or os.getpid(), list(range(10)), dict, lambda _: None))))"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    workers = min(len(os.sched_getaffinity(0)), 10)
    assert run.stdout.split() == [str(workers), str(workers)]


def test_small_runs_and_processes_running_threads_are_never_forked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(parallel.MIN_ITEMS_VARIABLE, raising=False)
    assert parallel.worker_count(parallel.MIN_ITEMS - 1) == 1
    monkeypatch.setenv(parallel.MIN_ITEMS_VARIABLE, "2")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.worker_count(10_000) == 1
    finally:
        stop.set()
        thread.join()


@pytest.mark.skipif(not MULTI_CORE_LINUX, reason="forks only on Linux with several cores")
def test_what_a_worker_fails_to_deliver_is_done_here_in_order() -> None:
    environment = {**os.environ, parallel.MIN_ITEMS_VARIABLE: "2"}
    # A worker dies at its third item, whichever chunks it took: its results so far and the
    # items it never delivered still come out once each, in order.
    script = (
        "import os, time; from ecs_lint import parallel\n"
        "done = []\n"
        "def work(item):\n"
        "    time.sleep(0.01)\n"
        "    if parallel.in_worker():\n"
        "        done.append(item)\n"
        "        if len(done) == 3: os._exit(1)\n"
        "    return item * item\n"
        "absorbed = {}\n"
        "results = parallel.map_forked(work, list(range(100)), lambda: {'read': 1}, "
        "absorbed.update)\n"
        "print(results == [item * item for item in range(100)])"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True
    )
    assert run.stdout.split() == ["True"]


def test_a_parsed_document_comes_back_from_pickle_equal(tmp_path: Path) -> None:
    # What a worker hands over: each model value made again from its fields.
    root = tree(tmp_path)
    model = load_model([str(root)], Settings())
    documents = [document for document in model.documents if document.images or document.tasks]
    assert any(document.tasks for document in documents)
    for document in documents:
        again = pickle.loads(pickle.dumps(document, pickle.HIGHEST_PROTOCOL))
        assert again == document
        assert [task.containers for task in again.tasks] == [
            task.containers for task in document.tasks
        ]
