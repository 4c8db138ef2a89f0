"""Templates' unresolved values in the execution-role checks: ``${AWS::AccountId}``-style values
match the same values in the template's own policies, each template (plan, module) is its own
scope, private ECR images on template hosts are checked, and suggestions name secrets by name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ecs_lint.engine import lint_paths
from ecs_lint.iam.arns import Placement, SecretRef, parse_credentials_parameter
from ecs_lint.iam.evaluator import (
    Match,
    Outcome,
    Request,
    Resource,
    evaluate,
    match_resource,
    parse_policy,
)
from ecs_lint.references import ecr_private_parts
from ecs_lint.settings import Settings
from support import FIXTURES, run_cli

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ecs_lint.findings import Finding

CDK = FIXTURES / "cloudformation" / "cdk.out" / "ApiStack.template.json"
WEB_STACK = FIXTURES / "cloudformation" / "web-stack.yaml"
EXAMPLE_TF = Path(__file__).parent.parent.parent / "examples" / "terraform" / "main.tf"


def el2(paths: list[Path], region: str | None = None) -> list[Finding]:
    settings = Settings(select=("EL2",), aws_region=region)
    return lint_paths([str(p) for p in paths], settings).findings


def rules_at(findings: list[Finding]) -> list[tuple[str, str, int]]:
    return [(f.rule, Path(f.span.path).parent.name, f.span.line) for f in findings]


def stack(
    *,
    policy: Sequence[Mapping[str, object]],
    secret_name: str | None = "dockerhub",
    image: str | Mapping[str, str] = "nginx:1.27",
    credentials: bool = True,
    define_role: bool = True,
    role_name: str | None = None,
    execution_role: object = None,
) -> str:
    """A Fargate task whose execution role ``TaskExecutionRole`` has ``policy`` as its one
    inline policy (``define_role``: the template defines that role)."""
    secret: dict[str, object] = {"Type": "AWS::SecretsManager::Secret", "Properties": {}}
    if secret_name is not None:
        secret["Properties"] = {"Name": secret_name}
    role_properties: dict[str, object] = {
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
        "Policies": [
            {
                "PolicyName": "execution",
                "PolicyDocument": {"Version": "2012-10-17", "Statement": list(policy)},
            }
        ],
    }
    if role_name is not None:
        role_properties["RoleName"] = role_name
    container: dict[str, object] = {"Name": "app", "Image": image}
    if credentials:
        container["RepositoryCredentials"] = {"CredentialsParameter": {"Ref": "DockerHubSecret"}}
    task = {
        "Type": "AWS::ECS::TaskDefinition",
        "Properties": {
            "RequiresCompatibilities": ["FARGATE"],
            "NetworkMode": "awsvpc",
            "Cpu": "256",
            "Memory": "512",
            "ExecutionRoleArn": execution_role or {"Fn::GetAtt": ["TaskExecutionRole", "Arn"]},
            "ContainerDefinitions": [container],
        },
    }
    resources: dict[str, object] = {"DockerHubSecret": secret, "Task": task}
    if define_role:
        resources["TaskExecutionRole"] = {"Type": "AWS::IAM::Role", "Properties": role_properties}
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources})


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def sub(text: str) -> dict[str, str]:
    return {"Fn::Sub": text}


SECRETS = "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:"
READ_SECRET = {
    "Effect": "Allow",
    "Action": "secretsmanager:GetSecretValue",
    "Resource": sub(SECRETS + "dockerhub-??????"),
}
SECRET_IN_US_EAST_1 = {
    "Effect": "Allow",
    "Action": "secretsmanager:GetSecretValue",
    "Resource": sub("arn:${AWS::Partition}:secretsmanager:us-east-1:${AWS::AccountId}:secret:*"),
}
READ_ANY_SECRET = {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
NOTHING = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}


# --- 1. Pseudo parameters in the placement ------------------------------------------------------


def test_placement_keeps_a_templates_account_and_partition() -> None:
    role = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${TaskExecutionRole}"
    assert Placement.of(role, "${AWS::Region}") == Placement(
        "${AWS::Partition}", "${AWS::Region}", "${AWS::AccountId}"
    )
    # Only a whole field that is one value is kept; a labelled region implies no partition.
    assert Placement.of("arn:a${X}:iam::12${Y}:role/r", "${AWS::Region}") == Placement(
        None, "${AWS::Region}", None
    )
    assert Placement.of("arn:aws:iam::123456789012:role/r", "cn-north-1").partition == "aws"
    assert Placement.of(None, "cn-north-1").partition == "aws-cn"


def test_a_secret_placed_by_pseudo_parameters_matches_only_the_same_values() -> None:
    ref = parse_credentials_parameter("hub")
    assert isinstance(ref, SecretRef)
    placed = ref.resource(Placement("${AWS::Partition}", "${AWS::Region}", "${AWS::AccountId}"))
    same = SECRETS + "hub-??????"
    assert match_resource(same, placed) is Match.YES
    other = "arn:${AWS::Partition}:secretsmanager:${Region}:${AWS::AccountId}:secret:hub-??????"
    assert match_resource(other, placed) is Match.MAYBE
    concrete = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-??????"
    assert match_resource(concrete, placed) is Match.MAYBE


def test_a_template_value_named_like_an_unknown_of_ecs_lint_is_not_that_unknown() -> None:
    # A template parameter called "region" is not the region ecs-lint does not know.
    ref = parse_credentials_parameter("hub")
    assert isinstance(ref, SecretRef)
    unplaced = ref.resource(Placement("aws", None, "123456789012"))
    pattern = "arn:aws:secretsmanager:${region}:123456789012:secret:hub-??????"
    assert match_resource(pattern, unplaced) is Match.MAYBE
    assert match_resource(pattern, Resource.parse(pattern)) is Match.YES


@pytest.mark.parametrize(
    ("operator", "written", "expected"),
    [
        ("StringEquals", "secretsmanager.${AWS::Region}.amazonaws.com", Outcome.ALLOWED),
        ("StringEquals", "ssm.${AWS::Region}.amazonaws.com", Outcome.DENIED),
        ("StringEquals", "secretsmanager.eu-west-1.amazonaws.com", Outcome.CONDITIONAL),
        ("StringLike", "secretsmanager.*.amazonaws.com", Outcome.ALLOWED),
        ("StringNotEquals", "secretsmanager.${AWS::Region}.amazonaws.com", Outcome.DENIED),
        ("StringNotEquals", "secretsmanager.eu-west-1.amazonaws.com", Outcome.CONDITIONAL),
    ],
)
def test_a_condition_on_a_context_value_holding_a_template_value(
    operator: str, written: str, expected: Outcome
) -> None:
    statement = {
        "Effect": "Allow",
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {operator: {"kms:ViaService": written}},
    }
    document = {"Version": "2012-10-17", "Statement": [statement]}
    via = {"kms:ViaService": "secretsmanager.${AWS::Region}.amazonaws.com"}
    request = Request.of("kms:Decrypt", "arn:aws:kms:eu-west-1:123456789012:key/k", via)
    assert evaluate([parse_policy(document, "p")], request).outcome is expected


def test_cdk_log_group_policy_with_pseudo_parameters_is_not_conditional() -> None:
    findings = el2([CDK])
    assert not [f for f in findings if f.rule == "EL204"]  # before: two EL204 on the log group
    (decrypt,) = findings  # the stack's DefaultPolicy still lacks kms:Decrypt
    assert decrypt.rule == "EL205"


def test_a_secret_policy_written_with_pseudo_parameters_allows_the_task(tmp_path: Path) -> None:
    decrypt = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
    path = write(tmp_path / "stack.json", stack(policy=[READ_SECRET, decrypt]))
    assert el2([path]) == []
    # --region does not override the template's own ${AWS::Region}.
    assert el2([path], region="eu-west-1") == []


def test_a_policy_for_another_region_is_still_only_conditional(tmp_path: Path) -> None:
    path = write(tmp_path / "stack.json", stack(policy=[SECRET_IN_US_EAST_1]))
    (finding,) = el2([path])
    assert finding.rule == "EL204"
    assert "the unresolved value ${AWS::Region}" in finding.message


def test_a_policy_for_another_secret_is_denied(tmp_path: Path) -> None:
    path = write(tmp_path / "stack.json", stack(policy=[READ_SECRET], secret_name="other"))
    (finding,) = el2([path])
    assert finding.rule == "EL203"
    assert "secret:other-??????" in finding.message


def test_a_kms_via_service_condition_with_the_stacks_region(tmp_path: Path) -> None:
    text = WEB_STACK.read_text(encoding="utf-8")
    decrypt = (
        "              - Effect: Allow\n"
        "                Action: kms:Decrypt\n"
        "                Resource: !GetAtt SecretsKey.Arn\n"
        "                Condition:\n"
        "                  StringEquals:\n"
        "                    kms:ViaService: !Sub SERVICE.${AWS::Region}.amazonaws.com\n"
    )
    fixed = text.replace("secret:dockerhub\n", "secret:dockerhub-??????\n" + decrypt)
    good = write(tmp_path / "good" / "stack.yaml", fixed.replace("SERVICE", "secretsmanager"))
    bad = write(tmp_path / "bad" / "stack.yaml", fixed.replace("SERVICE", "ssm"))
    assert el2([good]) == []
    (finding,) = el2([bad])
    assert finding.rule == "EL205"


# --- 2. Labels are scoped to their template or module -------------------------------------------


def test_two_stacks_with_the_same_logical_ids_are_each_checked_against_their_own_role(
    tmp_path: Path,
) -> None:
    good = stack(policy=[READ_ANY_SECRET])
    bad = stack(policy=[NOTHING])
    write(tmp_path / "a-good" / "stack.json", good)
    write(tmp_path / "b-bad" / "stack.json", bad)
    findings = el2([tmp_path])
    assert rules_at(findings) == [("EL203", "b-bad", 1)]  # before: nothing (a-good's role won)
    assert "b-bad" in findings[0].message  # "policies from .../b-bad/stack.json"
    # And the other way round: a good stack read second is not judged by a bad one's role.
    shutil.rmtree(tmp_path / "a-good")
    write(tmp_path / "c-good" / "stack.json", good)
    assert rules_at(el2([tmp_path])) == [("EL203", "b-bad", 1)]


def test_a_label_never_names_another_templates_role(tmp_path: Path) -> None:
    write(tmp_path / "a" / "stack.json", stack(policy=[READ_ANY_SECRET]))
    orphan = write(tmp_path / "b" / "stack.json", stack(policy=[], define_role=False))
    findings = lint_paths([str(tmp_path)], Settings(select=("EL2",))).findings
    assert rules_at(findings) == [("EL207", "b", 1)]
    assert "not resolved statically" in findings[0].message
    assert findings[0].span.path == str(orphan)


def test_an_unknown_role_is_reported_once_per_template(tmp_path: Path) -> None:
    unknown = stack(policy=[], define_role=False)
    write(tmp_path / "a" / "stack.json", unknown)
    write(tmp_path / "b" / "stack.json", unknown)
    assert rules_at(el2([tmp_path])) == [("EL207", "a", 1), ("EL207", "b", 1)]


def test_role_names_and_arns_stay_global_but_the_own_template_wins(tmp_path: Path) -> None:
    by_name = sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:role/shared-exec")
    write(tmp_path / "a" / "stack.json", stack(policy=[NOTHING], role_name="shared-exec"))
    write(
        tmp_path / "b" / "stack.json",
        stack(policy=[READ_ANY_SECRET], role_name="shared-exec", execution_role=by_name),
    )
    # b's task names the role by its name: b's own definition answers, not a's (found first).
    assert rules_at(el2([tmp_path])) == [("EL203", "a", 1)]
    # A template without the role finds it by name in another one ...
    write(
        tmp_path / "b" / "stack.json",
        stack(policy=[], define_role=False, execution_role=by_name),
    )
    findings = el2([tmp_path / "b", tmp_path / "a"])
    assert rules_at(findings) == [("EL203", "a", 1), ("EL203", "b", 1)]
    assert f"policies from {tmp_path / 'a' / 'stack.json'}" in findings[1].message
    # ... but that template's ${AWS::Region} is not this one's: a policy written with it is
    # only conditional for a task of another template, and allows its own template's task.
    write(tmp_path / "a" / "stack.json", stack(policy=[READ_SECRET], role_name="shared-exec"))
    findings = el2([tmp_path / "b", tmp_path / "a"])
    assert rules_at(findings) == [("EL204", "b", 1)]


def test_two_terraform_environments_keep_their_own_roles_and_secrets(tmp_path: Path) -> None:
    production = write(tmp_path / "production" / "main.tf", EXAMPLE_TF.read_text())
    staging_text = EXAMPLE_TF.read_text().replace("  kms_key_id = aws_kms_key.secrets.arn\n", "")
    write(tmp_path / "staging" / "main.tf", staging_text)
    findings = el2([tmp_path])
    # Only production's secret has a customer-managed key; before, staging was judged by it.
    assert rules_at(findings) == [("EL205", "production", 61)]
    assert f"known from {production}:8" in findings[0].message


def test_the_policy_command_prints_one_policy_per_template(tmp_path: Path) -> None:
    write(tmp_path / "alpha" / "stack.json", stack(policy=[NOTHING], secret_name="alpha"))
    write(tmp_path / "beta" / "stack.json", stack(policy=[NOTHING], secret_name="beta"))
    run = run_cli("policy", str(tmp_path))
    assert run.status == 0
    documents = json.loads(run.stdout)
    # Before: one document for both tasks, holding only alpha's secret.
    alpha, beta = (
        f"${{TaskExecutionRole.Arn}} ({tmp_path / name / 'stack.json'})"
        for name in ("alpha", "beta")
    )
    assert list(documents) == [alpha, beta]
    for label, name in ((alpha, "alpha"), (beta, "beta")):
        (statement,) = documents[label]["Statement"]
        assert statement["Resource"].endswith(f":secret:{name}-??????")


# --- 3. Private ECR images on a template's host --------------------------------------------------


def test_ecr_hosts_with_template_values() -> None:
    host = "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}"
    assert ecr_private_parts(host) is None  # callers that compare regions never see labels
    assert ecr_private_parts(host, labels=True) == ("${AWS::AccountId}", "${AWS::Region}")
    mixed = "123456789012.DKR.ECR.${data.aws_region.current.name}.amazonaws.com"
    assert ecr_private_parts(mixed, labels=True) == (
        "123456789012",
        "${data.aws_region.current.name}",
    )
    assert ecr_private_parts("${A}.dkr.ecr.${B}.example.com", labels=True) is None
    assert ecr_private_parts("${A}.registry.${B}.amazonaws.com", labels=True) is None


ECR_IMAGE = "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/app:1.0"
ECR_TOKEN = {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}


def ecr_pull(repository: str) -> dict[str, object]:
    return {
        "Effect": "Allow",
        "Action": [
            "ecr:BatchCheckLayerAvailability",
            "ecr:GetDownloadUrlForLayer",
            "ecr:BatchGetImage",
        ],
        "Resource": sub(
            f"arn:${{AWS::Partition}}:ecr:${{AWS::Region}}:${{AWS::AccountId}}:repository/{repository}"
        ),
    }


def test_el211_checks_an_ecr_image_on_a_template_host(tmp_path: Path) -> None:
    def lint(policy: Sequence[Mapping[str, object]]) -> list[Finding]:
        text = stack(policy=policy, image={"Fn::Sub": ECR_IMAGE}, credentials=False)
        return el2([write(tmp_path / "stack.json", text)])

    assert lint([ECR_TOKEN, ecr_pull("app")]) == []
    missing = lint([ECR_TOKEN, ecr_pull("other")])  # before: no finding at all
    assert {f.rule for f in missing} == {"EL211"}
    assert "repository/app" in missing[0].message
    assert "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/app" in (
        missing[0].message
    )


def test_el201_an_ecr_image_on_a_template_host_needs_an_execution_role(tmp_path: Path) -> None:
    text = stack(policy=[], image={"Fn::Sub": ECR_IMAGE}, credentials=False)
    template = json.loads(text)
    del template["Resources"]["Task"]["Properties"]["ExecutionRoleArn"]
    path = write(tmp_path / "stack.json", json.dumps(template))
    findings = el2([path])
    assert [f.rule for f in findings] == ["EL201"]
    assert "private ECR image on Fargate" in findings[0].message


def test_the_generated_policy_pulls_cdk_images() -> None:
    run = run_cli("policy", str(CDK), "--format", "cloudformation")
    assert run.status == 0
    assert "Sid: EcrPullImages" in run.stdout  # before: no ECR statements at all
    prefix = '!Sub "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/'
    assert prefix + '${ApiRepository5D2A5A24}"' in run.stdout
    assert prefix + 'cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}"' in (
        run.stdout
    )
    logs = '!Sub "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:'
    assert logs in run.stdout  # the stack's partition and account, not "aws" and "*"


# --- 4. The suggested resource names the secret by its name -------------------------------------


def test_el203_names_the_templates_secret_by_name_everywhere() -> None:
    (finding,) = [f for f in el2([WEB_STACK]) if f.rule == "EL203"]
    wanted = SECRETS + "dockerhub-??????"
    assert f"write '{wanted}'" in finding.message
    assert finding.fix is not None and finding.fix.suggestion is not None
    (statement,) = finding.fix.suggestion["policy_document"]["Statement"]
    assert statement["Resource"] == wanted
    assert "${DockerHubSecret}-??????" not in finding.message  # before: the label, suffixed


def test_el203_keeps_the_reference_of_a_secret_the_template_does_not_name(tmp_path: Path) -> None:
    path = write(tmp_path / "stack.json", stack(policy=[NOTHING], secret_name=None))
    (finding,) = el2([path])
    assert finding.rule == "EL203"
    assert finding.fix is not None and finding.fix.suggestion is not None
    (statement,) = finding.fix.suggestion["policy_document"]["Statement"]
    assert statement["Resource"] == "${DockerHubSecret}"  # the secret's ARN, as Ref gives it
    assert "6-character suffix" not in finding.message
