"""boto3 pointed at a local moto server for the live (``--aws``) tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from servers.moto_server import MotoServer


@pytest.fixture(scope="module")
def moto_server() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture
def aws(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> MotoServer:
    """An empty local AWS, and an environment where boto3 finds only it."""
    # Before the reset, so the IAM backend it rebuilds holds the AWS managed policies.
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    moto_server.reset()
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in moto_server.environment(tmp_path).items():
        monkeypatch.setenv(name, value)
    return moto_server
