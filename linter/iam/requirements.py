"""What a task needs its execution role to be allowed, as a list of requests.

The ECS agent (or Fargate) uses the task execution role to read ``repositoryCredentials`` and
``secrets`` (``secretsmanager:GetSecretValue``, ``ssm:GetParameters``, and ``kms:Decrypt`` when a
customer-managed key encrypts them), and, where the launch type makes it the execution role's
job, to pull private ECR images and to send ``awslogs`` logs. Each need is a :class:`Requirement`:
the IAM request, its kind (:class:`~ecs_lint.iam.Need`: a rule reports the kinds it names when
the role may not make them), and where in the task definition it comes from. The credentials
rules check them; policy generation (``ecs-lint policy``) writes statements that allow exactly
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Protocol

from ecs_lint.iam import Need
from ecs_lint.iam.arns import (
    BadReference,
    ParameterRef,
    Placement,
    SecretRef,
    SecretValueRef,
    UnknownValueFrom,
    ecr_repository_resource,
    log_stream_resource,
    parse_credentials_parameter,
)
from ecs_lint.iam.requests import Request, Resource
from ecs_lint.model import ImageRef, RegistryKind
from ecs_lint.references import ecr_private_parts

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.iam.arns import ValueFrom
    from ecs_lint.model import ContainerView, ImageUse, Located, Span, TaskView

__all__ = [
    "CustomerKey",
    "Requirement",
    "SecretFacts",
    "SecretLookups",
    "agent_uses_execution_role",
    "awslogs_creates_group",
    "ecr_private_image",
    "has_requirements",
    "needs_execution_role",
    "task_requirements",
]

ECR_PULL_ACTIONS: Final = (
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
)
LOG_ACTIONS: Final = ("logs:CreateLogStream", "logs:PutLogEvents")
# Docker reads awslogs-create-group with Go's strconv.ParseBool.
_TRUE: Final = frozenset({"1", "t", "T", "TRUE", "true", "True"})


@dataclass(frozen=True, slots=True)
class CustomerKey:
    """A customer-managed KMS key, and where ecs-lint learned of it."""

    resource: Resource
    display: str
    source: str


@dataclass(frozen=True, slots=True)
class SecretFacts:
    """A secret's (or parameter's) ARN as well as known, and its key when customer-managed.

    ``secret`` is the secret in its best known form when that is better than the reference the
    task gives: its name when the task names it by a template value (``${DockerHubSecret}``) and
    the template defines its name. Messages and suggestions use it.
    """

    resource: Resource
    key: CustomerKey | None = None
    secret: SecretRef | None = None


class SecretLookups(Protocol):
    def secret_facts(self, ref: SecretRef | ParameterRef, placement: Placement) -> SecretFacts: ...

    def value_from(self, text: str) -> ValueFrom:
        """A ``secrets[].valueFrom`` as ECS reads it (a template's secret is its ARN)."""
        ...


@dataclass(frozen=True, slots=True)
class Requirement:
    """One request the execution role must be allowed to make for this task to start.

    ``kind`` says which rule reports it when denied (the one whose ``reports`` name it);
    ``subject`` says what it is for, in words; ``secret`` is set for a secret read, to explain
    the suffix trap; ``source`` is a sentence saying where a fact the subject rests on comes from
    (the KMS key of a secret), which a message gives after its headline.
    """

    kind: Need
    request: Request
    span: Span
    container: str | None
    subject: str
    secret: SecretRef | None = None
    source: str | None = None


def agent_uses_execution_role(task: TaskView) -> bool:
    """Whether ECR pulls and awslogs use the execution role.

    On Fargate they always do. A task definition without ``requiresCompatibilities`` but with the
    ``awsvpc`` network mode can still run on Fargate, so the same holds. A task that can only run
    on EC2 (or external) instances pulls and logs with the container-instance role, so nothing is
    demanded of the execution role there.
    """
    if task.runs_on_fargate:
        return True
    return not task.requires_compatibilities and task.network_mode == "awsvpc"


def ecr_private_image(use: ImageUse | None) -> tuple[str, str, str] | None:
    """(account, region, repository path) of a private ECR image. The account and region may be
    a template's unresolved values (``${AWS::AccountId}``): the requests made from them hold
    those values as unknowns, which the template's own policies name exactly."""
    if use is None or not isinstance(use.reference, ImageRef):
        return None
    ref = use.reference
    if ref.registry is not RegistryKind.ECR_PRIVATE:
        return None
    parts = ecr_private_parts(ref.domain, labels=True)
    if parts is None:
        return None
    return parts[0], parts[1], ref.path


def awslogs_creates_group(container: ContainerView) -> bool:
    if container.log is None:
        return False
    option = container.log.options.get("awslogs-create-group")
    return option is not None and option.value in _TRUE


def _uses_awslogs(container: ContainerView) -> bool:
    return container.log is not None and container.log.driver.value == "awslogs"


def needs_execution_role(task: TaskView) -> list[tuple[Span, str]]:
    """What in this task needs an execution role (EL201), with where it is."""
    needs: list[tuple[Span, str]] = []
    for container in task.containers:
        name = container.name or "(unnamed)"
        if container.credentials_parameter is not None:
            needs.append((container.credentials_parameter.span, f"repositoryCredentials ({name})"))
        for secret in container.secrets:
            needs.append((secret.value_from.span, f"secret {secret.name} ({name})"))
        if task.runs_on_fargate:
            if ecr_private_image(container.image) is not None and container.image is not None:
                needs.append((container.image.span, f"a private ECR image on Fargate ({name})"))
            if _uses_awslogs(container) and container.log is not None:
                needs.append((container.log.driver.span, f"the awslogs driver on Fargate ({name})"))
    return needs


def task_requirements(
    task: TaskView, placement: Placement, lookups: SecretLookups
) -> list[Requirement]:
    """Everything this task needs its execution role to be allowed, once each, in file order."""
    unique: dict[tuple[Need, Request], Requirement] = {}
    for found in _each_part(task, placement, lookups):
        for requirement in found:
            unique.setdefault((requirement.kind, requirement.request), requirement)
    return list(unique.values())


def has_requirements(task: TaskView, placement: Placement, lookups: SecretLookups) -> bool:
    """Whether :func:`task_requirements` is not empty, found without making all of them."""
    return any(_each_part(task, placement, lookups))


def _each_part(
    task: TaskView, placement: Placement, lookups: SecretLookups
) -> Iterator[list[Requirement]]:
    """The requirements of each part of the task in file order (repeats included): a
    container's credentials, each of its secrets, its image pull, its logs."""
    pulls = agent_uses_execution_role(task)
    for container in task.containers:
        yield _credentials(container, placement, lookups)
        for secret in container.secrets:
            yield _secret(container, secret.name, secret.value_from, placement, lookups)
        if pulls:
            yield _ecr(container, placement)
            yield _logs(container, placement)


def _context(region: str | None, **extra: str) -> dict[str, str]:
    context = dict(extra)
    if region is not None:
        context["aws:RequestedRegion"] = region
    return context


def _credentials(
    container: ContainerView, placement: Placement, lookups: SecretLookups
) -> list[Requirement]:
    located = container.credentials_parameter
    if located is None:
        return []
    ref = parse_credentials_parameter(located.value)
    if isinstance(ref, BadReference):
        return []  # EL202 reports it
    facts = lookups.secret_facts(ref, placement)
    region = ref.region or placement.region
    subject = f"registry credentials secret {located.value}"
    needs = [
        Requirement(
            Need.READ_CREDENTIALS,
            Request.of("secretsmanager:GetSecretValue", facts.resource, _context(region)),
            located.span,
            container.name,
            subject,
            facts.secret or ref,
        )
    ]
    if facts.key is not None:
        key = Need.DECRYPT_CREDENTIALS
        needs.append(_decrypt(key, facts, region, "secretsmanager", located, container, subject))
    return needs


def _secret(
    container: ContainerView,
    name: str,
    located: Located,
    placement: Placement,
    lookups: SecretLookups,
) -> list[Requirement]:
    ref = lookups.value_from(located.value)
    if isinstance(ref, BadReference | UnknownValueFrom):
        return []  # EL213 reports a bad one; EL207 says an unknown one is not checked
    subject = f"secret {name} ({located.value})"
    if isinstance(ref, SecretValueRef):
        target: SecretRef | ParameterRef = ref.secret
        action, service, secret = "secretsmanager:GetSecretValue", "secretsmanager", ref.secret
    else:
        target, action, service, secret = ref, "ssm:GetParameters", "ssm", None
    facts = lookups.secret_facts(target, placement)
    region = target.region or placement.region
    request = Request.of(action, facts.resource, _context(region))
    if secret is not None and facts.secret is not None:
        secret = facts.secret
    needs = [Requirement(Need.READ_SECRET, request, located.span, container.name, subject, secret)]
    if facts.key is not None:
        key = Need.DECRYPT_SECRET
        needs.append(_decrypt(key, facts, region, service, located, container, subject))
    return needs


def _decrypt(
    kind: Need,
    facts: SecretFacts,
    region: str | None,
    service: str,
    located: Located,
    container: ContainerView,
    subject: str,
) -> Requirement:
    """``kms:Decrypt``, which the secret's service calls on the role's behalf."""
    assert facts.key is not None
    context = _context(region)
    if region is not None:
        context["kms:ViaService"] = f"{service}.{region}.amazonaws.com"
    if facts.resource.is_exact:
        name = "SecretARN" if service == "secretsmanager" else "PARAMETER_ARN"
        context[f"kms:EncryptionContext:{name}"] = str(facts.resource)
    return Requirement(
        kind,
        Request.of("kms:Decrypt", facts.key.resource, context),
        located.span,
        container.name,
        f"KMS key {facts.key.display} of {subject}",
        source=f"The KMS key is known from {facts.key.source}.",
    )


def _ecr(container: ContainerView, placement: Placement) -> list[Requirement]:
    private = ecr_private_image(container.image)
    if private is None or container.image is None:
        return []
    account, region, path = private
    subject = f"private ECR image {container.image.reference}"
    context = _context(region)
    repository = ecr_repository_resource(account, region, path, placement)
    requests = [Request.of("ecr:GetAuthorizationToken", "*", context)]
    requests += [Request.of(action, repository, context) for action in ECR_PULL_ACTIONS]
    span = container.image.span
    return [Requirement(Need.PULL_ECR, r, span, container.name, subject) for r in requests]


def _logs(container: ContainerView, placement: Placement) -> list[Requirement]:
    if not _uses_awslogs(container) or container.log is None:
        return []
    group = container.log.options.get("awslogs-group")
    if group is None or not group.value:
        return []  # EL212 reports the missing option
    region_option = container.log.options.get("awslogs-region")
    # An option known only at deploy time (empty here) is the region the task runs in.
    region = region_option.value if region_option is not None else None
    region = region or placement.region
    span = container.log.driver.span
    subject = f"awslogs log group {group.value}"
    context = _context(region)
    stream = log_stream_resource(group.value, region, placement, stream=True)
    requests = [Request.of(action, stream, context) for action in LOG_ACTIONS]
    if awslogs_creates_group(container):
        bare = log_stream_resource(group.value, region, placement, stream=False)
        requests.append(Request.of("logs:CreateLogGroup", bare, context))
    return [Requirement(Need.WRITE_LOGS, r, span, container.name, subject) for r in requests]
