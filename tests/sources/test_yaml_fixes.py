"""``--fix`` in Kubernetes, Compose and GitHub Actions files: only the image text changes;
quotes, comments, anchors, line endings and every other byte stay as they were."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

ECR = "public.ecr.aws/docker/library/"

CASES = {
    "kubernetes": (
        "deploy.yaml",
        "# Source: web/templates/deployment.yaml\r\n"
        "apiVersion: apps/v1\r\nkind: Deployment\r\nmetadata: {name: web}\r\n"
        "spec:\r\n  template:\r\n    spec:\r\n      containers:\r\n"
        '        - name: web\r\n          image: "nginx:1.25"  # keep this comment\r\n'
        "        - name: cache\r\n          image: redis:7.2\r\n",
        {'"nginx:1.25"': f'"{ECR}nginx:1.25"', "redis:7.2": f"{ECR}redis:7.2"},
    ),
    "compose": (
        "compose.yaml",
        "services:\n  web:\n    image: 'nginx:1.25'   # pinned\n"
        "  db:\n    image: postgres:${PG:-16}  # variables: kept\n"
        "  cache: {image: redis:7.2, restart: always}\n",
        {
            "'nginx:1.25'": f"'{ECR}nginx:1.25'",
            "postgres:${PG:-16}": f"{ECR}postgres:${{PG:-16}}",
            "{image: redis:7.2,": f"{{image: {ECR}redis:7.2,",
        },
    ),
    "workflow": (
        "ci.yml",
        "on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
        "    container: python:3.12  # the job's container\n"
        '    services:\n      db:\n        image: "postgres:16"\n'
        "    steps:\n      - uses: 'docker://alpine:3.19'\n",
        {
            "container: python:3.12": f"container: {ECR}python:3.12",
            '"postgres:16"': f'"{ECR}postgres:16"',
            "'docker://alpine:3.19'": f"'docker://{ECR}alpine:3.19'",
        },
    ),
}


@pytest.mark.parametrize("fmt", sorted(CASES))
def test_fix_rewrites_only_the_image_text(fmt: str, tmp_path: Path) -> None:
    name, before, replacements = CASES[fmt]
    path = tmp_path / name
    path.write_bytes(before.encode())
    result = run_cli(str(tmp_path), "--fix", "--unsafe-fixes", "-o", "concise")
    expected = before
    for old, new in replacements.items():
        assert expected.count(old) == 1
        expected = expected.replace(old, new)
    assert path.read_bytes() == expected.encode(), result.stderr
    assert result.stdout.count("EL101") == 0


def test_fix_is_idempotent(tmp_path: Path) -> None:
    name, before, _ = CASES["kubernetes"]
    path = tmp_path / name
    path.write_bytes(before.encode())
    run_cli("--select", "EL101", str(tmp_path), "--fix", "--unsafe-fixes")
    once = path.read_bytes()
    second = run_cli("--select", "EL101", str(tmp_path), "--fix", "--unsafe-fixes")
    assert path.read_bytes() == once
    assert second.status == 0, second.stdout


@pytest.mark.parametrize("image", ["nginx:1.25", "nginx:${V:-1.25}"])
def test_text_shared_through_an_alias_is_not_rewritten(tmp_path: Path, image: str) -> None:
    text = (
        f"x-base: &base\n  image: {image}\nservices:\n"
        "  a:\n    <<: *base\n  b:\n    <<: *base\n    command: run\n"
    )
    (tmp_path / "compose.yaml").write_text(text)
    result = run_cli(str(tmp_path), "--fix", "--unsafe-fixes", "-o", "concise")
    assert (tmp_path / "compose.yaml").read_text() == text
    assert result.stdout.count("EL101") == 1  # reported once, at the shared text
    assert "compose.yaml:2:10" in result.stdout
