"""The IAM evaluator, case by case: each row is a policy, a request and the answer IAM gives."""

from __future__ import annotations

from typing import Any

import pytest

from ecs_lint.iam.arns import Placement, SecretForm, parse_credentials_parameter
from ecs_lint.iam.evaluator import (
    Match,
    Outcome,
    Policy,
    PolicyError,
    Request,
    Resource,
    evaluate,
    evaluate_with_boundary,
    match_action,
    match_resource,
    parse_policy,
)

ACCOUNT = "123456789012"
HUB = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:dockerhub-AbCdEf"
HUB_BARE = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:dockerhub"
GET = "secretsmanager:GetSecretValue"


def policy(*statements: dict[str, Any], version: str | None = "2012-10-17") -> Policy:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        document["Version"] = version
    return parse_policy(document, "test", "policy.json")


def allow(action: Any = GET, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any = GET, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def decide(*statements: dict[str, Any], action: str = GET, resource: Any = HUB) -> Outcome:
    return evaluate([policy(*statements)], Request.of(action, resource)).outcome


# --- Actions: case-insensitive wildcards ------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "action", "expected"),
    [
        ("secretsmanager:GetSecretValue", GET, True),
        ("SecretsManager:getsecretvalue", GET, True),  # actions ignore case
        ("secretsmanager:Get*", GET, True),
        ("secretsmanager:*", GET, True),
        ("*", GET, True),
        ("secretsmanager:GetSecret?alue", GET, True),
        ("secretsmanager:GetSecret?", GET, False),
        ("secretsmanager:Describe*", GET, False),
        ("ssm:GetParameters", GET, False),
        ("secretsmanager:GetSecretValue ", GET, False),
    ],
)
def test_action_patterns(pattern: str, action: str, expected: bool) -> None:
    assert match_action(pattern, action) is expected


