"""The credentials checks as a user runs them: ``ecs-lint TASKDEF --iam FILE`` and friends."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from support import FIXTURES, run_cli

if TYPE_CHECKING:
    from pathlib import Path

CREDENTIALS = FIXTURES / "credentials"
DETAILS = str(CREDENTIALS / "account-authorization-details.json")
KEY = "1111aaaa-2222-bbbb-3333-cccc4444dddd"


def test_broken_chain_is_reported_with_the_deciding_statement() -> None:
    run = run_cli(str(CREDENTIALS / "el203-suffix-trap.json"), "--iam", DETAILS)
    assert run.status == 1
    assert "EL203" in run.stdout
    assert "execution role 'exec-hub-bare'" in run.stdout
    assert 'Statement[0] (Sid "ReadDockerHub")' in run.stdout
    assert "secret:dockerhub-??????" in run.stdout
    assert "Traceback" not in run.stderr


def test_clean_chain_exits_zero() -> None:
    run = run_cli(
        str(CREDENTIALS / "good-chain.json"),
        "--iam", DETAILS,
        "--region", "eu-west-1",
        "--secret-kms-key", f"dockerhub={KEY}",
        "--select", "EL2",
    )  # fmt: skip
    assert (run.status, run.stdout.count("EL2")) == (0, 0), run.stdout


def test_role_policy_option_and_json_output(tmp_path: Path) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                     "Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub"}
                ],
            }
        )
    )  # fmt: skip
    run = run_cli(
        str(CREDENTIALS / "el203-suffix-trap.json"),
        "--role-policy", f"arn:aws:iam::123456789012:role/exec-hub-bare={policy}",
        "--select", "EL203",
        "--output-format", "json",
    )  # fmt: skip
    assert run.status == 1
    (finding,) = json.loads(run.stdout)
    assert finding["rule"] == "EL203"
    assert (finding["line"], finding["column"]) == (15, 34)
    assert "policy.json" in finding["message"]


def test_unknown_role_is_only_info_and_says_how_to_provide_it() -> None:
    run = run_cli(str(CREDENTIALS / "el203-suffix-trap.json"), "--select", "EL2")
    assert "EL207" in run.stdout
    assert "--role-policy ROLE=FILE" in run.stdout


def test_bad_iam_file_is_a_usage_error_naming_the_place(tmp_path: Path) -> None:
    bad = tmp_path / "account.json"
    bad.write_text('{\n  "RoleDetailList": [\n    {"RoleName": "r", "RolePolicyList": [}\n  ]\n}\n')
    run = run_cli(str(CREDENTIALS / "good-chain.json"), "--iam", str(bad))
    assert run.status == 2
    assert run.stderr.startswith(f"ecs-lint: error: {bad}:3:")
    assert "not valid JSON" in run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout == ""


def test_missing_iam_file_and_malformed_role_policy_are_usage_errors(tmp_path: Path) -> None:
    missing = run_cli(str(CREDENTIALS / "good-chain.json"), "--iam", str(tmp_path / "nope.json"))
    assert missing.status == 2 and "cannot read file" in missing.stderr
    malformed = run_cli(str(CREDENTIALS / "good-chain.json"), "--role-policy", "just-a-role")
    assert malformed.status == 2
    assert "--role-policy expects ROLE=FILE" in malformed.stderr


def test_rule_documentation_is_available() -> None:
    run = run_cli("rule", "EL203")
    assert run.status == 0
    assert "dockerhub-??????" in run.stdout
