"""Kubernetes manifests (EKS workloads): every container image a pod pulls.

A file is a manifest by its content (``apiVersion`` and ``kind``), so ``kubectl`` files, Helm and
Kustomize renders all work: multi-document streams (``---``), ``List`` kinds (``kind: List`` or
``DeploymentList``, whose ``items`` hold objects), and any mix of objects. Pod specs are found in
``Pod`` (``spec``), ``Deployment``, ``StatefulSet``, ``DaemonSet``, ``ReplicaSet``,
``ReplicationController`` and ``Job`` (``spec.template.spec``), ``CronJob``
(``spec.jobTemplate.spec.template.spec``) and ``PodTemplate`` (``template.spec``); their
``initContainers``, ``containers`` and ``ephemeralContainers`` are read.

A pull is authenticated when the pod spec lists ``imagePullSecrets``. When it does not, the pod
pulls as its service account (``serviceAccountName``, else ``default``), which may carry
``imagePullSecrets`` in another document or file of the run: the use records that identity and
each ``ServiceAccount`` with pull secrets is recorded on its document, and the engine matches them
once every file is loaded (``Model.resolve_pull_identities``). A namespace missing on either side
matches any, because such a file is applied into the namespace chosen at deploy time.

A Skaffold configuration (``apiVersion: skaffold/...``) lists the images it builds
(``build.artifacts``, in every profile); when it deploys, each manifest image of such a name
(whatever its tag) becomes the image it built, so those are left out once every file of the
repository is loaded (``Model.resolve_built_images``).

Images holding Go template actions (``{{ .Values.image }}``) are unresolved, not invalid; a
Helm template (one that is not YAML until rendered, or any in a chart's ``templates``) is not
read at all (``load.template_kind``): it is not a manifest until Helm renders it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from ecs_lint import yamlpos
from ecs_lint.model import Document, ImageRef, PullIdentity, UseKind
from ecs_lint.references import parse_reference
from ecs_lint.sources._yamlsource import (
    ImageCollector,
    expression_reference,
    file_statements,
    yaml_problem,
)

if TYPE_CHECKING:
    from yaml.nodes import Node

    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText
    from ecs_lint.yamlpos import YamlDocument

SERVICE_ACCOUNT: Final = "kubernetes-service-account"
DEFAULT_SERVICE_ACCOUNT: Final = "default"

_TEMPLATE_PATH: Final = ("spec", "template", "spec")
POD_SPEC_PATHS: Final[dict[str, tuple[str, ...]]] = {
    "Pod": ("spec",),
    "Deployment": _TEMPLATE_PATH,
    "StatefulSet": _TEMPLATE_PATH,
    "DaemonSet": _TEMPLATE_PATH,
    "ReplicaSet": _TEMPLATE_PATH,
    "ReplicationController": _TEMPLATE_PATH,
    "Job": _TEMPLATE_PATH,
    "CronJob": ("spec", "jobTemplate", *_TEMPLATE_PATH),
    "PodTemplate": ("template", "spec"),
}
CONTAINER_LISTS: Final = ("initContainers", "containers", "ephemeralContainers")
MAX_LIST_NESTING: Final = 8
# An action left open (``{{ .Values.image``) is still a template, not an image name.
_GO_TEMPLATE: Final = re.compile(r"\{\{-?(.*?)(?:-?\}\}|$)", re.DOTALL)


def parse(source: SourceText, settings: Settings) -> Document:
    """Every container image in the manifests of ``source``; never raises."""
    document = Document(source.path)
    try:
        documents = yamlpos.load_documents(source.text)
    except yamlpos.YamlError as error:
        document.problems.append(yaml_problem(source, error))
        return document
    reader = _Reader(ImageCollector(source, document))
    for ydoc in documents:
        reader.read_object(ydoc, ydoc.root, 0)
    return reader.images.finish(documents)


class _Reader:
    def __init__(self, images: ImageCollector) -> None:
        self.images = images

    @property
    def document(self) -> Document:
        return self.images.document

    def read_object(self, ydoc: YamlDocument, node: Node, depth: int) -> None:
        kind = yamlpos.text(yamlpos.get_value(node, "kind"))
        if kind is None:
            return
        api_version = yamlpos.text(yamlpos.get_value(node, "apiVersion")) or ""
        if api_version.startswith("skaffold/"):
            self._skaffold(node)
            return
        if kind.endswith("List"):
            if depth < MAX_LIST_NESTING:
                for item in yamlpos.items(yamlpos.get_value(node, "items")):
                    self.read_object(ydoc, item, depth + 1)
            return
        namespace = yamlpos.text(
            yamlpos.get_value(yamlpos.get_value(node, "metadata"), "namespace")
        )
        if kind == "ServiceAccount":
            self._service_account(node, namespace)
            return
        path = POD_SPEC_PATHS.get(kind)
        if path is None:
            return
        spec: Node | None = node
        for key in path:
            spec = yamlpos.get_value(spec, key)
        if yamlpos.is_mapping(spec):
            self._pod_spec(ydoc, spec, namespace)

    def _skaffold(self, config: Node) -> None:
        """The images a Skaffold configuration builds, in every profile: Skaffold deploys each
        in place of the manifests' images of that name."""
        builds = [yamlpos.get_value(config, "build")]
        for profile in yamlpos.items(yamlpos.get_value(config, "profiles")):
            builds.append(yamlpos.get_value(profile, "build"))
        for build in builds:
            for artifact in yamlpos.items(yamlpos.get_value(build, "artifacts")):
                reference = parse_reference(
                    yamlpos.text(yamlpos.get_value(artifact, "image")) or ""
                )
                if isinstance(reference, ImageRef):
                    self.document.built_images.append(reference)

    def _service_account(self, node: Node, namespace: str | None) -> None:
        name = yamlpos.text(yamlpos.get_value(yamlpos.get_value(node, "metadata"), "name"))
        if name and _has_pull_secrets(node):
            identity = PullIdentity(SERVICE_ACCOUNT, name, namespace)
            self.document.credentialed_identities.append(identity)

    def _pod_spec(self, ydoc: YamlDocument, spec: Node, namespace: str | None) -> None:
        authenticated = _has_pull_secrets(spec)
        account = (
            yamlpos.text(yamlpos.get_value(spec, "serviceAccountName"))
            or yamlpos.text(yamlpos.get_value(spec, "serviceAccount"))  # deprecated alias
            or DEFAULT_SERVICE_ACCOUNT
        )
        identity = PullIdentity(SERVICE_ACCOUNT, account, namespace)
        for list_key in CONTAINER_LISTS:
            for container in yamlpos.items(yamlpos.get_value(spec, list_key)):
                entry = yamlpos.get(container, "image")
                if entry is None or yamlpos.is_null(entry.value):
                    continue
                value = yamlpos.text(entry.value) or ""
                self.images.add(
                    ydoc,
                    entry,
                    UseKind.POD_CONTAINER,
                    "give the pod imagePullSecrets",
                    reference=expression_reference(value, _GO_TEMPLATE) if "{{" in value else None,
                    authenticated=authenticated,
                    container=yamlpos.text(yamlpos.get_value(container, "name")),
                    pulls_as=None if authenticated else identity,
                )


def _has_pull_secrets(node: Node) -> bool:
    """True when ``imagePullSecrets`` names at least one secret."""
    secrets = yamlpos.items(yamlpos.get_value(node, "imagePullSecrets"))
    return any(yamlpos.text(yamlpos.get_value(secret, "name")) for secret in secrets)


statements = file_statements
"""Where ignore comments may go, found on demand (``SourceFormat.statements``)."""
