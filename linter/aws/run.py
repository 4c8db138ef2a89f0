"""``ecs-lint aws``: read each region, build its model, run the same rules as for files.

Each region is its own model (the engine's ``load_model`` of the region's documents) and rule
run, because a region completes bare secret names and the Docker Hub pull budget is totalled per
region. One :class:`LiveAws` serves the whole run, so a role used in several regions (IAM is
global) is read once. Roles and their customer-managed
policies are read concurrently before the rules run; the policy provider then finds them cached.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING

from ecs_lint.aws.build import region_documents
from ecs_lint.aws.inventory import CONCURRENCY, Scope, fetch_region, map_or_stop
from ecs_lint.aws.progress import tracker_for
from ecs_lint.awsapi.wire import AwsError
from ecs_lint.engine import RunResult, lint_model, load_model, needs_lookup
from ecs_lint.iam.live import LiveAws
from ecs_lint.rule import Lookup, Services

if TYPE_CHECKING:
    from typing import TextIO

    from ecs_lint.aws.progress import Tracker
    from ecs_lint.awsapi.client import AwsClient
    from ecs_lint.gallery.service import EcrPublicEquivalents
    from ecs_lint.model import Document, Model
    from ecs_lint.settings import Settings

__all__ = ["Scope", "lint_aws", "live_documents", "regions_to_read"]


def regions_to_read(regions: tuple[str, ...], settings: Settings, live: AwsClient) -> list[str]:
    """``--region`` values, else the configured ``aws-region``, else the profile's region."""
    chosen = list(dict.fromkeys(regions)) or [settings.aws_region or live.session_region() or ""]
    if not chosen[0]:
        raise AwsError(
            "no AWS region: pass --region (repeatable), set aws-region in the configuration, "
            "or set AWS_REGION"
        )
    return chosen


def lint_aws(
    settings: Settings,
    scope: Scope,
    regions: tuple[str, ...] = (),
    *,
    ecr_public: EcrPublicEquivalents | None = None,
    live: LiveAws | None = None,
    progress: TextIO | None = None,
    concurrency: int = CONCURRENCY,
) -> RunResult:
    """Lint what runs in AWS. Raises ``AwsError`` (no credentials, a missing permission, a
    cluster or service that does not exist, AWS failing or answering nonsense, the time budget)
    with a message for the user. ``progress`` is where a terminal shows the progress bar
    (default stderr). A run that finds nothing to check says so in ``nothing_found``."""
    live = live or LiveAws.for_settings(settings, alternative=None)
    chosen = regions_to_read(regions, settings, live)
    network = needs_lookup(Lookup.NETWORK, settings)  # EC2 calls, for the rules needing it
    if live.region is None:
        live.region = chosen[0]
    results: list[RunResult] = []
    with (
        tracker_for(progress if progress is not None else sys.stderr) as tracker,
        ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="ecs-lint-aws") as pool,
    ):
        for region in chosen:
            inventory = fetch_region(live, region, scope, tracker, pool, network=network)
            region_settings = replace(settings, aws=True, aws_region=region)
            model = load_model([], region_settings, region_documents(inventory))
            _read_roles(live, model, tracker, pool)
            results.append(_lint_region(model, region_settings, live, ecr_public))
    result = _merged(results)
    if not result.files_checked:
        result.nothing_found = _nothing_found(scope, chosen)
    return result


def live_documents(settings: Settings, scope: Scope, live: AwsClient) -> tuple[list[Document], str]:
    """The documents of what ``scope`` names in AWS (``ecs-lint policy``: no network), in the
    run's region (``--region``, else ``aws-region``, else the profile's), and that region."""
    region = regions_to_read((), settings, live)[0]
    if live.region is None:
        live.region = region
    with (
        tracker_for(sys.stderr) as tracker,
        ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="ecs-lint-aws") as pool,
    ):
        inventory = fetch_region(live, region, scope, tracker, pool)
    return region_documents(inventory), region


def _nothing_found(scope: Scope, regions: list[str]) -> str:
    """``no ECS services found in eu-west-1``, in the terms of the filters given."""
    where = " or ".join(regions)
    if scope.clusters:
        clusters = ", ".join(name.rsplit("/", 1)[-1] for name in scope.clusters)
        where = f"cluster {clusters} in {where}"
    running = (
        f" running task definition {', '.join(scope.task_definitions)}"
        if scope.task_definitions
        else ""
    )
    return f"no ECS services{running} found in {where}"


def _lint_region(
    model: Model, settings: Settings, live: LiveAws, ecr_public: EcrPublicEquivalents | None
) -> RunResult:
    from ecs_lint.iam.provider import build_policy_provider

    provider = build_policy_provider(settings, model, live)
    result = lint_model(model, settings, Services(ecr_public=ecr_public, policies=provider))
    result.checked_counts = {"task definition": len(model.tasks), "service": len(model.services)}
    return result


def _read_roles(live: LiveAws, model: Model, tracker: Tracker, pool: ThreadPoolExecutor) -> None:
    """Every execution role of the region's tasks, and the customer-managed policies attached to
    them, read concurrently (each once: the names are distinct, and ``LiveAws`` caches them)."""
    from ecs_lint.iam.arns import role_name
    from ecs_lint.iam.managed import aws_managed_policy

    names = sorted(
        {
            role_name(task.execution_role.value)
            for task in model.tasks
            if task.execution_role is not None and task.execution_role.value
        }
    )
    if not names:
        return
    tracker.phase("execution roles")
    tracker.expect(len(names))

    def read_role(name: str) -> list[str]:
        role = live.role(name)
        tracker.done()
        return list(role.managed_arns) if role is not None else []

    attached = {arn for arns in map_or_stop(pool, live, read_role, names) for arn in arns}
    unknown = sorted(arn for arn in attached if aws_managed_policy(arn) is None)
    tracker.expect(len(unknown))

    def read_policy(arn: str) -> None:
        live.managed_policy(arn)
        tracker.done()

    map_or_stop(pool, live, read_policy, unknown)


def _merged(results: list[RunResult]) -> RunResult:
    if len(results) == 1:
        return results[0]
    findings = sorted(
        (finding for result in results for finding in result.findings),
        key=lambda finding: finding.sort_key,
    )
    counts: dict[str, int] = {}
    for result in results:
        for kind, count in result.checked_counts.items():
            counts[kind] = counts.get(kind, 0) + count
    return RunResult(
        findings,
        sum(result.files_checked for result in results),
        {},
        [path for result in results for path in result.checked_paths],
        [finding for result in results for finding in result.suppressed],
        counts,
    )
