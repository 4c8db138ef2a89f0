"""GitHub Actions workflows: the images a job's containers and steps pull, and the Dockerfiles
its steps build.

Read per job: ``jobs.<id>.container`` (an image string, or a mapping with ``image``),
``jobs.<id>.services.<name>.image``, and ``steps[].uses: docker://<image>``. A container or
service with ``credentials`` pulls authenticated; a ``docker://`` step cannot have credentials
(the runner pulls it while setting up the job, before any login step runs). An empty image
(``image: ''``) starts no container, as on GitHub, so it is skipped. Expressions (``${{ ... }}``)
are known only when the workflow runs, so an image holding one is unresolved, never guessed.

A step that builds an image asks for its Dockerfile to be linted with the build's values (a
``LintRequest``, as a Compose service's ``build:`` does): a ``docker/build-push-action`` step
with its ``context``, ``file``, ``build-args`` and ``build-contexts`` inputs (lists one item a
line, or YAML lists), and the ``docker build`` commands of a ``run:`` script
(:mod:`ecs_lint.sources._dockerbuild`), run where ``working-directory`` says. Paths are the
repository's: relative to the directory that holds ``.github/workflows``. Without a ``context``,
the action builds the repository itself (its Git context), as with
``{{defaultContext}}:subdir``, and its ``file`` is then inside that context. What holds an
expression is unknown: a build whose Dockerfile does, or a ``run:`` in another shell, is left
out, a build arg that does is left out (as Compose's unset ones are). A Dockerfile such a build
names that is not there is skipped silently: an earlier step may create it.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path
from typing import TYPE_CHECKING, Final

from ecs_lint import yamlpos
from ecs_lint.model import Document, LintRequest, UseKind
from ecs_lint.references import parse_reference
from ecs_lint.sources._dockerbuild import build_commands
from ecs_lint.sources._yamlsource import ImageCollector, expression_reference, file_statements, load

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
BUILD_PUSH_ACTION: Final = "docker/build-push-action@"
BAKE_ACTION: Final = "docker/bake-action@"
_DEFAULT_CONTEXT: Final = re.compile(r"\{\{\s*defaultContext\s*\}\}(?::(.*))?", re.DOTALL)
_REMOTE_CONTEXT: Final = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)
_POSIX_SHELLS: Final = frozenset({"bash", "sh"})


def parse(source: SourceText, settings: Settings) -> Document:
    """Every image the workflow in ``source`` pulls; never raises."""
    document = Document(source.path)
    documents = load(source, document)
    if not documents:
        return document
    ydoc = documents[0]
    reader = _Reader(ImageCollector(source, document), ydoc, settings.max_file_size)
    for job in yamlpos.entries(yamlpos.get_value(ydoc.root, "jobs")):
        reader.job(job)
    return reader.images.finish([ydoc])


def repository_root(workflow: str) -> Path:
    """The directory a workflow's jobs check out and run in: the one holding ``.github`` (or
    ``.gitea``...) when the workflow is in its ``workflows`` directory, else the current one."""
    path = Path(workflow)
    if path.parent.name == "workflows" and path.parent.parent.name.startswith("."):
        return path.parent.parent.parent
    return Path()


class _Reader:
    def __init__(self, images: ImageCollector, ydoc: YamlDocument, limit: int) -> None:
        self.images = images
        self.ydoc = ydoc
        self.root = repository_root(images.source.path)
        self.limit = limit

    def job(self, job: Entry) -> None:
        name = job.key.value
        container = yamlpos.get(job.value, "container")
        if container is not None:
            self._container(container, UseKind.JOB_CONTAINER, name)
        for service in yamlpos.entries(yamlpos.get_value(job.value, "services")):
            self._container(service, UseKind.SERVICE_CONTAINER, service.key.value)
        for number, step in enumerate(yamlpos.items(yamlpos.get_value(job.value, "steps")), 1):
            self._step(step, name)
            label = _step_label(step) or f"#{number}"
            build = f"workflow job '{name}', step '{label}'"
            if yamlpos.get_value(step, "run") is not None:
                self._run(step, job.value, build)
            else:
                self._build_push(step, build)
                self._bake(step, job.value, build)

    # Build steps: the Dockerfile they build, linted with their values (LintRequest)

    def _build_push(self, step: Node, build: str) -> None:
        """A ``docker/build-push-action`` step."""
        uses = yamlpos.get(step, "uses")
        value = yamlpos.text(uses.value) if uses is not None else None
        if uses is None or value is None or not value.startswith(BUILD_PUSH_ACTION):
            return
        inputs = yamlpos.get_value(step, "with")
        dockerfile = _action_dockerfile(
            yamlpos.text(yamlpos.get_value(inputs, "context")),
            yamlpos.text(yamlpos.get_value(inputs, "file")),
        )
        if dockerfile is None:
            return
        args = _known_pairs(_input_list(yamlpos.get_value(inputs, "build-args")))
        contexts = _pairs(_input_list(yamlpos.get_value(inputs, "build-contexts")))
        self._request(dockerfile, args, contexts, uses.value, build)

    def _bake(self, step: Node, job: Node, build: str) -> None:
        """A ``docker/bake-action`` step: its Bake files' targets, with the step's variables
        (``env`` of the workflow, the job and the step, and ``vars``) and ``set`` overrides."""
        uses = yamlpos.text(yamlpos.get_value(step, "uses"))
        if uses is None or not uses.startswith(BAKE_ACTION):
            return
        inputs = yamlpos.get_value(step, "with")
        directory = _bake_directory(yamlpos.text(yamlpos.get_value(inputs, "source")))
        if directory is None:
            return
        from ecs_lint.sources.bake import DEFAULT_FILES, BakeRun, bake_requests

        base = self.root / directory
        names = _input_list(yamlpos.get_value(inputs, "files"), commas=True)
        known = [base / name for name in names if "${{" not in name]
        paths = known if names else [base / name for name in DEFAULT_FILES]
        paths = [path for path in paths if path.is_file()]
        repository = self.root.resolve()
        if not paths or not all(path.resolve().is_relative_to(repository) for path in paths):
            return
        targets = _input_list(yamlpos.get_value(inputs, "targets"), commas=True)
        variables = _known_pairs(_input_list(yamlpos.get_value(inputs, "vars")))
        overrides = _input_list(yamlpos.get_value(inputs, "set"))
        run = BakeRun(
            files=tuple(paths),
            variables={**self._env(step, job), **dict(variables)},
            targets=None if any("${{" in t for t in targets) else tuple(targets),
            overrides=tuple(item for item in overrides if "${{" not in item),
            all_files_known=not names or len(paths) == len(names),
            build=f"{build}, ",
        )
        self.images.document.lint_requests.extend(bake_requests(run, self.limit))

    def _env(self, step: Node, job: Node) -> dict[str, str]:
        """The literal ``env`` values a step runs with: the workflow's, the job's, its own."""
        env: dict[str, str] = {}
        for node in (self.ydoc.root, job, step):
            for entry in yamlpos.entries(yamlpos.get_value(node, "env")):
                value = yamlpos.text(entry.value)
                if value is not None and "${{" not in value:
                    env[entry.key.value] = value
        return env

    def _run(self, step: Node, job: Node, build: str) -> None:
        """The ``docker build`` commands of a ``run:`` script in a POSIX shell."""
        run = yamlpos.get_value(step, "run")
        script = yamlpos.text(run)
        shell = self._default(step, job, "shell")
        directory = self._default(step, job, "working-directory") or "."
        if run is None or not script or "docker" not in script:
            return
        if (shell and shell.split()[0] not in _POSIX_SHELLS) or "$" in directory:
            return
        for command in build_commands(script):
            dockerfile = posixpath.join(directory, command.dockerfile)
            self._request(dockerfile, command.build_args, command.build_contexts, run, build)

    def _default(self, step: Node, job: Node, key: str) -> str | None:
        """A ``run:`` setting of the step, else of the job's or the workflow's ``defaults``."""
        places = (
            step,
            yamlpos.get_value(yamlpos.get_value(job, "defaults"), "run"),
            yamlpos.get_value(yamlpos.get_value(self.ydoc.root, "defaults"), "run"),
        )
        for node in places:
            value = yamlpos.text(yamlpos.get_value(node, key))
            if value is not None:
                return value
        return None

    def _request(
        self,
        dockerfile: str,
        args: tuple[tuple[str, str], ...],
        contexts: tuple[tuple[str, str], ...],
        at: Node,
        build: str,
    ) -> None:
        source = self.images.source
        path = os.path.normpath(self.root / dockerfile)
        span = source.span(*yamlpos.node_span(at, source.text))
        request = LintRequest(path, args, span, contexts, build, if_present=True)
        self.images.document.lint_requests.append(request)

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
        self._add(uses, UseKind.STEP, _step_label(step) or job, prefix=len(DOCKER_SCHEME))

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


def _step_label(step: Node) -> str | None:
    return yamlpos.text(yamlpos.get_value(step, "name")) or yamlpos.text(
        yamlpos.get_value(step, "id")
    )


def _action_dockerfile(context: str | None, file: str | None) -> str | None:
    """The Dockerfile a build-push-action step builds, relative to the repository; ``None``
    when an expression, a remote context or standard input decides it."""
    default = _DEFAULT_CONTEXT.fullmatch(context) if context else None
    if context is None or default is not None:
        # The action's own Git context: the repository, or a directory of it, holding ``file``.
        directory = (default.group(1) if default else None) or "."
        dockerfile = posixpath.join(directory, file or "Dockerfile")
    else:
        dockerfile = file or posixpath.join(context, "Dockerfile")
        if _REMOTE_CONTEXT.match(context) or context == "-" or "${{" in context:
            return None
    if "${{" in dockerfile or dockerfile.endswith("/-") or file == "-":
        return None
    return posixpath.normpath(dockerfile)


def _input_list(node: Node | None, *, commas: bool = False) -> list[str]:
    """A list input as the Docker actions read one: one item a line, trimmed, a line wholly in
    double quotes unquoted as CSV, and with ``commas`` also split at commas; a YAML list's items
    as they are."""
    if yamlpos.is_sequence(node):
        return [item for item in map(yamlpos.text, yamlpos.items(node)) if item]
    items = []
    for raw in (yamlpos.text(node) or "").splitlines():
        line = raw.strip()
        if len(line) >= 2 and line[0] == line[-1] == '"':
            line = line[1:-1].replace('""', '"')
        pieces = line.split(",") if commas else [line]
        items += [piece.strip() for piece in pieces if piece.strip()]
    return items


def _bake_directory(source: str | None) -> str | None:
    """Where a bake-action step's files are, in the repository; ``None`` when a remote
    definition or an expression decides it."""
    default = _DEFAULT_CONTEXT.fullmatch(source) if source else None
    if source is None or default is not None:
        return (default.group(1) if default else None) or "."
    if "${{" in source or _REMOTE_CONTEXT.match(source):
        return None
    return source


def _pairs(items: list[str]) -> tuple[tuple[str, str], ...]:
    """``NAME=VALUE`` items; one without ``=`` (its value from the environment) is left out."""
    pairs = []
    for item in items:
        name, equals, value = item.partition("=")
        if name.strip() and equals:
            pairs.append((name.strip(), value))
    return tuple(pairs)


def _known_pairs(items: list[str]) -> tuple[tuple[str, str], ...]:
    """:func:`_pairs` whose values hold no expression."""
    return tuple((name, value) for name, value in _pairs(items) if "${{" not in value)


statements = file_statements
"""Where ignore comments may go, found on demand (``SourceFormat.statements``)."""
