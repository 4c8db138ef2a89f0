"""The neutral model: what every source produces and every rule reads.

Sources (one per file format) turn a file into these plain values, with exact source spans.
Rules read only these values; they never learn which format a value came from.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import operator
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ecs_lint._model_services import EndpointView as EndpointView
    from ecs_lint._model_services import NetworkView as NetworkView
    from ecs_lint._model_services import PolicyDefinition as PolicyDefinition
    from ecs_lint._model_services import RoleDefinition as RoleDefinition
    from ecs_lint._model_services import SecretDefinition as SecretDefinition
    from ecs_lint._model_services import SecurityGroupView as SecurityGroupView
    from ecs_lint._model_services import ServiceView as ServiceView
    from ecs_lint._model_services import SubnetView as SubnetView
    from ecs_lint._model_tasks import ContainerView as ContainerView
    from ecs_lint._model_tasks import LogView as LogView
    from ecs_lint._model_tasks import SecretView as SecretView
    from ecs_lint._model_tasks import TaskView as TaskView
    from ecs_lint.textio import SourceText


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a source file.

    Lines and columns are 1-based; ``end_column`` is the column just after the last character
    (as in SARIF). Offsets index the decoded text (without a byte-order mark) and are what fixes
    edit. ``logical`` names a place that has no text, such as a JSON path in a live task
    definition; it is ``None`` for ordinary files.
    """

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    start: int = 0
    end: int = 0
    logical: str | None = None

    @classmethod
    def whole_file(cls, path: str) -> Span:
        return cls(path, 1, 1, 1, 1)


class RegistryKind(enum.Enum):
    DOCKER_HUB = "docker-hub"
    ECR_PUBLIC = "ecr-public"
    ECR_PRIVATE = "ecr-private"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ImageRef:
    """A valid image reference, normalised the way Docker normalises it.

    ``domain`` is the registry host (``docker.io`` for Docker Hub), ``path`` the repository path
    (``library/nginx``). A reference with neither tag nor digest is pulled as ``latest``.
    """

    original: str
    domain: str
    path: str
    tag: str | None
    digest: str | None
    registry: RegistryKind

    @property
    def repository(self) -> str:
        return f"{self.domain}/{self.path}"

    @property
    def pulled_tag(self) -> str | None:
        """The tag Docker pulls: the given one, ``latest`` when nothing pins the image."""
        if self.tag is None and self.digest is None:
            return "latest"
        return self.tag

    def __str__(self) -> str:
        text = self.repository
        if self.pulled_tag is not None:
            text += f":{self.pulled_tag}"
        if self.digest is not None:
            text += f"@{self.digest}"
        return text


@dataclass(frozen=True, slots=True)
class InvalidRef:
    """Text that is not a valid image reference, and why."""

    original: str
    reason: str


@dataclass(frozen=True, slots=True)
class UnresolvedRef:
    """A reference whose value depends on variables that have no known value.

    ``partial`` is the reference with the values that are known put in and each unknown one
    written ``${NAME}``, when the source can tell (a Dockerfile with ``ARG REGISTRY=docker.io``
    makes ``${REGISTRY}/app:${TAG}`` ``docker.io/app:${TAG}``): what the registry rules read.
    """

    original: str
    variables: tuple[str, ...]
    partial: str | None = field(default=None, compare=False, repr=False)


Reference = ImageRef | InvalidRef | UnresolvedRef


class UseKind(enum.Enum):
    """Where an image is used; decides the wording of messages, never the format."""

    BASE_IMAGE = "base image"  # Dockerfile FROM
    FRONTEND = "BuildKit frontend"  # Dockerfile # syntax= directive, BUILDKIT_SYNTAX build arg
    COPY_SOURCE = "COPY --from image"
    MOUNT_SOURCE = "RUN --mount image"
    CONTAINER = "container image"
    POD_CONTAINER = "pod container image"
    SERVICE = "service image"
    JOB_CONTAINER = "job container image"
    MODULE_INPUT = "container image given to a module"
    SERVICE_CONTAINER = "service container image"
    STEP = "step image"