# --- Resources: case-sensitive wildcards, ``*`` across ``:`` -----------------------------------


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (HUB, Match.YES),
        ("*", Match.YES),
        (f"arn:aws:secretsmanager:*:{ACCOUNT}:secret:dockerhub-*", Match.YES),
        ("arn:aws:secretsmanager:*", Match.YES),  # '*' runs across the ':' of the ARN
        ("arn:*:dockerhub-AbCdEf", Match.YES),
        (f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:dockerhub-??????", Match.YES),
        (f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:dockerhub-?????", Match.NO),
        (f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:DockerHub-*", Match.NO),  # case
        (f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:dockerhub-abcdef", Match.NO),
        (HUB_BARE, Match.NO),  # the suffix trap
        (f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:dockerhub-*", Match.NO),
    ],
)
def test_resource_patterns_against_a_full_arn(pattern: str, expected: Match) -> None:
    assert match_resource(pattern, Resource.exact(HUB)) is expected


def test_question_mark_matches_exactly_one_character_even_a_colon() -> None:
    assert match_resource("a?b", Resource.exact("a:b")) is Match.YES
    assert match_resource("a?b", Resource.exact("a::b")) is Match.NO


# --- The suffix trap, and secrets whose suffix is unknown ---------------------------------------


SUFFIX_CASES = [
    # pattern, full ARN given, partial ARN given (suffix unknown)
    (HUB_BARE, Outcome.DENIED, Outcome.DENIED),
    (f"{HUB_BARE}-??????", Outcome.ALLOWED, Outcome.ALLOWED),
    (f"{HUB_BARE}*", Outcome.ALLOWED, Outcome.ALLOWED),
    (f"{HUB_BARE}-*", Outcome.ALLOWED, Outcome.ALLOWED),
    (HUB, Outcome.ALLOWED, Outcome.CONDITIONAL),  # the partial ARN may or may not be this one
    (f"{HUB_BARE}-Zzzzzz", Outcome.DENIED, Outcome.CONDITIONAL),
]


@pytest.mark.parametrize(("pattern", "with_full", "with_partial"), SUFFIX_CASES)
def test_suffix_trap(pattern: str, with_full: Outcome, with_partial: Outcome) -> None:
    full = parse_credentials_parameter(HUB)
    partial = parse_credentials_parameter(HUB_BARE)
    assert not isinstance(full, Exception) and not isinstance(partial, Exception)
    assert getattr(partial, "form", None) is SecretForm.PARTIAL_ARN
    for ref, expected in ((full, with_full), (partial, with_partial)):
        resource = ref.resource()  # type: ignore[union-attr]
        assert decide(allow(resource=pattern), resource=resource) is expected


def test_unknown_suffix_is_named_when_it_decides() -> None:
    partial = parse_credentials_parameter(HUB_BARE)
    resource = partial.resource()  # type: ignore[union-attr]
    decision = evaluate([policy(allow(resource=HUB))], Request.of(GET, resource))
    assert decision.outcome is Outcome.CONDITIONAL
    assert "the secret's 6-character ARN suffix" in decision.unknowns


def test_bare_secret_name_leaves_region_unknown_unless_placed() -> None:
    name = parse_credentials_parameter("dockerhub")
    unplaced = name.resource(Placement("aws", None, ACCOUNT))  # type: ignore[union-attr]
    placed = name.resource(Placement("aws", "eu-west-1", ACCOUNT))  # type: ignore[union-attr]
    pattern = f"{HUB_BARE}-??????"
    assert decide(allow(resource=pattern), resource=unplaced) is Outcome.CONDITIONAL
    assert decide(allow(resource=pattern), resource=placed) is Outcome.ALLOWED
    anywhere = f"arn:aws:secretsmanager:*:{ACCOUNT}:secret:dockerhub-*"
    assert decide(allow(resource=anywhere), resource=unplaced) is Outcome.ALLOWED


# --- NotAction, NotResource, Deny precedence -------------------------------------------------


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        ([allow()], Outcome.ALLOWED),
        ([], Outcome.DENIED),
        ([allow(action="ssm:GetParameters")], Outcome.DENIED),
        ([allow(), deny()], Outcome.DENIED),
        ([allow(), deny(resource=HUB)], Outcome.DENIED),
        ([allow(), deny(resource=f"{HUB_BARE}-Other1")], Outcome.ALLOWED),
        ([deny(), allow()], Outcome.DENIED),  # order does not matter
        ([allow(action="secretsmanager:*"), deny(action="secretsmanager:Get*")], Outcome.DENIED),
        ([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}], Outcome.ALLOWED),
        ([{"Effect": "Allow", "NotAction": "secretsmanager:*", "Resource": "*"}], Outcome.DENIED),
        ([allow(), {"Effect": "Deny", "NotAction": GET, "Resource": "*"}], Outcome.ALLOWED),
        ([allow(), {"Effect": "Deny", "NotAction": "ssm:*", "Resource": "*"}], Outcome.DENIED),
        (
            [{"Effect": "Allow", "Action": GET, "NotResource": f"{HUB_BARE}-Other1"}],
            Outcome.ALLOWED,
        ),
        ([{"Effect": "Allow", "Action": GET, "NotResource": HUB}], Outcome.DENIED),
        (
            [{"Effect": "Allow", "Action": GET, "NotResource": [HUB_BARE, "arn:*:x"]}],
            Outcome.ALLOWED,
        ),
        ([allow(), {"Effect": "Deny", "Action": GET, "NotResource": HUB}], Outcome.ALLOWED),
        ([allow(), {"Effect": "Deny", "Action": GET, "NotResource": "arn:*:x"}], Outcome.DENIED),
    ],
)
def test_effects(statements: list[dict[str, Any]], expected: Outcome) -> None:
    assert decide(*statements) is expected


def test_explicit_deny_names_the_deciding_statement() -> None:
    decision = evaluate(
        [policy(allow(Sid="All"), deny(Sid="NoHub", resource=f"{HUB_BARE}-*"))],
        Request.of(GET, HUB),
    )
    assert decision.explicit_deny
    assert [s.sid for s in decision.denied_by] == ["NoHub"]
    assert decision.explain() == (
        'explicitly denied by Statement[1] (Sid "NoHub") of policy "test" in policy.json'
    )


