"""The Kubernetes source: workloads in multi-document renders and Lists, pull secrets and
service accounts (across files), exact spans."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_lint.engine import lint_paths
from ecs_lint.model import Document, ImageRef, PullIdentity, RegistryKind, UnresolvedRef, UseKind
from ecs_lint.settings import Settings
from ecs_lint.sources import formats_for, kubernetes
from ecs_lint.textio import SourceText
from support import reported_as, run_cli

FIXTURES = Path(__file__).parent.parent / "fixtures" / "kubernetes"
SA = kubernetes.SERVICE_ACCOUNT

Row = tuple[int, int, int, str, str | None, bool, bool]
"""(line, column, end column, text at the span, container, authenticated, has edit span)."""


def parse(text: str, path: str = "manifest.yaml") -> tuple[Document, SourceText]:
    source = SourceText(path, text)
    return kubernetes.parse(source, Settings()), source


def parse_fixture(name: str) -> tuple[Document, SourceText]:
    return parse((FIXTURES / name).read_text(encoding="utf-8"), name)


def rows(document: Document, source: SourceText) -> list[Row]:
    found: list[Row] = []
    for use in document.images:
        span = use.span
        if use.edit_span is not None:
            assert use.edit_span == span
        found.append(
            (
                span.line,
                span.column,
                span.end_column,
                source.text[span.start : span.end],
                use.container,
                use.authenticated,
                use.edit_span is not None,
            )
        )
    return found


def test_helm_render_every_workload_image_with_exact_position() -> None:
    document, source = parse_fixture("helm-render.yaml")
    assert document.problems == []
    assert rows(document, source) == [
        (51, 19, 31, "busybox:1.36", "wait-for-db", False, True),
        (55, 19, 31, "nginx:1.25.3", "web", False, True),
        (
            60,
            18,
            77,
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/app:2.3.1",
            "app",
            False,
            True,
        ),
        (80, 18, 31, "postgres:16.2", "postgres", False, True),
        (97, 23, 39, "python:3.12-slim", "report", False, True),
    ]
    assert {use.kind for use in document.images} == {UseKind.POD_CONTAINER}
    nginx = document.images[1].reference
    assert isinstance(nginx, ImageRef) and nginx.registry is RegistryKind.DOCKER_HUB
    assert [use.pulls_as for use in document.images] == [
        PullIdentity(SA, "default"),
        PullIdentity(SA, "default"),
        PullIdentity(SA, "default"),
        PullIdentity(SA, "shop-puller"),
        PullIdentity(SA, "shop-jobs"),
    ]
    # Only the account with imagePullSecrets gives credentials.
    assert document.credentialed_identities == [PullIdentity(SA, "shop-puller")]


def test_helm_render_service_account_turns_el101_into_el102() -> None:
    findings = lint_paths([str(FIXTURES / "helm-render.yaml")], Settings()).findings
    by_image = {(f.rule, f.span.line) for f in findings if f.rule in {"EL101", "EL102"}}
    assert by_image == {
        ("EL101", 51),  # busybox: default service account, no secrets
        ("EL101", 55),  # nginx
        ("EL102", 80),  # postgres: serviceAccountName shop-puller has imagePullSecrets
        ("EL101", 97),  # python: shop-jobs has none
    }


def test_list_kinds_and_pull_secrets_on_the_pod_spec() -> None:
    document, source = parse_fixture("list.yaml")
    assert rows(document, source) == [
        (25, 22, 47, "prom/node-exporter:v1.7.0", "exporter", True, True),
        (37, 22, 63, "public.ecr.aws/docker/library/alpine:3.19", "migrate", False, True),
        (46, 18, 24, "ubuntu", "shell", False, True),
        (49, 18, 30, "busybox:1.36", "debugger", False, True),  # ephemeralContainers
    ]
    # An authenticated pull needs no identity; the others keep their namespace.
    assert [use.pulls_as for use in document.images] == [
        None,
        PullIdentity(SA, "default", "shop"),
        PullIdentity(SA, "default", "shop"),
        PullIdentity(SA, "default", "shop"),
    ]


def test_folded_block_scalar_is_reported_but_not_editable() -> None:
    document, source = parse_fixture("replicaset.yml")
    ((line, column, _, text, _, _, editable),) = rows(document, source)
    assert (line, column, text, editable) == (17, 18, ">-\n            redis:7.2", False)
    reference = document.images[0].reference
    assert isinstance(reference, ImageRef) and str(reference) == "docker.io/library/redis:7.2"


def test_service_account_in_another_file_authenticates_the_pull() -> None:
    both = lint_paths(
        [str(FIXTURES / "uses-service-account.yaml"), str(FIXTURES / "service-account.yaml")],
        Settings(),
    ).findings
    assert [(f.rule, f.span.line) for f in both if f.rule in {"EL101", "EL102"}] == [("EL102", 14)]
    # Named alone, the pod still pulls as the account another file of its repository defines
    # (the service account is read from there): the same finding, however the files are named.
    alone = lint_paths([str(FIXTURES / "uses-service-account.yaml")], Settings()).findings
    assert [(f.rule, f.span.line) for f in alone if f.rule in {"EL101", "EL102"}] == [("EL102", 14)]


def test_service_account_namespace_must_match_when_both_name_one(tmp_path: Path) -> None:
    (tmp_path / "sa.yaml").write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: puller, namespace: a}\n"
        "imagePullSecrets: [{name: hub}]\n"
    )
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: NS}\n"
        "spec:\n  serviceAccountName: puller\n  containers: [{name: c, image: nginx:1.25}]\n"
    )
    (tmp_path / "pod.yaml").write_text(pod.replace("NS", "b"))
    rules = [f.rule for f in lint_paths([str(tmp_path)], Settings()).findings]
    assert "EL101" in rules and "EL102" not in rules
    (tmp_path / "pod.yaml").write_text(pod.replace("NS", "a"))
    rules = [f.rule for f in lint_paths([str(tmp_path)], Settings()).findings]
    assert "EL102" in rules and "EL101" not in rules


def test_default_service_account_with_pull_secrets(tmp_path: Path) -> None:
    (tmp_path / "all.yaml").write_text(
        "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n"
        "imagePullSecrets:\n  - name: dockerhub\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
        "spec:\n  containers:\n    - name: c\n      image: nginx:1.25\n"
    )
    rules = [f.rule for f in lint_paths([str(tmp_path)], Settings()).findings]
    assert "EL102" in rules and "EL101" not in rules


def test_empty_pull_secrets_do_not_authenticate() -> None:
    document, _ = parse(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
        "spec:\n  imagePullSecrets: []\n  containers: [{name: c, image: nginx}]\n"
    )
    assert [use.authenticated for use in document.images] == [False]


def test_cronjob_statefulset_daemonset_job_pod_template_paths() -> None:
    text = "\n---\n".join(
        f"apiVersion: x\nkind: {kind}\n{body}"
        for kind, body in [
            ("Job", "spec:\n  template:\n    spec:\n      containers: [{name: j, image: a:1}]"),
            (
                "CronJob",
                "spec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
                "          containers: [{name: c, image: b:1}]",
            ),
            (
                "DaemonSet",
                "spec:\n  template:\n    spec:\n      containers: [{name: d, image: c:1}]",
            ),
            (
                "StatefulSet",
                "spec:\n  template:\n    spec:\n      initContainers: [{name: s, image: d:1}]",
            ),
            (
                "ReplicationController",
                "spec:\n  template:\n    spec:\n      containers: [{name: r, image: e:1}]",
            ),
            ("PodTemplate", "template:\n  spec:\n    containers: [{name: t, image: f:1}]"),
            ("ConfigMap", "data:\n  image: not-a-workload:1"),
            (
                "CustomThing",
                "spec:\n  template:\n    spec:\n      containers: [{name: x, image: g:1}]",
            ),
        ]
    )
    document, _ = parse(text)
    assert [use.container for use in document.images] == ["j", "c", "d", "s", "r", "t"]


def test_helm_template_expressions_are_unresolved_not_invalid() -> None:
    document, _ = parse(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        '    - name: c\n      image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n'
    )
    (use,) = document.images
    assert use.reference == UnresolvedRef(
        "{{ .Values.image.repository }}:{{ .Values.image.tag }}",
        (".Values.image.repository", ".Values.image.tag"),
    )


def test_unrendered_helm_template_is_not_checked_and_said_once(tmp_path: Path) -> None:
    text = (
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "x.fullname" . }}\n'
        "spec:\n  template:\n    spec:\n      containers:\n"
        "      {{- toYaml .Values.containers | nindent 8 }}\n"
    )
    (tmp_path / "deployment.yaml").write_text(text)
    result = lint_paths([str(tmp_path)], Settings())
    assert result.findings == []
    assert result.not_checked == [(str(tmp_path / "deployment.yaml"), "a Go template (Helm)")]


def test_invalid_yaml_is_a_parse_error_with_position() -> None:
    document, _ = parse(
        "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n   image: x\n"
    )
    ((code, line, column),) = [
        (reported_as(p), p.span.line, p.span.column) for p in document.problems
    ]
    assert (code, line, column) == ("EL900", 6, 4)
    assert document.problems[0].message.startswith("invalid YAML: ")


def test_alias_bomb_in_a_manifest_is_a_parse_error_at_the_alias(tmp_path: Path) -> None:
    lines = ["apiVersion: v1", "kind: ConfigMap", "a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 30)]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    result = run_cli(str(tmp_path), "-o", "concise")
    assert result.status == 2
    assert "bomb.yaml:7:" in result.stdout
    assert "EL900 invalid YAML: alias *a3 would expand the file past 100,000 nodes" in result.stdout


def test_alias_shared_container_is_reported_once_and_not_edited() -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: v1\n    kind: Pod\n    metadata: {name: a}\n"
        "    spec:\n      containers:\n"
        "        - &sidecar {name: proxy, image: envoyproxy/envoy:v1.29}\n"
        "  - apiVersion: v1\n    kind: Pod\n    metadata: {name: b}\n"
        "    spec:\n      containers: [*sidecar]\n"
    )
    document, source = parse(text)
    assert rows(document, source) == [(9, 41, 63, "envoyproxy/envoy:v1.29", "proxy", False, False)]


def test_suppression_comment_before_the_image_line(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "    - name: a\n      # ecs-lint: ignore=EL101 -- mirrored by the cluster\n"
        "      image: nginx:1.25\n    - name: b\n      image: redis:7\n"
    )
    findings = lint_paths([str(tmp_path)], Settings(select=("EL101", "EL901"))).findings
    assert [(f.rule, f.span.line) for f in findings] == [("EL101", 10)]


def test_recognised_by_content_whatever_the_name() -> None:
    manifest = "apiVersion: v1\nkind: Pod\n"
    assert [f.name for f in formats_for("rendered.yaml", manifest)] == ["kubernetes"]
    assert [f.name for f in formats_for("values.yaml", "image:\n  tag: 1\n")] == []
    assert [f.name for f in formats_for("Chart.yaml", "apiVersion: v2\nname: x\n")] == []


MANIFEST_PIECES = [
    "apiVersion: v1\n",
    "kind: Pod\n",
    "kind: List\n",
    "items:\n",
    "- ",
    "  ",
    "spec:\n",
    "containers:\n",
    "image: ",
    "nginx",
    "{{ x }}",
    "'",
    '"',
    "&a ",
    "*a",
    "---\n",
    "\n",
    "serviceAccountName: s\n",
    "imagePullSecrets: [{name: x}]\n",
    "template:\n",
    ":",
    "[",
    "]",
]


@given(st.lists(st.sampled_from(MANIFEST_PIECES), max_size=40).map("".join) | st.text())
@settings(max_examples=300, deadline=None)
def test_parse_never_raises_and_spans_stay_in_the_text(text: str) -> None:
    document, _ = parse(text)
    for use in document.images:
        assert 0 <= use.span.start <= use.span.end <= len(text)
        if use.edit_span is not None:
            assert text[use.edit_span.start : use.edit_span.end] == use.reference.original
    for problem in document.problems:
        assert 0 <= problem.span.start <= len(text)


SKAFFOLD = """\
apiVersion: skaffold/v4beta11
kind: Config
build:
  artifacts:
    - image: adservice
      context: src/adservice
