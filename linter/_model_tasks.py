"""The model's task definitions: what rules read of a task definition and its containers.

Part of :mod:`ecs_lint.model`, which exports these classes; a module of its own so that a run
without task definitions never creates them (``ecs_lint.model.__getattr__``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ecs_lint.model import pickled_quickly

if TYPE_CHECKING:
    from ecs_lint.model import ImageUse, Located, MemberInsertion, Span


@dataclass(frozen=True, slots=True)
class SecretView:
    """A container secret: the variable ``name`` and where its value comes from."""

    name: str
    value_from: Located


@dataclass(frozen=True, slots=True)
class LogView:
    """A container's log configuration: its driver and options, each where it is written."""

    driver: Located
    options: dict[str, Located] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ContainerView:
    """The parts of one container definition that rules read.

    ``insertion`` is where a fix may add members to the container (``None`` when the source
    cannot say, e.g. a value computed from a template or JSON held in a string).
    """

    name: str
    span: Span
    image: ImageUse | None
    credentials_parameter: Located | None = None
    secrets: tuple[SecretView, ...] = ()
    log: LogView | None = None
    insertion: MemberInsertion | None = None


@dataclass(frozen=True, slots=True)
class TaskView:
    """The parts of one task definition that rules read."""

    family: str | None
    span: Span
    containers: tuple[ContainerView, ...]
    execution_role: Located | None = None
    requires_compatibilities: tuple[str, ...] = ()
    network_mode: str | None = None
    region: str | None = None
    """The region the task runs in when the source says: a template's own region, as its
    policies name it (``${AWS::Region}`` unless given with ``--parameter``); ``None`` when the
    source does not say (``--region`` then tells it)."""
    title: str | None = None
    """How messages name this task when it is not a task definition the file defines, in the
    source's words (``Express service 'web'``: Express Mode registers the task definition from
    the service); ``None``: it is the task definition of ``family``."""

    @property
    def runs_on_fargate(self) -> bool:
        return "FARGATE" in self.requires_compatibilities

    @property
    def ec2_only(self) -> bool:
        """True when the task can only run on EC2 (or external) container instances."""
        compat = set(self.requires_compatibilities)
        return bool(compat) and "FARGATE" not in compat


pickled_quickly(globals())
