"""EL101 docker-hub-anonymous-pull: image pulled anonymously from Docker Hub.

## What it does
Flags every image that resolves to Docker Hub (``docker.io``, including short names such as
``nginx`` or ``user/app``) and is pulled without registry credentials: a task-definition container
without ``repositoryCredentials``, every Dockerfile ``FROM``, ``COPY --from`` and
``RUN --mount=...,from=`` image, a Kubernetes container whose pod has no ``imagePullSecrets``, a
Compose service image, and a GitHub Actions job, service or step image without ``credentials``.

A build pulls more than its ``FROM`` lines: the BuildKit frontend image a Dockerfile's
``# syntax=`` directive (or the ``BUILDKIT_SYNTAX`` build arg) names is pulled before the file
is read, on every build with a fresh builder, and a named build context given as
``docker-image://REF`` pulls ``REF`` where the Dockerfile names the context. Both are reported
here, their message saying so (``BuildKit frontend``, ``from named build context 'base'``): the
limit they count against and the remedies are this rule's, so they have no code of their own,
and selecting or suppressing EL101 covers them. A reference whose variables cannot reach its
registry (``hexpm/erlang-${ARCH}:26.2``: Docker reads a host only in the first component) is a
Docker Hub pull whatever the variables are; the message names them.

## Why is this bad?
Docker Hub allows {{anonymous limit}} without credentials (Docker's documented limit; set
another with ``docker-hub-limit``, and the messages use it). Behind a NAT gateway every task in
the VPC shares one address, so a deployment or scale-out can exhaust the limit and new tasks
stop with
``CannotPullContainerError: ... toomanyrequests: You have reached your pull rate limit``.

## Example
```json
{"name": "web", "image": "nginx:1.25"}
```

## How to fix
Pull the same image from the Amazon ECR Public Gallery
(``public.ecr.aws/docker/library/nginx:1.25``), copy it into a private ECR repository or an ECR
pull-through cache, or authenticate the pull with ``repositoryCredentials`` (a Secrets Manager
secret the task execution role can read). With ``docker-hub-credentials`` configured, an unsafe
fix adds it to task-definition containers whose image has no ECR Public equivalent, and says
which statement the execution role then needs.

For a frontend image, doing without it is a remedy too: remove the ``# syntax`` directive where
the builder's built-in Dockerfile frontend suffices (or pin it to a mirror you have checked:
ECR Public carries no ``docker/dockerfile`` today, and ecs-lint suggests a gallery image only
when the gallery has it).

The message names the ECR Public equivalent and how sure ecs-lint is of it (``identical``: same
digest; ``verified``: the tag exists there; ``catalog``: the repository is mirrored, the tag was
not checked). ``ecs-lint --fix`` rewrites identical and verified ones; ``--unsafe-fixes`` also
applies catalog answers and a configured ``pull-through-cache``. Without an equivalent, it says
how the pull could carry credentials in that file's format, and its further lines what the
reference through a pull-through cache would be.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.dockerhub import PER_ADDRESS, docker_hub_pulls, repository_is_known, with_limits
from ecs_lint.findings import Finding, Fix, Severity, brief
from ecs_lint.model import ImageUse, Model, UnresolvedRef, UseKind
from ecs_lint.rule import Lookup, Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator

MIRRORS = "pull it from ECR Public, or copy it to private ECR or an ECR pull-through cache"


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    equivalents = ctx.services.ecr_public
    for use, ref in docker_hub_pulls(model.images, ctx.settings, authenticated=False):
        problem = (
            f"{brief(str(ref), 90)} ({use.described}) is pulled anonymously from Docker Hub"
            f"{unknown_parts(use)}"
        )
        limit = (
            f"Docker Hub allows {ctx.settings.anonymous_limit} {PER_ADDRESS} (docker-hub-limit), "
            "shared by every task behind one NAT gateway."
        )
        avoid = f", or {use.avoid_hint}" if use.avoid_hint else ""
        if equivalents is None or not repository_is_known(use):
            remedy = f"{MIRRORS}, or {use.credentials_hint}{avoid}"
            yield ctx.finding(
                use.span, f"{problem}; {remedy}", details=[limit], image=str(ref), evidence=None
            )
            continue
        advice = equivalents.advise(use, ref)
        remedy = advice.hint
        details = [limit, *advice.details]
        fix = advice.fix
        if advice.evidence is None:
            remedy += f", or {use.credentials_hint}"
            if fix is None:
                fix = _credentials_fix(use, model, ctx)
                if fix is not None:
                    details.append("--unsafe-fixes adds the docker-hub-credentials secret.")
        yield ctx.finding(
            use.span,
            f"{problem}; {remedy}{avoid}",
            details=details,
            image=str(ref),
            replacement=advice.replacement,
            fix=fix,
            evidence=advice.evidence,
        )


def unknown_parts(use: ImageUse) -> str:
    """`` whatever ARCH is``: the variables of a reference that cannot change its registry."""
    written = use.reference
    if not isinstance(written, UnresolvedRef):
        return ""
    verb = "is" if len(written.variables) == 1 else "are"
    return f" whatever {', '.join(written.variables)} {verb}"


def _credentials_fix(use: ImageUse, model: Model, ctx: RuleContext) -> Fix | None:
    """With ``docker-hub-credentials`` configured: add ``repositoryCredentials`` to the task
    definition container that pulls ``use`` (an unsafe fix: the secret must hold valid Docker Hub
    credentials, and the execution role must be able to read it)."""
    secret = ctx.settings.docker_hub_credentials
    if not secret or use.kind is not UseKind.CONTAINER:
        return None
    from ecs_lint.iam.suggest import repository_credentials_fix

    for task in model.tasks:
        for container in task.containers:
            if container.image is not None and container.image == use:
                return repository_credentials_fix(task, container, secret, ctx.services.policies)
    return None


RULE = Rule(
    "EL101",
    "docker-hub-anonymous-pull",
    Severity.ERROR,
    check,
    with_limits(__doc__ or ""),
    fixable=True,
    lookups=(Lookup.ECR_PUBLIC,),
)
