"""The model's services, their networks, and the IAM definitions of templates: what the pull
budget, the network rules and the execution-role checks read besides task definitions.

Part of :mod:`ecs_lint.model`, which exports these classes; a module of its own so that a run
of Dockerfiles or task definitions never creates them (``ecs_lint.model.__getattr__``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ecs_lint.model import pickled_quickly

if TYPE_CHECKING:
    from ecs_lint._model_tasks import TaskView
    from ecs_lint.model import Egress, ImageUse, Located, Span


@dataclass(frozen=True, slots=True)
class ServiceView:
    """An ECS service defined next to its task definition (CloudFormation, Terraform), or
    registered in AWS (``ecs-lint aws``).

    What the Docker Hub pull budget needs: how many tasks one deployment starts and which task
    definition they run. ``desired_count`` is the value as written, or where the file leaves it
    out the default of its format (``desired_count_is_default``, spanning the service); ``None``
    when no count is known (a daemon service); it may be unresolved. ``tasks`` are the task
    definitions of the same document the service runs (several when the file has variants, as
    with ``Fn::If``); empty when it runs one defined elsewhere, which ``task_definition`` then
    names. ``launch_type`` is ``FARGATE``, ``EC2``, ``EXTERNAL`` or ``None`` (capacity providers
    decide: see ``capacity_providers``).
    """

    name: str
    span: Span
    desired_count: Located | None = None
    desired_count_is_default: bool = False
    task_definition: Located | None = None
    tasks: tuple[TaskView, ...] = ()
    launch_type: str | None = None
    capacity_providers: tuple[str, ...] = ()
    region: str | None = None
    """The region the service runs in, when the source knows it (live AWS); the pull budget is
    totalled per region."""
    network: NetworkView | None = None
    """Where its tasks' network interfaces are (live AWS, Fargate services only)."""
    max_count: Located | None = None
    """The most tasks the service scales out to (its auto-scaling maximum), when the source says:
    a scale-out to it starts, and pulls the images of, that many tasks. ``max_count_is_default``:
    the file leaves it out and this is its format's default."""
    max_count_is_default: bool = False
    unchecked_images: ImageUse | None = None
    """The unresolved image use that stands for the images of ``task_definition`` when nothing
    else in the file runs it (an Express service given a task definition by ARN): it says they
    are not checked, and goes once the run's own task definitions give the service its tasks
    (:meth:`Model.resolve_task_definitions`)."""

    @property
    def platform(self) -> str | None:
        """``FARGATE`` or ``EC2`` (``EXTERNAL`` too) when the launch type or every capacity
        provider says so; ``None`` when unknown (a cluster's default strategy, a mix)."""
        if self.launch_type:
            return self.launch_type.upper()
        fargate = {name.upper().startswith("FARGATE") for name in self.capacity_providers}
        if fargate == {True}:
            return "FARGATE"
        if fargate == {False}:
            return "EC2"  # any other capacity provider is an Auto Scaling group of instances
        return None


@dataclass(frozen=True, slots=True)
class SubnetView:
    """A subnet a service places tasks in, and how it reaches the internet.

    ``route`` says why, in words (``"0.0.0.0/0 via nat-0abc (route table rtb-1)"``);
    ``route_table`` is the table in force (its own, or the VPC's main one).
    """

    subnet_id: str
    egress: Egress
    route: str
    route_table: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class EndpointView:
    """A VPC endpoint of the service's VPC. ``service`` is the short name (``ecr.api``, ``ecr.dkr``,
    ``s3``, ``secretsmanager``, ``logs``, ``ssm``...); ``kind`` is ``Interface`` or ``Gateway``;
    ``route_tables`` are a gateway endpoint's route tables."""

    endpoint_id: str
    service: str
    kind: str
    state: str
    private_dns: bool
    route_tables: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SecurityGroupView:
    """A security group of the service's tasks; ``https_egress`` names the destinations it lets
    outbound TCP 443 reach (CIDRs, prefix lists, groups); empty when it allows none."""

    group_id: str
    https_egress: tuple[str, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class NetworkView:
    """The network a service's tasks use (``awsvpc``), as neutral facts for the network rules."""

    vpc_id: str | None
    subnets: tuple[SubnetView, ...]
    endpoints: tuple[EndpointView, ...]
    security_groups: tuple[SecurityGroupView, ...]
    assign_public_ip: bool
    span: Span


@dataclass(frozen=True, slots=True)
class PolicyDefinition:
    """An IAM policy document written in a source file (inline in a role, or a managed policy).

    ``document`` is the JSON value as written (``{"Version": ..., "Statement": [...]}``). A string
    a source could not resolve is written as ``${label}`` text (``${AWS::AccountId}``,
    ``${DockerHubSecret}``): the evaluator treats it as an unknown value, equal to the same
    label elsewhere in the run. ``keys`` are the texts a role may attach a managed policy by (its
    ARN, its name, a template's ``${Logical}`` reference); inline policies need none.
    """

    name: str
    document: object
    span: Span
    keys: tuple[str, ...] = ()


@dataclass(slots=True)
class RoleDefinition:
    """An IAM role defined in a source file, with the policies attached to it there.

    ``keys`` are every text a ``TaskView.execution_role`` value may carry for this role: its ARN,
    its name, and for a template the ``${label}`` the source writes for an unresolved reference
    to it (``${TaskExecutionRole.Arn}``). Role names match case-insensitively, as in IAM.
    ``managed_policy_arns`` are resolved through the run's ``PolicyDefinition`` keys, the AWS
    managed policies ecs-lint embeds, ``--iam`` and ``--aws``; ``unresolved`` names what the
    source could not resolve (a policy built by a condition...): the role's policies are then
    unknown (EL207) rather than guessed.
    """

    span: Span
    keys: tuple[str, ...]
    name: str | None = None
    arn: str | None = None
    inline_policies: list[PolicyDefinition] = field(default_factory=list)
    managed_policy_arns: list[Located] = field(default_factory=list)
    permissions_boundary: Located | None = None
    unresolved: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SecretDefinition:
    """A Secrets Manager secret (or SSM parameter) defined in a source file or the settings.

    ``keys`` are every text a ``credentialsParameter`` or ``valueFrom`` may carry for it: its
    ARN, its name, a template's ``${Logical}``; a ``${label}`` key of a Secrets Manager secret
    stands for its ARN (CloudFormation's ``Ref`` and ``Id``, Terraform's ``arn`` and ``id``), so
    a ``valueFrom`` holding one reads the secret. ``kms_key`` is the key id, key ARN, alias or alias
    ARN it is encrypted with; ``None`` means the AWS managed key (``aws/secretsmanager``), which
    needs no ``kms:Decrypt`` grant. ``service`` is ``secretsmanager`` or ``ssm``.

    Without a ``name`` (one generated when the secret is created, or an unresolved one), the
    secret is still known to be in the account and region of the tasks of its scope, unless
    ``with_tasks`` is false (the source places it elsewhere, as a Terraform provider alias
    does); ``name_prefix`` is what its name is known to start with (Terraform's ``name_prefix``,
    or the ``terraform-`` of a name Terraform generates). ``kms_key_known`` is false when the
    source reads an existing secret (Terraform's ``data "aws_secretsmanager_secret"``): its key
    is then found as for a secret defined elsewhere (``secret-kms-keys``, ``--aws``).
    """

    span: Span
    keys: tuple[str, ...]
    name: str | None = None
    arn: str | None = None
    kms_key: Located | None = None
    service: str = "secretsmanager"
    name_prefix: str | None = None
    with_tasks: bool = True
    kms_key_known: bool = True


pickled_quickly(globals())
