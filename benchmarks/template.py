"""A CloudFormation template with 200 task definitions: ecs-lint (cold process) beside cfn-lint.

Run: ``.venv/bin/python benchmarks/template.py [--tasks 200] [--repeat 5]``. Writes one YAML
template (and the same template as JSON, as the CDK synthesises it), then times cold
``ecs-lint`` processes on each (the median of ``--repeat`` runs, with the peak resident memory
of the slowest), and ``cfn-lint`` on the same files when it is on PATH.

The template is what a large hand-written or synthesised stack looks like: parameters with
defaults, a mapping, conditions, one execution role with an inline policy and a managed policy
per task, a Docker Hub credentials secret with a customer-managed key, log groups, and per task
three containers written with ``!Sub``, ``!Ref``, ``!FindInMap``, ``!If`` and ``!GetAtt``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

IMAGES = ["nginx", "redis", "postgres", "busybox", "python", "node", "alpine", "httpd"]


def template(tasks: int) -> dict[str, object]:
    resources: dict[str, object] = {
        "CredentialsKey": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {}}},
        "DockerHubSecret": {
            "Type": "AWS::SecretsManager::Secret",
            "Properties": {"Name": "dockerhub", "KmsKeyId": {"Ref": "CredentialsKey"}},
        },
    }
    for index in range(tasks):
        name = f"Service{index:03d}"
        image = IMAGES[index % len(IMAGES)]
        resources[f"{name}Role"] = {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ecs-tasks.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
                "ManagedPolicyArns": [
                    {
                        "Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/service-role/"
                        "AmazonECSTaskExecutionRolePolicy"
                    }
                ],
                "Policies": [
                    {
                        "PolicyName": "credentials",
                        "PolicyDocument": {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "secretsmanager:GetSecretValue",
                                    "Resource": {"Ref": "DockerHubSecret"},
                                }
                            ],
                        },
                    }
                ],
            },
        }
        resources[f"{name}Logs"] = {
            "Type": "AWS::Logs::LogGroup",
            "Properties": {"LogGroupName": {"Fn::Sub": f"/ecs/${{Environment}}/{name.lower()}"}},
        }
        resources[f"{name}Task"] = {
            "Type": "AWS::ECS::TaskDefinition",
            "Properties": {
                "Family": {"Fn::Sub": f"${{Environment}}-{name.lower()}"},
                "RequiresCompatibilities": ["FARGATE"],
                "NetworkMode": "awsvpc",
                "Cpu": "256",
                "Memory": "512",
                "ExecutionRoleArn": {"Fn::GetAtt": [f"{name}Role", "Arn"]},
                "ContainerDefinitions": [
                    {
                        "Name": "app",
                        "Image": {"Fn::Sub": f"{image}:${{{image.capitalize()}Tag}}"},
                        "Essential": True,
                        "RepositoryCredentials": {
                            "CredentialsParameter": {"Ref": "DockerHubSecret"}
                        },
                        "PortMappings": [{"ContainerPort": 8080}],
                        "Environment": [
                            {"Name": "STAGE", "Value": {"Ref": "Environment"}},
                            {"Name": "INDEX", "Value": str(index)},
                        ],
                        "LogConfiguration": {
                            "LogDriver": "awslogs",
                            "Options": {
                                "awslogs-group": {"Ref": f"{name}Logs"},
                                "awslogs-region": {"Ref": "AWS::Region"},
                                "awslogs-stream-prefix": "app",
                            },
                        },
                    },
                    {
                        "Name": "proxy",
                        "Image": {"Fn::FindInMap": ["Images", {"Ref": "Environment"}, "proxy"]},
                        "Essential": False,
                    },
                    {
                        "Name": "metrics",
                        "Image": {
                            "Fn::If": [
                                "InEurope",
                                "prom/statsd-exporter:v0.26.0",
                                "public.ecr.aws/docker/library/busybox:1.36",
                            ]
                        },
                        "Essential": False,
                    },
                ],
            },
        }
    parameters: dict[str, object] = {
        "Environment": {"Type": "String", "Default": "staging"},
        **{f"{image.capitalize()}Tag": {"Type": "String", "Default": "1.0"} for image in IMAGES},
    }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": parameters,
        "Mappings": {
            "Images": {
                "staging": {"proxy": "envoyproxy/envoy:v1.31.0"},
                "production": {"proxy": "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.31.0"},
            }
        },
        "Conditions": {"InEurope": {"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]}},
        "Resources": resources,
    }


def run_once(command: list[str]) -> tuple[float, float, float, int]:
    """Wall time (s), CPU time (s), peak RSS (MB) and exit status of one cold process."""
    env = {**os.environ, "ECS_LINT_OFFLINE": "1"}
    started = time.perf_counter()
    pid = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    ).pid
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    return wall, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def measure(command: list[str], repeat: int) -> tuple[float, float, float, int]:
    """Medians of wall and CPU time (CPU time shows the work when the machine is busy)."""
    runs = [run_once(command) for _ in range(repeat)]
    return (
        statistics.median(run[0] for run in runs),
        statistics.median(run[1] for run in runs),
        max(run[2] for run in runs),
        runs[0][3],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ecs-lint-template-"))
    try:
        document = template(args.tasks)
        # Each in a directory of its own: a run reads the template's repository (here, its
        # directory) for context, and the other template would be read as part of it.
        yaml_path = workdir / "yaml" / "stack.yaml"
        json_path = workdir / "json" / "Stack.template.json"
        for path in (yaml_path, json_path):
            path.parent.mkdir()
        yaml_path.write_text(yaml.safe_dump(document, sort_keys=False))
        json_path.write_text(json.dumps(document, indent=1))
        rows = []
        for label, path in (("YAML", yaml_path), ("JSON (CDK-style)", json_path)):
            size = path.stat().st_size // 1024
            name = f"ecs-lint, {args.tasks} task definitions, {label}, {size} KiB"
            ecs_lint = [sys.executable, "-m", "ecs_lint", "-o", "json", str(path)]
            rows.append((name, *measure(ecs_lint, args.repeat)))
            cfn_lint = shutil.which("cfn-lint")
            if cfn_lint is not None:
                repeat = max(1, args.repeat // 2)
                rows.append(
                    (f"cfn-lint, same {label} file", *measure([cfn_lint, str(path)], repeat))
                )
    finally:
        shutil.rmtree(workdir)
    print(f"{'run':<62} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} {'exit':>5}")
    for name, wall, cpu, megabytes, status in rows:
        print(f"{name:<62} {wall:>7.2f} {cpu:>7.2f} {megabytes:>8.1f} {status:>5}")


if __name__ == "__main__":
    main()
