"""Policy files: ``get-account-authorization-details`` output and single policy documents."""

from __future__ import annotations

import json
import urllib.parse
from typing import TYPE_CHECKING

import pytest

from ecs_lint.iam.evaluator import Request, evaluate
from ecs_lint.iam.sources import (
    PolicySourceError,
    load_authorization_details,
    load_role_policy_file,
)
from support import FIXTURES

if TYPE_CHECKING:
    from pathlib import Path

DETAILS = FIXTURES / "credentials" / "account-authorization-details.json"
HUB = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf"
GET = "secretsmanager:GetSecretValue"
DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Hub", "Effect": "Allow", "Action": GET, "Resource": HUB}],
}


def test_roles_inline_policies_and_attachments() -> None:
    details = load_authorization_details(str(DETAILS))
    role = details.roles["exec-hub-bare"]
    assert role.arn == "arn:aws:iam::123456789012:role/exec-hub-bare"
    assert [p.name for p in role.inline] == ["dockerhub"]
    assert role.managed_arns == [
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    ]


def test_role_names_are_found_regardless_of_case() -> None:
    assert "exec-basic" in load_authorization_details(str(DETAILS)).roles


def test_the_default_version_of_a_url_encoded_managed_policy_counts() -> None:
    details = load_authorization_details(str(DETAILS))
    policy = details.managed["arn:aws:iam::123456789012:policy/hub-read"]
    assert [s.sid for s in policy.statements] == ["ReadHubWithSuffix"]
    assert evaluate([policy], Request.of(GET, HUB)).allowed


def test_a_list_of_pages_is_merged(tmp_path: Path) -> None:
    data = json.loads(DETAILS.read_text())
    first = {"RoleDetailList": data["RoleDetailList"][:2], "Policies": []}
    second = {"RoleDetailList": data["RoleDetailList"][2:], "Policies": data["Policies"]}
    pages = tmp_path / "pages.json"
    pages.write_text(json.dumps([first, second]))
    details = load_authorization_details(str(pages))
    assert len(details.roles) == len(data["RoleDetailList"])
    assert "arn:aws:iam::123456789012:policy/hub-read" in details.managed


def write(tmp_path: Path, text: str, name: str = "file.json") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def role_with(document: object) -> str:
    role: dict[str, object] = {"RoleName": "r", "Arn": "arn:aws:iam::1:role/r"}
    role["AttachedManagedPolicies"] = []
    role["RolePolicyList"] = [{"PolicyName": "inline", "PolicyDocument": document}]
    return json.dumps({"RoleDetailList": [role]}, indent=2)


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ('{"RoleDetailList": [}', ":1:21:", "not valid JSON"),
        ('{"Users": []}', ":1:1:", "not the output of 'aws iam get-account-authorization-details'"),
        ("[1]", ":1:2:", "not the output"),
        (role_with({"Statement": [{"Effect": "Allowed", "Action": GET, "Resource": HUB}]}),
         ":13:27:", 'policy "inline": Statement[0].Effect: "Effect" must be "Allow" or "Deny"'),
        (role_with("%7Bnot-json"), ":10:29:", "not URL-encoded JSON"),
        (role_with(urllib.parse.quote(json.dumps({"Statement": [{"Effect": "Allow"}]}))),
         ":10:29:", 'exactly one of "Action" and "NotAction"'),
    ],
)  # fmt: skip
def test_bad_files_name_file_line_and_column(
    tmp_path: Path, text: str, where: str, words: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PolicySourceError) as raised:
        load_authorization_details(path)
    message = raised.value.message
    assert message.startswith(path + where), message
    assert words in message


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(PolicySourceError, match="cannot read file"):
        load_authorization_details(str(tmp_path / "absent.json"))


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (DOCUMENT, "exec"),
        ({"RoleName": "r", "PolicyName": "hub-read", "PolicyDocument": DOCUMENT}, "hub-read"),
        ({"PolicyVersion": {"Document": DOCUMENT, "VersionId": "v3"}}, "exec"),
        ({"PolicyName": "enc", "PolicyDocument": urllib.parse.quote(json.dumps(DOCUMENT))}, "enc"),
    ],
)  # fmt: skip
def test_role_policy_file_forms(tmp_path: Path, content: object, name: str) -> None:
    policy = load_role_policy_file(write(tmp_path, json.dumps(content), "exec.json"))
    assert policy.name == name
    assert evaluate([policy], Request.of(GET, HUB)).allowed


def test_role_policy_file_error_points_at_the_bad_value(tmp_path: Path) -> None:
    text = (
        '{\n  "Version": "2012-10-17",\n'
        '  "Statement": [{"Effect": "Allow", "Action": 7, "Resource": "*"}]\n}'
    )
    path = write(tmp_path, text)
    with pytest.raises(PolicySourceError) as raised:
        load_role_policy_file(path)
    assert raised.value.message.startswith(f"{path}:3:")
    assert '"Action" must be a string or a list of strings' in raised.value.message
