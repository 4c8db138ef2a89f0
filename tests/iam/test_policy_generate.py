"""The generated execution-role policy, proved with the evaluator the credentials rules use.

The property: for any task definition, the policy ``ecs-lint policy`` writes allows every
request the task needs of its execution role, and none of the same actions on any other secret,
parameter, key, repository or log group (other names, other accounts, other regions), nor other
actions on the task's own resources.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ecs_lint.iam.evaluator import Outcome, Request, evaluate, parse_policy
from ecs_lint.iam.generate import generate_role_policies, policy_size, statements_for
from ecs_lint.iam.provider import PolicyProvider
from ecs_lint.model import Model
from ecs_lint.settings import Settings
from ecs_lint.sources.taskdef import parse
from ecs_lint.textio import SourceText

ACCOUNT = "123456789012"
REGION = "eu-west-1"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/exec"
OTHER_ACCOUNT = "999999999999"
OTHER_REGION = "us-east-2"
SECRETS = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret"

# Names never end in "-" and six letters or digits (that would read as a full ARN's suffix).
names = st.from_regex(r"[a-z][a-z0-9]{0,6}(/[a-z][a-z0-9]{0,6})?", fullmatch=True)
suffixes = st.from_regex(r"[A-Za-z0-9]{6}", fullmatch=True)
key_ids = st.uuids().map(str)


@st.composite
def secret_texts(draw: st.DrawFn) -> str:
    """A secret as a task definition names it: name, partial ARN or full ARN."""
    name = draw(names)
    form = draw(st.sampled_from(["name", "partial", "full"]))
    arn = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}"
    if form == "name":
        return name
    return arn if form == "partial" else f"{arn}-{draw(suffixes)}"


@st.composite
def value_froms(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["secret", "secret-key", "ssm-name", "ssm-arn"]))
    name = draw(names)
    if kind == "secret":
        return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-{draw(suffixes)}"
    if kind == "secret-key":
        return f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}:password::"
    path = "/" + name if "/" in name else name
    if kind == "ssm-name":
        return path
    return f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{path.removeprefix('/')}"


@st.composite
def containers(draw: st.DrawFn, index: int) -> dict[str, Any]:
    repository = draw(names)
    image = draw(
        st.sampled_from(
            [
                f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{repository}:1",
                f"{OTHER_ACCOUNT}.dkr.ecr.{OTHER_REGION}.amazonaws.com/{repository}:2",
                "acme/web:1.4",
            ]
        )
    )
    container: dict[str, Any] = {"name": f"c{index}", "image": image}
    if draw(st.booleans()):
        container["repositoryCredentials"] = {"credentialsParameter": draw(secret_texts())}
    secrets = draw(st.lists(value_froms(), max_size=3))
    if secrets:
        container["secrets"] = [{"name": f"S{i}", "valueFrom": v} for i, v in enumerate(secrets)]
    if draw(st.booleans()):
        options = {"awslogs-group": "/ecs/" + draw(names), "awslogs-stream-prefix": "x"}
        options["awslogs-region"] = draw(st.sampled_from([REGION, OTHER_REGION]))
        if draw(st.booleans()):
            options["awslogs-create-group"] = "true"
        container["logConfiguration"] = {"logDriver": "awslogs", "options": options}
    return container


@st.composite
def task_definitions(draw: st.DrawFn) -> dict[str, Any]:
    count = draw(st.integers(1, 3))
    task: dict[str, Any] = {
        "family": "t",
        "executionRoleArn": ROLE,
        "containerDefinitions": [draw(containers(i)) for i in range(count)],
    }
    launch = draw(st.sampled_from(["FARGATE", "EC2", "awsvpc", "bridge"]))
    if launch in ("FARGATE", "EC2"):
        task["requiresCompatibilities"] = [launch]
        task["networkMode"] = "awsvpc" if launch == "FARGATE" else "bridge"
    else:
        task["networkMode"] = launch
    return task


def _secret_names(task: dict[str, Any]) -> list[str]:
    found = []
    for container in task["containerDefinitions"]:
        credentials = container.get("repositoryCredentials")
        if credentials is not None:
            found.append(credentials["credentialsParameter"])
        found.extend(secret["valueFrom"] for secret in container.get("secrets", []))
    return found


@st.composite
def tasks_with_keys(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, str]]:
    """A task, and customer-managed KMS keys (by id or ARN) for some of its secrets."""
    task = draw(task_definitions())
    keys = {}
    for text in _secret_names(task):
        if draw(st.booleans()):
            key = draw(key_ids)
            keys[text] = draw(st.sampled_from([key, f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key}"]))
    return task, keys


def _model(task: dict[str, Any]) -> Model:
    text = json.dumps(task, indent=2)
    return Model([parse(SourceText("task.json", text), Settings())])


def _provider(model: Model, keys: dict[str, str], region: str | None = REGION) -> PolicyProvider:
    return PolicyProvider(model=model, region=region, secret_kms_keys=keys)


def _other_resources(action: str) -> list[str]:
    """Resources of ``action``'s kind that no generated task definition ever names."""
    service = action.split(":", 1)[0]
    places = [(REGION, ACCOUNT), (OTHER_REGION, OTHER_ACCOUNT), (REGION, OTHER_ACCOUNT)]
    templates = {
        # Generated names never hold "_": no generated secret is named z_z.
        "secretsmanager": ["secret:zz-other-AbCdEf", "secret:z_z-AbCdEf"],
        "ssm": ["parameter/zz-other", "parameter/zz/other"],
        "kms": ["key/00000000-0000-0000-0000-000000000000"],
        "ecr": ["repository/zz-other"],
        "logs": ["log-group:/zz/other:log-stream:s", "log-group:/zz/other:log-stream:"],
    }
    return [
        f"arn:aws:{service}:{region}:{account}:{tail}"
        for region, account in places
        for tail in templates.get(service, [])
    ]


