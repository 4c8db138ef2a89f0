"""The ``world`` fixture: an empty local AWS and a builder for what a test puts in it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from aws_world import World

if TYPE_CHECKING:
    from servers.moto_server import MotoServer


@pytest.fixture
def world(aws: MotoServer) -> World:
    return World()
