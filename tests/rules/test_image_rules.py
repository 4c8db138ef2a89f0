"""EL101-EL105: each rule fires on its case and stays quiet on the neighbouring clean case."""

from __future__ import annotations

import json

import pytest

from ecs_lint.settings import Settings
from support import Lint, codes


def task(*containers: dict[str, object]) -> str:
    return json.dumps({"family": "t", "containerDefinitions": list(containers)}, indent=2)


CREDS = {"credentialsParameter": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:hub-AbCdEf"}


# The rules of this file: a test that tells them apart selects them all, and no other.
IMAGE_RULES = Settings(select=("EL101", "EL102", "EL103", "EL104", "EL105"))


def only(settings_select: str) -> Settings:
    return Settings(select=(settings_select,))


@pytest.mark.parametrize(
    "image",
    [
        "nginx:1.25",
        "library/nginx:1.25",
        "docker.io/library/nginx:1.25",
        "index.docker.io/nginx:1.25",
        "acme/app:2.0",
        "registry-1.docker.io/acme/app:2.0",
    ],
)
def test_el101_flags_docker_hub_images_without_credentials(lint: Lint, image: str) -> None:
    findings = lint({"td.json": task({"name": "web", "image": image})}, only("EL101"))
    assert codes(findings) == ["EL101"]
    assert findings[0].image is not None and findings[0].image.startswith("docker.io/")
    assert "100 pulls per 6 hours" in findings[0].message


@pytest.mark.parametrize(
    "image",
    [
        "public.ecr.aws/docker/library/nginx:1.25",
        "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1",
        "ghcr.io/acme/app:1",
        "quay.io/prometheus/node-exporter:v1.8.0",
        "localhost:5000/app:1",
    ],
)
def test_el101_ignores_other_registries(lint: Lint, image: str) -> None:
    assert lint({"td.json": task({"name": "web", "image": image})}, only("EL101")) == []


def test_el101_names_the_normalised_reference_and_remedies(lint: Lint) -> None:
    (finding,) = lint({"td.json": task({"name": "web", "image": "nginx:1.25"})}, only("EL101"))
    assert finding.image == "docker.io/library/nginx:1.25"
    assert "docker.io/library/nginx:1.25" in finding.message
    for remedy in ("ECR Public", "pull-through cache", "repositoryCredentials"):
        assert remedy in finding.message


def test_el101_flags_every_dockerfile_image_use(lint: Lint) -> None:
    dockerfile = (
        "FROM golang:1.23 AS build\n"
        "COPY --from=busybox:1.36 /bin/busybox /bin/\n"
        "RUN --mount=type=bind,from=alpine:3.20,target=/a true\n"
        "FROM build\n"
    )
    findings = lint({"Dockerfile": dockerfile}, only("EL101"))
    assert [f.image for f in findings] == [
        "docker.io/library/golang:1.23",
        "docker.io/library/busybox:1.36",
        "docker.io/library/alpine:3.20",
    ]
    assert [f.span.line for f in findings] == [1, 2, 3]


def test_el102_flags_docker_hub_with_credentials_instead_of_el101(lint: Lint) -> None:
    td = task({"name": "web", "image": "acme/app:2.0", "repositoryCredentials": CREDS})
    findings = lint({"td.json": td}, Settings(select=("EL101", "EL102")))
    assert codes(findings) == ["EL102"]
    assert "200 pulls per 6 hours" in findings[0].message


def test_el102_quiet_without_credentials_or_off_docker_hub(lint: Lint) -> None:
    td = task(
        {"name": "a", "image": "acme/app:2.0"},
        {"name": "b", "image": "ghcr.io/acme/app:2.0", "repositoryCredentials": CREDS},
    )
    assert lint({"td.json": td}, only("EL102")) == []


def test_el103_unresolved_arg_names_the_variable(lint: Lint) -> None:
    findings = lint({"Dockerfile": "ARG BASE\nFROM ${BASE}\n"}, IMAGE_RULES)
    assert codes(findings) == ["EL103"]
    assert "BASE" in findings[0].message
    assert "--build-arg" in findings[0].message


def test_el103_a_deploy_tool_s_placeholder_is_an_unknown_value_not_an_invalid_one(
    lint: Lint,
) -> None:
    # CodeDeploy's blue/green taskdef.json names the image it puts in as <IMAGE1_NAME>.
    td = task(
        {"name": "app", "image": "<IMAGE1_NAME>"},
        {"name": "sidecar", "image": "<account-id>.dkr.ecr.us-east-1.amazonaws.com/envoy:1"},
        {"name": "proxy", "image": "nginx:<TAG>"},
    )
    findings = lint({"taskdef.json": td}, IMAGE_RULES)
    assert [(f.rule, f.span.line) for f in findings] == [
        ("EL103", 6),
        ("EL103", 10),
        ("EL101", 14),  # on Docker Hub whatever the tag is
    ]
    assert "depends on IMAGE1_NAME" in findings[0].message


def test_el103_quiet_when_build_arg_given(lint: Lint) -> None:
    settings = Settings(select=("EL103",), build_args={"BASE": "alpine:3.20"})
    assert lint({"Dockerfile": "ARG BASE\nFROM ${BASE}\n"}, settings) == []


def test_el104_invalid_reference_is_a_finding(lint: Lint) -> None:
    findings = lint({"td.json": task({"name": "web", "image": "Nginx:latest"})}, only("EL104"))
    assert codes(findings) == ["EL104"]
    assert "lowercase" in findings[0].message


def test_el104_quiet_on_valid_reference(lint: Lint) -> None:
    assert lint({"td.json": task({"name": "web", "image": "nginx:1.25"})}, only("EL104")) == []


@pytest.mark.parametrize("image", ["nginx", "nginx:latest", "ghcr.io/acme/app"])
def test_el105_flags_missing_or_latest_tag(lint: Lint, image: str) -> None:
    assert codes(lint({"td.json": task({"name": "w", "image": image})}, only("EL105"))) == ["EL105"]


@pytest.mark.parametrize(
    "image", ["nginx:1.25", "nginx@sha256:" + "a" * 64, "nginx:latest@sha256:" + "b" * 64]
)
def test_el105_quiet_on_pinned_images(lint: Lint, image: str) -> None:
    assert lint({"td.json": task({"name": "w", "image": image})}, only("EL105")) == []


def test_scratch_and_stage_names_are_not_images(lint: Lint) -> None:
    dockerfile = "FROM scratch AS base\nFROM base\nCOPY --from=0 / /\n"
    assert lint({"Dockerfile": dockerfile}) == []


def test_el101_names_the_credentials_mechanism_of_each_kind_of_pull(lint: Lint) -> None:
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        "spec:\n  containers:\n    - name: c\n      image: acme/private-tool:2.0\n"
    )
    findings = lint(
        {"Dockerfile": "FROM acme/private-tool:2.0\n", "pod.yaml": pod}, Settings(select=("EL101",))
    )
    by_file = {finding.span.path.rsplit("/", 1)[-1]: finding.message for finding in findings}
    assert "docker login on the build host" in by_file["Dockerfile"]
    assert "imagePullSecrets" in by_file["pod.yaml"]
    assert "repositoryCredentials" not in by_file["Dockerfile"] + by_file["pod.yaml"]