@dataclass(frozen=True, slots=True)
class Located:
    """A scalar value with the span of its text.

    ``unresolved`` names the variables or expressions a value depends on when it could not be
    resolved statically; ``value`` is then only a display form.
    """

    value: str
    span: Span
    unresolved: tuple[str, ...] = ()

    @property
    def is_known(self) -> bool:
        return not self.unresolved


@dataclass(frozen=True, slots=True)
class ImageUse:
    """An image reference where it is used.

    ``span`` covers the reference text as written at the use site. ``edit_span`` covers the text a
    fix must rewrite to change this image: usually the same span, but the default of the ARG the
    reference came from when it came from one, and ``None`` when no single literal holds it.
    ``repository_span`` covers just the repository part when only the tag or digest holds
    variables (``python`` of ``python:${VERSION}-slim``): a fix may rewrite that part and keep
    the variables. ``shared_text`` is true when the text also stands for other uses (a YAML
    anchor merged into several services): no fix rewrites it. ``authenticated`` is true when
    the pull carries registry credentials. ``pulls_as`` names the identity the pull runs as
    when its credentials may be defined in another document (see
    :meth:`Model.resolve_pull_identities`). ``credentials_hint`` says how such a pull is given
    registry credentials, and ``values_hint`` how the variables of its reference get values, in
    the terms of the format that wrote it (``pass --build-arg NAME=VALUE``): messages quote them.
    ``avoid_hint`` says how to do without the pull altogether, where the format allows it
    (``remove the # syntax directive...``).

    Three phrases say what the reference at ``span`` does not show; messages add them after
    it (:attr:`circumstances`), each in its own words. ``origin`` says where the value came
    from when it is not the text at ``span``, whatever the format (``value from
    variables.tf:64 default of var.image``, ``from named build context 'base' =
    docker-image://nginx:1.25``, ``named by the BUILDKIT_SYNTAX build arg``); ``edit_span`` is
    then that value's literal, if a fix may rewrite it there. ``caveat`` says what else the text
    may name (``if 'plugin' is a named build context, pass --build-context plugin=VALUE``).
    ``build`` is not about the value but about the use: which builds make it, when the builds
    a file is linted for disagree (``compose service 'web'``).
    """

    reference: Reference
    span: Span
    kind: UseKind
    authenticated: bool = False
    edit_span: Span | None = None
    container: str | None = None
    pulls_as: PullIdentity | None = None
    shared_text: bool = False
    repository_span: Span | None = field(default=None, compare=False)
    credentials_hint: str = field(default="", compare=False)
    values_hint: str = field(default="", compare=False)
    avoid_hint: str = field(default="", compare=False)
    origin: str = field(default="", compare=False)
    caveat: str = field(default="", compare=False)
    build: str = field(default="", compare=False)

    @property
    def circumstances(self) -> str:
        """``origin``, ``caveat`` and ``build`` for a message (``from named build context
        'base' = docker-image://nginx; in compose service 'web'``); empty when there is none."""
        build = f"in {self.build}" if self.build else ""
        return "; ".join(part for part in (self.origin, self.caveat, build) if part)

    @property
    def details(self) -> str:
        """`` (circumstances)`` to write after the reference in a message, or nothing."""
        circumstances = self.circumstances
        return f" ({circumstances})" if circumstances else ""

    @property
    def described(self) -> str:
        """The kind of use and its circumstances, for a message: ``base image``, ``COPY --from
        image; from named build context 'plugin' = docker-image://nginx:1.25``."""
        circumstances = self.circumstances
        return f"{self.kind.value}; {circumstances}" if circumstances else self.kind.value


