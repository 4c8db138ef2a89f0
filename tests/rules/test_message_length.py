"""Every finding's message is a headline of at most about 300 characters (what is wrong, what to
do), then lines of details: measured over every fixture and example, with every rule, and the
details shown as the reporters show them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
MAX_HEADLINE = 320
"""About 300 characters: what is wrong and the remedies, which a source may lengthen (a
BuildKit frontend's own, "or remove the # syntax directive ...")."""
# The names of the files a headline quotes (the file a role's policies come from) are the user's
# to choose: they are not counted.
FILE_NAME = re.compile(r"(?:tests/fixtures|examples)/[^\s),:']+")
IAM = "tests/fixtures/credentials/account-authorization-details.json"
RUNS = {
    "fixtures and examples": ["tests/fixtures", "examples"],
    "with the account's roles": ["--iam", IAM, "tests/fixtures/credentials", "examples"],
}


def findings(args: list[str]) -> list[dict[str, object]]:
    run = subprocess.run(
        [sys.executable, "-m", "ecs_lint", "-o", "json", "--exit-zero", "--offline", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    found: list[dict[str, object]] = json.loads(run.stdout)
    return found


@pytest.mark.parametrize("args", list(RUNS.values()), ids=list(RUNS))
def test_every_headline_is_short(args: list[str]) -> None:
    found = findings(args)
    rules = {finding["rule"] for finding in found}
    assert len(rules) >= 15  # the audit sees most rules at work
    too_long = [
        (finding["rule"], len(headline), headline)
        for finding in found
        for headline in [str(finding["message"]).split("\n")[0]]
        if len(FILE_NAME.sub("FILE", headline)) > MAX_HEADLINE
    ]
    assert too_long == []


def test_details_follow_the_headline_in_each_format(tmp_path: Path) -> None:
    task = tmp_path / "task.json"
    partial = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub"
    task.write_text(
        json.dumps(
            {
                "family": "web",
                "executionRoleArn": "arn:aws:iam::123456789012:role/exec",
                "containerDefinitions": [
                    {
                        "name": "web",
                        "image": "public.ecr.aws/docker/library/nginx:1.25",
                        "repositoryCredentials": {"credentialsParameter": partial},
                    }
                ],
            },
            indent=2,
        )
    )

    def run(*args: str) -> str:
        command = [sys.executable, "-m", "ecs_lint", "--select", "EL202", *args, str(task)]
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout

    headline = f"credentialsParameter '{partial}' is a partial ARN"
    detail = "Secrets Manager finds the secret by that prefix, but IAM policies match the full ARN"
    text = run().splitlines()
    assert text[0].startswith(f"{task}:9:") and headline in text[0]
    assert text[1].lstrip().startswith("9 |") and set(text[2].split("|")[1].strip()) == {"^"}
    assert text[3].startswith(f"      = {detail}")
    concise = run("-o", "concise").splitlines()
    assert headline in concise[0] and detail not in "\n".join(concise)
    (finding,) = json.loads(run("-o", "json"))
    first, second = finding["message"].split("\n")
    assert headline in first and second.startswith(detail)
    annotation = run("-o", "github")
    assert f"{headline}" in annotation and f"%0A{detail}" in annotation
