"""Properties of ARN and secret-reference parsing (``ecs_lint.iam.arns``), and of policy parsing.

Every parser takes whatever a task definition or template holds; none may raise, and each
answer must be one of the documented kinds. The evaluator's own properties (Deny wins, Allow and
Deny are monotonic) are in tests/iam/test_iam_evaluator_properties.py.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from ecs_lint.iam.arns import (
    BadReference,
    KeyRef,
    ParameterRef,
    Placement,
    SecretRef,
    SecretValueRef,
    UnknownValueFrom,
    parse_arn,
    parse_credentials_parameter,
    parse_kms_key,
    parse_value_from,
    role_name,
)
from ecs_lint.iam.evaluator import (
    Outcome,
    PolicyError,
    Request,
    Resource,
    evaluate,
    evaluate_with_boundary,
    parse_policy,
)

# Pieces of real ARNs and names, and the characters that break naive splitting.
PIECES = st.sampled_from(
    [
        *("arn", ":", "aws", "aws-cn", "secretsmanager", "ssm", "kms", "iam", "eu-west-1"),
        *("123456789012", "secret", "parameter", "/", "key", "alias", "role", "hub", "-AbCdEf"),
        *("${AWS::Region}", "${X}", "${", "}", "$", "\x00", "\x000\x00", "\n", " ", "é", "*"),
    ]
)
ARNISH = st.one_of(st.text(), st.lists(PIECES, max_size=16).map("".join))
REFERENCE = (SecretRef, BadReference)


@given(ARNISH)
@example("arn:aws:s:${X}:1:\x005\x00")  # once an IndexError: NUL marked hidden placeholders
@example("arn:aws:s:${X}:1:a\x000\x00b")  # once read back as arn:aws:s:${X}:1:a${X}b
def test_parse_arn_round_trips_or_declines(text: str) -> None:
    arn = parse_arn(text)
    if arn is not None:
        assert str(arn) == text
        assert arn.service
        assert arn.resource


@given(ARNISH)
def test_reference_parsers_never_raise(text: str) -> None:
    assert isinstance(parse_credentials_parameter(text), SecretRef | BadReference)
    assert isinstance(
        parse_value_from(text), SecretValueRef | ParameterRef | UnknownValueFrom | BadReference
    )
    assert isinstance(parse_kms_key(text), KeyRef | BadReference)
    assert isinstance(role_name(text), str)


@given(ARNISH, st.sampled_from([Placement(), Placement("aws", "eu-west-1", "123456789012")]))
def test_every_reference_names_a_resource(text: str, placement: Placement) -> None:
    for parsed in (parse_credentials_parameter(text), parse_value_from(text), parse_kms_key(text)):
        if isinstance(parsed, SecretValueRef):
            parsed = parsed.secret
        if isinstance(parsed, BadReference):
            assert parsed.reason
            assert parsed.text == text
            continue
        if isinstance(parsed, UnknownValueFrom):  # which service holds it is not known
            assert parsed.text == text and text.startswith("${")
            continue
        resource = parsed.resource(placement)
        assert isinstance(resource, Resource)
        assert str(resource)


@given(st.text(alphabet="abcdefghijABCDEF0123456789/_+=.@-", min_size=1, max_size=40))
def test_a_valid_secret_name_is_a_secret_whether_named_or_in_an_arn(name: str) -> None:
    named = parse_credentials_parameter(name)
    assert isinstance(named, SecretRef)
    arn = parse_credentials_parameter(
        f"arn:aws:secretsmanager:eu-west-1:123456789012:secret:{name}"
    )
    assert isinstance(arn, SecretRef)
    assert arn.name == name or f"{arn.name}-{arn.suffix}" == name


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
KEYS = st.sampled_from(
    ["Version", "Statement", "Effect", "Action", "NotAction", "Resource", "NotResource", "Sid"]
)
POLICYISH = st.recursive(
    st.sampled_from(["Allow", "Deny", "*", "s3:*", "2012-10-17", "arn:aws:s3:::b/*", 1, None]),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(KEYS | st.just("Condition"), children)
    ),
    max_leaves=12,
)


@given(JSON_VALUES | POLICYISH)
def test_policy_documents_parse_or_fail_with_a_policy_error(document: Any) -> None:
    try:
        policy = parse_policy(document, "p")
    except PolicyError as error:
        assert error.message
        return
    request = Request.of("s3:GetObject", "arn:aws:s3:::b/k")
    assert evaluate([policy], request).outcome in set(Outcome)
    json.dumps(document)  # whatever parsed came from JSON-shaped input


RANK = {Outcome.DENIED: 0, Outcome.CONDITIONAL: 1, Outcome.ALLOWED: 2}
STATEMENTS = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": st.sampled_from(["*", "s3:Get*", "s3:GetObject", "kms:Decrypt"]),
        "Resource": st.sampled_from(
            ["*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/k", "arn:aws:s3:::c"]
        ),
    },
    optional={"Condition": st.just({"StringEquals": {"aws:SourceVpce": "vpce-1"}})},
)


@given(st.lists(STATEMENTS, max_size=4), st.lists(STATEMENTS, max_size=4))
def test_a_boundary_gives_the_lesser_of_the_two_answers(
    identity: list[dict[str, Any]], boundary: list[dict[str, Any]]
) -> None:
    """A permissions boundary only limits: the answer is the weaker of policies and boundary."""
    request = Request.of("s3:GetObject", "arn:aws:s3:::b/k")
    policies = [parse_policy({"Version": "2012-10-17", "Statement": identity}, "identity")]
    limit = parse_policy({"Version": "2012-10-17", "Statement": boundary}, "boundary")
    alone = evaluate(policies, request).outcome
    bounded = evaluate_with_boundary(policies, limit, request).outcome
    assert RANK[bounded] == min(RANK[alone], RANK[evaluate([limit], request).outcome])
    assert evaluate_with_boundary(policies, None, request).outcome is alone
