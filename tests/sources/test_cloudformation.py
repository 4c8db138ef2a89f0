"""The CloudFormation source: templates in YAML and JSON (CDK output too) into the model, with
each value at its node, and the execution-role checks proved from the template's own IAM."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_lint.engine import lint_paths
from ecs_lint.model import Document, ImageRef, InvalidRef, RegistryKind, UnresolvedRef
from ecs_lint.settings import Settings
from ecs_lint.sources import cloudformation, formats_for
from ecs_lint.textio import SourceText
from support import codes, reported_as, run_cli

FIXTURES = Path(__file__).parent.parent / "fixtures" / "cloudformation"
STACK = FIXTURES / "web-stack.yaml"
CDK = FIXTURES / "cdk.out" / "ApiStack.template.json"


def parse_text(text: str, path: str = "stack.yaml", **parameters: str) -> Document:
    return cloudformation.parse(SourceText(path, text), Settings(parameters=parameters))


def parse_file(path: Path, **parameters: str) -> tuple[Document, str]:
    text = path.read_text(encoding="utf-8")
    return parse_text(text, str(path), **parameters), text


def images(document: Document, text: str) -> list[tuple[int, int, str, str, str | None]]:
    """(line, column, text at the span, what it resolves to, container) per image use."""
    rows = []
    for use in document.images:
        ref = use.reference
        resolved = str(ref) if isinstance(ref, ImageRef) else repr(ref)
        rows.append(
            (
                use.span.line,
                use.span.column,
                text[use.span.start : use.span.end],
                resolved,
                use.container,
            )
        )
    return rows


# --- The hand-written YAML stack --------------------------------------------------------------


def test_yaml_stack_images_resolved_at_their_nodes() -> None:
    document, text = parse_file(STACK)
    assert document.problems == []
    assert images(document, text) == [
        (90, 18, "!Sub docker.io/library/nginx:${NginxTag}", "docker.io/library/nginx:1.27", "web"),
        (
            100,
            18,
            "!Ref WorkerImage",
            "UnresolvedRef(original='${WorkerImage}', variables=('WorkerImage',))",
            "worker",
        ),
        # Fn::If on a condition the template leaves unknown (the region): both branches.
        (
            102,
            34,
            "prom/statsd-exporter:v0.26.0",
            "docker.io/prom/statsd-exporter:v0.26.0",
            "metrics",
        ),
        (
            102,
            66,
            "public.ecr.aws/docker/library/busybox:1.36",
            "public.ecr.aws/docker/library/busybox:1.36",
            "metrics",
        ),
        # Fn::If on a condition the Default decides (staging): the debug container is there.
        (107, 20, "busybox:latest", "docker.io/library/busybox:latest", "debug"),
    ]


def test_both_branches_give_two_task_variants_and_each_image_once() -> None:
    document, _ = parse_file(STACK)
    assert len(document.tasks) == 2
    metrics = [
        str(container.image.reference)
        for task in document.tasks
        for container in task.containers
        if container.name == "metrics" and container.image is not None
    ]
    assert sorted(metrics) == [
        "docker.io/prom/statsd-exporter:v0.26.0",
        "public.ecr.aws/docker/library/busybox:1.36",
    ]
    assert [use.container for use in document.images].count("metrics") == 2


def test_parameters_override_defaults_and_decide_conditions() -> None:
    document, text = parse_file(
        STACK,
        Environment="production",
        NginxTag="1.26",
        WorkerImage="public.ecr.aws/w/x:1",
        **{"AWS::Region": "eu-west-1"},
    )
    assert [row[3] for row in images(document, text)] == [
        "docker.io/library/nginx:1.26",
        "public.ecr.aws/w/x:1",
        "docker.io/prom/statsd-exporter:v0.26.0",
    ]  # in production the debug container is gone; in Europe only one metrics branch
    (task,) = document.tasks
    assert task.family == "web-production"


def test_task_fields_and_the_role_secret_and_service_defined_beside_it() -> None:
    document, _ = parse_file(STACK)
    task = document.tasks[0]
    assert task.requires_compatibilities == ("FARGATE",)
    assert task.network_mode == "awsvpc"
    assert task.execution_role is not None
    assert task.execution_role.value == "${TaskExecutionRole.Arn}"
    web = task.containers[0]
    assert web.credentials_parameter is not None
    assert web.credentials_parameter.value == "${DockerHubSecret}"
    assert web.image is not None and web.image.authenticated
    assert web.log is not None
    assert web.log.options["awslogs-group"].value == "/ecs/web-staging"
    (role,) = document.roles
    assert "${TaskExecutionRole.Arn}" in role.keys
    assert role.unresolved == ()
    (inline,) = role.inline_policies
    assert inline.name == "read-dockerhub-credentials"
    statement = inline.document["Statement"][0]  # type: ignore[index]
    assert statement["Resource"] == (
        "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:dockerhub"
    )
    assert [arn.value for arn in role.managed_policy_arns] == [
        "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
    ]
    (secret,) = document.secrets
    assert secret.name == "dockerhub"
    assert "${DockerHubSecret}" in secret.keys
    assert secret.kms_key is not None and secret.kms_key.value == "${SecretsKey}"
    (service,) = document.services
    assert service.desired_count is not None and service.desired_count.value == "3"
    assert service.launch_type == "FARGATE"
    assert service.tasks == tuple(document.tasks)


def test_metadata_suppression_is_scoped_to_its_resource() -> None:
    document, text = parse_file(STACK)
    (suppression,) = document.suppressions
    assert suppression.codes == ("EL105",)
    assert suppression.scope is not None
    assert text[suppression.scope.start :].startswith("WebTask:")
    assert text[suppression.span.start : suppression.span.end] == "[EL105]"


def test_malformed_metadata_is_reported() -> None:
    text = STACK.read_text().replace("ignore: [EL105]", "ignore: {EL105: yes}")
    document = parse_text(text)
    assert [(reported_as(p), p.span.line) for p in document.problems] == [("EL901", 80)]


# --- End to end: the execution role proved from the template ---------------------------------


def test_yaml_stack_end_to_end() -> None:
    rules = ("EL101", "EL102", "EL103", "EL105", "EL203", "EL205")
    findings = lint_paths([str(STACK)], Settings(select=rules)).findings
    assert [(f.rule, f.span.line, f.span.column) for f in findings] == [
        ("EL102", 90, 18),
        ("EL203", 92, 35),  # the inline policy names the secret without its suffix
        ("EL205", 92, 35),  # customer-managed key and no kms:Decrypt
        ("EL103", 100, 18),
        ("EL101", 102, 34),
        ("EL101", 107, 20),  # EL105 on the same image is suppressed by the resource metadata
    ]
    el203 = next(f for f in findings if f.rule == "EL203")
    assert "6-character suffix" in el203.message


def test_a_policy_with_the_suffix_wildcard_and_kms_decrypt_passes(tmp_path: Path) -> None:
    fixed = STACK.read_text().replace(
        "secret:dockerhub\n",
        "secret:dockerhub-??????\n"
        "              - Effect: Allow\n"
        "                Action: kms:Decrypt\n"
        "                Resource: !GetAtt SecretsKey.Arn\n",
    )
    path = tmp_path / "web-stack.yaml"
    path.write_text(fixed)
    found = codes(lint_paths([str(path)], Settings()).findings)
    assert "EL203" not in found and "EL205" not in found
    assert "EL102" in found


def test_an_unknown_role_is_el207_not_a_guess(tmp_path: Path) -> None:
    text = (
        STACK.read_text()
        .replace(
            "ExecutionRoleArn: !GetAtt TaskExecutionRole.Arn", "ExecutionRoleArn: !Ref RoleParam"
        )
        .replace("Parameters:\n", "Parameters:\n  RoleParam:\n    Type: String\n")
    )
    path = tmp_path / "stack.yaml"
    path.write_text(text)
    found = codes(lint_paths([str(path)], Settings()).findings)
    assert "EL207" in found
    assert "EL203" not in found


def test_parameter_option_on_the_command_line() -> None:
    before = run_cli(str(STACK), "-o", "concise")
    assert f"{STACK}:100:18: EL103" in before.stdout
    run = run_cli(str(STACK), "-o", "concise", "--parameter", "WorkerImage=busybox:1.36")
    assert run.status == 1
    assert f"{STACK}:100:18: EL101 docker.io/library/busybox:1.36" in run.stdout
    assert "EL103" not in run.stdout
    bad = run_cli(str(STACK), "--parameter", "no-equals-sign")
    assert bad.status == 2
    assert "--parameter expects NAME=VALUE" in bad.stderr


# --- CDK output -----------------------------------------------------------------------------------


def test_cdk_ecr_repository_image_is_private_ecr_without_the_account() -> None:
    document, text = parse_file(CDK)
    assert document.problems == []
    by_container = {use.container: use for use in document.images}
    api = by_container["api"].reference
    assert isinstance(api, ImageRef)
    assert api.registry is RegistryKind.ECR_PRIVATE
    assert api.domain == "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}"
    assert (api.path, api.tag) == ("${ApiRepository5D2A5A24}", "v1.4.2")
    assets = by_container["migrations"].reference
    assert isinstance(assets, ImageRef) and assets.registry is RegistryKind.ECR_PRIVATE
    proxy = by_container["proxy"]
    assert str(proxy.reference) == "docker.io/library/nginx:latest"
    assert proxy.authenticated
    assert text[proxy.span.start : proxy.span.end] == "nginx"
    assert proxy.edit_span == proxy.span  # a plain string: a fix may rewrite it


def test_cdk_default_policy_attaches_to_the_execution_role() -> None:
    document, _ = parse_file(CDK)
    roles = {role.keys[0]: role for role in document.roles}
    execution = roles["${ApiTaskDefExecutionRole4C1D2E3F.Arn}"]
    (policy,) = execution.inline_policies
    assert policy.name == "ApiTaskDefExecutionRoleDefaultPolicy5B8C9D0E"
    resources = [s["Resource"] for s in policy.document["Statement"]]  # type: ignore[index]
    assert resources[3] == "${DockerHubCredentials7A1B3C4D}"
    assert resources[2] == (
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
        "${ApiTaskDefapiLogGroup2E4B1F7A}:*"
    )
    assert roles["${ApiTaskDefTaskRoleB3E54E3A.Arn}"].inline_policies == []


ATTACHED_POLICIES = """\
Parameters:
  ExtraPolicies: {Type: CommaDelimitedList}
  PolicyText: {Type: String}
