"""``ecs-lint aws`` end to end: what runs in a (local, moto) AWS account, linted by the CLI."""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

import boto3

from ecs_lint.aws.run import Scope, lint_aws
from ecs_lint.settings import Settings
from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

    import pytest
    from aws_world import World
    from servers.moto_server import MotoServer

REGION = "eu-west-1"


def aws_lint(*args: str) -> tuple[int, str, str]:
    run = run_cli("aws", *args)
    return run.status, run.stdout, run.stderr


def test_findings_name_the_task_definition_container_and_path(world: World) -> None:
    arn = world.task_definition("web", "nginx:1.25")
    world.service("web", arn)
    status, out, err = aws_lint("--select", "EL101")
    assert (status, err) == (1, "")
    assert out.startswith(f"{arn}#containerDefinitions[?name=='c0'].image: EL101 ")

    _, out, _ = aws_lint("--select", "EL101", "--output-format", "json")
    (finding,) = json.loads(out)
    assert finding["file"] == arn
    assert finding["logical"] == "containerDefinitions[?name=='c0'].image"

    _, out, _ = aws_lint("--select", "EL101", "--output-format", "sarif")
    (result,) = json.loads(out)["runs"][0]["results"]
    (location,) = result["locations"]
    assert "physicalLocation" not in location
    assert location["logicalLocations"][0]["fullyQualifiedName"] == (
        f"{arn}#containerDefinitions[?name=='c0'].image"
    )


def test_every_cluster_and_service_is_read_without_filters(world: World) -> None:
    first = world.task_definition("web", "nginx:1.25")
    second = world.task_definition("api", "redis:7")
    world.service("web", first, cluster="prod")
    world.service("api", second, cluster="staging")
    status, out, _ = aws_lint("--select", "EL101", "-o", "json")
    assert status == 1
    assert sorted(finding["file"] for finding in json.loads(out)) == sorted([first, second])


def test_cluster_and_service_filters(world: World) -> None:
    first = world.task_definition("web", "nginx:1.25")
    second = world.task_definition("api", "redis:7")
    world.service("web", first, cluster="prod")
    world.service("api", second, cluster="staging")
    world.service("worker", second, cluster="prod")

    def files(*args: str) -> list[str]:
        return [finding["file"] for finding in json.loads(aws_lint("-o", "json", *args)[1])]

    assert files("--select", "EL101", "--cluster", "staging") == [second]
    assert files("--select", "EL101", "--service", "web") == [first]
    assert files("--select", "EL101", "--cluster", "prod", "--task-definition", "api") == [second]


def test_task_definitions_alone_need_no_cluster(world: World) -> None:
    world.task_definition("web", "nginx:1.25")
    latest = world.task_definition("web", "nginx:1.27")
    run = run_cli("aws", "--task-definition", "web", "--select", "EL101", "-o", "json")
    (finding,) = json.loads(run.stdout)
    assert finding["file"] == latest and "nginx:1.27" in finding["message"]
    run = run_cli("aws", "--task-definition", "web:1", "--select", "EL101", "-o", "json")
    assert "nginx:1.25" in json.loads(run.stdout)[0]["message"]


def test_an_unknown_cluster_or_service_is_a_clear_error(world: World) -> None:
    world.service("web", world.task_definition("web", "nginx:1.25"))
    status, out, err = aws_lint("--cluster", "nowhere")
    assert (status, out) == (2, "")
    assert err == f"ecs-lint: error: no cluster nowhere in {REGION} (--cluster)\n"
    status, _, err = aws_lint("--service", "ghost")
    assert status == 2 and f"no service ghost in prod ({REGION}) (--service)" in err
    status, _, err = aws_lint("--task-definition", "ghost:3")
    assert status == 2 and "ecs:DescribeTaskDefinition on task definition ghost:3" in err
    assert "Traceback" not in err


def test_the_output_options_of_check_apply(world: World, tmp_path: Path) -> None:
    world.service("web", world.task_definition("web", "nginx:1.25"), count=2)
    status, out, _ = aws_lint("--statistics", "--select", "EL101,EL105")
    assert status == 1 and "EL101" in out and "docker-hub-anonymous-pull" in out
    assert aws_lint("--exit-zero")[0] == 0
    assert aws_lint("--fail-level", "error", "--select", "EL105")[0] == 0
    config = tmp_path / ".ecs-lint.toml"
    config.write_text('ignore = ["EL1"]\n')
    status, out, _ = aws_lint("--config", str(config), "-o", "json", "-q")
    assert not [f for f in json.loads(out) if f["rule"].startswith("EL1")]


