"""SARIF validation for the tests, with the project's own schema (sarif_subset.schema.json).

That schema describes, in the project's words, the part of SARIF 2.1.0 that ecs-lint writes and
GitHub code scanning reads, closed and stricter than the OASIS schema (test_sarif_schema.py
shows what it rejects). The OASIS schema itself is not part of the repository: CI (.ci/run)
checks the logs against it. With ``ECS_LINT_TEST_SARIF_DIR`` set, every log a test finds valid
is also written to that directory for that check.
"""

from __future__ import annotations

import functools
import json
import os
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jsonschema

SCHEMA_PATH = Path(__file__).with_name("sarif_subset.schema.json")
KEEP_LOGS = "ECS_LINT_TEST_SARIF_DIR"


@functools.cache
def validator() -> jsonschema.protocols.Validator:
    import jsonschema

    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def sarif_errors(log: object) -> list[str]:
    """What the schema finds wrong with ``log``, one line each, naming the place."""
    errors = sorted(validator().iter_errors(log), key=lambda error: list(error.absolute_path))
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in errors]


def assert_valid_sarif(log: dict[str, Any]) -> None:
    errors = sarif_errors(log)
    assert not errors, "\n".join(errors)
    if directory := os.environ.get(KEEP_LOGS):
        Path(directory).mkdir(parents=True, exist_ok=True)
        (Path(directory) / f"{uuid.uuid4().hex}.sarif").write_text(json.dumps(log))
