"""Helpers for fault-injection tests of live AWS (``faulty_aws`` fixture in conftest.py):
limits in a configuration file, a timed CLI run, and the one error line a failed run prints.

Imported as ``aws_faults`` (tests/ is on pytest's pythonpath).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from support import CliRun, run_cli

if TYPE_CHECKING:
    from pathlib import Path


def limits(tmp_path: Path, **values: float) -> str:
    """A configuration file with ``aws-*`` limits (``read_timeout=1`` → ``aws-read-timeout``)."""
    path = tmp_path / "limits.toml"
    path.write_text("".join(f"aws-{k.replace('_', '-')} = {v}\n" for k, v in values.items()))
    return str(path)


def timed(*args: str) -> tuple[CliRun, float]:
    """``ecs-lint ARGS`` and the seconds it took."""
    started = time.monotonic()
    run = run_cli(*args)
    return run, time.monotonic() - started


def one_error(run: CliRun) -> str:
    """The run's only stderr line, checked to be an error with exit status 2, no report and no
    traceback; returned without its ``ecs-lint: error: `` prefix."""
    assert (run.status, run.stdout) == (2, ""), run.stderr
    assert "Traceback" not in run.stderr
    (line,) = run.stderr.splitlines()
    assert line.startswith("ecs-lint: error: ")
    return line.removeprefix("ecs-lint: error: ")