def test_default_deny_says_no_statement_allows_it_and_keeps_near_misses() -> None:
    decision = evaluate([policy(allow(resource=HUB_BARE, Sid="Bare"))], Request.of(GET, HUB))
    assert decision.outcome is Outcome.DENIED and not decision.denied_by
    assert decision.explain() == "no statement in its policies allows it"
    assert [s.sid for s in decision.near_misses] == ["Bare"]


def test_allow_names_every_allowing_statement() -> None:
    decision = evaluate(
        [policy(allow(Sid="A"), allow(resource=HUB, Sid="B"))], Request.of(GET, HUB)
    )
    assert decision.allowed
    assert [s.sid for s in decision.allowed_by] == ["A", "B"]


# --- Conditions ------------------------------------------------------------------------------


VPCE = {"StringEquals": {"aws:SourceVpce": "vpce-0abc"}}


def test_condition_with_unknown_key_makes_an_allow_conditional() -> None:
    decision = evaluate([policy(allow(Condition=VPCE))], Request.of(GET, HUB))
    assert decision.outcome is Outcome.CONDITIONAL
    assert decision.condition_keys == ("aws:SourceVpce",)
    assert "condition key aws:SourceVpce" in decision.unknowns
    assert decision.explain().startswith("allowed only conditionally by Statement[0]")


def test_conditional_deny_makes_a_certain_allow_conditional() -> None:
    decision = evaluate([policy(allow(), deny(Condition=VPCE))], Request.of(GET, HUB))
    assert decision.outcome is Outcome.CONDITIONAL
    assert "possibly denied by Statement[1]" in decision.explain()


def test_conditional_deny_does_not_rescue_a_missing_allow() -> None:
    assert decide(deny(Condition=VPCE)) is Outcome.DENIED


def test_unconditional_deny_wins_over_conditional_allow() -> None:
    assert decide(allow(Condition=VPCE), deny()) is Outcome.DENIED


