"""``ecs-lint aws`` against a misbehaving AWS: real boto3 talking to a local server on 127.0.0.1
(tests/servers/faulty_aws.py) that breaks the calls a test names and passes the others to moto.

Whatever AWS does, the user sees one clear line naming the call, exit status 2 when nothing could
be checked, and the run ends within a bounded time: never a traceback, a hang, or a false
"All clear".
"""

from __future__ import annotations

import json
import socket
import sys
from typing import TYPE_CHECKING

import pytest
from aws_faults import limits, one_error, timed
from servers.faulty_aws import EcsPages, aws_error, drip, hang, reply, truncated

from support import run_cli

if TYPE_CHECKING:
    from pathlib import Path

    from aws_world import World
    from servers.faulty_aws import Fault, FaultyAws

REGION = "eu-west-1"
HTML_PAGE = (
    "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><br></body></html>"
)


# --- Answers that are not the API's ------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "fault", "said"),
    [
        (
            "ListClusters",
            truncated('{"clusterArns": ["arn:aws:ecs:eu-west-1:1:cluster/a"]}'),
            "a truncated or malformed body (Content-Type application/x-amz-json-1.1), "
            "not valid JSON",
        ),
        (
            "ListClusters",
            reply(HTML_PAGE, "text/html"),
            "an HTML page (Content-Type text/html), not JSON",
        ),
        (
            "ListServices",
            reply("<html><body>proxy error</body></html>", "text/html"),
            "an HTML page",
        ),
        ("ListServices", reply("[]"), "JSON that is not an object"),
        ("DescribeServices", reply(""), "the answer has no services list"),
    ],
)
def test_an_answer_that_is_not_the_apis_is_an_error_not_all_clear(
    world: World, faulty_aws: FaultyAws, operation: str, fault: Fault, said: str
) -> None:
    world.service("web", world.task_definition("web", "public.ecr.aws/nginx/nginx:1.25"))
    faulty_aws.faults[operation] = fault
    run, seconds = timed("aws")
    message = one_error(run)
    target = "clusters in eu-west-1" if operation == "ListClusters" else "services of cluster prod"
    assert message.startswith(f"ecs:{operation} on {target}")
    assert said in message
    assert "All clear" not in run.stdout and seconds < 5


def test_a_task_definition_answer_without_its_task_definition_names_the_call(
    world: World, faulty_aws: FaultyAws
) -> None:
    world.task_definition("web", "nginx:1.25")
    faulty_aws.faults["DescribeTaskDefinition"] = reply("{}")
    message = one_error(run_cli("aws", "--task-definition", "web:1"))
    assert message == (
        "ecs:DescribeTaskDefinition on task definition web:1 in eu-west-1 failed: the answer "
        "has no taskDefinition object"
    )


def test_a_described_service_without_its_arn_names_the_call(
    world: World, faulty_aws: FaultyAws
) -> None:
    world.service("web", world.task_definition("web", "nginx:1.25"))
    faulty_aws.faults["DescribeServices"] = reply('{"services": [{"status": "ACTIVE"}]}')
    message = one_error(run_cli("aws"))
    assert message == (
        "ecs:DescribeServices on services of cluster prod in eu-west-1 failed: an item of the "
        "answer's services has no serviceArn string"
    )


# --- No answer, throttling, server errors: bounded time -----------------------------------------


def test_an_endpoint_that_never_answers_ends_the_run(
    world: World, faulty_aws: FaultyAws, tmp_path: Path
) -> None:
    world.service("web", world.task_definition("web", "nginx:1.25"))
    faulty_aws.faults["ListClusters"] = hang()
    config = limits(tmp_path, read_timeout=1, max_attempts=4)
    run, seconds = timed("aws", "--config", config)
    message = one_error(run)
    assert message == (
        f"ecs:ListClusters on clusters in eu-west-1 failed: {faulty_aws.url[7:]} did not answer "
        "within 1 s (2 attempts; aws-read-timeout in the configuration)"
    )
    assert faulty_aws.calls["ecs:ListClusters"] == 2  # a timed-out request is tried twice
    assert seconds < 2 * 1 + 1 + 2  # two attempts, botocore's backoff, slack


def test_the_first_failure_stops_the_calls_still_queued(
    world: World, faulty_aws: FaultyAws, tmp_path: Path
) -> None:
    for index in range(24):  # three rounds of the 8 calls in flight
        world.service(f"web-{index}", world.task_definition(f"web-{index}", "nginx:1.25"))
    faulty_aws.faults["DescribeTaskDefinition"] = hang()
    run, seconds = timed("aws", "--config", limits(tmp_path, read_timeout=1, max_attempts=2))
    assert "ecs:DescribeTaskDefinition on task definition" in one_error(run)
    assert faulty_aws.calls["ecs:DescribeTaskDefinition"] <= 8 * 2  # the first round only
    assert seconds < 2 * 1 + 1 + 2


