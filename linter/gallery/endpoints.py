"""Where look-ups go: the gallery API, the ECR Public registry, and Docker Hub.

Each endpoint comes from the settings (configuration file), else the environment, else the real
service. Only https is accepted, except for loopback hosts, so that tests can run a local server
while a misconfiguration can never send look-ups in clear text across a network.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ecs_lint.settings import Settings

DEFAULT_GALLERY_URL = "https://api.us-east-1.gallery.ecr.aws"
DEFAULT_REGISTRY_URL = "https://public.ecr.aws"
DEFAULT_DOCKERHUB_REGISTRY_URL = "https://registry-1.docker.io"
DEFAULT_DOCKERHUB_AUTH_URL = "https://auth.docker.io/token"

ENV_GALLERY_URL = "ECS_LINT_GALLERY_URL"
ENV_REGISTRY_URL = "ECS_LINT_REGISTRY_URL"
ENV_DOCKERHUB_REGISTRY_URL = "ECS_LINT_DOCKERHUB_REGISTRY_URL"
ENV_DOCKERHUB_AUTH_URL = "ECS_LINT_DOCKERHUB_AUTH_URL"


class EndpointError(ValueError):
    """A configured endpoint is not an acceptable URL; the message names where it came from."""


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Base URLs without a trailing slash."""

    gallery: str
    registry: str
    dockerhub_registry: str
    dockerhub_auth: str

    @property
    def ecr_token(self) -> str:
        return f"{self.registry}/token/"


def resolve_endpoints(settings: Settings, environ: Mapping[str, str] | None = None) -> Endpoints:
    """The endpoints for a run: settings, then environment, then defaults; each one checked."""
    env = os.environ if environ is None else environ

    def pick(configured: str | None, variable: str, default: str, key: str) -> str:
        if configured:
            return checked_url(configured, f"configuration key '{key}'")
        if env.get(variable):
            return checked_url(env[variable], f"environment variable {variable}")
        return default

    return Endpoints(
        gallery=pick(settings.gallery_url, ENV_GALLERY_URL, DEFAULT_GALLERY_URL, "gallery-url"),
        registry=pick(
            settings.registry_url, ENV_REGISTRY_URL, DEFAULT_REGISTRY_URL, "registry-url"
        ),
        dockerhub_registry=pick(
            settings.dockerhub_registry_url,
            ENV_DOCKERHUB_REGISTRY_URL,
            DEFAULT_DOCKERHUB_REGISTRY_URL,
            "dockerhub-registry-url",
        ),
        dockerhub_auth=pick(
            settings.dockerhub_auth_url,
            ENV_DOCKERHUB_AUTH_URL,
            DEFAULT_DOCKERHUB_AUTH_URL,
            "dockerhub-auth-url",
        ),
    )


def checked_url(url: str, origin: str) -> str:
    """``url`` without a trailing slash, or ``EndpointError`` saying what is wrong with it."""
    shown = _without_credentials(url)  # messages never repeat a password given in the URL
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as error:
        raise EndpointError(f"{origin}: '{shown}' is not a valid URL ({error})") from None
    if parts.scheme not in ("https", "http") or not host:
        raise EndpointError(f"{origin}: '{shown}' must be an https:// URL")
    if parts.scheme == "http" and not is_loopback(host):
        raise EndpointError(
            f"{origin}: '{shown}' must use https (plain http is allowed only for loopback hosts)"
        )
    if parts.username is not None or parts.password is not None:
        raise EndpointError(f"{origin}: '{shown}' must not contain credentials")
    if parts.query or parts.fragment:
        raise EndpointError(f"{origin}: '{shown}' must not have a query or fragment")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _without_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` part replaced by ``***@``."""
    return re.sub(r"(//)[^/?#]*@", r"\1***@", url)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
