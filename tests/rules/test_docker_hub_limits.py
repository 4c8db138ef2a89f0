"""Docker Hub's pull limits: one default (Docker's documented limits), which ``docker-hub-limit``
replaces in every message, the pull budget and ``ecs-lint ratelimit`` (tests/test_ratelimit.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ecs_lint.convert import BadValue, pull_limits
from ecs_lint.dockerhub import (
    DOCUMENTATION,
    DOCUMENTED,
    DOCUMENTED_ON,
    PER_ADDRESS,
    PullLimit,
    parse_limit,
)
from ecs_lint.rules import RULES
from ecs_lint.settings import Settings
from support import Lint, run_cli

PROJECT = Path(__file__).resolve().parents[2]
SERVICE_STACK = """\
Resources:
  Task:
    Type: AWS::ECS::TaskDefinition
    Properties:
      RequiresCompatibilities: [FARGATE]
      ContainerDefinitions:
        - {Name: web, Image: "nginx:1.25"}
        - Name: agent
          Image: "someone/agent:2"
          RepositoryCredentials:
            CredentialsParameter: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbCdEf"
  Service:
    Type: AWS::ECS::Service
    Properties:
      LaunchType: FARGATE
      DesiredCount: 30
      TaskDefinition: !Ref Task
"""


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("100", PullLimit(100, 21600)),
        ("100/6h", PullLimit(100, 21600)),
        ("10/h", PullLimit(10, 3600)),
        ("10/1h", PullLimit(10, 3600)),
        (" 5000 / 1d ", PullLimit(5000, 86400)),
        ("360/90m", PullLimit(360, 5400)),
        ("1/30s", PullLimit(1, 30)),
    ],
)
def test_a_limit_is_a_count_with_an_optional_window(text: str, limit: PullLimit) -> None:
    assert parse_limit(text) == limit


@pytest.mark.parametrize("text", ["0", "ten", "100/6x", "100/0h", "", "-5", "100/6", "6h"])
def test_a_limit_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="expected pulls in a window, such as 100/6h"):
        parse_limit(text)


def test_the_option_takes_anonymous_and_authenticated_limits() -> None:
    limits = pull_limits(["50", "authenticated=500/6h", "anonymous=10/1h"], "--docker-hub-limit")
    assert limits == {"anonymous": PullLimit(10, 3600), "authenticated": PullLimit(500)}
    with pytest.raises(BadValue, match=r"^--docker-hub-limit: expected anonymous=, authenticated="):
        pull_limits(["paid=100"], "--docker-hub-limit")
    with pytest.raises(BadValue, match=r"^--docker-hub-limit: expected pulls in a window"):
        pull_limits(["authenticated=lots"], "--docker-hub-limit")


def test_the_default_is_dockers_documented_limit() -> None:
    settings = Settings()
    assert str(settings.anonymous_limit) == "100 pulls per 6 hours"
    assert str(settings.authenticated_limit) == "200 pulls per 6 hours"
    assert (settings.anonymous_limit, settings.authenticated_limit) == (
        DOCUMENTED["anonymous"],
        DOCUMENTED["authenticated"],
    )


def test_every_message_names_the_limit_in_force(lint: Lint) -> None:
    def messages(settings: Settings) -> dict[str, str]:
        findings = lint({"stack.yaml": SERVICE_STACK}, settings)
        return {finding.rule: finding.message for finding in findings}

    rules = ("EL101", "EL102", "EL150")
    default = messages(Settings(select=rules))
    assert f"Docker Hub allows 100 pulls per 6 hours {PER_ADDRESS}" in default["EL101"]
    assert "still limited to 200 pulls per 6 hours per account" in default["EL102"]
    assert "EL150" not in default  # 30 pulls: under 100
    limits = {"anonymous": PullLimit(20, 3600), "authenticated": PullLimit(5000, 86400)}
    configured = messages(Settings(select=rules, docker_hub_limits=limits))
    assert f"Docker Hub allows 20 pulls per 1 hour {PER_ADDRESS}" in configured["EL101"]
    assert "still limited to 5000 pulls per 1 day per account" in configured["EL102"]
    assert "about 30 pulls" in configured["EL150"]
    assert "more than the 20 anonymous pulls Docker Hub allows" in configured["EL150"]
    assert f"Docker Hub allows 20 pulls per 1 hour {PER_ADDRESS}" in configured["EL150"]


def test_the_limit_from_the_configuration_and_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "stack.yaml").write_text(SERVICE_STACK)
    config = tmp_path / ".ecs-lint.toml"
    config.write_text(
        'select = ["EL101", "EL102", "EL150"]\n'
        '[docker-hub-limit]\nanonymous = 25\nauthenticated = "1000/6h"\n'
    )
    found = {f["rule"]: f for f in json.loads(run_cli("-o", "json", "stack.yaml").stdout)}
    assert (found["EL150"]["limit"], found["EL150"]["limit_window_seconds"]) == (25, 21600)
    assert "1000 pulls per 6 hours" in found["EL102"]["message"]
    # The option replaces the anonymous limit; the file's authenticated one stands.
    run = run_cli("-o", "json", "--docker-hub-limit", "40/1h", "stack.yaml")
    found = {f["rule"]: f for f in json.loads(run.stdout)}
    assert "40 pulls per 1 hour" in found["EL101"]["message"]
    assert "1000 pulls per 6 hours" in found["EL102"]["message"]
    assert "EL150" not in found  # 30 pulls: under 40
    config.write_text('docker-hub-limit = "25/1h"\n')
    assert "25 pulls per 1 hour" in run_cli("--select", "EL101", "stack.yaml").stdout
    config.write_text("docker-hub-limit = { paid = 100 }\n")
    run = run_cli("stack.yaml")
    assert run.status == 2
    assert (
        "docker-hub-limit: unknown key 'paid' (expected anonymous or authenticated)" in run.stderr
    )
    config.write_text("docker-hub-limit = true\n")
    assert 'expected pulls in a window such as "100/6h"' in run_cli("stack.yaml").stderr


def test_rule_docs_state_the_documented_limits_and_the_setting() -> None:
    for rule in RULES:
        assert "{{" not in rule.doc, rule.code
    for code, expected in (
        ("EL101", f"100 pulls per 6 hours {PER_ADDRESS}"),
        ("EL102", "200 pulls per 6 hours"),
        ("EL150", f"100 pulls per 6 hours {PER_ADDRESS}"),
    ):
        text = " ".join(run_cli("rule", code).stdout.split())
        assert expected in text, code
        assert "docker-hub-limit" in text, code


def test_the_readme_cites_dockers_documentation_with_its_date() -> None:
    readme = " ".join((PROJECT / "README.md").read_text().split())
    assert DOCUMENTATION in readme
    assert re.search(rf"revised {DOCUMENTED_ON}, checked \d{{4}}-\d{{2}}-\d{{2}}", readme)
    assert f"{DOCUMENTED['anonymous']} {PER_ADDRESS}" in readme
    assert f"{DOCUMENTED['authenticated']} for a Personal account" in readme