VIA = {"StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}


@pytest.mark.parametrize(
    ("condition", "context", "expected"),
    [
        (VIA, {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}, Outcome.ALLOWED),
        (VIA, {"kms:viaservice": "secretsmanager.eu-west-1.amazonaws.com"}, Outcome.ALLOWED),
        (VIA, {"kms:ViaService": "ssm.eu-west-1.amazonaws.com"}, Outcome.DENIED),
        (VIA, {}, Outcome.CONDITIONAL),
        (
            {"StringLike": {"kms:ViaService": "secretsmanager.*"}},
            {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"},
            Outcome.ALLOWED,
        ),
        (
            {"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}},
            {"aws:RequestedRegion": "eu-west-1"},
            Outcome.ALLOWED,
        ),
        (
            {"StringEqualsIfExists": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}},
            {"aws:RequestedRegion": "eu-west-1"},
            Outcome.ALLOWED,
        ),
        (
            {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ecs*"}},
            {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"},
            Outcome.ALLOWED,
        ),
        (
            {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}},
            {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:user/bob"},
            Outcome.DENIED,
        ),
        ({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}, {}, Outcome.CONDITIONAL),
        (
            {"ForAnyValue:StringEquals": {"aws:TagKeys": "x"}},
            {"aws:TagKeys": "x"},
            Outcome.CONDITIONAL,
        ),
    ],
)
def test_known_condition_keys_are_evaluated(
    condition: dict[str, Any], context: dict[str, str], expected: Outcome
) -> None:
    decision = evaluate([policy(allow(Condition=condition))], Request.of(GET, HUB, context))
    assert decision.outcome is expected


# --- Policy variables and template values ------------------------------------------------------


def test_policy_variable_in_resource_is_conditional() -> None:
    decision = evaluate(
        [policy(allow(resource="arn:aws:secretsmanager:*:*:secret:${aws:PrincipalTag/team}-*"))],
        Request.of(GET, HUB),
    )
    assert decision.outcome is Outcome.CONDITIONAL
    assert "the policy variable ${aws:PrincipalTag/team}" in decision.unknowns


def test_policy_variable_that_cannot_match_is_still_no() -> None:
    pattern = "arn:aws:ssm:*:*:parameter/${aws:username}"
    assert decide(allow(resource=pattern)) is Outcome.DENIED


def test_escaped_wildcards_are_literal_characters() -> None:
    assert match_resource("arn:x:${*}", Resource.exact("arn:x:*")) is Match.YES
    assert match_resource("arn:x:${*}", Resource.exact("arn:x:abc")) is Match.NO
    assert match_resource("arn:x:${?}", Resource.exact("arn:x:?")) is Match.YES


def test_variables_are_plain_text_before_version_2012() -> None:
    statement = allow(resource="arn:aws:secretsmanager:*:*:secret:${aws:username}-*")
    old = policy(statement, version="2008-10-17")
    unversioned = policy(statement, version=None)
    for document in (old, unversioned):
        assert evaluate([document], Request.of(GET, HUB)).outcome is Outcome.DENIED
    literal = Resource.exact("arn:aws:secretsmanager:x:y:secret:${aws:username}-AbCdEf")
    assert evaluate([old], Request.of(GET, literal)).outcome is Outcome.ALLOWED


def test_equal_template_labels_match_for_certain() -> None:
    resource = Resource.parse(
        "arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:hub-x1Y2z3"
    )
    same = "arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:hub-*"
    other = "arn:aws:secretsmanager:eu-west-1:*:secret:hub-*"
    assert match_resource(same, resource) is Match.YES
    assert match_resource(other, resource) is Match.MAYBE
    assert match_resource("*", resource) is Match.YES


def test_a_whole_resource_alias_matches_its_label() -> None:
    resource = Resource.parse("arn:aws:secretsmanager:eu-west-1:1:secret:hub-${Suffix}", ["Hub"])
    assert match_resource("${Hub}", resource) is Match.YES
    assert match_resource("${Other}", resource) is Match.MAYBE


# --- Document shapes ---------------------------------------------------------------------------


def test_statement_and_action_may_be_single_values() -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": GET, "Resource": HUB},
    }
    assert evaluate([parse_policy(document, "p")], Request.of(GET, HUB)).allowed


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "must be a JSON object"),
        ({"Version": "2012-10-17"}, 'needs a "Statement"'),
        ({"Version": "2013-01-01", "Statement": []}, '"Version" must be'),
        ({"Statement": [{"Effect": "allow", "Action": GET, "Resource": "*"}]}, '"Effect" must be'),
        ({"Statement": [{"Effect": "Allow", "Resource": "*"}]}, 'exactly one of "Action"'),
        (
            {"Statement": [{"Effect": "Allow", "Action": GET, "NotAction": GET, "Resource": "*"}]},
            'exactly one of "Action"',
        ),
        ({"Statement": [{"Effect": "Allow", "Action": GET}]}, 'exactly one of "Resource"'),
        ({"Statement": [{"Effect": "Allow", "Action": [1], "Resource": "*"}]}, '"Action" must be'),
        ({"Statement": "x"}, '"Statement" must be'),
        (
            {"Statement": [{"Effect": "Allow", "Action": GET, "Resource": "*", "Condition": []}]},
            '"Condition" must be',
        ),
    ],
)
def test_invalid_documents_are_refused_with_a_reason(document: Any, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        parse_policy(document, "p")


def test_policy_error_points_into_the_document() -> None:
    with pytest.raises(PolicyError) as raised:
        parse_policy(
            {"Statement": [allow(), {"Effect": "Nope", "Action": GET, "Resource": "*"}]}, "p"
        )
    assert raised.value.path == ("Statement", 1, "Effect")


# --- Permissions boundaries --------------------------------------------------------------------


def test_boundary_limits_what_policies_allow() -> None:
    request = Request.of(GET, HUB)
    identity = [policy(allow())]
    narrow = policy(allow(action="ssm:*"))
    wide = policy(allow(action="*"))
    limited = evaluate_with_boundary(identity, narrow, request)
    assert limited.denied and limited.by_boundary
    assert "permissions boundary" in limited.explain()
    assert evaluate_with_boundary(identity, wide, request).allowed
    assert evaluate_with_boundary([policy(allow(action="ssm:*"))], wide, request).denied
    conditional = policy(allow(action="*", Condition=VPCE))
    assert evaluate_with_boundary(identity, conditional, request).outcome is Outcome.CONDITIONAL
