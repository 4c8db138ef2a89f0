"""EL150 docker-hub-pull-budget: one deployment can use up Docker Hub's anonymous pull limit.

## What it does
For every ECS service whose tasks pull images anonymously from Docker Hub (live services with
``ecs-lint aws``, ``AWS::ECS::Service`` in CloudFormation, ``aws_ecs_service`` in Terraform,
Express Mode services in each of them and in their API input), estimates the pulls of one
deployment: the desired count times the distinct anonymous Docker Hub images of one task. Where
the file gives the most tasks the service scales out to (an Express service's ``MaxTaskCount``),
the estimate is of a scale-out to that maximum, which starts and pulls for that many tasks. It
compares the estimate with the anonymous limit that every task behind one NAT gateway address
shares ({{anonymous limit}}, Docker's documented limit; set another with ``--docker-hub-limit``
or ``docker-hub-limit``, as Docker has announced other limits before), and reports:

- an error when one deployment (or scale-out to its maximum) of the service alone needs more
  pulls than the limit;
- a warning on each service with anonymous pulls when all of them together (per region live,
  per run for files) need more than the limit, as a region-wide redeployment or scale-out does.

Every message gives the service's estimate and the total. On Fargate every task pulls its images,
as Fargate keeps no image cache between tasks. On EC2 every task start pulls as well with the ECS
agent's default ``ECS_IMAGE_PULL_BEHAVIOR``; with ``once`` or ``prefer-cached`` an instance that
has the image pulls it about once, so the estimate is an upper bound there. A service without a
desired count counts as its format's default (CloudFormation creates a service with one task,
Terraform's AWS provider with none; an Express service with one and scales out to 20); a daemon
service, or one whose counts are not known statically, is skipped.

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

from ecs_lint.dockerhub import PER_ADDRESS, docker_hub_pulls, with_limits
from ecs_lint.findings import Finding, Severity
from ecs_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ecs_lint.dockerhub import PullLimit
    from ecs_lint.model import Located, Model, ServiceView, Span, TaskView
    from ecs_lint.settings import Settings

REMEDY = (
    "pull from ECR Public or an ECR pull-through cache, or authenticate with repositoryCredentials"
)


@dataclass(frozen=True, slots=True)
class Estimate:
    """How many tasks of a service may start at once, and the Docker Hub images each pulls."""

    service: ServiceView
    tasks: int
    images: tuple[str, ...]
    scaled_out: bool = False
    """``tasks`` is the service's scaling maximum, beyond what one deployment starts."""

    @property
    def pulls(self) -> int:
        return self.tasks * len(self.images)


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    limit = ctx.settings.anonymous_limit
    # Every service the run knows, those read from the repository for context too: they share
    # the region's addresses with the services checked (only findings in checked files remain).
    estimates = [
        estimate
        for service in model.every_service
        if (estimate := _estimate(service, model, ctx.settings)) is not None and estimate.pulls
    ]
    groups: dict[str | None, list[Estimate]] = {}
    for estimate in estimates:
        groups.setdefault(estimate.service.region, []).append(estimate)
    for region, group in groups.items():
        total = sum(estimate.pulls for estimate in group)
        for estimate in group:
            if estimate.pulls > limit.pulls:
                yield _alone(ctx, estimate, limit, total, region, len(group))
            elif total > limit.pulls:
                yield _together(ctx, estimate, limit, total, region, len(group))


def _estimate(service: ServiceView, model: Model, settings: Settings) -> Estimate | None:
    deployed = _count(service.desired_count)
    maximum = _count(service.max_count)
    if deployed is None and maximum is None:
        return None  # counts ecs-lint cannot know: no estimate rather than a guess
    variants = service.tasks or model.tasks_named(service.task_definition)
    images = max((_anonymous_docker_hub(task, settings) for task in variants), key=len, default=())
    if maximum is not None and (deployed is None or maximum > deployed):
        return Estimate(service, maximum, images, scaled_out=True)
    assert deployed is not None
    return Estimate(service, deployed, images)


def _count(count: Located | None) -> int | None:
    if count is None or not count.is_known or not count.value.strip().isdigit():
        return None
    return int(count.value)


def _anonymous_docker_hub(task: TaskView, settings: Settings) -> tuple[str, ...]:
    """The distinct images one task of ``task`` pulls anonymously from Docker Hub."""
    uses = (container.image for container in task.containers if container.image is not None)
    pulls = docker_hub_pulls(uses, settings, authenticated=False)
    return tuple(dict.fromkeys(str(ref) for _, ref in pulls))


def _platform_note(service: ServiceView) -> str:
    if service.platform == "FARGATE":
        return "Fargate keeps no image cache between tasks"
    if service.platform in ("EC2", "EXTERNAL"):
        return "on EC2, fewer with ECS_IMAGE_PULL_BEHAVIOR once or prefer-cached"
    return "on Fargate every task pulls; on EC2 it depends on ECS_IMAGE_PULL_BEHAVIOR"


