"""GitHub Actions workflows: the images a job's containers and steps pull.

Read per job: ``jobs.<id>.container`` (an image string, or a mapping with ``image``),
``jobs.<id>.services.<name>.image``, and ``steps[].uses: docker://<image>``. A container or
service with ``credentials`` pulls authenticated; a ``docker://`` step cannot have credentials
(the runner pulls it while setting up the job, before any login step runs). An empty image
(``image: ''``) starts no container, as on GitHub, so it is skipped. Expressions (``${{ ... }}``)
are known only when the workflow runs, so an image holding one is unresolved, never guessed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from ecs_lint import yamlpos
from ecs_lint.model import Document, UseKind
from ecs_lint.references import parse_reference
from ecs_lint.sources._yamlsource import ImageCollector, expression_reference, load

if TYPE_CHECKING:
    from yaml.nodes import Node

    from ecs_lint.settings import Settings
    from ecs_lint.textio import SourceText
    from ecs_lint.yamlpos import Entry, YamlDocument

DOCKER_SCHEME: Final = "docker://"
# How each kind of pull gets registry credentials (``ImageUse.credentials_hint``).
_CREDENTIALS: Final = {
    UseKind.JOB_CONTAINER: "give the job container credentials",
    UseKind.SERVICE_CONTAINER: "give the service container credentials",
    UseKind.STEP: "log in to Docker Hub in an earlier step",
}
# An expression left open (``${{ matrix.image``) is still one: GitHub rejects it, never pulls it.
_EXPRESSION: Final = re.compile(r"\$\{\{(.*?)(?:\}\}|$)", re.DOTALL)


def parse(source: SourceText, settings: Settings) -> Document:
    """Every image the workflow in ``source`` pulls; never raises."""
    document = Document(source.path)
    documents = load(source, document)
    if not documents:
        return document
    ydoc = documents[0]
    reader = _Reader(ImageCollector(source, document), ydoc)
    for job in yamlpos.entries(yamlpos.get_value(ydoc.root, "jobs")):
        reader.job(job)
    return reader.images.finish()


class _Reader:
    def __init__(self, images: ImageCollector, ydoc: YamlDocument) -> None:
        self.images = images
        self.ydoc = ydoc

    def job(self, job: Entry) -> None:
        name = job.key.value
        container = yamlpos.get(job.value, "container")
        if container is not None:
            self._container(container, UseKind.JOB_CONTAINER, name)
        for service in yamlpos.entries(yamlpos.get_value(job.value, "services")):
            self._container(service, UseKind.SERVICE_CONTAINER, service.key.value)
        for step in yamlpos.items(yamlpos.get_value(job.value, "steps")):
            self._step(step, name)

    def _container(self, entry: Entry, kind: UseKind, name: str) -> None:
        """A ``container:`` or service: an image string, or a mapping with ``image``."""
        if yamlpos.is_mapping(entry.value):
            image = yamlpos.get(entry.value, "image")
            authenticated = not yamlpos.is_null(yamlpos.get_value(entry.value, "credentials"))
        else:
            image, authenticated = entry, False
        if image is None or not yamlpos.text(image.value):
            return
        self._add(image, kind, name, authenticated=authenticated)

    def _step(self, step: Node, job: str) -> None:
        uses = yamlpos.get(step, "uses")
        value = yamlpos.text(uses.value) if uses is not None else None
        if uses is None or value is None or not value.startswith(DOCKER_SCHEME):
            return
        label = yamlpos.text(yamlpos.get_value(step, "name")) or yamlpos.text(
            yamlpos.get_value(step, "id")
        )
        self._add(uses, UseKind.STEP, label or job, prefix=len(DOCKER_SCHEME))

    def _add(
        self,
        entry: Entry,
        kind: UseKind,
        name: str,
        *,
        authenticated: bool = False,
        prefix: int = 0,
    ) -> None:
        value = yamlpos.text(entry.value) or ""
        expression = expression_reference(value[prefix:], _EXPRESSION) if "${{" in value else None
        # The runner expands only ${{ }} expressions in images: a shell-style $VAR is literal text.
        reference = expression or parse_reference(value[prefix:])
        self.images.add(
            self.ydoc,
            entry,
            kind,
            _CREDENTIALS[kind],
            reference=reference,
            prefix=prefix,
            editable=expression is None,
            authenticated=authenticated,
            container=name,
        )
