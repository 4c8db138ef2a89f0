"""Reporters: each turns a run's findings into one output format, and knows nothing of rules.

The table maps ``--output-format`` names to modules, imported only when chosen.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from ecs_lint.engine import RunResult

REPORTERS: dict[str, str] = {
    "text": "ecs_lint.reporters.text",
    "json": "ecs_lint.reporters.json",
    "concise": "ecs_lint.reporters.concise",
    "sarif": "ecs_lint.reporters.sarif",
    "github": "ecs_lint.reporters.github",
    "gitlab": "ecs_lint.reporters.gitlab",
    "junit": "ecs_lint.reporters.junit",
}


class Reporter(Protocol):
    def __call__(
        self, result: RunResult, out: TextIO, *, color: bool = False, quiet: bool = False
    ) -> None:
        """Write ``result`` to ``out``; ``quiet`` leaves out everything but the findings."""


def reporter(name: str) -> Reporter:
    report: Reporter = importlib.import_module(REPORTERS[name]).report
    return report