@dataclass(frozen=True, slots=True)
class PullIdentity:
    """A named identity a pull runs as, such as a Kubernetes service account.

    Its registry credentials may live in a different file from the pull, so sources only record
    the name, and documents list the identities they give credentials to. ``scope`` (a
    namespace) is ``None`` when the file leaves it to deploy time; it then matches any scope.
    """

    kind: str
    name: str
    scope: str | None = None

    def matches(self, other: PullIdentity) -> bool:
        same_scope = self.scope is None or other.scope is None or self.scope == other.scope
        return self.kind == other.kind and self.name == other.name and same_scope


@dataclass(frozen=True, slots=True)
class LintRequest:
    """Another file a document needs linted with the values of a build.

    A Docker Compose service that builds an image asks for its Dockerfile to be linted with the
    service's ``build.args`` and ``build.additional_contexts``; so do a Bake target and a CI
    build step. The engine lints the file once per distinct set of values, in place of (never in
    addition to) the plain lint a directory walk would give it.
    """

    path: str
    """The file, as the run can open it (relative to the working directory, or absolute)."""
    build_args: tuple[tuple[str, str], ...]
    requested_at: Span
    build_contexts: tuple[tuple[str, str], ...] = ()
    """Named build contexts (``name``, ``value`` as ``docker buildx build --build-context``
    takes them)."""
    build: str = field(default="", compare=False)
    """The build in words, for messages when builds of one file disagree (``compose service
    'web'``, ``bake target 'app' in docker-bake.hcl``)."""
    if_present: bool = False
    """True when a missing file is no error: a CI step may build a file an earlier step makes."""


class MemberInsertion(Protocol):
    """Where new members can be written into one mapping of a source file, and how.

    Sources build it (they know the syntax); rules ask it for text without learning the format.
    """

    def add_member(self, path: tuple[str, ...], value: str) -> tuple[Span, str] | None:
        """An empty span just after the mapping's last member and the text that adds the member
        nested along ``path`` (keys as ECS's JSON spells them, ``("repositoryCredentials",
        "credentialsParameter")``) with the string ``value``, indented like its neighbours.
        ``None`` when the mapping already has ``path[0]`` or its text cannot safely be extended.
        """
        ...


class Egress(enum.Enum):
    """How traffic to the internet leaves a subnet."""

    INTERNET = "internet"
    """A default route to a NAT gateway, or to an internet gateway with a public IP."""
    NONE = "none"
    """No default route leaves the VPC: only VPC endpoints reach AWS, nothing reaches Docker Hub."""
    UNKNOWN = "unknown"
    """A default route through something ecs-lint cannot see past (transit gateway, peering, an
    appliance, IPv6 only): neither reachable nor unreachable is claimed."""


class ProblemKind(enum.Enum):
    """What a source could not read; the rule whose ``reports`` name the kind reports it."""

    PARSE = "parse"  # the file (or a file it names) cannot be read or parsed: it is not checked
    MISSING = "missing"  # a path named on the command line does not exist: reported always
    SHAPE = "shape"  # a value of the wrong type or shape; the rest of the file is checked
    DUPLICATE_KEY = "duplicate key"  # the earlier of two equal keys, whose value AWS tools ignore
    DIRECTIVE = "directive"  # an ecs-lint directive that cannot be read


@dataclass(frozen=True, slots=True)
class Problem:
    """Something a source (or the loading stage) could not read, of a kind, at a span."""

    kind: ProblemKind
    message: str
    span: Span
    about: str | None = None
    """The file the problem is about when it is not the one ``span`` is in (a Dockerfile a
    Compose service builds, which could not be read): the file at ``span`` parsed well."""


@dataclass(frozen=True, slots=True)
class Suppression:
    """An in-file request not to report some rules, whatever the format wrote it as.

    A Dockerfile comment ``# ecs-lint: ignore=EL101`` (``scope`` is the instruction after it),
    ``# ecs-lint: ignore-file=EL105`` (``scope`` is ``None``: the whole file), or CloudFormation
    resource ``Metadata`` (``scope`` is the resource). ``span`` is where the request is written:
    an unused one is reported there (EL901).
    """

    codes: tuple[str, ...]
    scope: Span | None
    span: Span


