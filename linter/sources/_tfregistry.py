"""Registry modules ecs-lint knows without their code: where their inputs hold images.

A module from the Terraform Registry is on disk only after ``terraform init`` (then it is
followed like a local module). Before that, the call's arguments are all there is, and the most
used ECS modules take their containers' images and registry credentials in well-known inputs.
:data:`MODULES` is the one table of them (the README lists it): an image found this way is
linted like any other, with the use kind ``container image given to a module``, pulled with
credentials when the call gives one of the credentials inputs.

A source matches with or without the ``registry.terraform.io/`` host; a GitHub source of the
module's repository (``github.com/terraform-aws-modules/terraform-aws-ecs//modules/service``,
``git::https://...?ref=v5``) matches too, by the registry's naming rule for repositories
(``terraform-<PROVIDER>-<NAME>``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ecs_lint.model import ImageUse, UnresolvedRef, UseKind
from ecs_lint.sources._hcl import is_null, known_text
from ecs_lint.sources._iac import image_reference
from ecs_lint.sources._values import Hole, Mapping, Opaque, Sequence, Str
from ecs_lint.sources.terraform import ModuleContainers

if TYPE_CHECKING:
    from ecs_lint.sources._tfinstance import RegistryCall
    from ecs_lint.sources._values import Value, Where

__all__ = ["MODULES", "RegistryModule", "module_output", "registry_images", "registry_module"]


@dataclass(frozen=True, slots=True)
class RegistryModule:
    """Where a registry module's inputs hold containers.

    ``containers`` is the path to them from the inputs: each name an input or attribute, ``*``
    every element of a map (keyed by container name) or list; an empty path when the inputs
    describe one container themselves. ``image`` and ``credentials`` are the container's
    attributes holding its image and its registry credentials (a ``credentialsParameter``
    object, or the secret's ARN); ``name`` the attribute naming it, for messages. ``json`` says
    the containers are JSON text (or ``jsonencode(...)``). ``container_outputs`` are outputs
    holding the containers the module builds (their images are reported at the call);
    ``ecr_outputs`` are outputs that are a private ECR repository's URL, whatever the account.
    """

    source: str
    containers: tuple[str, ...] = ()
    image: str = "image"
    credentials: tuple[str, ...] = ()
    name: str | None = None
    json: bool = False
    container_outputs: tuple[str, ...] = ()
    ecr_outputs: tuple[str, ...] = ()


_ECS_CREDENTIALS: Final = ("repositoryCredentials", "repository_credentials")

MODULES: Final = (
    RegistryModule(
        "terraform-aws-modules/ecs/aws",
        ("services", "*", "container_definitions", "*"),
        credentials=_ECS_CREDENTIALS,
    ),
    RegistryModule(
        "terraform-aws-modules/ecs/aws//modules/service",
        ("container_definitions", "*"),
        credentials=_ECS_CREDENTIALS,
    ),
    RegistryModule(
        "terraform-aws-modules/ecs/aws//modules/container-definition",
        credentials=_ECS_CREDENTIALS,
        name="name",
        container_outputs=("container_definition", "container_definition_json"),
    ),
    RegistryModule(
        "cloudposse/ecs-container-definition/aws",
        image="container_image",
        credentials=("repository_credentials",),
        name="container_name",
        container_outputs=tuple(
            f"{prefix}json_map_{kind}"
            for prefix in ("", "sensitive_")
            for kind in ("object", "encoded", "encoded_list")
        ),
    ),
    RegistryModule(
        "cloudposse/ecs-alb-service-task/aws",
        ("container_definition_json", "*"),
        credentials=("repositoryCredentials",),
        name="name",
        json=True,
    ),
    RegistryModule(
        "cloudposse/ecs-web-app/aws",
        image="container_image",
        credentials=("container_repo_credentials",),
        name="container_name",
    ),
    RegistryModule(
        "umotif-public/ecs-fargate/aws",
        image="task_container_image",
        credentials=("repository_credentials",),
        name="name_prefix",
    ),
    RegistryModule(
        "cn-terraform/ecs-fargate/aws",
        image="container_image",
        credentials=("repository_credentials",),
        name="container_name",
    ),
    RegistryModule(
        "mongodb/ecs-task-definition/aws",
        credentials=("repositoryCredentials",),
        name="name",
    ),
    RegistryModule(
        "hashicorp/consul-ecs/aws//modules/mesh-task",
        ("container_definitions", "*"),
        credentials=("repositoryCredentials",),
        name="name",
    ),
    RegistryModule("terraform-aws-modules/ecr/aws", ecr_outputs=("repository_url",)),
    RegistryModule("cloudposse/ecr/aws", ecr_outputs=("repository_url",)),
)
_BY_SOURCE: Final = {module.source: module for module in MODULES}
_GITHUB: Final = re.compile(r"github\.com[/:]([^/]+)/terraform-([a-z0-9]+)-([^/?]+?)(?:\.git)?$")

VALUES_HINT: Final = (
    "give the module call's argument a known value (a literal, or a variable with a value from "
    "--var NAME=VALUE, --var-file FILE, terraform.tfvars or its default)"
)
CREDENTIALS_HINT: Final = "give the module its registry credentials input"


def registry_module(source: str) -> RegistryModule | None:
    """The table entry of a module source, if it names one."""
    return _BY_SOURCE.get(normalised_source(source))


def normalised_source(source: str) -> str:
    """``NAMESPACE/NAME/PROVIDER[//SUBDIR]`` of a registry address or a GitHub source."""
    text = source.strip().removeprefix("git::").split("?", 1)[0]
    for prefix in ("https://", "http://", "ssh://", "git@", "registry.terraform.io/"):
        text = text.removeprefix(prefix)
    address, _, subdirectory = text.partition("//")
    found = _GITHUB.search(address)
    if found is not None:
        owner, provider, name = found.groups()
        address = f"{owner}/{name}/{provider}"
    address = address.lower().strip("/")
    return f"{address}//{subdirectory.strip('/')}" if subdirectory else address


def module_output(table: RegistryModule, address: str, output: str, at: Where) -> Value | None:
    """An output of a registry module the table knows: the containers it builds, or a private
    ECR repository's URL (``<registry id>.dkr.ecr.<region>.<dns suffix>/<name>``)."""
    label = f"{address}.{output}"
    if output in table.container_outputs:
        return ModuleContainers((label,), at, label)
    if output not in table.ecr_outputs:
        return None
    parts = (
        Hole(f"{address}.repository_registry_id"),
        ".dkr.ecr.",
        Hole("data.aws_region.current.name"),
        ".",
        Hole("data.aws_partition.current.dns_suffix"),
        "/",
        Hole(f"{address}.repository_name"),
    )
    return Str(parts, at)


def registry_images(call: RegistryCall) -> list[ImageUse]:
    """The images the call's arguments give the module's containers."""
    table = call.table
    uses: list[ImageUse] = []
    for arguments in call.instances:
        for name, container in _containers(arguments.mapping(), table.containers, None):
            image = container.get(table.image)
            if image is None or is_null(image):
                continue
            authenticated = any(_given(container.get(key)) for key in table.credentials)
            label = name or (known_text(container.get(table.name)) if table.name else None)
            use = _image_use(image, authenticated, label)
            if use is not None:
                uses.append(use)
    return uses


def _containers(
    value: Value, path: tuple[str, ...], name: str | None
) -> list[tuple[str | None, Mapping]]:
    """The container objects at ``path`` below ``value``, with the map key naming each."""
    if isinstance(value, Str) and value.is_known and path and path[0] == "*":
        value = _json_containers(value)
    if not path:
        return [(name, value)] if isinstance(value, Mapping) else []
    step, rest = path[0], path[1:]
    if step != "*":
        inner = value.get(step) if isinstance(value, Mapping) else None
        return [] if inner is None else _containers(inner, rest, name)
    if isinstance(value, Mapping):
        return [
            found
            for key, member in value.members.items()
            for found in _containers(member.value, rest, key)
        ]
    if isinstance(value, Sequence):
        return [found for item in value.items for found in _containers(item, rest, name)]
    return []  # unknown containers: nothing is known to be there


def _json_containers(value: Str) -> Value:
    """A JSON list of containers held in a string, its values placed at the string."""
    try:
        parsed = json.loads(value.value)
    except ValueError:
        return value
    return _from_plain(parsed, value)


def _from_plain(plain: object, at: Str) -> Value:
    from ecs_lint.sources._values import Member, Scalar

    if isinstance(plain, dict):
        members = {k: Member(k, at.at, _from_plain(v, at)) for k, v in plain.items()}
        return Mapping(members, at.at)
    if isinstance(plain, list):
        return Sequence([_from_plain(item, at) for item in plain], at.at)
    if isinstance(plain, str):
        return Str.known(plain, at.at)
    if plain is None or isinstance(plain, bool | int | float):
        return Scalar(plain, at.at)
    return Opaque(("JSON value",), at.at)


def _given(value: Value | None) -> bool:
    """Whether a credentials input is set: not absent, null, empty or an empty object."""
    if value is None or is_null(value):
        return False
    if isinstance(value, Str):
        return value.value != ""
    if isinstance(value, Mapping):
        return bool(value.members)
    return True


def _image_use(image: Value, authenticated: bool, container: str | None) -> ImageUse | None:
    if isinstance(image, Str):
        text = image.text()
        return ImageUse(
            reference=image_reference(text),
            span=text.span,
            kind=UseKind.MODULE_INPUT,
            authenticated=authenticated,
            edit_span=text.edit_span,
            container=container,
            origin=text.origin.phrase if text.origin is not None else "",
            credentials_hint=CREDENTIALS_HINT,
            values_hint=VALUES_HINT,
        )
    if isinstance(image, Opaque):
        return ImageUse(
            reference=UnresolvedRef(image.value, image.labels),
            span=image.span,
            kind=UseKind.MODULE_INPUT,
            authenticated=authenticated,
            container=container,
            credentials_hint=CREDENTIALS_HINT,
            values_hint=VALUES_HINT,
        )
    return None
