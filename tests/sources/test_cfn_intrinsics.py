"""CloudFormation intrinsic functions: what each resolves to statically, and what stays unknown."""

from __future__ import annotations

import textwrap

import pytest

from ecs_lint.model import Document
from ecs_lint.sources._values import Mapping, Opaque, Scalar, Sequence, Str, Value
from ecs_lint.sources.cfn_intrinsics import Resolver, Template
from ecs_lint.sources.cloudformation import read_template
from ecs_lint.textio import SourceText

PREAMBLE = """\
Parameters:
  Env: {Type: String, Default: staging}
  NoDefault: {Type: String}
  Subnets: {Type: CommaDelimitedList, Default: "subnet-a, subnet-b"}
  Latest: {Type: "AWS::SSM::Parameter::Value<String>", Default: /app/image}
  Port: {Type: Number, Default: 8080}
Mappings:
  Images:
    staging: {web: "nginx:1.27", worker: "busybox:1.36"}
    production: {web: "nginx:1.26", worker: "busybox:1.36"}
Conditions:
  IsProd: !Equals [!Ref Env, production]
  IsStaging: !Not [!Condition IsProd]
  InEurope: !Equals [!Ref "AWS::Region", eu-west-1]
  ProdInEurope: !And [!Condition IsProd, !Condition InEurope]
  StagingOrEurope: !Or [!Condition IsStaging, !Condition InEurope]
Resources:
  Repo:
    Type: AWS::ECR::Repository
  NamedRepo:
    Type: AWS::ECR::Repository
    Properties: {RepositoryName: web}
  Secret:
    Type: AWS::SecretsManager::Secret
  Key:
    Type: AWS::KMS::Key
  Logs:
    Type: AWS::Logs::LogGroup
    Properties: {LogGroupName: /ecs/web}
  Role:
    Type: AWS::IAM::Role
"""


def template(given: dict[str, str] | None = None) -> tuple[Template, Resolver]:
    document = Document("t.yaml")
    found = read_template(SourceText("t.yaml", PREAMBLE), document)
    assert found is not None and document.problems == []
    return found, Resolver(found, given or {})


def resolve(expression: str, given: dict[str, str] | None = None) -> Value | None:
    """The value of ``Value: <expression>`` in a resource of the template above."""
    body = PREAMBLE + textwrap.dedent(
        f"""\
          Subject:
            Type: Custom::Subject
            Properties:
              Value: {expression}
        """
    ).replace("\n", "\n  ").replace("Subject:", "  Subject:", 1)
    document = Document("t.yaml")
    found = read_template(SourceText("t.yaml", body.rstrip() + "\n"), document)
    assert found is not None, document.problems
    properties = Resolver(found, given or {}).resolve(found.resources["Subject"].properties)  # type: ignore[arg-type]
    assert isinstance(properties, Mapping)
    return properties.get("Value")


def shown(value: Value | None) -> object:
    """A value as text: strings in display form (holes as ${label}), lists as lists."""
    if value is None:
        return "<no value>"
    if isinstance(value, Str):
        return value.value
    if isinstance(value, Sequence):
        return [shown(item) for item in value.items]
    if isinstance(value, Opaque):
        return ("unknown", value.labels)
    if isinstance(value, Scalar):
        return value.value
    return value.plain()


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # Parameters: Default, a list type, an SSM-typed one (read at deploy: unknown).
        ("!Ref Env", "staging"),
        ("!Ref NoDefault", "${NoDefault}"),
        ("!Ref Subnets", ["subnet-a", "subnet-b"]),
        ("!Ref Latest", "${Latest}"),
        ("!Ref Port", "8080"),
        # Pseudo parameters are unknown unless given.
        ("!Ref AWS::Region", "${AWS::Region}"),
        ("!Ref AWS::NotificationARNs", ("unknown", ("AWS::NotificationARNs",))),
        # Resources: a name the template sets, else the logical id as a label.
        ("!Ref NamedRepo", "web"),
        ("!Ref Repo", "${Repo}"),
        ("!Ref Secret", "${Secret}"),
        ("!GetAtt Secret.Id", "${Secret}"),
        ("!GetAtt Role.Arn", "${Role.Arn}"),
        ("!GetAtt [Role, Arn]", "${Role.Arn}"),
        (
            "!GetAtt Repo.Arn",
            "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/${Repo}",
        ),
        (
            "!GetAtt NamedRepo.RepositoryUri",
            "${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/web",
        ),
        (
            "!GetAtt Logs.Arn",
            "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/ecs/web:*",
        ),
        (
            "!GetAtt Key.Arn",
            "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${Key}",
        ),
        ("!Ref Undefined", "${Undefined}"),
        # Fn::Sub, both forms, with pseudo parameters, attributes and ${!Literal}.
        (
            '!Sub "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app:${Env}"',
            "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app:staging",
        ),
        ('!Sub "${Role.Arn}/x"', "${Role.Arn}/x"),
        ('!Sub "${!Literal}-${Env}"', "${Literal}-staging"),
        ('!Sub ["${Name}:${Tag}", {Name: nginx, Tag: !Ref Env}]', "nginx:staging"),
        ('{"Fn::Sub": "x-${Env}"}', "x-staging"),
        # Fn::Join, Fn::Select, Fn::Split.
        ('!Join [":", [nginx, !Ref Env]]', "nginx:staging"),
        ('!Join ["", [!Ref NoDefault, "/x"]]', "${NoDefault}/x"),
        ("!Select [1, !Ref Subnets]", "subnet-b"),
        ("!Select [5, !Ref Subnets]", ("unknown", ("Fn::Select index out of range",))),
        ('!Split [",", "a,b,c"]', ["a", "b", "c"]),
        ('!Select [4, !Split [":", !GetAtt Repo.Arn]]', "${AWS::AccountId}"),
        ('!Select [3, !Split [":", !GetAtt Repo.Arn]]', "${AWS::Region}"),
        # Fn::FindInMap: a known key; an unknown key whose candidates all agree; or not.
        ("!FindInMap [Images, !Ref Env, web]", "nginx:1.27"),
        ("!FindInMap [Images, !Ref NoDefault, worker]", "busybox:1.36"),
        ("!FindInMap [Images, !Ref NoDefault, web]", "${Fn::FindInMap(Images, NoDefault, web)}"),
        # Fn::If with a decided condition; AWS::NoValue removes the property.
        ('!If [IsProd, "nginx:1.26", "nginx:1.27"]', "nginx:1.27"),
        ('!If [IsStaging, !Ref AWS::NoValue, "x"]', "<no value>"),
        ('!If [InEurope, "a", "b"]', ("unknown", ("condition InEurope",))),
        # Others: computed, or unknown with a label naming them.
        ("!Base64 abc", "YWJj"),
        ("!ImportValue shared-image", "${Fn::ImportValue(shared-image)}"),
        ('!GetAZs ""', ("unknown", ("Fn::GetAZs",))),
        ("!Cidr [10.0.0.0/16, 4, 8]", ("unknown", ("Fn::Cidr",))),
        ("!Length [a, b, c]", "3"),
        ("!ToJsonString {a: !Ref Env}", '{"a":"staging"}'),
    ],
)
def test_intrinsic_resolution(expression: str, expected: object) -> None:
    assert shown(resolve(expression)) == expected


