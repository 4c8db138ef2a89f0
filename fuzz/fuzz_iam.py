"""Fuzz IAM policy parsing and evaluation, and ARN and secret-reference parsing.

The input is read as a JSON policy document when it is JSON (so a corpus of real policies works),
and as reference text otherwise. Invariants: policy parsing raises only ``PolicyError``; an
evaluation never raises; an explicit unconditional Deny of the request always wins; adding an
Allow never lowers the answer and adding a Deny never raises it; the reference parsers never
raise and ``parse_arn`` round-trips.

Run: ``python fuzz/fuzz_iam.py fuzz/corpus/iam -max_total_time=60`` (see README).
"""

from __future__ import annotations

import json
from typing import Any

from _common import instrumented, main

with instrumented():
    from ecs_lint.iam.arns import (
        parse_arn,
        parse_credentials_parameter,
        parse_kms_key,
        parse_value_from,
    )
    from ecs_lint.iam.evaluator import (
        Outcome,
        PolicyError,
        Request,
        Resource,
        evaluate,
        parse_policy,
    )

RANK = {Outcome.DENIED: 0, Outcome.CONDITIONAL: 1, Outcome.ALLOWED: 2}
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbCdEf"
REQUESTS = [
    Request.of("secretsmanager:GetSecretValue", SECRET),
    Request.of("kms:Decrypt", "arn:aws:kms:eu-west-1:123456789012:key/k", {"aws:x": "y"}),
    Request.of("ecr:BatchGetImage", Resource.parse("arn:aws:ecr:${AWS::Region}:1:repository/a")),
]


def check_references(text: str) -> None:
    arn = parse_arn(text)
    assert arn is None or str(arn) == text, (text, arn)
    parse_credentials_parameter(text)
    parse_value_from(text)
    parse_kms_key(text)


def check_policy(document: Any) -> None:
    try:
        policy = parse_policy(document, "fuzzed")
    except PolicyError as error:
        assert error.message
        return
    allow = parse_policy({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}, "a")
    for request in REQUESTS:
        alone = evaluate([policy], request).outcome
        deny = {"Effect": "Deny", "Action": request.action, "Resource": "*"}
        denied = evaluate([policy, parse_policy({"Statement": deny}, "d")], request)
        assert denied.outcome is Outcome.DENIED and denied.denied_by, denied
        assert RANK[evaluate([policy, allow], request).outcome] >= RANK[alone]


def test_one_input(data: bytes) -> None:
    text = data.decode("utf-8", "surrogateescape")
    check_references(text)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return
    check_policy(document)
    if isinstance(document, dict):
        for value in document.values():
            if isinstance(value, str):
                check_references(value)


if __name__ == "__main__":
    main(test_one_input)