OTHER_ACTIONS = (
    "secretsmanager:PutSecretValue",
    "secretsmanager:DeleteSecret",
    "ssm:PutParameter",
    "kms:Encrypt",
    "ecr:PutImage",
    "logs:DeleteLogGroup",
)


@given(tasks_with_keys())
def test_generated_policy_allows_what_the_task_needs_and_nothing_else(
    case: tuple[dict[str, Any], dict[str, str]],
) -> None:
    task, keys = case
    model = _model(task)
    provider = _provider(model, keys)
    (view,) = model.tasks
    needed = provider.requirements(view)
    (entry,) = generate_role_policies(model, provider)
    document = entry.document()
    policy = parse_policy(document, "generated")
    for requirement in needed:
        decision = evaluate([policy], requirement.request)
        assert decision.outcome is Outcome.ALLOWED, (requirement.request, document)
    granted_actions = {r.request.action for r in needed} - {"ecr:GetAuthorizationToken"}
    for action in granted_actions:
        for other in _other_resources(action):
            context = {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}
            request = Request.of(action, other, context if action == "kms:Decrypt" else None)
            assert evaluate([policy], request).outcome is Outcome.DENIED, (request, document)
    for requirement in needed:
        for action in OTHER_ACTIONS:
            request = Request.of(action, requirement.request.resource)
            assert evaluate([policy], request).outcome is Outcome.DENIED, (action, document)


@given(tasks_with_keys())
def test_without_a_known_region_the_policy_still_allows_everything(
    case: tuple[dict[str, Any], dict[str, str]],
) -> None:
    task, keys = case
    model = _model(task)
    provider = _provider(model, keys, region=None)
    (view,) = model.tasks
    policies = generate_role_policies(model, provider)
    if not policies[0].requirements:
        return
    policy = parse_policy(policies[0].document(), "generated")
    for requirement in provider.requirements(view):
        assert evaluate([policy], requirement.request).outcome is Outcome.ALLOWED