profiles:
  - name: extras
    build:
      artifacts:
        - image: example.com/team/loadgen
"""

PODS = """\
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
    - {name: ads, image: adservice}
    - {name: tagged, image: "adservice:v2"}
    - {name: load, image: example.com/team/loadgen:1}
    - {name: cache, image: "redis:7.2"}
"""


def test_images_skaffold_builds_are_not_pulled_as_written(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # one repository: each file's context is all of it
    (tmp_path / "skaffold.yaml").write_text(SKAFFOLD)
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "pod.yaml").write_text(PODS)
    selected = Settings(select=("EL101", "EL105"))
    everything = lint_paths([str(tmp_path)], selected).findings
    # The manifest alone, as pre-commit names it, reads the Skaffold file from its repository.
    alone = lint_paths([str(tmp_path / "k8s" / "pod.yaml")], selected).findings
    for findings in (everything, alone):
        assert [(f.rule, f.image) for f in findings] == [("EL101", "docker.io/library/redis:7.2")]


def test_without_a_skaffold_build_the_same_names_are_docker_hub_pulls(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "skaffold.yaml").write_text(SKAFFOLD.replace("adservice", "otherservice"))
    (tmp_path / "pod.yaml").write_text(PODS)
    (tmp_path / "compose.yaml").write_text("services:\n  ads:\n    image: adservice:v2\n")
    findings = lint_paths([str(tmp_path)], Settings(select=("EL101",))).findings
    # Skaffold replaces the images of the manifests it deploys, not Compose's.
    assert sorted((Path(f.span.path).name, f.image) for f in findings) == [
        ("compose.yaml", "docker.io/library/adservice:v2"),
        ("pod.yaml", "docker.io/library/adservice:latest"),
        ("pod.yaml", "docker.io/library/adservice:v2"),
        ("pod.yaml", "docker.io/library/redis:7.2"),
    ]