@pytest.mark.parametrize(
    ("dockerfile", "image"),
    [
        ("ARG V\nFROM python:${V}-slim\n", "docker.io/library/python:${V}-slim"),
        ("ARG D\nFROM nginx@${D}\n", "docker.io/library/nginx@${D}"),
    ],
)
def test_el101_judges_a_reference_whose_only_unknown_is_its_tag(
    lint: Lint, dockerfile: str, image: str
) -> None:
    """The repository is literal, so the pull is from Docker Hub whatever the tag becomes."""
    findings = lint({"Dockerfile": dockerfile}, IMAGE_RULES)
    assert [(f.rule, f.image) for f in findings] == [("EL101", image)]


@pytest.mark.parametrize(
    "dockerfile",
    [
        "ARG R\nFROM ${R}/app:1\n",
        "ARG P\nFROM localhost:${P}/app:1\n",
        "ARG T\nFROM ghcr.io/a/b:${T}\n",
    ],
)
def test_unknown_registry_stays_el103_and_other_registries_stay_quiet(
    lint: Lint, dockerfile: str
) -> None:
    findings = lint({"Dockerfile": dockerfile}, IMAGE_RULES)
    assert codes(findings) == ([] if "ghcr.io" in dockerfile else ["EL103"])


WORKFLOW = """on: push
jobs:
  test:
    runs-on: ubuntu-latest
    container: acme/private-tool:2.0
    services:
      db: {image: acme/private-db:2.0}
    steps:
      - uses: docker://acme/private-step:2.0
"""


def test_el101_quotes_how_each_format_gives_a_pull_credentials(lint: Lint) -> None:
    """The remedy is the source's, in its format's terms; the rule only composes it."""
    pod = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - {name: c, image: acme/pod:2.0}\n"
    files = {
        "Dockerfile": "FROM acme/build:2.0\n",
        "pod.yaml": pod,
        "compose.yaml": "services:\n  web:\n    image: acme/compose:2.0\n",
        "td.json": task({"name": "web", "image": "acme/task:2.0"}),
        "ci.yml": WORKFLOW,
    }
    findings = lint(files, Settings(select=("EL101",)))
    assert sorted((f.image, f.headline.rsplit(", or ", 1)[1]) for f in findings) == [
        ("docker.io/acme/build:2.0", "run docker login on the build host"),
        ("docker.io/acme/compose:2.0", "run docker login on the hosts that pull it"),
        ("docker.io/acme/pod:2.0", "give the pod imagePullSecrets"),
        ("docker.io/acme/private-db:2.0", "give the service container credentials"),
        ("docker.io/acme/private-step:2.0", "log in to Docker Hub in an earlier step"),
        ("docker.io/acme/private-tool:2.0", "give the job container credentials"),
        ("docker.io/acme/task:2.0", "authenticate with repositoryCredentials"),
    ]


def test_el103_quotes_how_each_format_gives_its_variables_values(lint: Lint) -> None:
    deploy_time = (
        "pass its value (--parameter Name=Value for template parameters) or lint the rendered "
        "file your deploy tool produces"
    )
    files = {
        "Dockerfile": "ARG BASE\nFROM ${BASE}\n",
        "compose.yaml": "services:\n  web:\n    image: ${REGISTRY}/app:1\n",
        "td.json": task({"name": "web", "image": "${IMAGE}"}),
        "ci.yml": "on: push\njobs:\n  t:\n    runs-on: x\n    container: ${{ matrix.image }}\n",
        "pod.yaml": 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - image: "{{ .V.i }}"\n',
    }
    findings = lint(files, Settings(select=("EL103",)))
    assert sorted((f.span.path.rsplit("/", 1)[1], f.message.split("; ")[-1]) for f in findings) == [
        ("Dockerfile", "give the ARG a default or pass --build-arg NAME=VALUE"),
        ("ci.yml", deploy_time),
        (
            "compose.yaml",
            "pass --env NAME=VALUE or set it in the .env file beside the compose file",
        ),
        ("pod.yaml", deploy_time),
        ("td.json", deploy_time),
    ]
