"""EL103 unresolved-image-reference: image reference depends on values ecs-lint cannot know.

## What it does
Flags image references whose registry or repository depends on variables with no known value:
a Dockerfile ``ARG`` without a default and no ``--build-arg``, ``${IMAGE}`` placeholders filled in
by a deploy tool, or template expressions that cannot be resolved statically. A reference whose
only unknown part is its tag (``nginx:${TAG}``) is not flagged here: its registry is known, and
EL101/EL102 judge it. Nor is a Docker Hub reference whose unknown part is in its path after a
literal first component (``hexpm/erlang-${ARCH}:26.2``): no value can give it a registry host
(Docker reads one only in a first component followed by ``/``), so EL101/EL102 judge it too (the
values that are known are put in first: with ``ARG REGISTRY=docker.io``,
``${REGISTRY}/hexpm/erlang-${ARCH}`` is such a reference). An unknown variable in the first
component (``${REGISTRY}/app``, ``erlang-${ARCH}``) leaves the registry unknown.

## Why is this bad?
Whatever the variable becomes decides where the image is pulled from. ecs-lint will not guess:
an unresolved reference may still point at Docker Hub and hit its rate limit.

## Example
```dockerfile
ARG BASE
FROM ${BASE}
```

## How to fix
Give the variable a default, or pass its value with ``--build-arg NAME=VALUE`` (or the
equivalent option for the format: ``--var NAME=VALUE`` or ``--var-file FILE`` for Terraform,
``--parameter Name=Value`` for CloudFormation, ``--env`` for Compose), so ecs-lint can check the
real reference. The message says which, in the terms of the file's format.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.findings import Finding, Severity, brief
from ecs_lint.model import Model, RegistryKind, UnresolvedRef
from ecs_lint.references import known_registry, known_repository
from ecs_lint.rule import Rule, RuleContext

if TYPE_CHECKING:
    from collections.abc import Iterator


def check(model: Model, ctx: RuleContext) -> Iterator[Finding]:
    for use in model.images:
        ref = use.reference
        if not isinstance(ref, UnresolvedRef) or known_repository(ref) is not None:
            continue  # a reference whose registry is known is judged by the registry rules
        registry = known_registry(ref)
        if registry is not None and registry.registry is RegistryKind.DOCKER_HUB:
            continue  # Docker Hub whatever the variables are: EL101/EL102 name them
        unknown = "repository" if registry is not None else "registry"
        variables = ", ".join(ref.variables)
        values = "value" if len(ref.variables) == 1 else "values"
        # A reference that is a whole unknown expression depends on nothing but itself.
        depends = "" if variables == ref.original else f" depends on {brief(variables)},"
        yield ctx.finding(
            use.span,
            f"{use.kind.value} '{brief(ref.original)}'{use.details}{depends} with no known "
            f"{values}, so its {unknown} is unknown; {use.values_hint}",
        )


RULE = Rule("EL103", "unresolved-image-reference", Severity.WARNING, check, __doc__ or "")