def test_several_regions(world: World) -> None:
    world.service("web", world.task_definition("web", "nginx:1.25"))
    other = type(world)("us-east-1")
    far = other.task_definition("web", "redis:7")
    other.service("web", far)
    run = run_cli(
        "aws", "--region", REGION, "--region", "us-east-1", "-o", "json", "--select", "EL101"
    )
    files = [finding["file"] for finding in json.loads(run.stdout)]
    assert len(files) == 2 and far in files
    assert run_cli("aws", "--region", "mars").stderr.startswith("ecs-lint: error: --region: ")


def test_no_region_is_a_clear_error(aws: MotoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    status, out, err = aws_lint()
    assert (status, out) == (2, "")
    assert "no AWS region" in err and "--region" in err and "Traceback" not in err


def test_no_credentials_is_a_clear_error(aws: MotoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    status, out, err = aws_lint()
    assert (status, out) == (2, "")
    assert err.startswith("ecs-lint: error: ecs:ListClusters on clusters in eu-west-1 failed: ")
    assert "no AWS credentials found" in err and "--profile" in err
    assert "--aws" not in err and "Traceback" not in err


def test_a_missing_permission_is_named(
    world: World, aws: MotoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.service("web", world.task_definition("web", "nginx:1.25"))
    world.iam.create_user(UserName="linter")
    world.iam.put_user_policy(
        UserName="linter",
        PolicyName="iam-only",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "iam:Get*", "Resource": "*"}],
            }
        ),
    )
    key = world.iam.create_access_key(UserName="linter")["AccessKey"]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    aws.enforce_iam()
    try:
        status, out, err = aws_lint()
    finally:
        aws.enforce_iam(False)
    assert (status, out) == (2, "")
    assert err == (
        "ecs-lint: error: AWS denied ecs:ListClusters on clusters in eu-west-1: grant "
        "ecs:ListClusters to the identity running ecs-lint\n"
    )


def test_silent_without_a_terminal_and_a_bar_on_one(world: World) -> None:
    world.service("web", world.task_definition("web", "public.ecr.aws/nginx/nginx:1.25"))
    status, out, err = aws_lint("--select", "EL101")
    assert (status, err) == (0, "")
    assert "All clear" in out

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    lint_aws(Settings(), Scope(), (REGION,), progress=terminal)
    assert "Reading AWS" in terminal.getvalue()


def test_a_live_execution_role_is_checked(world: World) -> None:
    secret = world.secret("dockerhub")
    role = world.role("exec")  # AmazonECSTaskExecutionRolePolicy: no secretsmanager access
    arn = world.task_definition(
        "web",
        "acme/web:1.4",
        role=role,
        repositoryCredentials={"credentialsParameter": secret},
    )
    world.service("web", arn)
    status, out, _ = aws_lint("--select", "EL203", "-o", "json")
    (finding,) = json.loads(out)
    assert status == 1
    assert finding["logical"] == (
        "containerDefinitions[?name=='c0'].repositoryCredentials.credentialsParameter"
    )
    assert "exec" in finding["message"]
    boto3.client("iam", region_name=REGION).put_role_policy(
        RoleName="exec",
        PolicyName="hub",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "secretsmanager:GetSecretValue",
                        "Resource": secret,
                    }
                ],
            }
        ),
    )
    assert aws_lint("--select", "EL203")[0] == 0


def test_the_summary_counts_task_definitions_and_services(world: World) -> None:
    arn = world.task_definition("web", "nginx:1.25")
    world.service("web", arn)
    world.service("api", arn)
    _, out, _ = aws_lint("--select", "EL101")
    assert out.rstrip().endswith("(1 task definition and 2 services checked).")
    assert "file" not in out.splitlines()[-1]


def test_an_unknown_role_is_explained_in_the_terms_of_the_aws_command(world: World) -> None:
    secret = world.secret("dockerhub")
    arn = world.task_definition(
        "web",
        "acme/web:1.4",
        role="arn:aws:iam::123456789012:role/not-there",
        repositoryCredentials={"credentialsParameter": secret},
    )
    world.service("web", arn)
    _, out, _ = aws_lint("--select", "EL207", "-o", "json")
    (finding,) = json.loads(out)
    assert "live IAM has no role of that name" in finding["message"]
    # This command has no --role-policy and reads IAM already: the configuration file is left.
    assert "role-policies" in finding["message"]
    assert "--aws" not in finding["message"] and "--role-policy" not in finding["message"]