@given(tasks_with_keys())
def test_statements_are_stable_sorted_and_acceptable_to_iam(
    case: tuple[dict[str, Any], dict[str, str]],
) -> None:
    task, keys = case
    model = _model(task)
    (view,) = model.tasks
    requirements = _provider(model, keys).requirements(view)
    statements = statements_for(requirements)
    assert statements == statements_for(list(reversed(requirements)))
    sids = [statement.sid for statement in statements]
    assert len(set(sids)) == len(sids)
    assert all(sid.isalnum() and sid.isascii() for sid in sids)
    for statement in statements:
        assert list(statement.resources) == sorted(statement.resources)
        assert list(statement.actions) == sorted(statement.actions)
        assert statement.resources
    document = {"Version": "2012-10-17", "Statement": [s.to_json() for s in statements]}
    assert policy_size(document) == len(json.dumps(document, separators=(",", ":")))


def test_suffix_correct_secret_resources() -> None:
    task = {
        "family": "t",
        "executionRoleArn": ROLE,
        "containerDefinitions": [
            {
                "name": "a",
                "image": "acme/a:1",
                "repositoryCredentials": {"credentialsParameter": "hub"},
                "secrets": [
                    {
                        "name": "P",
                        "valueFrom": f"{SECRETS}:db",
                    },
                    {
                        "name": "F",
                        "valueFrom": f"{SECRETS}:api-AbC123:k::",
                    },
                ],
            }
        ],
    }
    model = _model(task)
    (entry,) = generate_role_policies(model, _provider(model, {}))
    (statement,) = entry.document()["Statement"]
    prefix = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:"
    assert statement == {
        "Sid": "ReadSecrets",
        "Effect": "Allow",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": [f"{prefix}api-AbC123", f"{prefix}db-??????", f"{prefix}hub-??????"],
    }


def test_kms_decrypt_is_limited_to_the_secret_service_in_its_region() -> None:
    secret = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:hub-AbC123"
    key = "1111aaaa-2222-bbbb-3333-cccc4444dddd"
    task = {
        "family": "t",
        "executionRoleArn": ROLE,
        "containerDefinitions": [
            {
                "name": "a",
                "image": "acme/a:1",
                "repositoryCredentials": {"credentialsParameter": secret},
                "secrets": [{"name": "P", "valueFrom": "/prod/db"}],
            }
        ],
    }
    model = _model(task)
    keys = {secret: key, "/prod/db": key}
    (entry,) = generate_role_policies(model, _provider(model, keys))
    decrypts = [s for s in entry.document()["Statement"] if s["Action"] == "kms:Decrypt"]
    assert [(s["Sid"], s["Condition"]) for s in decrypts] == [
        (
            "DecryptSecretsViaSecretsmanagerEuWest1",
            {"StringEquals": {"kms:ViaService": f"secretsmanager.{REGION}.amazonaws.com"}},
        ),
        (
            "DecryptSecretsViaSsmEuWest1",
            {"StringEquals": {"kms:ViaService": f"ssm.{REGION}.amazonaws.com"}},
        ),
    ]
    assert {s["Resource"] for s in decrypts} == {f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key}"}


def test_ec2_only_tasks_leave_ecr_and_logs_to_the_instance_role() -> None:
    container = {
        "name": "a",
        "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/app:1",
        "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/a"}},
    }
    fargate = {"executionRoleArn": ROLE, "requiresCompatibilities": ["FARGATE"],
               "containerDefinitions": [container]}  # fmt: skip
    ec2 = {**fargate, "requiresCompatibilities": ["EC2"]}
    actions = []
    for task in (fargate, ec2):
        model = _model(task)
        (entry,) = generate_role_policies(model, _provider(model, {}))
        actions.append(sorted(a for s in entry.statements() for a in s.actions))
    assert actions[0] == [
        "ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetAuthorizationToken",
        "ecr:GetDownloadUrlForLayer", "logs:CreateLogStream", "logs:PutLogEvents",
    ]  # fmt: skip
    assert actions[1] == []
