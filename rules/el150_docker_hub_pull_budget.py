"""EL150 docker-hub-pull-budget: one deployment can use up Docker Hub's anonymous pull limit.

## What it does
For every ECS service whose tasks pull images anonymously from Docker Hub (live services with
``ecs-lint aws``, ``AWS::ECS::Service`` in CloudFormation, ``aws_ecs_service`` in Terraform),
estimates the pulls of one deployment: the desired count times the distinct anonymous Docker Hub
images of one task. It compares the estimate with the anonymous limit that every task behind one
NAT gateway address shares (100 pulls per 6 hours; set another with ``--docker-hub-limit`` or
``docker-hub-limit``, as Docker has announced other limits), and reports:

- an error when one deployment of the service alone needs more pulls than the limit;
- a warning on each service with anonymous pulls when all of them together (per region live,
  per run for files) need more than the limit, as a region-wide redeployment or scale-out does.

Every message gives the service's estimate and the total. On Fargate every task pulls its images,
as Fargate keeps no image cache between tasks. On EC2 every task start pulls as well with the ECS
agent's default ``ECS_IMAGE_PULL_BEHAVIOR``; with ``once`` or ``prefer-cached`` an instance that
has the image pulls it about once, so the estimate is an upper bound there. A service without a
desired count counts as its format's default (CloudFormation creates a service with one task,
Terraform's AWS provider with none); a daemon service, or one whose count is not known
statically, is skipped.

## Why is this bad?
When the limit is used up, every further task fails to start with
``CannotPullContainerError: ... toomanyrequests: You have reached your pull rate limit`` until the
window moves on: a deployment stalls half-way, and scale-outs during an incident fail.

## Example
```yaml
Service:
  Type: AWS::ECS::Service
  Properties:
    DesiredCount: 60
    TaskDefinition: !Ref TaskDefinition  # containers nginx:1.25 and redis:7: 120 pulls
```

## How to fix
Pull the images from the Amazon ECR Public Gallery or an ECR pull-through cache, copy them into a
private ECR repository, or authenticate the pulls with ``repositoryCredentials`` (authenticated
pulls count against the account's own, higher limit).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ecs_lint.dockerhub import docker_hub_pulls
from ecs_lint.findings import Finding, Severity
from ecs_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.model import Model, ServiceView, Span, TaskView
    from ecs_lint.settings import Settings

REMEDY = (
    "pull from ECR Public or an ECR pull-through cache, or authenticate with repositoryCredentials"
)


@dataclass(frozen=True, slots=True)
class Estimate:
    service: ServiceView
    tasks: int
    images: tuple[str, ...]

    @property
    def pulls(self) -> int:
        return self.tasks * len(self.images)


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    limit = ctx.settings.docker_hub_limit
    estimates = [
        estimate
        for service in model.services
        if (estimate := _estimate(service, model, ctx.settings)) is not None and estimate.pulls
    ]
    groups: dict[str | None, list[Estimate]] = {}
    for estimate in estimates:
        groups.setdefault(estimate.service.region, []).append(estimate)
    for region, group in groups.items():
        total = sum(estimate.pulls for estimate in group)
        for estimate in group:
            if estimate.pulls > limit:
                yield _alone(ctx, estimate, limit, total, region, len(group))
            elif total > limit:
                yield _together(ctx, estimate, limit, total, region, len(group))


def _estimate(service: ServiceView, model: Model, settings: Settings) -> Estimate | None:
    count = service.desired_count
    if count is None or not count.is_known or not count.value.strip().isdigit():
        return None  # a count ecs-lint cannot know: no estimate rather than a guess
    variants = service.tasks or _tasks_named(service, model)
    images = max((_anonymous_docker_hub(task, settings) for task in variants), key=len, default=())
    return Estimate(service, int(count.value), images)


def _tasks_named(service: ServiceView, model: Model) -> tuple[TaskView, ...]:
    """Task definitions of the run whose family the service's task definition names (an ARN,
    ``family:revision`` or a family), when the service's file does not define it."""
    if service.task_definition is None or not service.task_definition.is_known:
        return ()
    text = service.task_definition.value.rsplit("/", 1)[-1]
    family = text.split(":", 1)[0] if text.count(":") <= 1 else ""
    return tuple(task for task in model.tasks if family and task.family == family)


def _anonymous_docker_hub(task: TaskView, settings: Settings) -> tuple[str, ...]:
    """The distinct images one task of ``task`` pulls anonymously from Docker Hub."""
    uses = (container.image for container in task.containers if container.image is not None)
    pulls = docker_hub_pulls(uses, settings, authenticated=False)
    return tuple(dict.fromkeys(str(ref) for _, ref in pulls))


def _platform_note(service: ServiceView) -> str:
    if service.platform == "FARGATE":
        return "Fargate keeps no image cache between tasks"
    if service.platform in ("EC2", "EXTERNAL"):
        return (
            "on EC2 each task start pulls with the agent's default ECS_IMAGE_PULL_BEHAVIOR "
            "(about once per instance with once or prefer-cached)"
        )
    return (
        "on Fargate every task pulls (no image cache); on EC2 it depends on the agent's "
        "ECS_IMAGE_PULL_BEHAVIOR"
    )


def _describe(estimate: Estimate) -> str:
    service = estimate.service
    tasks = f"{estimate.tasks} task{'s' if estimate.tasks != 1 else ''}"
    if service.desired_count_is_default:
        tasks += " (no desired count: the default)"
    count = len(estimate.images)
    images = f"{count} image{'s' if count != 1 else ''} ({', '.join(estimate.images)})"
    return (
        f"service {service.name} starts {tasks} per deployment, each pulling {images} "
        f"anonymously from Docker Hub: about {estimate.pulls} pulls ({_platform_note(service)})"
    )


def _total(region: str | None, services: int, total: int) -> str:
    where = f"in {region}" if region else "in this run"
    plural = "s" if services != 1 else ""
    verb = "needs" if services == 1 else "need"
    return f"the {services} service{plural} {where} with anonymous Docker Hub pulls {verb} {total}"


def _alone(
    ctx: RuleContext, estimate: Estimate, limit: int, total: int, region: str | None, count: int
) -> Finding:
    message = (
        f"{_describe(estimate)}, more than the {limit} anonymous pulls Docker Hub allows per "
        "address, shared by every task behind one NAT gateway: one deployment alone exhausts "
        "it, and later tasks fail with CannotPullContainerError (toomanyrequests); in all, "
        f"{_total(region, count, total)}; {REMEDY}"
    )
    finding = _finding(ctx, _span(estimate.service), message, estimate, limit, total)
    return replace(finding, severity=Severity.ERROR)


def _together(
    ctx: RuleContext, estimate: Estimate, limit: int, total: int, region: str | None, count: int
) -> Finding:
    message = (
        f"{_describe(estimate)}; in all, {_total(region, count, total)}, more than the "
        f"{limit} anonymous pulls Docker Hub allows per address (shared by every task behind "
        f"one NAT gateway), so redeploying or scaling them at once exhausts it; {REMEDY}"
    )
    return _finding(ctx, _span(estimate.service), message, estimate, limit, total)


def _finding(
    ctx: RuleContext, span: Span, message: str, estimate: Estimate, limit: int, total: int
) -> Finding:
    return ctx.finding(
        span,
        message,
        service=estimate.service.name,
        pulls=estimate.pulls,
        total_pulls=total,
        limit=limit,
    )


def _span(service: ServiceView) -> Span:
    return service.desired_count.span if service.desired_count is not None else service.span


RULE = Rule("EL150", "docker-hub-pull-budget", Severity.WARNING, check, __doc__ or "")
