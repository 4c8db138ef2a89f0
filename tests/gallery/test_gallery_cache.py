"""The on-disk answer cache: freshness, corruption, and many processes sharing it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from servers.gallery_server import TASK_IMAGES

from ecs_lint.gallery.cache import AnswerCache, HubDigest, default_cache_dir
from ecs_lint.gallery.catalog import Equivalent, Evidence

if TYPE_CHECKING:
    from servers.gallery_server import GalleryServer

NGINX = Equivalent(
    "docker/library/nginx", Evidence.IDENTICAL, True, "sha256:" + "a" * 64, "sha256:" + "a" * 64
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_an_answer_round_trips_until_its_ttl(tmp_path: Path) -> None:
    clock = Clock()
    cache = AnswerCache(tmp_path, ttl=3600, clock=clock)
    cache.put("nginx", NGINX)
    assert cache.get("nginx") == NGINX
    clock.now += 3599
    assert cache.get("nginx") == NGINX
    clock.now += 2
    assert cache.get("nginx") is None


def test_no_equivalent_is_cached_too(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path, ttl=3600)
    cache.put("tool", Equivalent(None, None, checked=True))
    assert cache.get("tool") == Equivalent(None, None, checked=True)


def test_catalog_and_unchecked_answers_are_never_stored(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path, ttl=3600)
    cache.put("a", Equivalent("docker/library/nginx", Evidence.CATALOG, checked=False))
    cache.put("b", Equivalent(None, None, checked=False))
    assert cache.get("a") is None and cache.get("b") is None
    assert not list(tmp_path.rglob("*.json"))


def test_docker_hub_digests_are_kept_apart_from_answers(tmp_path: Path) -> None:
    cache = AnswerCache(tmp_path, ttl=3600)
    digest = "sha256:" + "b" * 64
    cache.put_hub_digest("hub|library/nginx:1.25", digest)
    cache.put_hub_digest("hub|library/nginx:9.9", None)  # Docker Hub has no such tag
    assert cache.hub_digest("hub|library/nginx:1.25") == HubDigest(digest)
    assert cache.hub_digest("hub|library/nginx:9.9") == HubDigest(None)
    assert cache.hub_digest("hub|library/nginx:1.26") is None  # never asked
    assert cache.get("hub|library/nginx:1.25") is None  # a digest is not an answer
    cache.put("nginx", NGINX)
    assert cache.hub_digest("nginx") is None  # nor an answer a digest


def test_entries_from_the_future_are_not_trusted(tmp_path: Path) -> None:
    clock = Clock()
    cache = AnswerCache(tmp_path, ttl=3600, clock=clock)
    cache.put("nginx", NGINX)
    clock.now -= 7200  # the clock went back two hours
    assert cache.get("nginx") is None


def _entry(answer: object) -> bytes:
    return json.dumps({"key": "nginx", "stored_at": 1_000_000.0, "answer": answer}).encode()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\x01\x02garbage",
        b'{"key": "nginx", "stored_at": 1000000.0, "answer": {"repos',  # truncated
        b"[1, 2, 3]",
        b'{"key": "someone-else", "stored_at": 1000000.0, "answer": {}}',
        b'{"key": "nginx", "stored_at": "yesterday", "answer": {}}',
        _entry({"repository": 7, "evidence": "verified"}),
        _entry({"repository": "x", "evidence": "sure"}),
        _entry({"repository": "x", "evidence": "catalog"}),
        b"[" * 100_000,
    ],
)
def test_corrupt_entries_are_ignored_then_rewritten(tmp_path: Path, content: bytes) -> None:
    cache = AnswerCache(tmp_path, ttl=3600, clock=Clock())
    path = cache.path_for("nginx")
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    assert cache.get("nginx") is None
    cache.put("nginx", NGINX)
    assert cache.get("nginx") == NGINX


def test_an_unwritable_cache_is_skipped_silently(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the cache directory should be")
    cache = AnswerCache(blocker, ttl=3600)
    cache.put("nginx", NGINX)  # no exception
    assert cache.get("nginx") is None
    assert not cache.writable


def test_default_directory(tmp_path: Path) -> None:
    assert default_cache_dir({"ECS_LINT_CACHE_DIR": str(tmp_path)}) == tmp_path
    if sys.platform.startswith("linux"):
        assert default_cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "ecs-lint"
        assert default_cache_dir({}) == Path.home() / ".cache" / "ecs-lint"


# -- eight processes at once, as pre-commit runs them -------------------------------------------


def _task(images: list[str]) -> str:
    containers = [{"name": f"c{i}", "image": image} for i, image in enumerate(images)]
    return json.dumps({"family": "app", "containerDefinitions": containers})


def _run_processes(
    server: GalleryServer, files: list[Path], cache: Path
) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, **server.environment(), "ECS_LINT_CACHE_DIR": str(cache)}
    env.pop("ECS_LINT_OFFLINE", None)
    command = [sys.executable, "-m", "ecs_lint", "--output-format", "json", "--select", "EL101"]
    processes = [
        subprocess.Popen(
            [*command, str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in files
    ]
    results = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=60)
        results.append(
            subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        )
    return results


def _evidence(result: subprocess.CompletedProcess[str]) -> list[tuple[str, str | None]]:
    return sorted((f["image"], f["evidence"]) for f in json.loads(result.stdout))


def test_eight_processes_share_one_cache(gallery: GalleryServer, tmp_path: Path) -> None:
    files = []
    for index in range(8):
        path = tmp_path / f"td{index}.json"
        path.write_text(_task(TASK_IMAGES), encoding="utf-8")
        files.append(path)
    cache = tmp_path / "cache"
    results = _run_processes(gallery, files, cache)
    assert [r.returncode for r in results] == [1] * 8, [r.stderr for r in results]
    assert all(r.stderr == "" for r in results), [r.stderr for r in results]
    expected = _evidence(results[0])
    assert ("docker.io/library/nginx:1.25", "identical") in expected
    assert all(_evidence(r) == expected for r in results)
    entries = [json.loads(entry.read_bytes()) for entry in cache.rglob("*.json")]
    # One ECR Public answer per image, and Docker Hub's digest of each of the five found there.
    kinds = sorted(entry["key"].partition("|")[0] for entry in entries)
    assert kinds == ["answer"] * len(TASK_IMAGES) + ["hub-digest"] * 5
    for entry in entries:
        assert entry["answer"]
    assert not [p for p in cache.rglob("*") if p.name.startswith(".tmp-")]
    # And then a ninth run reads it all without a request.
    gallery.reset()
    (again,) = _run_processes(gallery, files[:1], cache)
    assert _evidence(again) == expected
    assert gallery.request_count == 0


def test_eight_processes_over_a_corrupted_cache(gallery: GalleryServer, tmp_path: Path) -> None:
    files = []
    for index in range(8):
        path = tmp_path / f"td{index}.json"
        path.write_text(_task(TASK_IMAGES), encoding="utf-8")
        files.append(path)
    cache = tmp_path / "cache"
    _run_processes(gallery, files[:1], cache)
    for number, entry in enumerate(sorted(cache.rglob("*.json"))):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if number % 2 else b"\xff\xfe not json")
    results = _run_processes(gallery, files, cache)
    assert [r.returncode for r in results] == [1] * 8, [r.stderr for r in results]
    assert all(_evidence(r) == _evidence(results[0]) for r in results)
    assert ("docker.io/library/nginx:1.25", "identical") in _evidence(results[0])
    for entry in cache.rglob("*.json"):
        assert json.loads(entry.read_bytes())["answer"]  # every entry rewritten whole
