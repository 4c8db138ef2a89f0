"""Docker image references: grammar, normalisation and registry classification.

Every source hands image text to :func:`resolve_reference`, so one parser decides what Docker
would pull for every file format alike. The grammar and normalisation follow Docker's reference
rules (distribution/reference, plus the digest checks of opencontainers/go-digest that Docker
applies while parsing), because a linter that reads a string differently from Docker would flag
the wrong image or miss one.

Nothing here raises on any text: a bad reference becomes an :class:`InvalidRef` whose reason
names the exact fault, because that reason is shown to users as a finding message.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Final

from ecs_lint.model import ImageRef, InvalidRef, RegistryKind, UnresolvedRef

if TYPE_CHECKING:
    from ecs_lint.model import Reference

__all__ = [
    "DEFAULT_DOMAIN",
    "DOCKER_HUB_HOSTS",
    "ECR_PUBLIC_HOSTS",
    "NAME_TOTAL_LENGTH_MAX",
    "TAG_LENGTH_MAX",
    "ecr_private_parts",
    "familiar_name",
    "find_variables",
    "known_registry",
    "known_repository",
    "parse_reference",
    "resolve_reference",
]

DEFAULT_DOMAIN: Final = "docker.io"
OFFICIAL_NAMESPACE: Final = "library"
NAME_TOTAL_LENGTH_MAX: Final = 255
TAG_LENGTH_MAX: Final = 128

# Docker itself rewrites only ``index.docker.io`` to ``docker.io``; the other aliases stay separate
# hosts to Docker. We deliberately normalise all of them to ``docker.io`` (adding ``library/`` to a
# one-component path): they serve the same Docker Hub content under the same anonymous pull rate
# limit, which is what this linter is about, and one spelling keeps the rules simple.
DOCKER_HUB_HOSTS: Final = frozenset(
    {
        "docker.io",
        "index.docker.io",
        "registry-1.docker.io",
        "registry.hub.docker.com",
        "hub.docker.com",
    }
)
ECR_PUBLIC_HOSTS: Final = frozenset({"public.ecr.aws", "ecr-public.aws.com"})

# Digest algorithms Docker can verify, with the length of their lowercase hex encoding; Docker
# rejects any other algorithm as unsupported even when it fits the grammar.
_DIGEST_HEX_LENGTHS: Final = {"sha256": 64, "sha384": 96, "sha512": 128}
_DIGEST_MIN_HEX: Final = 32
_SHOW_LIMIT: Final = 48

# Every pattern is ASCII-only and used with ``fullmatch`` (never ``$``, which also matches before a
# trailing newline), so Unicode digits or letters can never slip through. Those an ordinary
# reference never needs (its explanations, ports, digests, ECR hosts) are pattern texts with the
# same flag inline, ``(?a)``, compiled on first use.
_FLAGS: Final = re.ASCII
_COMPONENT: Final = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_PATH_RE: Final = re.compile(rf"{_COMPONENT}(?:/{_COMPONENT})*", _FLAGS)
_COMPONENT_RE: Final = "(?a)" + _COMPONENT
_COMPONENT_BAD_CHAR_RE: Final = r"(?a)[^a-z0-9._-]"
_SEPARATOR_RUN_RE: Final = r"(?a)[._-]+"
_SEPARATOR_RE: Final = r"(?a)[._]|__|-+"
_HOST_LABEL_RE: Final = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?", _FLAGS)
_IPV6_RE: Final = r"(?a)\[[A-Fa-f0-9:]+\]"
_PORT_RE: Final = r"(?a)[0-9]+"
_TAG_BAD_CHAR_RE: Final = re.compile(r"[^A-Za-z0-9_.-]", _FLAGS)
_ALGORITHM_RE: Final = r"(?a)[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*"
_HEX_RE: Final = r"(?a)[0-9a-fA-F]+"
_UPPER_RE: Final = re.compile(r"[A-Z]", _FLAGS)
_IMAGE_ID_RE: Final = re.compile(r"[a-f0-9]{64}", _FLAGS)
_BAD_CHAR_RE: Final = re.compile(r"[^A-Za-z0-9._\-/:@\[\]+]", _FLAGS)

_REGION: Final = r"[a-z]{2,}(?:-[a-z]+)+-[0-9]+"  # us-east-1, us-gov-west-1, cn-north-1
_ECR_PRIVATE_RE: Final = (
    "(?a)"
    rf"(?P<account>[0-9]{{12}})\."
    rf"(?:dkr\.ecr(?:-fips)?\.(?P<region>{_REGION})\.amazonaws\.com(?:\.cn)?"
    rf"|dkr-ecr(?:-fips)?\.(?P<dual_region>{_REGION})\.on\.aws)"
)

_LABEL: Final = r"\$\{[^${}]+\}"  # a template's unresolved value: ${AWS::Region}, ${var.x}
_LABEL_RE: Final = "(?a)" + _LABEL
_ECR_PRIVATE_LABELLED_RE: Final = (
    "(?a)"
    rf"(?P<account>[0-9]{{12}}|{_LABEL})\."
    rf"(?:dkr\.ecr(?:-fips)?\.(?P<region>{_REGION}|{_LABEL})\.(?:amazonaws\.com(?:\.cn)?|{_LABEL})"
    rf"|dkr-ecr(?:-fips)?\.(?P<dual_region>{_REGION}|{_LABEL})\.on\.aws)"
)

_NAME_RE: Final = r"(?a)[A-Za-z0-9_]+"
_PLACEHOLDER_RE: Final = re.compile(r"<([A-Za-z][A-Za-z0-9_.-]*)>")
_VARIABLE_RE: Final = re.compile(
    r"""
    \\.                                   # a backslash escapes the next character
    | \$\$                                # '$$': a literal '$' (Compose) or the PID (shell)
    | \$\{[\#!]?(?P<braced>               # ${VAR}, ${VAR:-x}, ${#VAR}, ${AWS::Region}, ${var.tag}
        [A-Za-z_][A-Za-z0-9_]*(?:(?:::|\.)[A-Za-z_][A-Za-z0-9_-]*)*
      )
    | \$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)  # $VAR
    """,
    re.VERBOSE | re.ASCII | re.DOTALL,
)


class _Rejected(Exception):
    """Raised inside the parser to stop at the first fault; never escapes this module."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@functools.lru_cache(maxsize=4096)
