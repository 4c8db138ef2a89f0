"""EL203/EL205/EL210/EL211/EL212 carry the statement that allows what is denied, as a
suggestion in the message and in the JSON ``fix``; ``--fix`` never applies it."""

from __future__ import annotations

import json
import shutil
from typing import TYPE_CHECKING, Any

from support import FIXTURES, run_cli

if TYPE_CHECKING:
    from pathlib import Path

CREDENTIALS = FIXTURES / "credentials"
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