EC2_PULLS = (
    "On EC2 each task start pulls with the agent's default ECS_IMAGE_PULL_BEHAVIOR, and about "
    "once per instance with once or prefer-cached: the estimate is then an upper bound."
)


def _describe(estimate: Estimate, *, whole: bool = True) -> str:
    """``service web starts 2 tasks per deployment, each pulling 1 image (nginx:1.27)
    anonymously from Docker Hub: about 2 pulls (Fargate keeps no image cache between
    tasks)``; not ``whole``: without the image and the platform (``_details`` give them)."""
    service = estimate.service
    count = len(estimate.images)
    images = f"{count} image{'s' if count != 1 else ''}"
    if whole and count == 1 and len(estimate.images[0]) <= IMAGE_INLINE:
        images += f" ({estimate.images[0]})"
    pulls = f"about {estimate.pulls} pulls"
    if estimate.scaled_out:
        pulls += " at its maximum"
    platform = f" ({_platform_note(service)})" if whole else ""
    return (
        f"service {service.name} {_tasks(estimate)}, each pulling {images} anonymously from "
        f"Docker Hub: {pulls}{platform}"
    )


IMAGE_INLINE = 40
"""The longest image name the headline gives itself; longer ones, and several, are details."""


def _details(estimate: Estimate, limit: PullLimit, *more: str, whole: bool = True) -> list[str]:
    """What the headline leaves out: the images, the platform, the limit, ``more``, the
    remedy."""
    details = []
    count = len(estimate.images)
    if not whole or count > 1 or len(estimate.images[0]) > IMAGE_INLINE:
        details.append(f"Image{'s' if count != 1 else ''}: {', '.join(estimate.images)}.")
    if not whole and estimate.service.platform == "FARGATE":
        details.append("Fargate keeps no image cache between tasks.")
    if estimate.service.platform != "FARGATE":
        details.append(EC2_PULLS)
    details.append(f"Docker Hub allows {limit} {PER_ADDRESS} (docker-hub-limit).")
    return [*details, *more, f"To fix: {REMEDY}."]


def _tasks(estimate: Estimate) -> str:
    """What the service starts: ``starts 2 tasks per deployment``, and the scale-out beyond."""
    service = estimate.service
    started = ""
    deployed = _count(service.desired_count)
    if deployed is not None:
        default = " (no desired count: the default)" if service.desired_count_is_default else ""
        started = f"starts {_plural(deployed, 'task')}{default} per deployment"
    if not estimate.scaled_out:
        return started
    maximum = f"scales out to {_plural(estimate.tasks, 'task')}"
    if service.max_count_is_default:
        maximum += " (no maximum given: the default)"
    return f"{started} and {maximum}" if started else maximum


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _total(region: str | None, services: int, total: int) -> str:
    where = f"in {region}" if region else "in this run"
    plural = "s" if services != 1 else ""
    verb = "needs" if services == 1 else "need"
    return f"the {services} service{plural} {where} with anonymous Docker Hub pulls {verb} {total}"


def _alone(
    ctx: RuleContext,
    estimate: Estimate,
    limit: PullLimit,
    total: int,
    region: str | None,
    count: int,
) -> Finding:
    message = (
        f"{_describe(estimate)}, more than the {limit.pulls} anonymous pulls Docker Hub allows"
    )
    details = _details(
        estimate,
        limit,
        f"So {_alone_event(estimate)} alone exhausts it; later tasks fail with "
        "CannotPullContainerError (toomanyrequests).",
        f"In all, {_total(region, count, total)}.",
    )
    finding = _finding(ctx, _span(estimate), message, details, estimate, limit, total)
    return replace(finding, severity=Severity.ERROR)


def _alone_event(estimate: Estimate) -> str:
    return "one scale-out to its maximum" if estimate.scaled_out else "one deployment"


def _together(
    ctx: RuleContext,
    estimate: Estimate,
    limit: PullLimit,
    total: int,
    region: str | None,
    count: int,
) -> Finding:
    message = (
        f"{_describe(estimate, whole=False)}; in all, {_total(region, count, total)}, more than "
        f"the {limit.pulls} anonymous pulls Docker Hub allows"
    )
    details = _details(
        estimate,
        limit,
        "Redeploying or scaling them at once exhausts it: every task behind one NAT gateway "
        "shares it.",
        whole=False,
    )
    return _finding(ctx, _span(estimate), message, details, estimate, limit, total)


def _finding(
    ctx: RuleContext,
    span: Span,
    message: str,
    details: list[str],
    estimate: Estimate,
    limit: PullLimit,
    total: int,
) -> Finding:
    return ctx.finding(
        span,
        message,
        details=details,
        service=estimate.service.name,
        pulls=estimate.pulls,
        total_pulls=total,
        limit=limit.pulls,
        limit_window_seconds=limit.window,
    )


def _span(estimate: Estimate) -> Span:
    service = estimate.service
    count = service.max_count if estimate.scaled_out else service.desired_count
    return count.span if count is not None else service.span


RULE = Rule("EL150", "docker-hub-pull-budget", Severity.WARNING, check, with_limits(__doc__ or ""))