def parse_reference(text: str) -> ImageRef | InvalidRef:
    """Parse and normalise an image reference the way Docker would before pulling it.

    Returns an :class:`InvalidRef` (never raises) for any text Docker would refuse, so that sources
    can hand over whatever a file contains. Remembered (both are frozen): the files of a
    repository name the same few base images again and again.
    """
    try:
        return _parse(text)
    except _Rejected as rejected:
        return InvalidRef(text, rejected.reason)


@functools.lru_cache(maxsize=4096)
def resolve_reference(text: str) -> Reference:
    """Parse ``text``, or mark it unresolved when it still holds shell-style variables.

    A reference such as ``$REGISTRY/app`` names no image until its variables are known, so it must
    not be reported as invalid. Remembered, as :func:`parse_reference` is.
    """
    variables = find_variables(text) + find_placeholders(text)
    if variables:
        return UnresolvedRef(text, variables)
    return parse_reference(text)


def find_placeholders(text: str) -> tuple[str, ...]:
    """Names of the placeholders a deploy tool or a person fills in before use: CodeDeploy's
    ``<IMAGE1_NAME>`` in a blue/green ``taskdef.json``, a sample's ``<account-id>.dkr.ecr...``.
    No reference may hold ``<``, so such text is never an image as written."""
    return tuple(dict.fromkeys(_PLACEHOLDER_RE.findall(text)))


def known_repository(ref: UnresolvedRef) -> ImageRef | None:
    """The image an unresolved reference names when only its tag or digest is unknown.

    ``python:${VERSION}-slim`` is a Docker Hub image whatever the version is, so the registry
    rules can judge it; the tag and digest keep their written text (variables included) for
    messages. ``None`` when an unknown value may change the registry or the repository.
    """
    text = ref.partial or ref.original
    split = _literal_repository(text)
    if split is None:
        return None
    parsed, separator = split
    suffix = text[separator + 1 :]
    at_digest = text[separator] == "@"
    tag, _, digest = ("", "", suffix) if at_digest else suffix.partition("@")
    return ImageRef(text, parsed.domain, parsed.path, tag or None, digest or None, parsed.registry)