@dataclass(frozen=True, slots=True)
class Comment:
    """A whole-line comment that mentions ``ecs-lint``, as written (``# ecs-lint: ignore=EL101``);
    ``statement`` spans the statement right after it (only comment lines between), ``None``
    when none follows. The loading stage reads the directive it holds (``ecs_lint.suppress``)."""

    text: str
    span: Span
    statement: Span | None


@dataclass(slots=True)
class Document:
    """Everything one source file contributed to the model."""

    path: str
    images: list[ImageUse] = field(default_factory=list)
    tasks: list[TaskView] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    statements: list[tuple[int, int]] | None = field(default_factory=list)
    """Where a ``# ecs-lint: ignore=`` comment may go: the (first line, last line) of each
    statement that a comment on the line right before it covers (1-based, inclusive), for the
    formats with comments; the language server offers to write one there. ``None``: left to be
    found on demand (a YAML file or Dockerfile without an ecs-lint comment): ``load.statements_of``
    finds them."""
    credentialed_identities: list[PullIdentity] = field(default_factory=list)
    """Identities this document gives registry credentials (a service account's pull secrets)."""
    built_images: list[ImageRef] = field(default_factory=list)
    """Images a build tool defined here builds and deploys in place of their names in the
    manifests (Skaffold's artifacts): a pod naming one never pulls it as written."""
    lint_requests: list[LintRequest] = field(default_factory=list)
    roles: list[RoleDefinition] = field(default_factory=list)
    """IAM roles defined here (CloudFormation, Terraform), for the execution-role checks."""
    policies: list[PolicyDefinition] = field(default_factory=list)
    """Managed policies defined here, which roles may attach by one of their keys."""
    secrets: list[SecretDefinition] = field(default_factory=list)
    """Secrets defined here, whose KMS keys decide EL205."""
    services: list[ServiceView] = field(default_factory=list)
    """ECS services defined here (their desired counts feed the pull budget, EL150)."""
    format: str | None = None
    """The name of the source format that read it (``dockerfile``...); ``None`` for a document
    made elsewhere (from AWS, or in code)."""
    not_checked: str | None = None
    """Why the file is not checked at all, though a format claims it: it is a template another
    tool renders first (Helm, Jinja). Said once per run, never a finding; the document holds
    nothing else."""
    scope: str | None = None
    """Where the ``${label}`` values of this document (in its roles, policies, secrets and task
    values) mean the same thing: ``None`` for the document alone (a CloudFormation template, a
    Terraform plan); a shared name for documents that form one unit (the ``.tf`` files of one
    module directory). A label never names a definition of another scope."""
    covered_directories: list[str] = field(default_factory=list)
    """Directories (resolved) whose files this document lints as modules it calls, with the
    values of each call (Terraform's ``module`` blocks): the plain lint of their own files is
    dropped from the run (:meth:`Model.drop_covered`), so nothing is reported twice and a module
    is not reported for variables only its callers give."""
    related_texts: list[SourceText] = field(default_factory=list)
    """Other files this document's values come from (a Terraform module's ``variables.tf``, a
    ``.tfvars`` file): a fix of a value written there edits them, when they are inside the
    linted paths."""

    @property
    def label_scope(self) -> str:
        return self.scope if self.scope is not None else self.path

    def span_paths(self) -> set[str]:
        """Every file this document's findings may be about: its own, and those its values were
        read from (a Terraform module's files, a ``file()``)."""
        spans = [
            *(use.span for use in self.images),
            *(task.span for task in self.tasks),
            *(service.span for service in self.services),
            *(problem.span for problem in self.problems),
        ]
        return {self.path, *(span.path for span in spans if span.path and span.logical is None)}

    def context_needs(self) -> set[ContextKind]:
        """What in other files of the repository this document's findings depend on."""
        needs: set[ContextKind] = set()
        if any(use.pulls_as is not None and not use.authenticated for use in self.images):
            needs.add(ContextKind.PULL_CREDENTIALS)
        if any(use.kind is UseKind.POD_CONTAINER for use in self.images):
            needs.add(ContextKind.BUILT_IMAGES)
        if self.services:
            needs.add(ContextKind.SERVICES)
            if any(not s.tasks and s.task_definition is not None for s in self.services):
                needs.add(ContextKind.TASK_DEFINITIONS)
        if self.tasks:
            needs.add(ContextKind.IAM)
        return needs


