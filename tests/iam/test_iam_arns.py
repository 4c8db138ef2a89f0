"""Secret, parameter and key references as task definitions write them."""

from __future__ import annotations

import pytest

from ecs_lint.iam.arns import (
    BadReference,
    KeyForm,
    ParameterForm,
    ParameterRef,
    Placement,
    SecretForm,
    SecretRef,
    SecretValueRef,
    UnknownValueFrom,
    parse_credentials_parameter,
    parse_kms_key,
    parse_value_from,
    role_name,
)

ACCOUNT = "123456789012"
SECRET = f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret"


@pytest.mark.parametrize(
    ("text", "form", "name", "suffix"),
    [
        (f"{SECRET}:dockerhub-AbCdEf", SecretForm.FULL_ARN, "dockerhub", "AbCdEf"),
        (f"{SECRET}:team/docker-hub-a1B2c3", SecretForm.FULL_ARN, "team/docker-hub", "a1B2c3"),
        (f"{SECRET}:dockerhub", SecretForm.PARTIAL_ARN, "dockerhub", None),
        (f"{SECRET}:docker-hub", SecretForm.PARTIAL_ARN, "docker-hub", None),
        ("dockerhub", SecretForm.NAME, "dockerhub", None),
        ("team/docker_hub+x=y.z@w", SecretForm.NAME, "team/docker_hub+x=y.z@w", None),
        ("${DockerHubSecret}", SecretForm.UNRESOLVED, "${DockerHubSecret}", None),
    ],
)
def test_credentials_parameter_forms(
    text: str, form: SecretForm, name: str, suffix: str | None
) -> None:
    ref = parse_credentials_parameter(text)
    assert isinstance(ref, SecretRef)
    assert (ref.form, ref.name, ref.suffix) == (form, name, suffix)


def test_a_name_ending_like_a_suffix_is_read_as_a_full_arn_as_secrets_manager_does() -> None:
    ref = parse_credentials_parameter(f"{SECRET}:my-secret")
    assert isinstance(ref, SecretRef)
    assert (ref.form, ref.name, ref.suffix) == (SecretForm.FULL_ARN, "my", "secret")