def familiar_name(text: str) -> str | None:
    """``text`` as BuildKit names a named build context: the reference in Docker's short form,
    a ``:latest`` tag dropped (``docker.io/library/alpine:latest`` and ``alpine`` are both
    ``alpine``; ``alpine:3.20`` stays itself). Both sides are named so, the ``--build-context``
    name and the ``FROM`` or ``--from`` text, so they match when Docker would. ``None`` for text
    that is no reference (buildx refuses such a context name)."""
    ref = parse_reference(text)
    if not isinstance(ref, ImageRef):
        return None
    name = ref.repository
    if ref.domain == DEFAULT_DOMAIN:
        name = ref.path
        official = name.removeprefix(f"{OFFICIAL_NAMESPACE}/")
        if "/" not in official:
            name = official
    if ref.tag is not None:
        name += f":{ref.tag}"
    if ref.digest is not None:
        name += f"@{ref.digest}"
    return name.removesuffix(":latest")


def known_registry(ref: UnresolvedRef) -> ImageRef | None:
    """The image an unresolved reference names, as far as its literal text decides the registry.

    Docker reads a registry host only in the first component of a name, and only when that
    component is followed by a ``/`` and holds a ``.`` or ``:``, is ``localhost`` or has a
    capital. So when the text before the first variable already holds a ``/``, the first
    component is literal and no value can change the registry: ``hexpm/erlang-${ARCH}:26.2`` is
    a Docker Hub image whatever ``ARCH`` is, ``ghcr.io/${ORG}/app`` a ``ghcr.io`` one. A variable
    in the first component (``${REGISTRY}/app``, ``erlang-${ARCH}``, whose value may hold
    ``x.io/``, ``localhost:${PORT}/app``) leaves the registry unknown: ``None``.

    The path, tag and digest keep their written text, variables included, for messages; the
    tag separator is the last ``:`` after the last ``/`` outside the variables. Only the
    registry (``domain``, ``registry``) is a fact here: whether the repository is known too is
    :func:`known_repository`'s question.
    """
    tag_only = known_repository(ref)
    if tag_only is not None:
        return tag_only
    text = ref.partial or ref.original
    first_unknown = text.find("$")
    slash = text.find("/", 0, max(first_unknown, 0))
    if slash <= 0:
        return None
    registry = parse_reference(f"{text[:slash]}/x")
    if not isinstance(registry, ImageRef):
        return None
    host, _ = _split_name(text)
    rest = text[slash + 1 :] if host is not None else text
    masked = _mask_variables(rest)
    at = masked.find("@")
    name = masked[:at] if at >= 0 else masked
    colon = name.rfind(":")
    tag = rest[colon + 1 : len(name)] if colon > name.rfind("/") else None
    digest = rest[at + 1 :] if at >= 0 else None
    path = rest[: colon if tag is not None else len(name)]
    return ImageRef(text, registry.domain, path, tag or None, digest or None, registry.registry)


def _mask_variables(text: str) -> str:
    """``text`` with every variable (``$V``, ``${V...}``, ``${{ expr }}``) replaced by as many
    ``x``, so that the ``/``, ``:`` and ``@`` left are the reference's own."""
    masked = list(text)
    index = text.find("$")
    while 0 <= index < len(text):
        end = _variable_end(text, index)
        masked[index:end] = "x" * (end - index)
        index = text.find("$", end)
    return "".join(masked)


def _variable_end(text: str, start: int) -> int:
    """Where the variable written at ``start`` (a ``$``) ends: after its balanced braces, or
    its name; a ``$`` followed by neither stands for itself."""
    if text.startswith("{", start + 1):
        depth = 0
        for index in range(start + 1, len(text)):
            if text[index] == "{":
                depth += 1
            elif text[index] == "}":
                depth -= 1
                if depth == 0:
                    return index + 1
        return len(text)  # never closed: the rest is the variable
    name = re.compile(_NAME_RE).match(text, start + 1)
    return name.end() if name is not None else start + 1


def literal_repository(text: str) -> str | None:
    """The repository part of a written reference whose variables all come after its tag or
    digest separator (``python`` of ``python:${VERSION}-slim``); ``None`` otherwise."""
    split = _literal_repository(text)
    return text[: split[1]] if split is not None else None


def _literal_repository(text: str) -> tuple[ImageRef, int] | None:
    """The parsed repository part and the index of the separator after it."""
    placeholder = _PLACEHOLDER_RE.search(text)
    dollar = text.find("$")
    first_unknown = min(
        (at for at in (dollar, placeholder.start() if placeholder else -1) if at >= 0), default=-1
    )
    if first_unknown <= 0:
        return None
    written = text[:first_unknown]
    at = written.find("@")
    separator = at if at != -1 else written.rfind(":")
    if separator <= written.rfind("/"):  # no tag begun yet, or a ':' of a registry port
        return None
    if "/" in text[separator + 1 :]:  # the unknown value was a registry port (localhost:${P}/x)
        return None
    parsed = parse_reference(written[:separator])
    if not isinstance(parsed, ImageRef) or parsed.tag is not None or parsed.digest is not None:
        return None
    return parsed, separator


