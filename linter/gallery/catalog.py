"""The embedded ECR Public catalog, and the vocabulary of look-up answers.

The catalog ships inside the package (``ecs_lint/data/ecr_public_catalog.json``): the Docker
Official Images that Docker mirrors under ``public.ecr.aws/docker/library/``, and the publishers
that mirror their own Docker Hub images under their own ECR Public alias. It answers when the
network cannot (``--offline``, or a failed look-up) with the weakest evidence, ``catalog``: the
repository is known to be mirrored, the tag was not checked.

This module is the only part of ``ecs_lint.gallery`` an offline run imports, so it stays free of
network code.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ecs_lint.model import ImageRef

ECR_PUBLIC_HOST = "public.ecr.aws"
CATALOG_PATH = Path(__file__).resolve().parent.parent / "data" / "ecr_public_catalog.json"
CATALOG_FORMAT = 1


class Evidence(enum.Enum):
    """How sure an answer is, strongest first."""

    IDENTICAL = "identical"
    """Same digest on Docker Hub and ECR Public: the very same image."""
    VERIFIED = "verified"
    """The tag (or digest) exists at ECR Public."""
    CATALOG = "catalog"
    """The repository is known to be mirrored; the tag was not checked."""

    @property
    def safe(self) -> bool:
        """Whether a fix built on this evidence may be applied without ``--unsafe-fixes``."""
        return self is not Evidence.CATALOG


@dataclass(frozen=True, slots=True)
class Equivalent:
    """The answer for one Docker Hub image.

    ``repository`` is the ECR Public repository path (``docker/library/nginx``), or ``None`` when
    there is no known equivalent. ``checked`` is false when the network was not asked (offline or
    after a failure): "none" then means "none known", not "none exists".
    """

    repository: str | None
    evidence: Evidence | None
    checked: bool = True
    ecr_digest: str | None = None
    hub_digest: str | None = None

    def reference(self, ref: ImageRef) -> str | None:
        """The ECR Public reference that replaces ``ref``, keeping its tag and digest as written."""
        if self.repository is None:
            return None
        text = f"{ECR_PUBLIC_HOST}/{self.repository}"
        if ref.tag is not None:
            text += f":{ref.tag}"
        if ref.digest is not None:
            text += f"@{ref.digest}"
        return text


class CatalogError(ValueError):
    """The catalog file does not have the expected shape."""


@dataclass(frozen=True, slots=True)
class PublisherMapping:
    """A Docker Hub repository (or ``namespace/*``) mirrored under another ECR Public path."""

    docker_hub: str
    ecr_public: str
    known: frozenset[str] | None = None
    """For a ``namespace/*`` mapping: the names known to be mirrored (``None``: all)."""

    @property
    def is_wildcard(self) -> bool:
        return self.docker_hub.endswith("/*")

    def target(self, hub_path: str) -> str | None:
        """The ECR Public path for ``hub_path`` under this mapping, or ``None``."""
        if not self.is_wildcard:
            return self.ecr_public if hub_path == self.docker_hub else None
        namespace, _, name = hub_path.partition("/")
        if namespace != self.docker_hub[:-2] or not name or "/" in name:
            return None
        return self.ecr_public[:-1] + name

    def vouches_for(self, hub_path: str) -> bool:
        """Whether the catalog may claim ``hub_path`` is mirrored without asking the network."""
        if self.target(hub_path) is None:
            return False
        return self.known is None or hub_path.partition("/")[2] in self.known


@dataclass(frozen=True, slots=True)
class Catalog:
    """The embedded catalog of Docker Hub repositories mirrored on ECR Public."""

    official_alias: str
    official: frozenset[str]
    publishers: tuple[PublisherMapping, ...]
    never: frozenset[str]
    """ECR Public aliases never suggested (bitnami withdrew its images from ECR Public)."""
    generated: str = ""

    def candidates(self, hub_path: str) -> list[str]:
        """ECR Public repository paths that may mirror the Docker Hub repository, best first.

        Official images are always tried under the Docker mirror, listed or not: the network
        decides. Paths under a never-suggested alias are left out.
        """
        namespace, _, name = hub_path.partition("/")
        if not name or "/" in name or namespace in self.never:
            return []
        found: list[str] = []
        if namespace == "library":
            found.append(f"{self.official_alias}/library/{name}")
        for mapping in self.publishers:
            target = mapping.target(hub_path)
            if target is not None and target not in found:
                found.append(target)
        return [path for path in found if path.partition("/")[0] not in self.never]

    def vouched(self, hub_path: str) -> str | None:
        """The ECR Public path the catalog itself vouches for, without any network look-up."""
        namespace, _, name = hub_path.partition("/")
        if namespace in self.never:
            return None
        if namespace == "library" and name in self.official:
            return f"{self.official_alias}/library/{name}"
        for mapping in self.publishers:
            if mapping.vouches_for(hub_path):
                target = mapping.target(hub_path)
                if target is not None and target.partition("/")[0] not in self.never:
                    return target
        return None

    def answer(self, hub_path: str) -> Equivalent:
        """The catalog's answer: ``catalog`` evidence, never checked against the network."""
        repository = self.vouched(hub_path)
        evidence = Evidence.CATALOG if repository is not None else None
        return Equivalent(repository, evidence, checked=False)

    @classmethod
    def from_json(cls, data: Any) -> Catalog:
        try:
            if data["format"] != CATALOG_FORMAT:
                raise CatalogError(f"unsupported catalog format {data['format']!r}")
            official = data["official"]
            publishers = tuple(
                PublisherMapping(
                    str(entry["docker_hub"]),
                    str(entry["ecr_public"]),
                    frozenset(map(str, entry["known"])) if "known" in entry else None,
                )
                for entry in data["publishers"]
            )
            return cls(
                official_alias=str(official["registry_alias"]),
                official=frozenset(map(str, official["names"])),
                publishers=publishers,
                never=frozenset(map(str, data.get("never", ()))),
                generated=str(data.get("generated", "")),
            )
        except (KeyError, TypeError) as error:
            raise CatalogError(f"catalog is missing or mistypes {error}") from None

    def to_json(self, *, source: str) -> dict[str, Any]:
        """The file form, with sorted lists so that a refresh gives a readable diff."""
        publishers: list[dict[str, Any]] = []
        for mapping in self.publishers:
            entry: dict[str, Any] = {
                "docker_hub": mapping.docker_hub,
                "ecr_public": mapping.ecr_public,
            }
            if mapping.known is not None:
                entry["known"] = sorted(mapping.known)
            publishers.append(entry)
        return {
            "format": CATALOG_FORMAT,
            "generated": self.generated,
            "source": source,
            "official": {"registry_alias": self.official_alias, "names": sorted(self.official)},
            "publishers": publishers,
            "never": sorted(self.never),
        }


@cache
def embedded_catalog() -> Catalog:
    """The catalog shipped in the package (read once per process)."""
    return Catalog.from_json(json.loads(CATALOG_PATH.read_text(encoding="utf-8")))
