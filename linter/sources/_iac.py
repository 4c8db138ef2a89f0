"""What the infrastructure-as-code sources (CloudFormation, Terraform) share.

Their strings may be partly unknown (an account id, a region, a variable). An image whose unknown
parts sit only where a private Amazon ECR host has its account, region and DNS suffix is still
certainly a private ECR image: CDK's ``ContainerImage.fromEcrRepository`` writes
``Fn::Join`` of the repository ARN's account and region, ``.dkr.ecr.``, ``AWS::URLSuffix`` and the
repository name. :func:`image_reference` classifies those as ECR private, keeping the unknown parts
as ``${label}`` text in the reference, so nothing is guessed and no Docker Hub rule fires; any
unknown repository name or tag is kept the same way (the registry is what matters here); an
unknown part anywhere else leaves the reference unresolved (EL103).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from ecs_lint.model import ImageRef, InvalidRef, RegistryKind, UnresolvedRef
from ecs_lint.references import parse_reference, resolve_reference
from ecs_lint.sources._values import Hole

if TYPE_CHECKING:
    from ecs_lint.model import Reference
    from ecs_lint.sources._values import Part, Text

__all__ = ["image_reference", "is_dns_suffix_label"]

# Holes are masked with one private-use character each, so the host can be matched by position.
_MASK_BASE: Final = 0xE000
_HOLE: Final = "[\ue000-\uf8ff]"
_REGION: Final = r"[a-z]{2,}(?:-[a-z]+)+-[0-9]+"
_ECR_HOST: Final = re.compile(
    rf"(?P<account>[0-9]{{12}}|{_HOLE})\.dkr\.ecr(?:-fips)?\.(?P<region>{_REGION}|{_HOLE})"
    rf"\.(?P<suffix>amazonaws\.com(?:\.cn)?|{_HOLE})",
    re.ASCII,
)
# A known, valid ECR host put in front of the masked rest, only to check the rest's grammar.
_STAND_IN_HOST: Final = "123456789012.dkr.ecr.us-east-1.amazonaws.com"
_DNS_SUFFIX_LABELS: Final = ("AWS::URLSuffix",)
_X_MASK: Final = re.compile(_HOLE)


def is_dns_suffix_label(label: str) -> bool:
    """Labels that stand for the AWS DNS suffix (``amazonaws.com`` or ``amazonaws.com.cn``)."""
    return label in _DNS_SUFFIX_LABELS or label.endswith(".dns_suffix")


def image_reference(text: Text) -> Reference:
    """The reference of an image string that may hold unknown parts."""
    if not text.unresolved:
        return resolve_reference(text.value)
    return _ecr_private(text.value, text.parts) or UnresolvedRef(text.value, text.unresolved)


def _ecr_private(display: str, parts: tuple[Part, ...]) -> ImageRef | InvalidRef | None:
    """An ECR private reference when only the host's account/region/suffix are unknown."""
    holes: list[Hole] = []
    masked = ""
    for part in parts:
        if isinstance(part, Hole):
            masked += chr(_MASK_BASE + len(holes))
            holes.append(part)
        else:
            masked += part
    if len(holes) > 0x1000:
        return None
    slash = masked.find("/")
    host = _ECR_HOST.fullmatch(masked[:slash]) if slash > 0 else None
    if host is None or not any(_is_mask(char) for char in host.group()):
        return None
    suffix = host.group("suffix")
    if _is_mask(suffix) and not is_dns_suffix_label(holes[ord(suffix) - _MASK_BASE].label):
        return None
    rest = masked[slash + 1 :]
    # Each hole is one character in ``masked``; as one "x" the rest keeps its length, so the
    # grammar check's pieces map back onto it. An unknown repository name or tag is still ECR.
    checked = parse_reference(f"{_STAND_IN_HOST}/{_X_MASK.sub('x', rest)}")
    if not isinstance(checked, ImageRef):
        # Known text that no value of the holes can make valid is invalid; otherwise unknown.
        known_rest = not any(_is_mask(char) for char in rest)
        return InvalidRef(display, checked.reason) if known_rest else None

    def unmask(text: str) -> str:
        return "".join(holes[ord(c) - _MASK_BASE].display if _is_mask(c) else c for c in text)

    path_end = len(checked.path)
    tag = digest = None
    if checked.tag is not None:
        tag = unmask(rest[path_end + 1 : path_end + 1 + len(checked.tag)])
    if checked.digest is not None:
        digest = unmask(rest[len(rest) - len(checked.digest) :])
    return ImageRef(
        display,
        unmask(masked[:slash]),
        unmask(rest[:path_end]),
        tag,
        digest,
        RegistryKind.ECR_PRIVATE,
    )


def _is_mask(char: str) -> bool:
    return len(char) == 1 and 0xE000 <= ord(char) <= 0xF8FF