def find_variables(text: str) -> tuple[str, ...]:
    """Names of the shell-style variables in ``text``, in order of first use, each once.

    Recognises ``$VAR``, ``${VAR}`` and its operator forms (``${VAR:-default}`` and so on, whose
    default may itself use variables), and dotted or ``::`` names inside braces as written by
    Terraform and CloudFormation (``${var.tag}``, ``${AWS::Region}``). ``$$`` and ``\\$`` are
    escapes, not variables.
    """
    names: dict[str, None] = {}
    for match in _VARIABLE_RE.finditer(text):
        name = match.group("braced") or match.group("bare")
        if name:
            names[name] = None
    return tuple(names)


def ecr_private_parts(domain: str, *, labels: bool = False) -> tuple[str, str] | None:
    """The (account, region) of a private Amazon ECR registry host, or ``None`` for other hosts.

    Covers the standard, FIPS, China (``.amazonaws.com.cn``) and dual-stack (``.on.aws``)
    endpoints. Hosts compare case-insensitively, so the region comes back in lowercase.

    With ``labels``, the account, the region and the DNS suffix may each be a template's
    unresolved value written ``${label}`` (``${AWS::AccountId}.dkr.ecr.${AWS::Region}.
    ${AWS::URLSuffix}``, as CloudFormation and Terraform sources write an ECR host they cannot
    resolve); such a field comes back as that text. Only callers that treat ``${label}`` as an
    unknown value (never as a region name to compare) ask for it.
    """
    match = re.compile(_ECR_PRIVATE_RE).fullmatch(_host_key(domain))
    if match is None and labels and "${" in domain:
        match = re.compile(_ECR_PRIVATE_LABELLED_RE).fullmatch(_host_key_keeping_labels(domain))
    if match is None:
        return None
    return match.group("account"), match.group("region") or match.group("dual_region")


def _host_key_keeping_labels(domain: str) -> str:
    """:func:`_host_key` of the text between ``${label}`` values; the labels as written."""
    pieces = re.compile(_LABEL_RE).split(domain)
    labels = re.compile(_LABEL_RE).findall(domain)
    keys = [_host_key(piece) if piece else "" for piece in pieces]
    if any(piece and not key for piece, key in zip(pieces, keys, strict=True)):
        return ""
    return "".join(key + label for key, label in zip(keys, [*labels, ""], strict=True))


def _parse(text: str) -> ImageRef:
    """Check ``text`` piece by piece, raising :class:`_Rejected` at the first fault."""
    _check_text(text)
    name, tag, digest = _split_reference(text)
    domain, path = _split_name(name)
    if domain is not None:
        _check_domain(domain)
    _check_path(path)
    domain, path = _normalise(domain, path)
    _check_length(domain, path)
    if tag is not None:
        _check_tag(tag)
    if digest is not None:
        _check_digest(digest)
    return ImageRef(text, domain, path, tag, digest, _classify(domain))


def _check_text(text: str) -> None:
    """Reject empty text and characters no part of a reference may hold, before any splitting."""
    if not text:
        raise _Rejected("empty reference")
    if text.isspace():
        raise _Rejected("reference is only whitespace")
    if text[0].isspace() or text[-1].isspace():
        side = "leading" if text[0].isspace() else "trailing"
        raise _Rejected(f"reference has {side} whitespace")
    bad = _BAD_CHAR_RE.search(text)
    if bad is not None:
        where = bad.start() + 1
        raise _Rejected(
            f"reference contains {_describe_char(bad.group())} at character {where}, "
            "which is not allowed in an image reference"
        )
    if _IMAGE_ID_RE.fullmatch(text):
        raise _Rejected(
            "reference is a 64-character hex string, which Docker refuses as a repository name "
            "because it reads as an image ID"
        )


def _describe_char(char: str) -> str:
    """Name a character so that the reason stays readable even for invisible characters."""
    code = f"U+{ord(char):04X}"
    if char == " ":
        return "a space"
    if char.isspace():
        return f"whitespace ({code})"
    if not char.isprintable():
        return f"control character {code}"
    if not char.isascii():
        return f"non-ASCII character '{char}' ({code})"
    return f"'{char}'"