Resources:
  Named:
    Type: AWS::IAM::Role
    Properties:
      RoleName: exec-named
      AssumeRolePolicyDocument: {}
  Referenced:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      ManagedPolicyArns: !Ref ExtraPolicies
  ByName:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: exec-named
      PolicyName: by-name
      PolicyDocument: {Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]}
  Shared:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Roles: [!Ref Named, exec-named]
      PolicyDocument: {Version: "2012-10-17", Statement: []}
  Unknown:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: unknown
      Roles: [!Ref Referenced]
      PolicyDocument: !Ref PolicyText
"""


def test_policies_attach_to_roles_named_by_reference_or_name() -> None:
    document = parse_text(ATTACHED_POLICIES)
    named, referenced = document.roles
    assert [policy.name for policy in named.inline_policies] == ["by-name"]
    assert [arn.value for arn in named.managed_policy_arns] == ["${Shared}"]  # once
    assert named.unresolved == ()
    assert referenced.inline_policies == [] and referenced.managed_policy_arns == []
    assert referenced.unresolved == ("ManagedPolicyArns (ExtraPolicies)", "policy unknown")


def test_cdk_template_end_to_end() -> None:
    findings = lint_paths([str(CDK.parent)], Settings()).findings
    found = {(f.rule, f.span.line) for f in findings}
    assert ("EL102", 163) in found  # nginx from Docker Hub with credentials
    assert ("EL205", 166) in found  # the secret's key is the stack's own, no kms:Decrypt
    assert not any(f.rule in ("EL101", "EL103", "EL203") for f in findings)


SECRET_REF = FIXTURES / "secret-ref-value-from.yaml"
SECRET_RULES = ("--select", "EL210,EL213")


def test_value_from_a_stack_secret_by_ref_needs_secrets_manager_not_ssm() -> None:
    """``Ref`` of an ``AWS::SecretsManager::Secret`` is its ARN; the role that reads only
    parameters cannot read it."""
    run = run_cli(*SECRET_RULES, str(SECRET_REF), "-o", "json")
    assert run.status == 1, run.stderr
    (finding,) = json.loads(run.stdout)
    assert (finding["rule"], finding["line"]) == ("EL210", 72)
    assert (
        "secretsmanager:GetSecretValue on arn:${AWS::Partition}:secretsmanager:${AWS::Region}:"
        "${AWS::AccountId}:secret:db-password-?????? is denied" in finding["message"]
    )
    assert "ssm:GetParameters" not in finding["message"]


def test_value_from_a_stack_secret_by_ref_that_its_role_may_read_passes() -> None:
    run = run_cli(*SECRET_RULES, str(SECRET_REF), "-o", "json")
    assert [f for f in json.loads(run.stdout) if f["line"] == 59] == []  # neither EL210 nor EL213


@pytest.mark.parametrize("value_from", ["!Sub '${DbSecret}:password::'", "!Ref DbSecret"])
def test_value_from_a_stack_secret_with_a_json_key_is_that_secret(
    tmp_path: Path, value_from: str
) -> None:
    template = SECRET_REF.read_text().replace(
        "ValueFrom: !Ref DbSecret", f"ValueFrom: {value_from}"
    )
    path = tmp_path / "stack.yaml"
    path.write_text(template)
    findings = json.loads(run_cli(*SECRET_RULES, str(path), "-o", "json").stdout)
    # The role that may read the secret passes (no EL210, no EL213); the other one cannot.
    assert [(f["rule"], f["line"]) for f in findings] == [("EL210", 72)]
    assert "secret:db-password-?????? is denied" in findings[0]["message"]


# --- Formats, bad input -------------------------------------------------------------------------


def test_recognised_by_content_under_every_name_pattern() -> None:
    yaml_text = STACK.read_text()
    json_text = CDK.read_text()
    for name, text in [
        ("stack.yaml", yaml_text),
        ("stack.yml", yaml_text),
        ("stack.template", yaml_text),
        ("ApiStack.template.json", json_text),
        ("anything.json", json_text),
    ]:
        assert [f.name for f in formats_for(name, text)][:1] == ["cloudformation"], name
    assert formats_for("values.yaml", "image: nginx\nResources: {}\n") == []
    assert [
        f.name for f in formats_for("t.json", '{"Resources": {"A": {"Type": "AWS::S3::Bucket"}}}')
    ] == ["cloudformation"]


def test_invalid_yaml_and_json_are_el900_at_the_position() -> None:
    document = parse_text("AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n")
    ((code, line),) = [(reported_as(p), p.span.line) for p in document.problems]
    assert code == "EL900" and line == 3
    document = parse_text(
        '{"AWSTemplateFormatVersion": "2010-09-09",\n "Resources": {,}}', "t.json"
    )
    assert [(reported_as(p), p.span.line, p.span.column) for p in document.problems] == [
        ("EL900", 2, 16)
    ]


def test_a_comment_mentioning_a_template_is_not_one() -> None:
    document = parse_text("# AWSTemplateFormatVersion: see docs\nservices: {}\n")
    assert document.problems == [] and document.tasks == []


def test_wrong_shapes_are_el902_in_template_terms() -> None:
    text = (
        "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n"
        "      ContainerDefinitions:\n        - Name: a\n          Image: [nginx]\n"
        "        - Image: !Ref Unknown\n"
    )
    document = parse_text(text)
    assert [(reported_as(p), p.message, p.span.line) for p in document.problems] == [
        (
            "EL902",
            "Resources.T.Properties.ContainerDefinitions[0].Image must be a string, got array",
            7,
        ),
        (
            "EL902",
            'Resources.T.Properties.ContainerDefinitions[1] has no "Name", which ECS requires',
            8,
        ),
    ]


def test_an_unresolvable_container_list_is_an_unresolved_image_not_silence() -> None:
    text = (
        "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n"
        "      ContainerDefinitions:\n"
        "        Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://b/c.yaml}}\n"
    )
    document = parse_text(text)
    (use,) = document.images
    assert isinstance(use.reference, UnresolvedRef)
    assert document.problems == []


def test_a_known_bad_reference_in_an_ecr_host_is_invalid() -> None:
    text = (
        "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n"
        "      ContainerDefinitions:\n        - Name: a\n"
        '          Image: !Sub "${AWS::AccountId}.dkr.ecr.us-east-1.amazonaws.com/App:1"\n'
    )
    (use,) = parse_text(text).images
    assert isinstance(use.reference, InvalidRef)


def test_yaml_tags_that_are_not_cloudformation_are_never_constructed() -> None:
    text = (
        "Resources:\n  T:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n"
        "      ContainerDefinitions:\n        - Name: a\n"
        "          Image: !!python/object/apply:os.system [echo pwned]\n"
    )
    document = parse_text(text)
    assert all(not isinstance(use.reference, ImageRef) for use in document.images)


_SCALARS = st.sampled_from(
    [
        "nginx",
        "!Ref X",
        "!Sub ${AWS::Region}",
        "!GetAtt A.B",
        "[",
        "{",
        "!If [C, a, b]",
        "''",
        "!Select [1, !Split [',', 'a,b']]",
        "!FindInMap [M, !Ref X, y]",
        "~",
        "&a x",
        "*a",
        "|-\n x",
    ]
)


@settings(max_examples=200)
@given(st.lists(_SCALARS, min_size=1, max_size=8), st.text(max_size=40))
def test_parse_never_raises(values: list[str], noise: str) -> None:
    lines = [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Conditions: {C: !Equals [!Ref X, y]}",
        "Mappings: {M: {a: {y: z}}}",
        "Resources:",
        "  T:",
        "    Type: AWS::ECS::TaskDefinition",
        "    Properties:",
        "      ContainerDefinitions:",
    ]
    for value in values:
        lines += ["        - Name: c", f"          Image: {value}"]
    for text in ("\n".join(lines) + "\n", "\n".join(lines) + noise):
        document = parse_text(text)
        assert isinstance(document, Document)


def test_unused_metadata_suppression_is_el901_at_the_metadata(tmp_path: Path) -> None:
    text = STACK.read_text().replace("ignore: [EL105]", "ignore: [EL105, EL213]")
    path = tmp_path / "stack.yaml"
    path.write_text(text)
    findings = lint_paths([str(path)], Settings()).findings
    (unused,) = [f for f in findings if f.rule == "EL901"]
    assert unused.span.line == 80
    assert "EL213" in unused.message


@settings(max_examples=100)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.sampled_from(["x", "AWS::Region", "C"]),
        lambda children: (
            st.lists(children, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "Ref",
                        "Fn::Sub",
                        "Fn::Join",
                        "Fn::If",
                        "Fn::Select",
                        "Fn::Split",
                        "Fn::GetAtt",
                        "Fn::FindInMap",
                        "Condition",
                        "Name",
                        "Image",
                        "ContainerDefinitions",
                    ]
                ),
                children,
                max_size=3,
            )
        ),
        max_leaves=25,
    )
)
def test_json_template_parse_never_raises(body: object) -> None:
    template = {
        "Conditions": {"C": {"Fn::Equals": [{"Ref": "AWS::Region"}, "x"]}},
        "Resources": {
            "T": {
                "Type": "AWS::ECS::TaskDefinition",
                "Properties": {"ContainerDefinitions": [{"Name": "c", "Image": body}]},
            },
            "R": {"Type": "AWS::IAM::Role", "Properties": {"Policies": body}},
            "S": {"Type": "AWS::ECS::Service", "Properties": {"DesiredCount": body}},
        },
    }
    document = parse_text(json.dumps(template), "t.json")
    assert isinstance(document, Document)
