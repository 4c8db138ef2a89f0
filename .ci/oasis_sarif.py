"""CI: check SARIF logs against the full OASIS SARIF 2.1.0 schema.

    python .ci/oasis_sarif.py SCHEMA LOG...

The tests validate SARIF with the project's own, stricter schema of the subset ecs-lint writes
(tests/reporters/sarif_subset.schema.json); this is the check that the subset is SARIF. Exit
status 1, naming each log and place, when a log is not valid.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import jsonschema


def main(schema_path: str, *log_paths: str) -> int:
    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    invalid = 0
    for log_path in log_paths:
        log = json.loads(Path(log_path).read_text(encoding="utf-8"))
        errors = sorted(validator.iter_errors(log), key=lambda error: list(error.absolute_path))
        for error in errors:
            place = "/".join(map(str, error.absolute_path))
            print(f"{log_path}: {place}: {error.message}", file=sys.stderr)
        invalid += bool(errors)
    print(f"{len(log_paths) - invalid} of {len(log_paths)} SARIF logs valid against {schema_path}")
    return 1 if invalid or not log_paths else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
