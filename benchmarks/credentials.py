"""Speed of the execution-role checks (EL2xx): many task definitions, one authorization file.

    .venv/bin/python benchmarks/credentials.py [--tasks 500] [--roles 50]

Writes ``--tasks`` Fargate task definitions (registry credentials, two secrets, a private ECR
image, awslogs with ``awslogs-create-group``) spread over ``--roles`` execution roles, and an
authorization-details file whose roles each carry ``AmazonECSTaskExecutionRolePolicy`` and an
inline policy of 12 statements (wildcards, a suffix-trap resource, a condition). Then it times
the real ``ecs-lint --select EL2 --iam FILE`` command and, separately, the rules over a loaded
model. Offline: no network.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ACCOUNT, REGION = "123456789012", "eu-west-1"
SM = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret"
VIA = f"secretsmanager.{REGION}.amazonaws.com"
BASIC = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"


def role(index: int) -> dict[str, object]:
    statements = [
        {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
         "Resource": [f"{SM}:app{index}/*", f"{SM}:dockerhub"]},
        {"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "*",
         "Condition": {"StringEquals": {"kms:ViaService": VIA}}},
        {"Effect": "Deny", "NotAction": ["secretsmanager:*", "kms:*", "ecr:*", "logs:*"],
         "Resource": "*"},
    ] + [
        {"Sid": f"Filler{n}", "Effect": "Allow", "Action": f"s3:Get{n}*",
         "Resource": f"arn:aws:s3:::bucket-{n}/*"}
        for n in range(9)
    ]  # fmt: skip
    return {
        "RoleName": f"exec-{index}",
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/exec-{index}",
        "RolePolicyList": [{"PolicyName": "app", "PolicyDocument": {
            "Version": "2012-10-17", "Statement": statements}}],
        "AttachedManagedPolicies": [{"PolicyName": "basic", "PolicyArn": BASIC}],
    }  # fmt: skip


def task(index: int, roles: int) -> dict[str, object]:
    app = f"app{index % roles}"
    return {
        "family": f"svc-{index}",
        "requiresCompatibilities": ["FARGATE"],
        "networkMode": "awsvpc",
        "executionRoleArn": f"arn:aws:iam::{ACCOUNT}:role/exec-{index % roles}",
        "containerDefinitions": [{
            "name": "web",
            "image": f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/svc-{index}:1.0",
            "repositoryCredentials": {"credentialsParameter": f"{SM}:dockerhub-AbCdEf"},
            "secrets": [
                {"name": "DB", "valueFrom": f"{SM}:{app}/db-Zz9Yy8:password::"},
                {"name": "API", "valueFrom": f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/{app}/api"},
            ],
            "logConfiguration": {"logDriver": "awslogs", "options": {
                "awslogs-group": f"/ecs/svc-{index}", "awslogs-region": REGION,
                "awslogs-stream-prefix": "web", "awslogs-create-group": "true"}},
        }],
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=500)
    parser.add_argument("--roles", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "tasks").mkdir()
        for index in range(args.tasks):
            (root / "tasks" / f"svc-{index}.json").write_text(json.dumps(task(index, args.roles)))
        details = root / "account.json"
        roles = [role(index) for index in range(args.roles)]
        details.write_text(json.dumps({"RoleDetailList": roles, "Policies": []}))
        command = [
            sys.executable, "-m", "ecs_lint", "check", str(root / "tasks"),
            "--iam", str(details), "--select", "EL2", "--offline", "-o", "json",
        ]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        findings = json.loads(done.stdout)
        by_rule = Counter(finding["rule"] for finding in findings)
        counts = dict(sorted(by_rule.items()))
        print(f"ecs-lint over {args.tasks} task definitions, {args.roles} roles: "
              f"{wall:.2f} s wall, {len(findings)} findings {counts}")  # fmt: skip
        rules_only(root, details)


def rules_only(root: Path, details: Path) -> None:
    from ecs_lint.engine import lint_paths
    from ecs_lint.settings import Settings

    for select in (("EL1",), ("EL1", "EL2")):
        settings = Settings(iam_files=(str(details),), select=select, offline=True)
        started = time.perf_counter()
        result = lint_paths([str(root / "tasks")], settings)
        took = time.perf_counter() - started
        print(f"  in-process lint_paths --select {','.join(select)}: {took:.2f} s "
              f"({len(result.findings)} findings)")  # fmt: skip


if __name__ == "__main__":
    main()