class ContextKind(enum.Enum):
    """What a file's findings may depend on in other files of its repository: read from there
    whether or not those files are linted (``ecs_lint.context``), so a file's findings never
    depend on which other files the run names."""

    PULL_CREDENTIALS = "identities given registry credentials"
    """Kubernetes service accounts with ``imagePullSecrets`` (a pod pulls as its account)."""
    BUILT_IMAGES = "images a build tool puts in place of their names"
    """Skaffold's artifacts: the manifests it deploys get the image it built instead."""
    TASK_DEFINITIONS = "task definitions"
    """Task definitions a service names by family without defining them."""
    SERVICES = "services"
    """Every service, whose pulls add up per region (EL150)."""
    IAM = "roles, policies and secrets"
    """Execution roles, managed policies and secrets a task names by ARN or name."""
    REQUESTS = "files that ask for other files"
    """Compose services building a Dockerfile, Terraform modules calling a directory or reading
    a file: they decide how the file they ask for is linted."""


@dataclass(slots=True)
class Model:
    """The whole run's model: every document's contributions, in discovery order.

    ``documents`` are the files the run checks; ``context`` the documents read from their
    repositories for what those depend on (``ContextKind``), which are never reported
    themselves. ``reported`` holds the real paths of the files findings may be about (the files
    checked, and the files they lint with values of their own: a compose service's Dockerfile, a
    Terraform module); ``None`` reports everything (a live AWS run, a model built in code).
    ``images``, ``tasks``, ``services`` and ``problems`` are those in reported files, from
    whichever document: a Terraform module read as context lints the module file checked.
    """

    documents: list[Document] = field(default_factory=list)
    context: list[Document] = field(default_factory=list)
    sources: dict[str, SourceText] = field(default_factory=dict)
    """The decoded text of every reported file read, by display path, for code frames and
    fixes."""
    reported: set[str] | None = None
    not_checked: list[Document] = field(default_factory=list)
    """Files a format claims that are templates for another tool (``Document.not_checked``)."""
    checked_through_callers: list[str] = field(default_factory=list)
    """Files checked whose plain lint was dropped for their callers' (``drop_covered``): checked
    all the same."""
    _real_paths: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def every_document(self) -> list[Document]:
        """The checked documents and the context, in an order that does not depend on which
        files were named: by real path, each directory's files before its subdirectories (the
        order of a walk), live documents (no file) last."""
        if not self.context:
            return self.documents
        return sorted([*self.documents, *self.context], key=self._walk_order)

    def _walk_order(self, document: Document) -> tuple[int, tuple[str, ...], str]:
        if not document.path or document.path.startswith("arn:"):
            return (1, (), document.path)
        real = self.real_path(document.path)
        directory, _, name = real.rpartition("/")
        return (0, tuple(directory.split("/")), name)

    def real_path(self, path: str) -> str:
        """``path`` with links resolved (cached: every finding's file is asked about)."""
        real = self._real_paths.get(path)
        if real is None:
            import os

            real = os.path.realpath(path).replace(os.sep, "/")
            self._real_paths[path] = real
        return real

    def remember_real_path(self, path: str, real: str) -> None:
        """``real`` is the real path of ``path``, known already (discovery resolved it)."""
        import os

        self._real_paths.setdefault(path, real.replace(os.sep, "/"))

    def reports(self, span: Span) -> bool:
        """Whether findings at ``span`` are reported: it lies in a reported file (or in none, a
        finding about the run)."""
        if self.reported is None or not span.path or span.logical is not None:
            return True
        return self.real_path(span.path) in self.reported

    @property
    def images(self) -> list[ImageUse]:
        if self.reported is None:
            return [use for doc in self.documents for use in doc.images]
        return [use for doc in self.every_document for use in doc.images if self.reports(use.span)]

    @property
    def tasks(self) -> list[TaskView]:
        if self.reported is None:
            return [task for doc in self.documents for task in doc.tasks]
        return [
            task for doc in self.every_document for task in doc.tasks if self.reports(task.span)
        ]

    def problems(self, kinds: tuple[object, ...]) -> list[Problem]:
        return [
            problem
            for doc in (self.documents if self.reported is None else self.every_document)
            for problem in doc.problems
            if problem.kind in kinds and self.reports(problem.span)
        ]

    @property
    def roles(self) -> list[RoleDefinition]:
        return [role for doc in self.every_document for role in doc.roles]

    @property
    def policies(self) -> list[PolicyDefinition]:
        return [policy for doc in self.every_document for policy in doc.policies]

    @property
    def secrets(self) -> list[SecretDefinition]:
        return [secret for doc in self.every_document for secret in doc.secrets]

    @property
    def services(self) -> list[ServiceView]:
        """The services in reported files."""
        return [
            service
            for doc in (self.documents if self.reported is None else self.every_document)
            for service in doc.services
            if self.reports(service.span)
        ]

    @property
    def every_service(self) -> list[ServiceView]:
        """Every service the run knows, context included: pulls add up across them (EL150)."""
        return [service for doc in self.every_document for service in doc.services]

    def drop_covered(self) -> None:
        """Drop the documents of files in directories another document lints as modules it
        calls (``Document.covered_directories``), unless that document's own directory is
        covered back (modules calling each other, which Terraform rejects: both are kept).
        Callers read as context count as much as checked ones: a module file checked alone is
        linted through the modules of its repository that call it."""
        every_document = self.every_document
        if not any(document.covered_directories for document in every_document):
            return
        from pathlib import Path

        def resolved(path: str) -> str:
            try:
                return str(Path(path).parent.resolve())
            except (OSError, RuntimeError):  # a link loop: not a module anyone calls
                return path

        directory = {id(doc): resolved(doc.path) for doc in every_document}
        callers: dict[str, set[str]] = {}
        for doc in every_document:
            for covered in doc.covered_directories:
                callers.setdefault(covered, set()).add(directory[id(doc)])

        def dropped(doc: Document) -> bool:
            own = directory[id(doc)]
            return any(own not in callers.get(caller, ()) for caller in callers.get(own, ()))

        self.checked_through_callers += [doc.path for doc in self.documents if dropped(doc)]
        self.documents = [doc for doc in self.documents if not dropped(doc)]
        self.context = [doc for doc in self.context if not dropped(doc)]

    def tasks_named(self, task_definition: Located | None) -> tuple[TaskView, ...]:
        """The run's task definitions whose family ``task_definition`` names (an ARN,
        ``family:revision`` or a family)."""
        if task_definition is None or not task_definition.is_known:
            return ()
        text = task_definition.value.rsplit("/", 1)[-1]
        family = text.split(":", 1)[0] if text.count(":") <= 1 else ""
        every_task = (task for doc in self.every_document for task in doc.tasks)
        return tuple(task for task in every_task if family and task.family == family)

    def resolve_task_definitions(self) -> None:
        """Give each service whose file names its task definition without defining it the run's
        task definitions of that family, dropping the use that stood for their images.

        Runs once, after every document is loaded: the task definition may be in another file.
        """
        for doc in self.every_document:
            for index, service in enumerate(doc.services):
                if service.tasks or service.task_definition is None:
                    continue
                found = self.tasks_named(service.task_definition)
                if not found:
                    continue
                doc.services[index] = replace(service, tasks=found, unchecked_images=None)
                stale = service.unchecked_images
                if stale is not None:
                    doc.images = [use for use in doc.images if use != stale]

    def resolve_built_images(self) -> None:
        """Leave out the pods' images a build tool of the repository replaces with its own
        build when it deploys them (``Document.built_images``): they are never pulled as
        written. A name matches whatever its tag, as Skaffold matches it."""
        every_document = self.every_document
        built = {(ref.domain, ref.path) for doc in every_document for ref in doc.built_images}
        if not built:
            return
        for doc in every_document:
            doc.images = [
                use
                for use in doc.images
                if use.kind is not UseKind.POD_CONTAINER
                or not isinstance(use.reference, ImageRef)
                or (use.reference.domain, use.reference.path) not in built
            ]

    def resolve_pull_identities(self) -> None:
        """Mark pulls authenticated whose identity has credentials in any document of the run.

        Runs once, after every document is loaded, because a pod and the service account holding
        its pull secrets are often in different files.
        """
        every_document = self.every_document
        credentialed = [i for doc in every_document for i in doc.credentialed_identities]
        if not credentialed:
            return
        for doc in every_document:
            doc.images = [
                replace(use, authenticated=True)
                if not use.authenticated
                and use.pulls_as is not None
                and any(use.pulls_as.matches(identity) for identity in credentialed)
                else use
                for use in doc.images
            ]


