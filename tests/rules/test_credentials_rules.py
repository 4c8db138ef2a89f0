"""EL201-EL213: the credentials chain, on real task-definition files and an authorization-details
file (tests/fixtures/credentials). Each rule fires on its case and stays quiet on the clean one."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from ecs_lint.engine import lint_paths, run_rules
from ecs_lint.findings import Finding, Severity
from ecs_lint.iam.provider import PolicyProvider, build_policy_provider
from ecs_lint.model import (
    ContainerView,
    Document,
    Located,
    Model,
    PolicyDefinition,
    RoleDefinition,
    SecretDefinition,
    SecretView,
    Span,
    TaskView,
)
from ecs_lint.rule import RuleContext, Services
from ecs_lint.rules import BY_CODE
from ecs_lint.settings import Settings
from support import FIXTURES, codes, standalone

if TYPE_CHECKING:
    from pathlib import Path

CREDENTIALS = standalone(FIXTURES / "credentials")
DETAILS = str(CREDENTIALS / "account-authorization-details.json")
KEY = "1111aaaa-2222-bbbb-3333-cccc4444dddd"


def check(name: str, code: str, **settings: object) -> list[Finding]:
    options: dict[str, object] = {"iam_files": (DETAILS,), "select": (code,), **settings}
    return lint_paths([str(CREDENTIALS / name)], Settings(**options)).findings  # type: ignore[arg-type]


def test_the_clean_chain_is_clean_for_every_credentials_rule() -> None:
    settings = Settings(
        iam_files=(DETAILS,),
        select=("EL2",),
        aws_region="eu-west-1",
        secret_kms_keys={"dockerhub": KEY, "/prod/api-key": "alias/aws/ssm"},
    )
    assert lint_paths([str(CREDENTIALS / "good-chain.json")], settings).findings == []


# --- EL201 ---------------------------------------------------------------------------------


def test_el201_repository_credentials_without_an_execution_role() -> None:
    (finding,) = check("el201-no-execution-role.json", "EL201")
    assert "no executionRoleArn" in finding.message
    assert "Private repository authentication requires" in finding.message
    assert (finding.span.line, finding.span.column) == (14, 34)


def test_el201_fargate_ecr_image_without_an_execution_role() -> None:
    (finding,) = check("el201-fargate-ecr-no-role.json", "EL201")
    assert "private ECR image on Fargate" in finding.message


def test_el201_quiet_for_ec2_ecr_and_awslogs_without_a_role() -> None:
    assert check("el201-ec2-ecr-no-role.json", "EL201") == []
    assert check("good-chain.json", "EL201") == []


# --- EL202 ---------------------------------------------------------------------------------


def test_el202_partial_arn_is_explained() -> None:
    (finding,) = check("el202-partial-arn.json", "EL202")
    assert "partial ARN" in finding.message
    assert "6-character suffix" in finding.message
    assert "describe-secret --secret-id dockerhub" in finding.message


def test_el202_ssm_parameter_is_not_a_registry_credential() -> None:
    (finding,) = check("el202-ssm-parameter.json", "EL202")
    assert "SSM Parameter Store parameter" in finding.message


def test_el202_quiet_on_a_full_arn() -> None:
    assert check("good-chain.json", "EL202") == []


# --- EL203 ---------------------------------------------------------------------------------


def test_el203_names_role_secret_and_the_suffix_trap() -> None:
    (finding,) = check("el203-suffix-trap.json", "EL203")
    message = finding.message
    assert finding.severity is Severity.ERROR
    assert "execution role 'exec-hub-bare'" in message
    assert "secret:dockerhub-AbCdEf" in message
    assert "no statement in its policies allows it" in message
    assert 'Statement[0] (Sid "ReadDockerHub") of policy "dockerhub"' in message
    assert "without the 6-character suffix" in message
    assert "secret:dockerhub-??????" in message


def test_el203_explicit_deny_names_the_denying_statement() -> None:
    (finding,) = check("el203-explicit-deny.json", "EL203")
    assert 'explicitly denied by Statement[1] (Sid "NoDockerHub")' in finding.message
    assert "without the 6-character suffix" not in finding.message


def test_el203_uses_the_default_version_of_a_customer_managed_policy() -> None:
    # v1 (not default) names the secret without its suffix; v2 (default) is right.
    assert check("el203-customer-policy.json", "EL203") == []


def test_el203_quiet_when_the_role_may_read_the_secret() -> None:
    assert check("good-chain.json", "EL203") == []


def test_el203_from_a_role_policy_file(tmp_path: Path) -> None:
    policy = tmp_path / "exec.json"
    policy.write_text(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": "secretsmanager:GetSecretValue", '
        '"Resource": "arn:aws:secretsmanager:*:*:secret:other-*"}]}'
    )
    settings = Settings(role_policy_files={"exec-hub-bare": (str(policy),)}, select=("EL203",))
    (finding,) = lint_paths([str(CREDENTIALS / "el203-suffix-trap.json")], settings).findings
    assert "(policies from --role-policy)" in finding.message
    assert "no statement in its policies allows it" in finding.message


# --- EL204 ---------------------------------------------------------------------------------


def test_el204_names_the_condition_keys() -> None:
    (finding,) = check("el204-condition.json", "EL204")
    assert finding.severity is Severity.WARNING
    assert "aws:SourceVpce" in finding.message
    assert 'Sid "OnlyFromEndpoint"' in finding.message
    assert check("el204-condition.json", "EL203") == []  # conditional is not a denial


def test_el204_unknown_region_of_a_bare_parameter_name_is_conditional() -> None:
    (finding,) = check("good-chain.json", "EL204")
    assert "/prod/api-key" in finding.message
    assert "the region the task runs in" in finding.message
    assert check("good-chain.json", "EL204", aws_region="eu-west-1") == []


# --- EL205 ---------------------------------------------------------------------------------


def test_el205_customer_key_without_kms_decrypt() -> None:
    (finding,) = check(
        "el203-customer-policy.json", "EL205", secret_kms_keys={"dockerhub": "alias/registry"}
    )
    assert "cannot decrypt" in finding.message
    assert "alias/registry" in finding.message
    assert "kms:Decrypt" in finding.message


def test_el205_quiet_with_kms_decrypt_via_secrets_manager() -> None:
    keys = {"dockerhub": KEY}
    assert check("good-chain.json", "EL205", secret_kms_keys=keys) == []


def test_el205_quiet_for_the_aws_managed_key_and_unknown_keys() -> None:
    managed = {"dockerhub": "alias/aws/secretsmanager"}
    assert check("el203-customer-policy.json", "EL205", secret_kms_keys=managed) == []
    assert check("el203-customer-policy.json", "EL205") == []


# --- EL206 ---------------------------------------------------------------------------------


def test_el206_credentials_on_ecr_private_and_public_images() -> None:
    findings = check("el206-ecr-with-credentials.json", "EL206")
    assert codes(findings) == ["EL206", "EL206"]
    assert "private Amazon ECR image" in findings[0].message
    assert "ECR Public" in findings[1].message


def test_el206_quiet_on_docker_hub_credentials() -> None:
    assert check("good-chain.json", "EL206") == []


# --- EL207 ---------------------------------------------------------------------------------


def test_el207_once_per_role_and_says_how_to_provide_policies() -> None:
    (finding,) = check("el207-unknown-role.json", "EL207")
    assert finding.severity is Severity.INFO
    assert "SecretsManagerReadWrite" in finding.message
    assert "--role-policy" in finding.message and "--iam" in finding.message
    assert check("el207-unknown-role.json", "EL203") == []  # unknown is never guessed


def test_el207_without_any_policy_source() -> None:
    settings = Settings(select=("EL207",))
    (finding,) = lint_paths([str(CREDENTIALS / "el203-suffix-trap.json")], settings).findings
    assert "no policy source describes it" in finding.message


def test_el207_quiet_for_known_roles_and_tasks_needing_nothing() -> None:
    assert check("good-chain.json", "EL207") == []
    settings = Settings(select=("EL207",))  # EC2-only task: its ECR pulls are not the role's job
    assert lint_paths([str(CREDENTIALS / "el211-ecr-pull-ec2.json")], settings).findings == []


# --- EL210 ---------------------------------------------------------------------------------


def test_el210_each_unreadable_secret() -> None:
    findings = check("el210-secrets.json", "EL210")
    assert codes(findings) == ["EL210", "EL210"]
    assert "secretsmanager:GetSecretValue" in findings[0].message
    assert "DB_PASSWORD" in findings[0].message
    assert "secret:db-Zz9Yy8 is denied" in findings[0].message  # the json-key is not the resource
    assert "ssm:GetParameters" in findings[1].message
    assert "parameter/prod/api-key" in findings[1].message


def test_el210_quiet_when_secrets_are_readable() -> None:
    assert check("good-chain.json", "EL210", aws_region="eu-west-1") == []


# --- EL211 ---------------------------------------------------------------------------------


def test_el211_all_four_ecr_actions_in_one_finding() -> None:
    (finding,) = check("el211-ecr-pull.json", "EL211")
    for action in (
        "ecr:GetAuthorizationToken on *",
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage on arn:aws:ecr:eu-west-1:123456789012:repository/web",
    ):
        assert action in finding.message


def test_el211_quiet_on_ec2_only_tasks_and_with_the_managed_policy() -> None:
    assert check("el211-ecr-pull-ec2.json", "EL211") == []
    assert check("good-chain.json", "EL211") == []


# --- EL212 ---------------------------------------------------------------------------------


def test_el212_missing_options_and_create_group_permission() -> None:
    options, permission = check("el212-awslogs.json", "EL212")
    assert "awslogs-region, awslogs-stream-prefix" in options.message
    assert "logs:CreateLogGroup" in permission.message
    assert "log-stream:" in permission.message
    assert "logs:CreateLogStream" not in permission.message  # the managed policy allows it


def test_el212_quiet_on_complete_options_and_permissions() -> None:
    assert check("good-chain.json", "EL212") == []


# --- EL213 ---------------------------------------------------------------------------------


def test_el213_malformed_value_from() -> None:
    findings = check("el213-bad-value-from.json", "EL213")
    assert [f.message.split(":")[0] for f in findings] == [
        "secret BOTH",
        "secret S3",
        "secret SHORT",
    ]
    assert "both a version stage" in findings[0].message
    assert "'s3' service" in findings[1].message
    assert "exactly three" in findings[2].message


def test_el213_quiet_on_valid_references() -> None:
    assert check("good-chain.json", "EL213") == []


def test_el213_bare_name_of_a_defined_secrets_manager_secret() -> None:
    model = _model_with_secret_named("db-password")
    provider = PolicyProvider(model=model)
    rule = BY_CODE["EL213"]
    context = RuleContext(rule, Settings(), Services(policies=provider))
    (finding,) = rule.check(model, context)
    assert "ECS reads a valueFrom that is not an ARN as an SSM parameter name" in finding.message


def _model_with_secret_named(name: str) -> Model:
    span = Span("template.yaml", 3, 5, 3, 20)
    task = TaskView(
        "t",
        span,
        (ContainerView("web", span, None, secrets=(SecretView("DB", Located(name, span)),)),),
    )
    document = Document("template.yaml", tasks=[task])
    document.secrets.append(SecretDefinition(span, (name,), name=name))
    return Model([document])


# --- Roles and secrets contributed by documents (the CloudFormation/Terraform interface) -----


HUB = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-AbCdEf"


def _template_model(resource: str, logical: str = "${ExecutionRole.Arn}") -> Model:
    span = Span("template.yaml", 10, 7, 10, 30)
    role = RoleDefinition(
        span,
        keys=(logical,),
        name=None,
        inline_policies=[
            PolicyDefinition(
                "ReadHub",
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Sid": "Hub",
                            "Effect": "Allow",
                            "Action": "secretsmanager:GetSecretValue",
                            "Resource": resource,
                        }
                    ],
                },
                Span("template.yaml", 20, 9, 20, 40),
            )
        ],
        managed_policy_arns=[
            Located("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", span)
        ],
    )
    container = ContainerView("web", span, None, credentials_parameter=Located(HUB, span))
    task = TaskView(
        "t", span, (container,), execution_role=Located(logical, span, ("ExecutionRole",))
    )
    document = Document("template.yaml", tasks=[task], roles=[role])
    return Model([document])


@pytest.mark.parametrize(
    ("resource", "expected"),
    [
        ("arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub", ["EL203"]),
        ("arn:aws:secretsmanager:eu-west-1:123456789012:secret:dockerhub-??????", []),
        ("arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:dockerhub-*", ["EL204"]),
    ],
)
def test_a_role_defined_next_to_the_task_is_found_by_its_template_reference(
    resource: str, expected: list[str]
) -> None:
    model = _template_model(resource)
    settings = Settings(select=("EL2",))
    services = Services(policies=build_policy_provider(settings, model))
    findings = run_rules(model, settings, services)
    assert codes(findings) == expected
    if expected == ["EL203"]:
        assert "template.yaml:20" in findings[0].message


def test_an_unknown_template_reference_is_el207() -> None:
    model = _template_model("*", logical="${ExecutionRole.Arn}")
    model.documents[0].roles.clear()
    settings = Settings(select=("EL2",))
    findings = run_rules(model, settings, Services(policies=build_policy_provider(settings, model)))
    assert codes(findings) == ["EL207"]
    assert "not resolved statically" in findings[0].message