@pytest.mark.parametrize(
    ("expression", "given", "expected"),
    [
        ("!Ref Env", {"Env": "production"}, "production"),
        ("!Ref Latest", {"Latest": "nginx:1.27"}, "nginx:1.27"),
        ("!Ref AWS::AccountId", {"AWS::AccountId": "123456789012"}, "123456789012"),
        ('!If [IsProd, "nginx:1.26", "nginx:1.27"]', {"Env": "production"}, "nginx:1.26"),
        ('!If [InEurope, "a", "b"]', {"AWS::Region": "eu-west-1"}, "a"),
        ("!Ref Subnets", {"Subnets": "x,y"}, ["x", "y"]),
        (
            "!GetAtt Repo.Arn",
            {"AWS::Partition": "aws", "AWS::Region": "us-east-1", "AWS::AccountId": "1"},
            "arn:aws:ecr:us-east-1:1:repository/${Repo}",
        ),
    ],
)
def test_parameters_given_on_the_command_line_win(
    expression: str, given: dict[str, str], expected: object
) -> None:
    assert shown(resolve(expression, given)) == expected


@pytest.mark.parametrize(
    ("condition", "given", "expected"),
    [
        ("IsProd", {}, False),
        ("IsStaging", {}, True),
        ("InEurope", {}, None),
        ("ProdInEurope", {}, False),  # false whatever the region
        ("StagingOrEurope", {}, True),  # true whatever the region
        ("ProdInEurope", {"Env": "production"}, None),
        ("ProdInEurope", {"Env": "production", "AWS::Region": "eu-west-1"}, True),
        ("Missing", {}, None),
    ],
)
def test_conditions_are_three_valued(
    condition: str, given: dict[str, str], expected: bool | None
) -> None:
    _, resolver = template(given)
    assert resolver.condition(condition) is expected


def test_variants_combine_only_the_conditions_nobody_decides() -> None:
    found, resolver = template()
    node = found.resources["Repo"].node  # no Fn::If under it
    assert resolver.variants(node) == [resolver]
    document = Document("t.yaml")
    text = PREAMBLE + (
        "  Task:\n    Type: AWS::ECS::TaskDefinition\n    Properties:\n"
        "      A: !If [InEurope, a, b]\n      B: !If [IsProd, c, d]\n"
    )
    found = read_template(SourceText("t.yaml", text), document)
    assert found is not None
    variants = Resolver(found).variants(found.resources["Task"].properties)
    values = sorted(
        str(shown(variant.resolve(found.resources["Task"].properties)))  # type: ignore[arg-type]
        for variant in variants
    )
    assert values == ["{'A': 'a', 'B': 'd'}", "{'A': 'b', 'B': 'd'}"]


def test_a_cyclic_condition_is_unknown_not_a_recursion_error() -> None:
    text = PREAMBLE.replace(
        "Conditions:\n", "Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\n"
    )
    document = Document("t.yaml")
    found = read_template(SourceText("t.yaml", text), document)
    assert found is not None
    assert Resolver(found).condition("A") is None


def test_deeply_nested_functions_end_unknown() -> None:
    expression = "!Join ['', [" * 150 + "x" + "]]" * 150
    value = resolve(expression)
    assert isinstance(value, Str | Opaque)
    assert "nesting too deep" in str(shown(value))


def test_resolved_values_point_at_the_node_that_uses_them() -> None:
    value = resolve("!Ref Env")
    assert isinstance(value, Str)
    # The !Ref in the Subject resource, not the parameter's default near the top.
    assert value.span.line == PREAMBLE.count("\n") + 4
