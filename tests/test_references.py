"""Tests for the image-reference grammar, normalisation and registry classification."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecs_lint.model import ImageRef, InvalidRef, RegistryKind, UnresolvedRef
from ecs_lint.references import (
    ecr_private_parts,
    find_variables,
    parse_reference,
    resolve_reference,
)

HUB = RegistryKind.DOCKER_HUB
PUBLIC = RegistryKind.ECR_PUBLIC
PRIVATE = RegistryKind.ECR_PRIVATE
OTHER = RegistryKind.OTHER

SHA256 = "sha256:" + "0123456789abcdef" * 4
SHA384 = "sha384:" + "0123456789abcdef" * 6
SHA512 = "sha512:" + "0123456789abcdef" * 8
ECR = "123456789012.dkr.ecr.us-east-1.amazonaws.com"

# (text, domain, path, tag, digest, registry)
VALID: list[tuple[str, str, str, str | None, str | None, RegistryKind]] = [
    # Docker Hub short forms
    ("nginx", "docker.io", "library/nginx", None, None, HUB),
    ("nginx:1.25", "docker.io", "library/nginx", "1.25", None, HUB),
    ("library/nginx", "docker.io", "library/nginx", None, None, HUB),
    ("user/repo", "docker.io", "user/repo", None, None, HUB),
    ("a/b/c/d", "docker.io", "a/b/c/d", None, None, HUB),
    ("0/9", "docker.io", "0/9", None, None, HUB),
    # path-component separators
    ("a.b", "docker.io", "library/a.b", None, None, HUB),
    ("a_b", "docker.io", "library/a_b", None, None, HUB),
    ("a__b", "docker.io", "library/a__b", None, None, HUB),
    ("a-b", "docker.io", "library/a-b", None, None, HUB),
    ("a---b", "docker.io", "library/a---b", None, None, HUB),
    ("user/a.b_c__d-e--f", "docker.io", "user/a.b_c__d-e--f", None, None, HUB),
    # ... but a first component with a '.' is a host, which may not hold '_'
    ("a.b-c/g", "a.b-c", "g", None, None, OTHER),
    # a lone name with a colon: the colon starts a tag, there is no host
    ("localhost:5000", "docker.io", "library/localhost", "5000", None, HUB),
    ("myregistry.com", "docker.io", "library/myregistry.com", None, None, HUB),
    # hosts: '.', ':', localhost, uppercase
    ("localhost/app", "localhost", "app", None, None, OTHER),
    ("localhost:5000/app", "localhost:5000", "app", None, None, OTHER),
    (
        "myregistry.local:5000/team/app:1.0",
        "myregistry.local:5000",
        "team/app",
        "1.0",
        None,
        OTHER,
    ),
    ("Registry/app", "Registry", "app", None, None, OTHER),
    ("A/b", "A", "b", None, None, OTHER),
    ("LOCALHOST/app", "LOCALHOST", "app", None, None, OTHER),
    ("a-b.example.com/x", "a-b.example.com", "x", None, None, OTHER),
    ("1.2.3.4:80/x", "1.2.3.4:80", "x", None, None, OTHER),
    ("ghcr.io/owner/app:v1", "ghcr.io", "owner/app", "v1", None, OTHER),
    ("quay.io/prometheus/node-exporter", "quay.io", "prometheus/node-exporter", None, None, OTHER),
    # IPv6 hosts
    ("[::1]:5000/app", "[::1]:5000", "app", None, None, OTHER),
    ("[2001:db8::1]/x:tag", "[2001:db8::1]", "x", "tag", None, OTHER),
    ("[::1]/app", "[::1]", "app", None, None, OTHER),
    # tags
    ("nginx:Latest", "docker.io", "library/nginx", "Latest", None, HUB),
    ("nginx:_x", "docker.io", "library/nginx", "_x", None, HUB),
    ("nginx:1.0-rc_2.x", "docker.io", "library/nginx", "1.0-rc_2.x", None, HUB),
    ("nginx:" + "a" * 128, "docker.io", "library/nginx", "a" * 128, None, HUB),
    # digests
    (f"nginx@{SHA256}", "docker.io", "library/nginx", None, SHA256, HUB),
    (f"nginx@{SHA384}", "docker.io", "library/nginx", None, SHA384, HUB),
    (f"nginx@{SHA512}", "docker.io", "library/nginx", None, SHA512, HUB),
    (f"nginx:1.25@{SHA256}", "docker.io", "library/nginx", "1.25", SHA256, HUB),
    (f"localhost:5000/app:v@{SHA256}", "localhost:5000", "app", "v", SHA256, OTHER),
    # a 64-hex name is refused alone, but not with a tag
    ("a" * 64 + ":1", "docker.io", "library/" + "a" * 64, "1", None, HUB),
    # name length: 255 is the limit, measured on the normalised name
    ("example.com/" + "a" * 243, "example.com", "a" * 243, None, None, OTHER),
    ("a" * 237, "docker.io", "library/" + "a" * 237, None, None, HUB),
    # Docker Hub aliases all normalise to docker.io
    ("docker.io/nginx", "docker.io", "library/nginx", None, None, HUB),
    ("docker.io/library/nginx", "docker.io", "library/nginx", None, None, HUB),
    ("index.docker.io/nginx", "docker.io", "library/nginx", None, None, HUB),
    ("index.docker.io/user/app", "docker.io", "user/app", None, None, HUB),
    ("registry-1.docker.io/nginx", "docker.io", "library/nginx", None, None, HUB),
    ("registry-1.docker.io/library/nginx:1", "docker.io", "library/nginx", "1", None, HUB),
    ("registry.hub.docker.com/nginx", "docker.io", "library/nginx", None, None, HUB),
    ("registry.hub.docker.com/user/app", "docker.io", "user/app", None, None, HUB),
    ("hub.docker.com/nginx", "docker.io", "library/nginx", None, None, HUB),
    ("hub.docker.com/user/app", "docker.io", "user/app", None, None, HUB),
    ("Docker.IO/nginx", "docker.io", "library/nginx", None, None, HUB),
    ("INDEX.DOCKER.IO/user/app", "docker.io", "user/app", None, None, HUB),
    ("docker.io:443/nginx", "docker.io:443", "nginx", None, None, OTHER),
    # Amazon ECR Public: no library/ prefix
    ("public.ecr.aws/nginx/nginx:latest", "public.ecr.aws", "nginx/nginx", "latest", None, PUBLIC),
    ("public.ecr.aws/x", "public.ecr.aws", "x", None, None, PUBLIC),
    ("Public.ECR.aws/x/y", "Public.ECR.aws", "x/y", None, None, PUBLIC),
    ("ecr-public.aws.com/x/y", "ecr-public.aws.com", "x/y", None, None, PUBLIC),
    # Amazon ECR private: standard, FIPS, China, dual-stack
    (f"{ECR}/app:1", ECR, "app", "1", None, PRIVATE),
    (
        "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app",
        "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
        "app",
        None,
        None,
        PRIVATE,
    ),
    (
        "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/team/app",
        "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn",
        "team/app",
        None,
        None,
        PRIVATE,
    ),
    (
        "123456789012.dkr-ecr.eu-west-1.on.aws/app",
        "123456789012.dkr-ecr.eu-west-1.on.aws",
        "app",
        None,
        None,
        PRIVATE,
    ),
    (
        "123456789012.dkr-ecr-fips.us-east-2.on.aws/app",
        "123456789012.dkr-ecr-fips.us-east-2.on.aws",
        "app",
        None,
        None,
        PRIVATE,
    ),
    (
        "123456789012.DKR.ECR.US-EAST-1.AMAZONAWS.COM/app",
        "123456789012.DKR.ECR.US-EAST-1.AMAZONAWS.COM",
        "app",
        None,
        None,
        PRIVATE,
    ),
    # look-alikes are other registries
    (
        "12345678901.dkr.ecr.us-east-1.amazonaws.com/app",
        "12345678901.dkr.ecr.us-east-1.amazonaws.com",
        "app",
        None,
        None,
        OTHER,
    ),
    (
        f"{ECR}.evil.example/app",
        f"{ECR}.evil.example",
        "app",
        None,
        None,
        OTHER,
    ),
    ("public.ecr.aws.evil.example/x", "public.ecr.aws.evil.example", "x", None, None, OTHER),
    ("docker.io.evil.example/x", "docker.io.evil.example", "x", None, None, OTHER),
    ("gcr.io/distroless/static", "gcr.io", "distroless/static", None, None, OTHER),
]

# (text, exact reason)
INVALID: list[tuple[str, str]] = [
    ("", "empty reference"),
    ("   ", "reference is only whitespace"),
    ("\n", "reference is only whitespace"),
    (" nginx", "reference has leading whitespace"),
    ("nginx\n", "reference has trailing whitespace"),
    (
        "ngi nx",
        "reference contains a space at character 4, which is not allowed in an image reference",
    ),
    (
        "ngi\tnx",
        "reference contains whitespace (U+0009) at character 4, "
        "which is not allowed in an image reference",
    ),
    (
        "ngi\x07nx",
        "reference contains control character U+0007 at character 4, "
        "which is not allowed in an image reference",
    ),
    (
        "ngi\x00nx",
        "reference contains control character U+0000 at character 4, "
        "which is not allowed in an image reference",
    ),
    (
        "nginé",
        "reference contains non-ASCII character 'é' (U+00E9) at character 5, "
        "which is not allowed in an image reference",
    ),
    (
        "ngin\u212ax",
        "reference contains non-ASCII character '\u212a' (U+212A) at character 5, "
        "which is not allowed in an image reference",
    ),
    (
        "nginx!",
        "reference contains '!' at character 6, which is not allowed in an image reference",
    ),
    (
        "$TAG",
        "reference contains '$' at character 1, which is not allowed in an image reference",
    ),
    # lowercase repository paths
    ("Nginx", "repository name must be lowercase"),
    ("library/Nginx", "repository name must be lowercase"),
    ("user/Repo:tag", "repository name must be lowercase"),
    ("docker.io/Library/nginx", "repository name must be lowercase"),
    ("localhost/App", "repository name must be lowercase"),
    # path components
    (
        "a..b",
        "repository path component 'a..b' has the separator '..' "
        "(allowed: '.', '_', '__' or one or more '-')",
    ),
    (
        "a___b",
        "repository path component 'a___b' has the separator '___' "
        "(allowed: '.', '_', '__' or one or more '-')",
    ),
    (
        "a._b",
        "repository path component 'a._b' has the separator '._' "
        "(allowed: '.', '_', '__' or one or more '-')",
    ),
    ("-a", "repository path component '-a' must start and end with a lowercase letter or digit"),
    ("a-", "repository path component 'a-' must start and end with a lowercase letter or digit"),
    ("_a", "repository path component '_a' must start and end with a lowercase letter or digit"),
    (
        "user/.a",
        "repository path component '.a' must start and end with a lowercase letter or digit",
    ),
    (
        "a+b",
        "repository path component 'a+b' contains '+' "
        "(allowed: lowercase letters, digits and the separators '.', '_', '__', '-')",
    ),
    ("a//b", "repository path 'a//b' has an empty component"),
    ("a/", "repository path 'a/' has an empty component"),
    ("/a", "repository path '/a' has an empty component"),
    ("registry.example.com/", "repository path is empty"),
    ("localhost/", "repository path is empty"),
    (":tag", "repository name is empty"),
    (f"@{SHA256}", "repository name is empty"),
    # hosts and ports
    ("localhost:/app", "registry 'localhost:' has an empty port after ':'"),
    ("localhost:abc/app", "registry port 'abc' in 'localhost:abc' must be a number"),
    ("host.com:80:90/app", "registry port '80:90' in 'host.com:80:90' must be a number"),
    (":5000/app", "registry host is empty in ':5000'"),
    (
        "-bad.com/app",
        "registry host '-bad.com' has the invalid label '-bad' "
        "(labels hold letters, digits and '-', and do not start or end with '-')",
    ),
    (
        "bad_host.com/app",
        "registry host 'bad_host.com' has the invalid label 'bad_host' "
        "(labels hold letters, digits and '-', and do not start or end with '-')",
    ),
    ("bad..com/app", "registry host 'bad..com' has an empty label"),
    (
        "a.b_c/g",
        "registry host 'a.b_c' has the invalid label 'b_c' "
        "(labels hold letters, digits and '-', and do not start or end with '-')",
    ),
    ("[zz::1]/app", "registry host '[zz::1]' is not a valid bracketed IPv6 address"),
    ("[::1/app", "registry host '[::1' is not a valid bracketed IPv6 address"),
    ("[]:5000/app", "registry host '[]' is not a valid bracketed IPv6 address"),
    ("[::1]x/app", "registry host '[::1]x' is not a valid bracketed IPv6 address"),
    (
        "Foo_bar/app",
        "registry host 'Foo_bar' has the invalid label 'Foo_bar' "
        "(labels hold letters, digits and '-', and do not start or end with '-'); "
        "its first component was read as a host because it has uppercase letters",
    ),
    # tags
    ("nginx:", "tag after ':' is empty"),
    ("nginx:.x", "tag '.x' must not start with '.'"),
    ("nginx:-x", "tag '-x' must not start with '-'"),
    ("nginx:a+b", "tag 'a+b' contains '+' (allowed: letters, digits, '_', '.' and '-')"),
    ("nginx:a[1]", "tag 'a[1]' contains '[' (allowed: letters, digits, '_', '.' and '-')"),
    ("nginx:" + "a" * 129, f"tag '{'a' * 47}…' is longer than 128 characters"),
    # digests
    ("nginx@", "digest after '@' is empty"),
    (f"nginx@{SHA256}@{SHA256}", "reference contains more than one '@'"),
    ("nginx@sha256", "digest 'sha256' must have the form 'algorithm:hex'"),
    ("nginx@sha256:abc", "digest 'sha256:abc' must be 64 hex characters, not 3"),
    ("nginx@sha256:" + "a" * 63, f"digest 'sha256:{'a' * 40}…' must be 64 hex characters, not 63"),
    ("nginx@sha256:" + "a" * 65, f"digest 'sha256:{'a' * 40}…' must be 64 hex characters, not 65"),
    ("nginx@sha256:" + "A" * 64, f"digest 'sha256:{'A' * 40}…' must use lowercase hex"),
    (
        "nginx@sha256:" + "g" * 64,
        f"digest 'sha256:{'g' * 40}…' must have only hex characters after ':'",
    ),
    ("nginx@sha256:", "digest 'sha256:' must have only hex characters after ':'"),
    ("nginx@sha512:" + "a" * 64, f"digest 'sha512:{'a' * 40}…' must be 128 hex characters, not 64"),
    (
        "nginx@md5:" + "a" * 32,
        "digest algorithm 'md5' is not supported by Docker (use sha256, sha384, sha512)",
    ),
    (
        "nginx@sha3+b64.v2:" + "a" * 40,
        "digest algorithm 'sha3+b64.v2' is not supported by Docker (use sha256, sha384, sha512)",
    ),
    ("nginx@md5:" + "a" * 31, f"digest 'md5:{'a' * 31}' must have at least 32 hex characters"),
    ("nginx@SHA256:" + "a" * 64, "digest algorithm 'SHA256' must be lowercase 'sha256'"),
    ("nginx@1sha:" + "a" * 64, "digest algorithm '1sha' is not valid"),
    ("nginx@sha256-:" + "a" * 64, "digest algorithm 'sha256-' is not valid"),
    (
        "nginx:" + SHA256,
        "repository path component 'nginx:sha256' contains ':' "
        "(allowed: lowercase letters, digits and the separators '.', '_', '__', '-')",
    ),
    # image IDs and name length
    (
        "a" * 64,
        "reference is a 64-character hex string, which Docker refuses as a repository name "
        "because it reads as an image ID",
    ),
    (
        "example.com/" + "a" * 244,
        f"name is longer than 255 characters ('example.com/{'a' * 35}…' has 256)",
    ),
    (
        "a" * 238,
        f"name is longer than 255 characters ('docker.io/library/{'a' * 29}…' has 256)",
    ),
    (
        "hub.docker.com/" + "a" * 238,
        f"name is longer than 255 characters ('docker.io/library/{'a' * 29}…' has 256)",
    ),
]


def _valid_id(case: tuple[str, str, str, str | None, str | None, RegistryKind]) -> str:
    return case[0][:60]


@pytest.mark.parametrize("case", VALID, ids=_valid_id)
def test_valid_references(
    case: tuple[str, str, str, str | None, str | None, RegistryKind],
) -> None:
    text, domain, path, tag, digest, registry = case
    assert parse_reference(text) == ImageRef(text, domain, path, tag, digest, registry)


@pytest.mark.parametrize(("text", "reason"), INVALID, ids=[repr(t[:60]) for t, _ in INVALID])
def test_invalid_references(text: str, reason: str) -> None:
    assert parse_reference(text) == InvalidRef(text, reason)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nginx", "docker.io/library/nginx:latest"),
        ("user/app:1", "docker.io/user/app:1"),
        (f"nginx@{SHA256}", f"docker.io/library/nginx@{SHA256}"),
        (f"nginx:1@{SHA256}", f"docker.io/library/nginx:1@{SHA256}"),
        ("registry.hub.docker.com/nginx", "docker.io/library/nginx:latest"),
        ("localhost:5000/app", "localhost:5000/app:latest"),
        ("[::1]:5000/app:v", "[::1]:5000/app:v"),
        ("Registry/app", "Registry/app:latest"),
    ],
)
def test_normalised_form(text: str, expected: str) -> None:
    assert str(parse_reference(text)) == expected


def _assert_idempotent(ref: ImageRef) -> None:
    """Normalising twice equals normalising once.

    ``str`` spells an implicit tag as ``:latest``, so the first reparse turns ``tag=None`` into
    ``"latest"``; every other field, and the normal form itself, must already be fixed, and the
    second reparse must change nothing at all.
    """
    once = parse_reference(str(ref))
    assert isinstance(once, ImageRef), once
    assert str(once) == str(ref)
    assert dataclasses.replace(once, original=ref.original) == dataclasses.replace(
        ref, tag=ref.pulled_tag
    )
    twice = parse_reference(str(once))
    assert twice == dataclasses.replace(once, original=str(once))


@pytest.mark.parametrize("text", [case[0] for case in VALID], ids=[c[0][:60] for c in VALID])
def test_normalisation_is_idempotent(text: str) -> None:
    ref = parse_reference(text)
    assert isinstance(ref, ImageRef)
    _assert_idempotent(ref)


@pytest.mark.parametrize(
    "text",
    [
        "\ud800",
        "\U0001f433",
        "\x00" * 10,
        "x" * 100_000,
        "a/" * 50_000,
        "a-" * 50_000 + "!",
        "nginx:" + "a" * 100_000,
        "nginx@sha256:" + "a" * 100_000,
        "[" * 1000,
        "@" * 1000,
        ":" * 1000,
        "/" * 1000,
        "a" * 240 + "." + "b" * 40_000 + "/x",
    ],
    ids=lambda text: repr(text[:20]),
)
def test_nasty_text_is_invalid_not_an_error(text: str) -> None:
    result = parse_reference(text)
    assert isinstance(result, InvalidRef)
    assert result.original == text
    assert 0 < len(result.reason) < 300


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        (ECR, ("123456789012", "us-east-1")),
        (
            "123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com",
            ("123456789012", "us-gov-west-1"),
        ),
        ("123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", ("123456789012", "cn-north-1")),
        ("123456789012.dkr-ecr.ap-southeast-2.on.aws", ("123456789012", "ap-southeast-2")),
        ("123456789012.dkr-ecr-fips.us-east-1.on.aws", ("123456789012", "us-east-1")),
        ("123456789012.DKR.ECR.EU-CENTRAL-1.AMAZONAWS.COM", ("123456789012", "eu-central-1")),
        ("000000000000.dkr.ecr.us-isob-east-1.amazonaws.com", ("000000000000", "us-isob-east-1")),
        ("12345678901.dkr.ecr.us-east-1.amazonaws.com", None),
        ("1234567890123.dkr.ecr.us-east-1.amazonaws.com", None),
        ("123456789012.dkr.ecr.amazonaws.com", None),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com:443", None),
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com.evil.example", None),
        ("123456789012.dkr-ecr.us-east-1.amazonaws.com", None),
        ("123456789012.api.ecr.us-east-1.amazonaws.com", None),
        ("public.ecr.aws", None),
        ("docker.io", None),
        ("", None),
        ("\uff11" * 12 + ".dkr.ecr.us-east-1.amazonaws.com", None),  # fullwidth digits
        ("123456789012.dkr.ecr.us-eas\u212a-1.amazonaws.com", None),  # Kelvin sign
    ],
)
def test_ecr_private_parts(domain: str, expected: tuple[str, str] | None) -> None:
    assert ecr_private_parts(domain) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        ("nginx:1.25", ()),
        ("$TAG", ("TAG",)),
        ("${TAG}", ("TAG",)),
        ("nginx:${TAG:-1.25}", ("TAG",)),
        ("nginx:${TAG-1.25}", ("TAG",)),
        ("nginx:${TAG:+x}", ("TAG",)),
        ("nginx:${TAG:?set TAG}", ("TAG",)),
        ("${#TAG}", ("TAG",)),
        ("$REGISTRY/app", ("REGISTRY",)),
        ("$REGISTRY/app:$TAG", ("REGISTRY", "TAG")),
        ("${REGISTRY}/${IMAGE}:${TAG}@${DIGEST}", ("REGISTRY", "IMAGE", "TAG", "DIGEST")),
        ("$A/$B/$A", ("A", "B")),
        ("nginx:${TAG:-${DEFAULT_TAG}}", ("TAG", "DEFAULT_TAG")),
        ("nginx:${TAG:-$DEFAULT_TAG}", ("TAG", "DEFAULT_TAG")),
        ("$_private", ("_private",)),
        ("$TAG_suffix", ("TAG_suffix",)),
        ("${TAG}_suffix", ("TAG",)),
        ("nginx:$$TAG", ()),
        ("nginx:$${TAG}", ()),
        ("nginx:\\$TAG", ()),
        ("nginx:\\\\$TAG", ("TAG",)),
        (
            "${AWS::AccountId}.dkr.ecr.${AWS::Region}.amazonaws.com/app",
            ("AWS::AccountId", "AWS::Region"),
        ),
        ("${var.image_tag}", ("var.image_tag",)),
        ("$1", ()),
        ("${}", ()),
        ("price$", ()),
        ("${{ env.IMAGE }}", ()),
        ("$é", ()),
    ],
)
def test_find_variables(text: str, expected: tuple[str, ...]) -> None:
    assert find_variables(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${TAG}", UnresolvedRef("${TAG}", ("TAG",))),
        ("$REGISTRY/app", UnresolvedRef("$REGISTRY/app", ("REGISTRY",))),
        ("Nginx:${TAG}", UnresolvedRef("Nginx:${TAG}", ("TAG",))),
        ("<IMAGE1_NAME>", UnresolvedRef("<IMAGE1_NAME>", ("IMAGE1_NAME",))),
        (
            "<a>.dkr.ecr.<r>.amazonaws.com/x",
            UnresolvedRef("<a>.dkr.ecr.<r>.amazonaws.com/x", ("a", "r")),
        ),
        ("nginx", ImageRef("nginx", "docker.io", "library/nginx", None, None, HUB)),
        ("Nginx", InvalidRef("Nginx", "repository name must be lowercase")),
        (
            "nginx:$$TAG",
            InvalidRef(
                "nginx:$$TAG",
                "reference contains '$' at character 7, which is not allowed in an image reference",
            ),
        ),
    ],
)
def test_resolve_reference(text: str, expected: UnresolvedRef | ImageRef | InvalidRef) -> None:
    assert resolve_reference(text) == expected


# Text built from the grammar's own characters reaches valid references far more often than
# arbitrary text does, so the property below exercises normalisation as well as rejection.
_COMPONENT = st.from_regex(r"[a-z0-9]{1,4}(?:(?:[._]|__|-{1,3})[a-z0-9]{1,4}){0,2}", fullmatch=True)
_HOST = st.sampled_from(
    [
        "localhost/",
        "localhost:5000/",
        "Registry/",
        "docker.io/",
        "index.docker.io/",
        "hub.docker.com/",
        "registry-1.docker.io/",
        "public.ecr.aws/",
        f"{ECR}/",
        "[::1]:5000/",
        "example.com/",
    ]
)
_TAG = st.one_of(st.just(""), st.from_regex(r":[A-Za-z0-9_][A-Za-z0-9_.-]{0,8}", fullmatch=True))
_DIGEST = st.sampled_from(["", f"@{SHA256}", f"@{SHA512}"])
_QUALIFIED_REFERENCE = st.builds(
    lambda host, path, tag, digest: f"{host}{'/'.join(path)}{tag}{digest}",
    _HOST,
    st.lists(_COMPONENT, min_size=1, max_size=4),
    _TAG,
    _DIGEST,
)
# Without a host, a first component with a '.' is read as a host and may be an invalid one.
_SHORT_REFERENCE = st.builds(
    lambda path, tag, digest: f"{'/'.join(path)}{tag}{digest}",
    st.lists(_COMPONENT, min_size=1, max_size=4),
    _TAG,
    _DIGEST,
)
_GRAMMAR_CHARS = st.text(alphabet="abzAZ09._-/:@[]+ ", max_size=40)


@settings(max_examples=400)
@given(st.one_of(st.text(), _GRAMMAR_CHARS, _QUALIFIED_REFERENCE, _SHORT_REFERENCE))
def test_parse_never_raises_and_normalises_idempotently(text: str) -> None:
    result = parse_reference(text)
    assert isinstance(result, ImageRef | InvalidRef)
    assert result.original == text
    if isinstance(result, ImageRef):
        _assert_idempotent(result)
    else:
        assert result.reason


@given(_QUALIFIED_REFERENCE)
def test_generated_references_are_valid(text: str) -> None:
    assert isinstance(parse_reference(text), ImageRef)
