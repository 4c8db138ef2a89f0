"""EL203/EL205/EL210/EL211/EL212 carry the statement that allows what is denied, as a
suggestion in the message and in the JSON ``fix``; ``--fix`` never applies it."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

from support import FIXTURES, run_cli, standalone

if TYPE_CHECKING:
    from pathlib import Path

CREDENTIALS = standalone(FIXTURES / "credentials")
DETAILS = str(CREDENTIALS / "account-authorization-details.json")


def _findings(name: str, *options: str) -> list[dict[str, Any]]:
    run = run_cli(str(CREDENTIALS / name), "--iam", DETAILS, "-o", "json", *options)
    assert "Traceback" not in run.stderr
    findings: list[dict[str, Any]] = json.loads(run.stdout)
    return findings


def test_el203_suggests_the_suffix_correct_statement() -> None:
    (finding,) = _findings("el203-suffix-trap.json", "--select", "EL203")
    statement = {
        "Sid": "ReadSecrets",
        "Effect": "Allow",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf",
    }
    fix = finding["fix"]
    assert (fix["safe"], fix["edits"]) == (False, [])
    assert fix["suggestion"] == {
        "kind": "execution-role-policy",
        "role": "exec-hub-bare",
        "policy_document": {"Version": "2012-10-17", "Statement": [statement]},
    }
    assert finding["message"].endswith(f"Allow it with: {json.dumps(statement)}")


def test_el211_suggests_the_four_ecr_actions_in_two_statements() -> None:
    (finding,) = _findings("el211-ecr-pull.json", "--select", "EL211")
    statements = finding["fix"]["suggestion"]["policy_document"]["Statement"]
    assert [(s["Sid"], s["Resource"]) for s in statements] == [
        ("EcrAuthorization", "*"),
        ("EcrPullImages", "arn:aws:ecr:eu-west-1:123456789012:repository/web"),
    ]


def test_an_explicit_deny_gets_no_allow_suggestion() -> None:
    findings = _findings("el203-explicit-deny.json", "--select", "EL203")
    assert findings
    assert all(finding["fix"] is None for finding in findings)


def test_fix_never_touches_iam_suggestions(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    shutil.copy(CREDENTIALS / "el203-suffix-trap.json", task)
    before = task.read_bytes()
    run = run_cli(str(task), "--iam", DETAILS, "--select", "EL203", "--fix", "--unsafe-fixes")
    assert run.status == 1
    assert task.read_bytes() == before
    assert "Fixed" not in run.stderr


def test_sarif_leaves_out_a_fix_without_edits() -> None:
    run = run_cli(str(CREDENTIALS / "el203-suffix-trap.json"), "--iam", DETAILS,
                  "--select", "EL203", "-o", "sarif")  # fmt: skip
    (result,) = json.loads(run.stdout)["runs"][0]["results"]
    assert "fixes" not in result
    assert "Allow it with:" in result["message"]["text"]


# --- EL205, EL210, EL212: the suggestion, and the same run once the role has it ----------------


def _suggestions(findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each finding's suggestion, after checking it is one: no edits, never safe, and the same
    statements as the message ends with."""
    found = []
    for finding in findings:
        fix = finding["fix"]
        assert (fix["safe"], fix["edits"]) == (False, [])
        suggestion = fix["suggestion"]
        assert suggestion["kind"] == "execution-role-policy"
        statements = suggestion["policy_document"]["Statement"]
        listed = ", ".join(json.dumps(statement) for statement in statements)
        assert finding["message"].endswith(f"Allow it with: {listed}")
        found.append(suggestion)
    return found


def _details_with(tmp_path: Path, suggestions: list[dict[str, Any]]) -> str:
    """The authorization details, each suggested document added to its role as a policy."""
    details = json.loads((CREDENTIALS / "account-authorization-details.json").read_text())
    roles = {role["RoleName"]: role for role in details["RoleDetailList"]}
    for index, suggestion in enumerate(suggestions):
        roles[suggestion["role"]].setdefault("RolePolicyList", []).append(
            {"PolicyName": f"suggested-{index}", "PolicyDocument": suggestion["policy_document"]}
        )
    path = tmp_path / "details.json"
    path.write_text(json.dumps(details))
    return str(path)


def _rerun(tmp_path: Path, name: str, suggestions: list[dict[str, Any]], *options: str) -> int:
    path = str(CREDENTIALS / name)
    return run_cli(path, "--iam", _details_with(tmp_path, suggestions), *options).status


def test_el205_suggests_kms_decrypt_through_secrets_manager(tmp_path: Path) -> None:
    options = ("--select", "EL205", "--secret-kms-key", "dockerhub=alias/registry")
    (finding,) = _findings("el203-customer-policy.json", *options)
    (suggestion,) = _suggestions([finding])
    assert suggestion["role"] == "exec-customer"
    (statement,) = suggestion["policy_document"]["Statement"]
    assert statement["Action"] == "kms:Decrypt"
    assert statement["Resource"].startswith("arn:aws:kms:eu-west-1:123456789012:")
    assert statement["Condition"] == {
        "StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}
    }
    assert _rerun(tmp_path, "el203-customer-policy.json", [suggestion], *options) == 0


def test_el210_suggests_each_secret_without_its_json_key(tmp_path: Path) -> None:
    findings = _findings("el210-secrets.json", "--select", "EL210")
    suggestions = _suggestions(findings)
    assert [s["role"] for s in suggestions] == ["exec-hub-bare", "exec-hub-bare"]
    statements = [s["policy_document"]["Statement"] for s in suggestions]
    assert statements == [
        [{"Sid": "ReadSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
          "Resource": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-Zz9Yy8"}],
        [{"Sid": "ReadParameters", "Effect": "Allow", "Action": "ssm:GetParameters",
          "Resource": "arn:aws:ssm:eu-west-1:123456789012:parameter/prod/api-key"}],
    ]  # fmt: skip
    assert _rerun(tmp_path, "el210-secrets.json", suggestions[:1], "--select", "EL210") == 1
    assert _rerun(tmp_path, "el210-secrets.json", suggestions, "--select", "EL210") == 0


def test_el212_suggests_creating_the_log_group(tmp_path: Path) -> None:
    options, permission = _findings("el212-awslogs.json", "--select", "EL212")
    assert options["fix"] is None  # missing awslogs options: nothing IAM could allow
    (suggestion,) = _suggestions([permission])
    assert suggestion["role"] == "exec-basic"
    assert suggestion["policy_document"]["Statement"] == [
        {"Sid": "CreateLogGroups", "Effect": "Allow", "Action": "logs:CreateLogGroup",
         "Resource": "arn:aws:logs:*:123456789012:log-group:/ecs/web:*"}
    ]  # fmt: skip
    details = _details_with(tmp_path, [suggestion])
    path = str(CREDENTIALS / "el212-awslogs.json")
    rerun = run_cli(path, "--iam", details, "--select", "EL212", "-o", "json")
    (left,) = json.loads(rerun.stdout)
    assert "awslogs-region" in left["message"]  # only the missing options are left