def pickled_quickly(namespace: dict[str, object]) -> None:
    """Have pickle make the frozen slotted dataclasses of a module's ``namespace`` again by
    calling the class with their fields' values: a large run hands its parsed documents from
    worker processes to this one (``ecs_lint.parallel``). ``dataclasses``' own state lists the
    fields again for every value, which made the hand-over cost a third of the parsing it
    saved; a state set field by field still took a fifth more to load than this call."""
    for value in list(namespace.values()):
        if (
            isinstance(value, type)
            and value.__module__ == namespace["__name__"]
            and dataclasses.is_dataclass(value)
            and "__setstate__" in vars(value)  # frozen and slotted: dataclasses' own state
            and not hasattr(value, "__post_init__")  # made again from its fields alone
            and all(item.init for item in dataclasses.fields(value))
        ):
            _pickle_by_fields(value)


def _pickle_by_fields(cls: type) -> None:
    names = tuple(item.name for item in dataclasses.fields(cls))
    values = operator.attrgetter(*names)

    def __reduce__(self: object) -> tuple[type, tuple[object, ...]]:
        state = values(self)
        return cls, (state if len(names) > 1 else (state,))

    setattr(cls, "__reduce__", __reduce__)  # noqa: B010  # mypy: no method assignment


pickled_quickly(globals())


# The classes of task definitions, services, networks and IAM definitions live in modules of
# their own, created on first use: a frozen dataclass costs about 4 M instructions to create, and
# a run of Dockerfiles needs none of them. ``from ecs_lint.model import TaskView`` still works.
_ELSEWHERE: dict[str, str] = {
    "SecretView": "ecs_lint._model_tasks",
    "LogView": "ecs_lint._model_tasks",
    "ContainerView": "ecs_lint._model_tasks",
    "TaskView": "ecs_lint._model_tasks",
    "ServiceView": "ecs_lint._model_services",
    "SubnetView": "ecs_lint._model_services",
    "EndpointView": "ecs_lint._model_services",
    "SecurityGroupView": "ecs_lint._model_services",
    "NetworkView": "ecs_lint._model_services",
    "PolicyDefinition": "ecs_lint._model_services",
    "RoleDefinition": "ecs_lint._model_services",
    "SecretDefinition": "ecs_lint._model_services",
}


def __getattr__(name: str) -> object:
    module = _ELSEWHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