def test_the_time_budget_ends_an_endless_listing(
    world: World, faulty_aws: FaultyAws, tmp_path: Path
) -> None:
    pages = EcsPages("clusterArns", endless=True)
    faulty_aws.faults["ListClusters"] = pages
    run, seconds = timed("aws", "--config", limits(tmp_path, budget=1.5))
    assert one_error(run) == (
        "ecs:ListClusters on clusters in eu-west-1 did not finish within the run's AWS time "
        "budget of 1.5 s (aws-budget in the configuration)"
    )
    assert len(pages.tokens) > 10 and 1.5 <= seconds < 1.5 + 2


def test_an_endpoint_that_refuses_connections_is_one_clear_error(
    aws: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    run, seconds = timed("aws", "--config", limits(tmp_path, max_attempts=2))
    assert one_error(run) == (
        f"ecs:ListClusters on clusters in eu-west-1 failed: 127.0.0.1:{port} refused the connection"
    )
    assert seconds < 5  # no timeout waited for (5 s to connect, 20 s to read)


@pytest.mark.usefixtures("dns_without_invalid")
def test_a_host_name_that_does_not_resolve_is_one_clear_error(
    aws: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "https://ecs.eu-west-1.invalid")
    run, seconds = timed("aws", "--config", limits(tmp_path, max_attempts=2))
    assert one_error(run) == (
        "ecs:ListClusters on clusters in eu-west-1 failed: cannot resolve the host name "
        "ecs.eu-west-1.invalid (check the region and AWS_ENDPOINT_URL)"
    )
    assert seconds < 5


def test_the_time_budget_cuts_off_an_answer_sent_a_byte_at_a_time(
    world: World, faulty_aws: FaultyAws, tmp_path: Path
) -> None:
    # Never silent for the 5 s read timeout, yet the whole answer would take 30 s.
    faulty_aws.faults["ListClusters"] = drip('{"clusterArns": []}' + " " * 280, 0.1)
    config = limits(tmp_path, read_timeout=5, budget=1.5)
    run, seconds = timed("aws", "--config", config)
    assert one_error(run) == (
        "ecs:ListClusters on clusters in eu-west-1 did not finish within the run's AWS time "
        "budget of 1.5 s (aws-budget in the configuration)"
    )
    assert 1.5 <= seconds < 1.5 + 1


def test_the_time_budget_bounds_finding_credentials(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A credential_process that never returns (an SSO helper waiting for a browser, say).
    stuck = tmp_path / "stuck-credentials.py"
    stuck.write_text("import time\ntime.sleep(8)\n")
    profile = tmp_path / "aws-config"
    profile.write_text(f"[profile stuck]\ncredential_process = {sys.executable} {stuck}\n")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(profile))
    config = limits(tmp_path, budget=1)
    run, seconds = timed("aws", "--profile", "stuck", "--config", config)
    assert one_error(run) == (
        "setting up the ecs client (finding AWS credentials) did not finish within the run's "
        "AWS time budget of 1 s (aws-budget in the configuration)"
    )
    assert 1 <= seconds < 1 + 1


@pytest.mark.parametrize(
    ("operation", "fault", "said"),
    [
        (
            "ListServices",
            aws_error(400, "ThrottlingException", "Rate exceeded"),
            "AWS kept throttling ecs:ListServices on services of cluster prod in eu-west-1 "
            "(ThrottlingException, 3 attempts): try again later, or allow more attempts with "
            "aws-max-attempts in the configuration",
        ),
        (
            "DescribeServices",
            aws_error(503, "ServiceUnavailable", "down"),
            "ecs:DescribeServices on services of cluster prod in eu-west-1 failed: AWS answered "
            "HTTP 503 (ServiceUnavailable) to 3 attempts: try again later",
        ),
    ],
)
def test_constant_throttling_or_server_errors_end_with_one_message(
    world: World, faulty_aws: FaultyAws, tmp_path: Path, operation: str, fault: Fault, said: str
) -> None:
    world.service("web", world.task_definition("web", "nginx:1.25"))
    faulty_aws.faults[operation] = fault
    run, seconds = timed("aws", "--config", limits(tmp_path, max_attempts=3))
    assert one_error(run) == said
    assert faulty_aws.calls[f"ecs:{operation}"] == 3
    assert seconds < 1 + 2 + 2  # botocore's backoff before attempts 2 and 3, slack


def test_the_default_limits_bound_a_run(aws: object) -> None:
    from ecs_lint.iam.live import LiveAws
    from ecs_lint.settings import Settings

    config = LiveAws.for_settings(Settings()).client("ecs", REGION).meta.config
    assert (config.connect_timeout, config.read_timeout) == (5.0, 20.0)
    assert config.retries == {"mode": "adaptive", "total_max_attempts": 4}


def test_a_failing_optional_look_up_is_one_warning(
    world: World, faulty_aws: FaultyAws, tmp_path: Path
) -> None:
    world.secret("dockerhub")
    role = world.role("exec")  # no secretsmanager:GetSecretValue: EL203
    credentials = {"credentialsParameter": "dockerhub"}
    arn = world.task_definition("web", "acme/web:1.4", role=role, repositoryCredentials=credentials)
    world.service("web", arn)
    faulty_aws.faults["secretsmanager:DescribeSecret"] = aws_error(500, "InternalServiceError")
    config = limits(tmp_path, max_attempts=2)
    run = run_cli("aws", "--select", "EL203", "-o", "json", "--config", config)
    assert run.status == 1
    assert [finding["rule"] for finding in json.loads(run.stdout)] == ["EL203"]
    assert run.stderr == (
        "ecs-lint: warning: secretsmanager:DescribeSecret on secret dockerhub failed: AWS "
        "answered HTTP 500 (InternalServiceError) to 2 attempts: try again later; ecs-lint went "
        "on without that look-up, as it does without --aws (kms:Decrypt is not checked for it)\n"
    )


# --- What is read --------------------------------------------------------------------------------


def fargate_service(world: World) -> None:
    vpc = world.vpc()
    subnet, _ = world.subnet(vpc)
    group = world.security_group(vpc)
    arn = world.task_definition("web", "nginx:1.25")
    world.service("web", arn, subnets=(subnet,), groups=(group,))


@pytest.mark.parametrize("selection", [("--select", "EL101"), ("--ignore", "EL31")])
def test_networks_are_read_only_for_the_network_rules(
    world: World, faulty_aws: FaultyAws, selection: tuple[str, str]
) -> None:
    fargate_service(world)
    faulty_aws.faults["ec2:DescribeSubnets"] = aws_error(403, "UnauthorizedOperation")
    run = run_cli("aws", *selection, "-o", "json")
    assert (run.status, run.stderr) == (1, "")
    assert "EL101" in {finding["rule"] for finding in json.loads(run.stdout)}
    assert not [call for call in faulty_aws.calls if call.startswith("ec2:")]
    message = one_error(run_cli("aws", "--select", "EL310"))
    assert message.startswith("AWS denied ec2:DescribeSubnets on subnet-id subnet-")
    assert message.endswith(": grant ec2:DescribeSubnets to the identity running ecs-lint")


def test_every_page_of_clusters_and_services_is_read(world: World, faulty_aws: FaultyAws) -> None:
    expected = []
    for cluster, count in (("alpha", 1), ("beta", 5), ("gamma", 2)):
        for index in range(count):
            task = world.task_definition(f"{cluster}-{index}", "nginx:1.25")
            world.service(f"{cluster}-{index}", task, cluster=cluster)
            expected.append(task)
    clusters = EcsPages("clusterArns", per_page=1)
    services = EcsPages("serviceArns", per_page=2)
    faulty_aws.faults.update(ListClusters=clusters, ListServices=services)
    run = run_cli("aws", "--select", "EL101", "-o", "json")
    assert run.status == 1, run.stderr
    assert sorted(finding["file"] for finding in json.loads(run.stdout)) == sorted(expected)
    assert clusters.tokens == [None, "page-1", "page-2"]
    assert services.tokens.count(None) == 3 and "page-4" in services.tokens  # beta: 3 pages
    assert faulty_aws.calls["ecs:ListServices"] == 1 + 3 + 1


def test_an_account_without_services_says_so(aws: object) -> None:
    run = run_cli("aws")
    assert (run.status, run.stderr) == (0, "")
    assert run.stdout == "Nothing checked: no ECS services found in eu-west-1.\n"
    run = run_cli("aws", "-o", "json")
    assert (run.status, run.stdout) == (0, "[]\n")
    assert run.stderr == "ecs-lint: no ECS services found in eu-west-1\n"


# --- Where requests go ---------------------------------------------------------------------------


@pytest.mark.parametrize("variable", ["AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_ECS"])
def test_plain_http_is_refused_except_to_a_loopback_host(
    aws: object, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "http://10.20.30.40:4566")
    run, seconds = timed("aws")
    assert one_error(run) == (
        f"the AWS endpoint for ecs (environment variable {variable}): 'http://10.20.30.40:4566' "
        "must use https (plain http is allowed only for loopback hosts)"
    )
    assert seconds < 2  # refused before any request