def _split_reference(text: str) -> tuple[str, str | None, str | None]:
    """Split ``name[:tag][@digest]``; the tag is after the last ':' that follows every '/'."""
    rest, at, digest = text.partition("@")
    if at and "@" in digest:
        raise _Rejected("reference contains more than one '@'")
    if at and not digest:
        raise _Rejected("digest after '@' is empty")
    colon = rest.rfind(":")
    if colon > rest.rfind("/"):
        name, tag = rest[:colon], rest[colon + 1 :]
        if not tag:
            raise _Rejected("tag after ':' is empty")
    else:
        name, tag = rest, None
    if not name:
        raise _Rejected("repository name is empty")
    return name, tag, digest if at else None


def _split_name(name: str) -> tuple[str | None, str]:
    """Split off the registry host, using Docker's rule for telling a host from a namespace.

    The first component is a host only if it has a '.' or ':', is ``localhost``, or has an
    uppercase letter (a repository path never may); otherwise Docker Hub is implied.
    """
    slash = name.find("/")
    if slash == -1:
        return None, name
    first = name[:slash]
    if "." in first or ":" in first or first == "localhost" or _UPPER_RE.search(first):
        return first, name[slash + 1 :]
    return None, name


def _check_domain(domain: str) -> None:
    """Check ``host[:port]``, where host is a domain name or a bracketed IPv6 address."""
    host, port = _split_host_port(domain)
    if port is not None and not re.compile(_PORT_RE).fullmatch(port):
        if not port:
            raise _Rejected(f"registry '{_show(domain)}' has an empty port after ':'")
        raise _Rejected(f"registry port '{_show(port)}' in '{_show(domain)}' must be a number")
    _check_host(host, domain)


def _split_host_port(domain: str) -> tuple[str, str | None]:
    """Split at the port colon, which for an IPv6 host is the one after the closing bracket."""
    if domain.startswith("["):
        end = domain.find("]") + 1
        if end and domain[end : end + 1] == ":":
            return domain[:end], domain[end + 1 :]
        return domain, None
    host, colon, port = domain.partition(":")
    return host, port if colon else None


def _check_host(host: str, domain: str) -> None:
    if not host:
        raise _Rejected(f"registry host is empty in '{_show(domain)}'")
    if host.startswith("["):
        if not re.compile(_IPV6_RE).fullmatch(host):
            raise _Rejected(f"registry host '{_show(host)}' is not a valid bracketed IPv6 address")
        return
    for label in host.split("."):
        if not _HOST_LABEL_RE.fullmatch(label):
            raise _Rejected(_host_label_reason(host, label, domain))


def _host_label_reason(host: str, label: str, domain: str) -> str:
    """Explain a bad host label, and why a namespace with capitals was read as a host at all."""
    if not label:
        reason = f"registry host '{_show(host)}' has an empty label"
    else:
        reason = (
            f"registry host '{_show(host)}' has the invalid label '{_show(label)}' "
            "(labels hold letters, digits and '-', and do not start or end with '-')"
        )
    if "." not in domain and ":" not in domain and domain != "localhost":
        reason += "; its first component was read as a host because it has uppercase letters"
    return reason


def _check_path(path: str) -> None:
    """Check the repository path; diagnose a bad component only after the fast check fails."""
    if _PATH_RE.fullmatch(path):
        return
    if not path:
        raise _Rejected("repository path is empty")
    if _UPPER_RE.search(path):
        raise _Rejected("repository name must be lowercase")
    for component in path.split("/"):
        if not re.compile(_COMPONENT_RE).fullmatch(component):
            raise _Rejected(_component_reason(component, path))


def _component_reason(component: str, path: str) -> str:
    """Say precisely what makes one path component invalid."""
    if not component:
        return f"repository path '{_show(path)}' has an empty component"
    shown = f"repository path component '{_show(component)}'"
    bad = re.compile(_COMPONENT_BAD_CHAR_RE).search(component)
    if bad is not None:
        return (
            f"{shown} contains '{bad.group()}' "
            "(allowed: lowercase letters, digits and the separators '.', '_', '__', '-')"
        )
    if component[0] in "._-" or component[-1] in "._-":
        return f"{shown} must start and end with a lowercase letter or digit"
    for run in re.compile(_SEPARATOR_RUN_RE).findall(component):
        if not re.compile(_SEPARATOR_RE).fullmatch(run):
            return f"{shown} has the separator '{run}' (allowed: '.', '_', '__' or one or more '-')"
    return f"{shown} is not valid"  # not reached: the checks above cover the grammar


