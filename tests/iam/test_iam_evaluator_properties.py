"""Properties of the evaluator that hold for any policies: explicit Deny always wins, adding an
Allow never takes a permission away, adding a Deny never grants one."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_lint.iam.arns import Placement, parse_credentials_parameter
from ecs_lint.iam.evaluator import Outcome, Policy, Request, Resource, evaluate, parse_policy

ACCOUNT = "123456789012"
SECRET = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:"
ACTIONS = [
    "secretsmanager:GetSecretValue",
    "ssm:GetParameters",
    "kms:Decrypt",
    "ecr:BatchGetImage",
    "logs:PutLogEvents",
]
ACTION_PATTERNS = [
    *ACTIONS,
    "*",
    "secretsmanager:*",
    "SecretsManager:Get*",
    "ssm:Get?arameters",
    "kms:*",
    "ecr:Batch*",
    "logs:*Events",
]
RESOURCE_PATTERNS = [
    "*",
    f"{SECRET}hub",
    f"{SECRET}hub-??????",
    f"{SECRET}hub-AbCdEf",
    f"{SECRET}hub*",
    f"{SECRET}${{aws:username}}-*",
    "arn:aws:secretsmanager:*",
    "arn:aws:ssm:*:*:parameter/prod/*",
    f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/*",
    "arn:aws:ecr:*:*:repository/web",
    "arn:aws:logs:*:*:log-group:/ecs/web:*",
]
RESOURCES = [
    Resource.exact(f"{SECRET}hub-AbCdEf"),
    Resource.exact(f"{SECRET}db-Zz9Yy8"),
    Resource.exact(f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/prod/db"),
    Resource.exact(f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd"),
    Resource.exact(f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/web"),
    Resource.exact(f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/ecs/web:log-stream:x"),
    Resource.exact("*"),
    parse_credentials_parameter(f"{SECRET}hub").resource(),  # type: ignore[union-attr]
    parse_credentials_parameter("hub").resource(Placement("aws", None, ACCOUNT)),  # type: ignore[union-attr]
    Resource.parse("arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:hub-AbCdEf"),
]
CONDITIONS = [
    {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
    {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
    {"Bool": {"aws:SecureTransport": "true"}},
]
RANK = {Outcome.DENIED: 0, Outcome.CONDITIONAL: 1, Outcome.ALLOWED: 2}


@st.composite
def statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    action_key = draw(st.sampled_from(["Action", "Action", "NotAction"]))
    statement[action_key] = draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3))
    resource_key = draw(st.sampled_from(["Resource", "Resource", "NotResource"]))
    statement[resource_key] = draw(
        st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=3)
    )
    if draw(st.booleans()):
        statement["Condition"] = draw(st.sampled_from(CONDITIONS))
    return statement


def as_policy(items: list[dict[str, Any]], name: str = "p") -> Policy:
    return parse_policy({"Version": "2012-10-17", "Statement": items}, name)


requests = st.builds(
    lambda action, resource, region: Request.of(
        action, resource, {"aws:RequestedRegion": region} if region else None
    ),
    st.sampled_from(ACTIONS),
    st.sampled_from(RESOURCES),
    st.sampled_from([None, "eu-west-1", "us-east-1"]),
)
policy_sets = st.lists(st.lists(statements(), max_size=4), min_size=0, max_size=3)


def outcome(policies: list[list[dict[str, Any]]], request: Request) -> Outcome:
    return evaluate([as_policy(items) for items in policies], request).outcome


@settings(max_examples=300, deadline=None)
@given(policy_sets, requests)
def test_an_unconditional_deny_of_the_request_always_wins(
    policies: list[list[dict[str, Any]]], request: Request
) -> None:
    deny = {"Effect": "Deny", "Action": request.action, "Resource": "*"}
    decision = evaluate(
        [*(as_policy(items) for items in policies), as_policy([deny], "deny")], request
    )
    assert decision.outcome is Outcome.DENIED
    assert decision.denied_by


@settings(max_examples=300, deadline=None)
@given(policy_sets, statements("Allow"), requests)
def test_adding_an_allow_never_removes_an_allow(
    policies: list[list[dict[str, Any]]], extra: dict[str, Any], request: Request
) -> None:
    before = outcome(policies, request)
    after = outcome([*policies, [extra]], request)
    assert RANK[after] >= RANK[before]


@settings(max_examples=300, deadline=None)
@given(policy_sets, statements("Deny"), requests)
def test_adding_a_deny_never_adds_an_allow(
    policies: list[list[dict[str, Any]]], extra: dict[str, Any], request: Request
) -> None:
    before = outcome(policies, request)
    after = outcome([*policies, [extra]], request)
    assert RANK[after] <= RANK[before]


@settings(max_examples=200, deadline=None)
@given(policy_sets, requests)
def test_statement_order_and_policy_split_do_not_matter(
    policies: list[list[dict[str, Any]]], request: Request
) -> None:
    flat = [statement for items in policies for statement in items]
    assert outcome(policies, request) is outcome([list(reversed(flat))], request)


@settings(max_examples=200, deadline=None)
@given(policy_sets, requests)
def test_allowed_always_names_a_statement_and_denied_never_names_an_allow(
    policies: list[list[dict[str, Any]]], request: Request
) -> None:
    decision = evaluate([as_policy(items) for items in policies], request)
    if decision.outcome is Outcome.ALLOWED:
        assert decision.allowed_by and all(s.effect == "Allow" for s in decision.allowed_by)
    if decision.outcome is Outcome.DENIED:
        assert not decision.allowed_by
        assert all(s.effect == "Deny" for s in decision.denied_by)