@pytest.mark.parametrize(
    ("text", "kind", "words"),
    [
        (f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/dockerhub", "ssm-parameter", "SSM Parameter"),
        ("/aws/reference/secretsmanager/dockerhub", "ssm-parameter", "SSM Parameter"),
        (f"arn:aws:s3:::{ACCOUNT}-bucket", "wrong-service", "'s3' service"),
        ("arn:aws:secretsmanager:eu-west-1", "malformed", "not a well-formed ARN"),
        (f"arn:aws:secretsmanager:europe:{ACCOUNT}:secret:x-AbCdEf", "malformed", "region"),
        ("arn:aws:secretsmanager:eu-west-1:1234:secret:x-AbCdEf", "malformed", "12-digit"),
        (
            f"arn:amazon:secretsmanager:eu-west-1:{ACCOUNT}:secret:x-AbCdEf",
            "malformed",
            "partition",
        ),
        (f"arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:dockerhub-AbCdEf", "malformed", ":secret:"),
        (f"{SECRET}:dockerhub-AbCdEf:username::", "malformed", "json-key"),
        (f"{SECRET}:docker hub", "malformed", "does not allow"),
        ("docker hub", "malformed", "neither"),
        ("", "malformed", "empty"),
    ],
)
def test_bad_credentials_parameters(text: str, kind: str, words: str) -> None:
    ref = parse_credentials_parameter(text)
    assert isinstance(ref, BadReference)
    assert ref.kind == kind
    assert words in ref.reason


@pytest.mark.parametrize(
    ("text", "key", "stage", "version"),
    [
        (f"{SECRET}:db-AbCdEf", None, None, None),
        (f"{SECRET}:db-AbCdEf:password::", "password", None, None),
        (f"{SECRET}:db-AbCdEf::AWSPREVIOUS:", None, "AWSPREVIOUS", None),
        (f"{SECRET}:db-AbCdEf:::0a1b2c3d", None, None, "0a1b2c3d"),
        (f"{SECRET}:db-AbCdEf:password:AWSCURRENT:", "password", "AWSCURRENT", None),
    ],
)
def test_value_from_secrets(
    text: str, key: str | None, stage: str | None, version: str | None
) -> None:
    ref = parse_value_from(text)
    assert isinstance(ref, SecretValueRef)
    assert ref.secret.text == f"{SECRET}:db-AbCdEf"
    assert (ref.json_key, ref.version_stage, ref.version_id) == (key, stage, version)


@pytest.mark.parametrize(
    ("text", "name", "form"),
    [
        (f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/prod/db", "/prod/db", ParameterForm.ARN),
        (f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/db", "db", ParameterForm.ARN),
        ("/prod/db", "/prod/db", ParameterForm.NAME),
        ("db_password", "db_password", ParameterForm.NAME),
    ],
)
def test_value_from_parameters(text: str, name: str, form: ParameterForm) -> None:
    ref = parse_value_from(text)
    assert isinstance(ref, ParameterRef)
    assert (ref.name, ref.form) == (name, form)


def test_a_template_value_naming_a_secret_is_that_secret_as_in_repository_credentials() -> None:
    ref = parse_value_from("${DbSecret}", names_secret=True)
    assert isinstance(ref, SecretValueRef)
    assert ref.secret == parse_credentials_parameter("${DbSecret}")
    # The Ref of a parameter the template defines is that parameter; of anything else
    # (a template parameter holding a secret's ARN...), its service is not known.
    assert isinstance(parse_value_from("${DbSecret}", names_parameter=True), ParameterRef)
    assert parse_value_from("${DbSecret}") == UnknownValueFrom("${DbSecret}")
    assert parse_value_from("${Prefix}/db") == UnknownValueFrom("${Prefix}/db")
    assert isinstance(parse_value_from("/app/${Env}/db"), ParameterRef)  # a name, certainly
    plain = parse_value_from("db", names_secret=True)  # a name is never a secret's ARN
    assert isinstance(plain, ParameterRef)


def test_a_template_value_naming_a_secret_may_carry_a_json_key() -> None:
    ref = parse_value_from("${DbSecret}:password::", names_secret=True)
    assert isinstance(ref, SecretValueRef)
    assert ref.secret == parse_credentials_parameter("${DbSecret}")
    assert (ref.json_key, ref.version_stage, ref.version_id) == ("password", None, None)
    wrong = parse_value_from("${DbSecret}:password", names_secret=True)
    assert isinstance(wrong, BadReference) and "exactly three" in wrong.reason
    # Another template value after the first leaves it unknown: not read as the secret.
    assert not isinstance(
        parse_value_from("${DbSecret}${Suffix}", names_secret=True), SecretValueRef
    )


def test_parameter_arns_drop_the_leading_slash_of_hierarchical_names() -> None:
    ref = parse_value_from("/prod/db")
    assert isinstance(ref, ParameterRef)
    resource = ref.resource(Placement("aws", "eu-west-1", ACCOUNT))
    assert str(resource) == f"arn:aws:ssm:eu-west-1:{ACCOUNT}:parameter/prod/db"


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (f"{SECRET}:db-AbCdEf:password:AWSCURRENT:0a1b", "both a version stage"),
        (f"{SECRET}:db-AbCdEf:password", "ECS expects either none or exactly three"),
        (f"{SECRET}:db-AbCdEf:password:AWSCURRENT", "2 field(s)"),
        (f"{SECRET}:db-AbCdEf:a:b:c:d", "4 field(s)"),
        (f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/abc", "'kms' service"),
        (f"arn:aws:ssm:eu-west-1:{ACCOUNT}:document/x", "':parameter/NAME'"),
        ("prod/db", "starts with '/'"),
        ("db password", "not a valid SSM parameter name"),
        ("arn:aws:ssm", "not a well-formed ARN"),
    ],
)
def test_bad_value_from(text: str, words: str) -> None:
    ref = parse_value_from(text)
    assert isinstance(ref, BadReference)
    assert words in ref.reason


def test_placeholders_pass_validation_and_stay_unknown() -> None:
    text = "arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:hub-AbCdEf"
    ref = parse_credentials_parameter(text)
    assert isinstance(ref, SecretRef) and ref.form is SecretForm.FULL_ARN
    assert not ref.resource().is_exact


@pytest.mark.parametrize(
    ("text", "form", "aws_managed"),
    [
        ("1234abcd-12ab-34cd-56ef-1234567890ab", KeyForm.KEY_ID, False),
        (f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd", KeyForm.KEY_ARN, False),
        ("alias/registry", KeyForm.ALIAS, False),
        ("alias/aws/secretsmanager", KeyForm.ALIAS, True),
        (f"arn:aws:kms:eu-west-1:{ACCOUNT}:alias/aws/ssm", KeyForm.ALIAS_ARN, True),
    ],
)
def test_kms_keys(text: str, form: KeyForm, aws_managed: bool) -> None:
    key = parse_kms_key(text)
    assert not isinstance(key, BadReference)
    assert (key.form, key.aws_managed) == (form, aws_managed)


def test_key_id_resource_is_completed_from_the_secret() -> None:
    key = parse_kms_key("1234abcd")
    assert not isinstance(key, BadReference)
    resource = key.resource(Placement("aws", "eu-west-1", ACCOUNT))
    assert str(resource) == f"arn:aws:kms:eu-west-1:{ACCOUNT}:key/1234abcd"
    alias = parse_kms_key("alias/registry")
    assert not isinstance(alias, BadReference)
    assert not alias.resource(Placement("aws", "eu-west-1", ACCOUNT)).is_exact


def test_role_names() -> None:
    assert role_name(f"arn:aws:iam::{ACCOUNT}:role/service-role/ecsExec") == "ecsExec"
    assert role_name("ecsExec") == "ecsExec"