def _normalise(domain: str | None, path: str) -> tuple[str, str]:
    """Map every Docker Hub spelling to ``docker.io`` and official images to ``library/``."""
    if domain is not None and _host_key(domain) not in DOCKER_HUB_HOSTS:
        return domain, path
    if "/" not in path:
        path = f"{OFFICIAL_NAMESPACE}/{path}"
    return DEFAULT_DOMAIN, path


def _check_length(domain: str, path: str) -> None:
    """Limit the normalised name, as Docker does (it measures ``docker.io/library/...``).

    Measuring the normalised form also keeps normalisation idempotent: a name accepted once is
    accepted again when its normalised form is parsed.
    """
    name = f"{domain}/{path}"
    if len(name) > NAME_TOTAL_LENGTH_MAX:
        raise _Rejected(
            f"name is longer than {NAME_TOTAL_LENGTH_MAX} characters "
            f"('{_show(name)}' has {len(name)})"
        )


def _check_tag(tag: str) -> None:
    if len(tag) > TAG_LENGTH_MAX:
        raise _Rejected(f"tag '{_show(tag)}' is longer than {TAG_LENGTH_MAX} characters")
    if tag[0] in ".-":
        raise _Rejected(f"tag '{_show(tag)}' must not start with '{tag[0]}'")
    bad = _TAG_BAD_CHAR_RE.search(tag)
    if bad is not None:
        raise _Rejected(
            f"tag '{_show(tag)}' contains '{bad.group()}' "
            "(allowed: letters, digits, '_', '.' and '-')"
        )


def _check_digest(digest: str) -> None:
    """Check ``algorithm:hex`` against the grammar, then as Docker verifies known algorithms."""
    shown = _show(digest)
    algorithm, colon, encoded = digest.partition(":")
    if not colon:
        raise _Rejected(f"digest '{shown}' must have the form 'algorithm:hex'")
    if not re.compile(_ALGORITHM_RE).fullmatch(algorithm):
        raise _Rejected(f"digest algorithm '{_show(algorithm)}' is not valid")
    if not re.compile(_HEX_RE).fullmatch(encoded):
        raise _Rejected(f"digest '{shown}' must have only hex characters after ':'")
    expected = _DIGEST_HEX_LENGTHS.get(algorithm)
    if expected is None:
        raise _Rejected(_unknown_algorithm_reason(digest, algorithm, encoded))
    if len(encoded) != expected:
        raise _Rejected(f"digest '{shown}' must be {expected} hex characters, not {len(encoded)}")
    if _UPPER_RE.search(encoded):
        raise _Rejected(f"digest '{shown}' must use lowercase hex")


def _unknown_algorithm_reason(digest: str, algorithm: str, encoded: str) -> str:
    if len(encoded) < _DIGEST_MIN_HEX:
        return f"digest '{_show(digest)}' must have at least {_DIGEST_MIN_HEX} hex characters"
    if algorithm.lower() in _DIGEST_HEX_LENGTHS:
        return f"digest algorithm '{algorithm}' must be lowercase '{algorithm.lower()}'"
    known = ", ".join(_DIGEST_HEX_LENGTHS)
    return f"digest algorithm '{_show(algorithm)}' is not supported by Docker (use {known})"


def _classify(domain: str) -> RegistryKind:
    key = _host_key(domain)
    if key in DOCKER_HUB_HOSTS:
        return RegistryKind.DOCKER_HUB
    if key in ECR_PUBLIC_HOSTS:
        return RegistryKind.ECR_PUBLIC
    if re.compile(_ECR_PRIVATE_RE).fullmatch(key):
        return RegistryKind.ECR_PRIVATE
    return RegistryKind.OTHER


def _host_key(domain: str) -> str:
    """Lowercase a host for comparison, refusing non-ASCII text.

    ``str.lower`` maps some non-ASCII letters onto ASCII ones (the Kelvin sign becomes 'k'), which
    would let a look-alike host pass for a real one.
    """
    return domain.lower() if domain.isascii() else ""


def _show(text: str) -> str:
    """Shorten text quoted in a reason, so a huge input cannot make a huge message."""
    if len(text) <= _SHOW_LIMIT:
        return text
    return text[: _SHOW_LIMIT - 1] + "…"
