"""``check --aws`` and ``policy --aws`` against a misbehaving AWS: real boto3 talking to a local
server on 127.0.0.1 (tests/servers/faulty_aws.py) that breaks the calls a test names and passes
the others to moto.

The IAM reads of an execution role are essential: any failure is one clear error naming the call
(exit status 2). The secret and key look-ups are optional: when AWS fails them the run goes on as
without ``--aws`` for that secret, with one warning.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from aws_faults import limits, one_error, timed
from aws_world import World, credentials_task_file
from servers.faulty_aws import aws_error, hang, reply, truncated

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

    from servers.faulty_aws import Fault, FaultyAws
    from servers.moto_server import MotoServer

REGION = "eu-west-1"
ROLE_XML = (
    '<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role>'
    "<RoleName>exec</RoleName><Arn>arn:aws:iam::123456789012:role/exec</Arn></Role>"
    "</GetRoleResult></GetRoleResponse>"
)


@pytest.fixture
def world(aws: MotoServer) -> World:
    return World()


def check(path: str, *extra: str) -> list[str]:
    return [path, "--aws", "--region", REGION, "--select", "EL2", *extra]


def policy(path: str, *extra: str) -> list[str]:
    return ["policy", path, "--aws", "--region", REGION, *extra]


@pytest.mark.parametrize("command", [check, policy])
@pytest.mark.parametrize(
    ("fault", "said"),
    [
        (
            reply("<!DOCTYPE html><html><body><br></body></html>", "text/html"),
            "an HTML page (Content-Type text/html), not XML",
        ),
        (
            reply('{"Role": {"RoleName": "exec"}}', "application/json"),
            "a truncated or malformed body (Content-Type application/json), not valid XML",
        ),
        (
            truncated(ROLE_XML, "text/xml"),
            "could not be read (ResponseParserError: Unable to parse",
        ),
        (
            reply("<ListRolesResponse><ListRolesResult/></ListRolesResponse>", "text/xml"),
            "an XML document <ListRolesResponse> instead of <GetRoleResponse>",
        ),
        (
            reply("<GetRoleResponse><GetRoleResult/></GetRoleResponse>", "text/xml"),
            "the answer has no Role object",
        ),
    ],
)
def test_a_broken_iam_answer_is_one_clear_error(
    world: World,
    faulty_aws: FaultyAws,
    tmp_path: Path,
    command: object,
    fault: Fault,
    said: str,
) -> None:
    role = world.role("exec")
    faulty_aws.faults["iam:GetRole"] = fault
    args = command(credentials_task_file(tmp_path, role))  # type: ignore[operator]
    run, seconds = timed(*args)
    message = one_error(run)
    assert message.startswith("iam:GetRole on role exec failed: ")
    assert said in message and seconds < 5


def test_a_broken_inline_policy_answer_names_its_call(
    world: World, faulty_aws: FaultyAws, tmp_path: Path
) -> None:
    role = world.role("exec")
    world.iam.put_role_policy(
        RoleName="exec",
        PolicyName="hub",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
            }
        ),
    )
    faulty_aws.faults["iam:GetRolePolicy"] = reply(
        "<GetRolePolicyResponse><GetRolePolicyResult><PolicyName>hub</PolicyName>"
        "</GetRolePolicyResult></GetRolePolicyResponse>",
        "text/xml",
    )
    message = one_error(run_cli(*policy(credentials_task_file(tmp_path, role))))
    assert (
        message == "iam:GetRolePolicy on role exec failed: the answer has no PolicyDocument string"
    )


def test_iam_server_errors_stop_the_run_after_the_attempts(
    world: World, faulty_aws: FaultyAws, tmp_path: Path
) -> None:
    role = world.role("exec")
    faulty_aws.faults["iam:GetRole"] = aws_error(503, "ServiceUnavailable")
    config = limits(tmp_path, max_attempts=2)
    run, seconds = timed(*check(credentials_task_file(tmp_path, role), "--config", config))
    assert one_error(run) == (
        "iam:GetRole on role exec failed: AWS answered HTTP 503 (ServiceUnavailable) to 2 "
        "attempts: try again later"
    )
    assert faulty_aws.calls["iam:GetRole"] == 2 and seconds < 4


@pytest.mark.parametrize(
    "fault", [aws_error(400, "ThrottlingException", "Rate exceeded"), hang(), reply("<html>")]
)
def test_a_failing_secret_look_up_is_skipped_with_one_warning(
    world: World, faulty_aws: FaultyAws, tmp_path: Path, fault: Fault
) -> None:
    world.secret("dockerhub")
    role = world.role("exec")  # no secretsmanager:GetSecretValue: EL203 either way
    faulty_aws.faults["secretsmanager:DescribeSecret"] = fault
    config = limits(tmp_path, read_timeout=1, max_attempts=2)
    run, seconds = timed(
        *check(credentials_task_file(tmp_path, role), "--config", config, "-o", "json")
    )
    assert run.status == 1, run.stderr
    assert [finding["rule"] for finding in json.loads(run.stdout)] == ["EL203"]
    (warning,) = run.stderr.splitlines()
    assert warning.startswith("ecs-lint: warning: ")
    assert "secretsmanager:DescribeSecret on secret dockerhub" in warning
    assert warning.endswith("as it does without --aws (kms:Decrypt is not checked for it)")
    assert faulty_aws.calls["secretsmanager:DescribeSecret"] <= 2  # once per run, not per use
    assert seconds < 2 * 1 + 1 + 2


def test_a_denied_secret_look_up_still_stops_the_run(
    world: World, faulty_aws: FaultyAws, tmp_path: Path
) -> None:
    world.secret("dockerhub")
    role = world.role("exec")
    faulty_aws.faults["secretsmanager:DescribeSecret"] = aws_error(
        400, "AccessDeniedException", "not authorized"
    )
    message = one_error(run_cli(*check(credentials_task_file(tmp_path, role))))
    assert message.startswith("AWS denied secretsmanager:DescribeSecret on secret dockerhub: ")
