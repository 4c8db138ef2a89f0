"""ARNs, and the references task definitions make to secrets, parameters, keys and log groups.

Each parser takes the text as written and returns either a reference or a :class:`BadReference`
whose ``reason`` is shown to users; none raises. Each reference knows the resource name IAM
evaluates for it (:class:`~ecs_lint.iam.requests.Resource`), with the parts that cannot be known
statically left unknown rather than guessed: the random 6-character suffix Secrets Manager adds to
a secret's ARN when only the name is given, and the region, account or partition a bare name
leaves to the task (:class:`Placement` supplies them when they are known).

Text of the form ``${...}`` inside a field is an unresolved value (a template's
``${AWS::Region}``): it passes validation and becomes an unknown part of the resource, equal to
the same ``${label}`` in a policy of the same template. A :class:`Placement` keeps such fields
too (``${AWS::AccountId}`` from a template's role ARN), so resources built from it match a policy
written with the same pseudo parameters exactly.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeAlias

from ecs_lint.iam.requests import ALNUM, Resource, Unknown

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "Arn",
    "BadReference",
    "KeyRef",
    "ParameterRef",
    "Placement",
    "SecretForm",
    "SecretRef",
    "SecretValueRef",
    "UnknownValueFrom",
    "ValueFrom",
    "ecr_repository_resource",
    "is_label",
    "log_stream_resource",
    "parse_arn",
    "parse_credentials_parameter",
    "parse_kms_key",
    "parse_value_from",
    "partition_for_region",
    "role_name",
    "unnamed_secret_resource",
]

PARTITIONS: Final = frozenset(
    {"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"}
)
_REGION: Final = re.compile(r"[a-z]{2,}(?:-[a-z]+)+-[0-9]{1,2}", re.ASCII)
_ACCOUNT: Final = re.compile(r"[0-9]{12}", re.ASCII)
_SECRET_NAME: Final = re.compile(r"[A-Za-z0-9/_+=.@-]{1,512}", re.ASCII)
_SUFFIXED: Final = re.compile(r"(?P<name>.+)-(?P<suffix>[A-Za-z0-9]{6})", re.ASCII)
_PARAMETER_NAME: Final = re.compile(r"[A-Za-z0-9_.\-/]{1,2048}", re.ASCII)
_PLACEHOLDER: Final = re.compile(r"\$\{[^}]+\}")
_REGION_PREFIX_PARTITIONS: Final = (
    ("cn-", "aws-cn"),
    ("us-gov-", "aws-us-gov"),
    ("us-isob-", "aws-iso-b"),
    ("us-isof-", "aws-iso-f"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-iso-", "aws-iso"),
    ("eusc-", "aws-eusc"),
)

SUFFIX_LENGTH: Final = 6
_SECRET_NAME_CHARS: Final = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_+=.@-"
)
_LOWER_DIGITS: Final = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")
_DIGITS: Final = frozenset("0123456789")
REGION_UNKNOWN: Final = Unknown("region", "the region the task runs in", "<region>", _LOWER_DIGITS)
ACCOUNT_UNKNOWN: Final = Unknown("account", "the task's account", "<account>", _DIGITS, 12)
PARTITION_UNKNOWN: Final = Unknown("partition", "the AWS partition", "<partition>", _LOWER_DIGITS)


def _suffix_unknown(name: str) -> Unknown:
    return Unknown(
        f"suffix of secret {name}",
        "the secret's 6-character ARN suffix",
        "??????",
        ALNUM,
        SUFFIX_LENGTH,
        pattern="??????",
    )


def _has_placeholder(text: str) -> bool:
    return "${" in text and _PLACEHOLDER.search(text) is not None


def is_label(text: str) -> bool:
    """Whether ``text`` is one unresolved template value, ``${label}``, and nothing else."""
    return text.startswith("${") and _PLACEHOLDER.fullmatch(text) is not None


def leading_label(text: str) -> str | None:
    """The template value ``text`` starts with, when only ``:``-separated fields follow it
    (``${DbSecret}`` of ``${DbSecret}:password::``, a secret's ARN and a JSON key)."""
    end = text.find("}") + 1 if text.startswith("${") else 0
    label, rest = text[:end], text[end:]
    if not end or not is_label(label) or (rest and not rest.startswith(":")) or "${" in rest:
        return None
    return label


def _without_placeholders(text: str) -> str:
    return _PLACEHOLDER.sub("x", text)


# --- ARNs -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Arn:
    """An ARN's six parts, as written."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse_arn(text: str) -> Arn | None:
    """Split ``arn:partition:service:region:account:resource``; ``None`` if it is not one.

    A ``${...}`` placeholder is one value even when it holds colons (``${AWS::Region}``).
    """
    if "\x00" in text:
        return None  # no ARN holds NUL, and it marks hidden placeholders below
    placeholders: list[str] = []
    if "${" in text and "\x00" not in text:  # NUL marks hidden placeholders; no ARN holds one

        def hide(found: re.Match[str]) -> str:
            placeholders.append(found.group())
            return f"\x00{len(placeholders) - 1}\x00"

        text = _PLACEHOLDER.sub(hide, text)
    fields = text.split(":", 5)
    if len(fields) != 6 or fields[0] != "arn" or not fields[2] or not fields[5]:
        return None
    if placeholders:
        fields = [_HIDDEN.sub(lambda m: placeholders[int(m.group(1))], f) for f in fields]
    return Arn(fields[1], fields[2], fields[3], fields[4], fields[5])


_HIDDEN: Final = re.compile("\x00([0-9]+)\x00")


def role_name(reference: str) -> str:
    """The role name in ``arn:aws:iam::123456789012:role/path/name``, or the text itself."""
    arn = parse_arn(reference)
    if arn is None or arn.service != "iam" or not arn.resource.startswith("role/"):
        return reference
    return arn.resource.rsplit("/", 1)[-1]


def partition_for_region(region: str) -> str:
    """The partition of a region (``aws`` unless its name says otherwise)."""
    for prefix, partition in _REGION_PREFIX_PARTITIONS:
        if region.startswith(prefix):
            return partition
    return "aws"


def _partition_of(region: str | None) -> str | None:
    """The partition a known region implies; ``None`` for no region or an unresolved one."""
    if not region or _has_placeholder(region):
        return None
    return partition_for_region(region)


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a task runs, as far as it is known; fills what a bare name leaves out.

    A field is a value (``aws``, ``eu-west-1``, ``123456789012``), a template's unresolved value
    (``${AWS::AccountId}``: equal to the same label in a policy of that template), or ``None``
    (unknown).
    """

    partition: str | None = None
    region: str | None = None
    account: str | None = None

    @classmethod
    def of(cls, role_arn: str | None, region: str | None) -> Placement:
        """The execution role's ARN gives the account and partition (the role is in the task's
        account), also as a template writes them (``arn:${AWS::Partition}:iam::${AWS::AccountId}
        :role/...``); ``region`` is the region the task runs in, when known. A known region
        implies the partition when the ARN does not give it."""
        arn = parse_arn(role_arn) if role_arn else None
        partition = account = None
        if arn is not None:
            if arn.partition in PARTITIONS or is_label(arn.partition):
                partition = arn.partition
            if _ACCOUNT.fullmatch(arn.account) or is_label(arn.account):
                account = arn.account
        return cls(partition or _partition_of(region), region or None, account)


def _arn_parts(
    partition: str | None,
    service: str,
    region: str | None,
    account: str | None,
    tail: list[str | Unknown],
) -> Resource:
    """An ARN as resource parts, unknown where a field is not known."""
    parts: list[str | Unknown] = ["arn:"]
    parts.append(partition if partition is not None else PARTITION_UNKNOWN)
    parts.append(f":{service}:")
    parts.append(region if region is not None else REGION_UNKNOWN)
    parts.append(":")
    parts.append(account if account is not None else ACCOUNT_UNKNOWN)
    parts.append(":")
    parts.extend(tail)
    return _with_placeholders(parts)


def _with_placeholders(
    parts: list[str | Unknown], aliases: frozenset[str] = frozenset()
) -> Resource:
    """Merge adjacent text, turning ``${...}`` inside it into unknown parts."""
    merged: list[str | Unknown] = []
    for part in parts:
        if isinstance(part, str) and merged and isinstance(merged[-1], str):
            merged[-1] += part
        else:
            merged.append(part)
    split: list[str | Unknown] = []
    for part in merged:
        split.extend(Resource.parse(part).parts if isinstance(part, str) else (part,))
    return Resource(tuple(split), aliases)


@dataclass(frozen=True, slots=True)
class BadReference:
    """Text that is not a valid reference of the kind expected; ``kind`` says what it was."""

    text: str
    reason: str
    kind: str = "malformed"  # or "ssm-parameter", "wrong-service"


def _check_arn_fields(arn: Arn, what: str) -> str | None:
    """The fault in the partition, region or account of an ARN, if any, said of the ARN's text
    (``'arn:...' has '1234' in the account field, ...``) like every ``BadReference`` reason."""
    if arn.partition not in PARTITIONS and not _has_placeholder(arn.partition):
        return (
            f"has '{arn.partition}' in the partition field, where {what} ARN needs an AWS "
            "partition (aws, aws-cn, aws-us-gov, ...)"
        )
    if not _REGION.fullmatch(arn.region) and not _has_placeholder(arn.region):
        return (
            f"has '{arn.region}' in the region field, where {what} ARN needs a region such as "
            "us-east-1"
        )
    if not _ACCOUNT.fullmatch(arn.account) and not _has_placeholder(arn.account):
        return (
            f"has '{arn.account}' in the account field, where {what} ARN needs a 12-digit "
            "account ID"
        )
    return None


def _field(value: str) -> str | None:
    return value or None


# --- Secrets Manager --------------------------------------------------------------------------


class SecretForm(enum.Enum):
    FULL_ARN = "full ARN"
    PARTIAL_ARN = "partial ARN"
    NAME = "name"
    UNRESOLVED = "unresolved value"


@dataclass(frozen=True, slots=True)
class SecretRef:
    """A Secrets Manager secret as a task definition names it.

    ``name`` is the secret's name (without the suffix of a full ARN). A full ARN is recognised by
    its last ``-`` and six letters or digits, which is how Secrets Manager itself reads ARNs: a
    partial ARN of a secret whose name ends that way is read as a full one (AWS documents this).
    """

    text: str
    form: SecretForm
    name: str
    suffix: str | None = None
    partition: str | None = None
    region: str | None = None
    account: str | None = None

    @property
    def arn(self) -> str | None:
        """The full ARN, when the text gives it."""
        if self.form is not SecretForm.FULL_ARN:
            return None
        return self.text

    def resource(self, placement: Placement = Placement()) -> Resource:
        """The ARN IAM matches ``secretsmanager:GetSecretValue`` against."""
        if self.form is SecretForm.UNRESOLVED:
            return Resource.parse(self.text)
        tail: list[str | Unknown] = [f"secret:{self.name}-"]
        tail.append(self.suffix if self.suffix is not None else _suffix_unknown(self.name))
        return _arn_parts(
            self.partition or placement.partition,
            "secretsmanager",
            self.region or placement.region,
            self.account or placement.account,
            tail,
        )

    def unsuffixed_arn(self, placement: Placement = Placement()) -> Resource:
        """The secret's ARN without a suffix: what a policy written from the name often says."""
        return _arn_parts(
            self.partition or placement.partition,
            "secretsmanager",
            self.region or placement.region,
            self.account or placement.account,
            [f"secret:{self.name}"],
        )


def unnamed_secret_resource(
    label: str, placement: Placement, prefix: str = "", aliases: Iterable[str] = ()
) -> Resource:
    """The ARN of a secret the linted files define without giving its name (a name generated
    when it is created, or one they cannot resolve), which they know as ``${label}``.

    Its account, region and partition are ``placement``'s (those of the tasks of the same
    template); its name is unknown past ``prefix`` (what a generated name is known to start with);
    the ARN ends, as every secret's, in ``-`` and six random characters. The resource is also
    known as ``${label}`` (and each of ``aliases``), which a policy names it by exactly.
    """
    reference = f"${{{label}}}"
    if not _SECRET_NAME.fullmatch(prefix or "x"):
        prefix = ""  # not a name's start (the source could not read it): claim nothing of it
    rest = Unknown(
        f"name of secret {reference}",
        f"the name of secret {reference} (the files do not give it)",
        "<rest of name>" if prefix else "<name>",
        _SECRET_NAME_CHARS,
    )
    tail: list[str | Unknown] = [f"secret:{prefix}", rest, "-", _suffix_unknown(reference)]
    resource = _arn_parts(
        placement.partition, "secretsmanager", placement.region, placement.account, tail
    )
    return Resource(resource.parts, frozenset({label, *aliases}), reference)


@dataclass(frozen=True, slots=True)
class SecretValueRef:
    """A ``secrets[].valueFrom`` naming a Secrets Manager secret, maybe one key or version."""

    secret: SecretRef
    json_key: str | None = None
    version_stage: str | None = None
    version_id: str | None = None


class ParameterForm(enum.Enum):
    ARN = "ARN"
    NAME = "name"


@dataclass(frozen=True, slots=True)
class ParameterRef:
    """An SSM Parameter Store parameter; ``name`` as SSM spells it (``/prod/db`` or ``db``)."""

    text: str
    form: ParameterForm
    name: str
    partition: str | None = None
    region: str | None = None
    account: str | None = None

    def resource(self, placement: Placement = Placement()) -> Resource:
        """``arn:...:parameter/prod/db`` for ``/prod/db``, ``arn:...:parameter/db`` for ``db``."""
        return _arn_parts(
            self.partition or placement.partition,
            "ssm",
            self.region or placement.region,
            self.account or placement.account,
            [f"parameter/{self.name.removeprefix('/')}"],
        )


def parse_credentials_parameter(text: str) -> SecretRef | BadReference:
    """``repositoryCredentials.credentialsParameter``: a Secrets Manager secret ARN or name."""
    if not text.strip():
        return BadReference(text, "is empty")
    if text.startswith("arn:"):
        arn = parse_arn(text)
        if arn is None:
            return BadReference(text, _MALFORMED_ARN)
        if arn.service == "ssm":
            return BadReference(
                text,
                "is an SSM Parameter Store parameter; repositoryCredentials takes only a Secrets "
                "Manager secret",
                "ssm-parameter",
            )
        if arn.service != "secretsmanager":
            return BadReference(
                text,
                f"is an ARN of the '{arn.service}' service, not a Secrets Manager secret",
                "wrong-service",
            )
        fault = _check_arn_fields(arn, "the secret")
        if fault is not None:
            return BadReference(text, fault)
        rest, fault = _secret_resource(arn)
        if fault is not None:
            return BadReference(text, fault)
        if ":" in rest:
            return BadReference(
                text,
                "has fields after the secret name; repositoryCredentials takes the secret's ARN "
                "alone, without :json-key:version-stage:version-id",
            )
        return _secret_from_arn(text, arn, rest)
    if text.startswith("/aws/reference/secretsmanager/") or text.startswith("ssm:"):
        return BadReference(
            text,
            "is an SSM Parameter Store reference; use the Secrets Manager secret itself",
            "ssm-parameter",
        )
    return _secret_from_name(text)


_MALFORMED_ARN: Final = (
    "is not a well-formed ARN (arn:partition:service:region:account-id:resource)"
)


def _secret_resource(arn: Arn) -> tuple[str, str | None]:
    if not arn.resource.startswith("secret:"):
        return "", (
            f"has the resource '{arn.resource}'; a secret ARN ends in "
            "':secret:NAME-XXXXXX' (the name and a 6-character suffix)"
        )
    rest = arn.resource.removeprefix("secret:")
    name = rest.split(":", 1)[0]
    if not name:
        return "", "has an empty secret name after ':secret:'"
    if not _has_placeholder(name) and not _SECRET_NAME.fullmatch(name):
        return "", (
            f"has the secret name '{name}', which Secrets Manager does not allow (letters, "
            "digits and /_+=.@- only, at most 512 characters)"
        )
    return rest, None


def _secret_from_arn(text: str, arn: Arn, name: str) -> SecretRef:
    found = _SUFFIXED.fullmatch(name)
    region, account, partition = _field(arn.region), _field(arn.account), arn.partition
    if found is None:
        return SecretRef(text, SecretForm.PARTIAL_ARN, name, None, partition, region, account)
    return SecretRef(
        text,
        SecretForm.FULL_ARN,
        found.group("name"),
        found.group("suffix"),
        partition,
        region,
        account,
    )


def _secret_from_name(text: str) -> SecretRef | BadReference:
    if _PLACEHOLDER.fullmatch(text):
        return SecretRef(text, SecretForm.UNRESOLVED, text)
    if not _has_placeholder(text) and not _SECRET_NAME.fullmatch(text):
        return BadReference(
            text,
            "is neither a Secrets Manager secret ARN nor a secret name (names hold letters, "
            "digits and /_+=.@- only)",
        )
    return SecretRef(text, SecretForm.NAME, text)


@dataclass(frozen=True, slots=True)
class UnknownValueFrom:
    """A ``valueFrom`` that starts with a value not known statically (``${var.secret_arn}``,
    a template parameter) and names nothing the linted files define: it may be a Secrets Manager
    secret's ARN or an SSM parameter, so what reading it takes is not known."""

    text: str


ValueFrom: TypeAlias = "SecretValueRef | ParameterRef | UnknownValueFrom | BadReference"


def parse_value_from(
    text: str, *, names_secret: bool = False, names_parameter: bool = False
) -> ValueFrom:
    """``secrets[].valueFrom``: a Secrets Manager ARN (maybe with ``:json-key:stage:id``), or an
    SSM parameter ARN or name. ECS reads any value that is not an ARN as a parameter name.

    ``names_secret`` says that the template value the text starts with (``${DbSecret}``) is the
    ARN of a Secrets Manager secret the linted files define (CloudFormation's ``Ref`` of the
    secret returns its ARN): it is that secret, unresolved until deploy, as the same value in
    ``repositoryCredentials`` is, maybe followed by ``:json-key:version-stage:version-id``.
    ``names_parameter`` says it is an SSM parameter they define. Without either, a text that
    starts with a template value may be either (:class:`UnknownValueFrom`).
    """
    if not text.strip():
        return BadReference(text, "is empty")
    label = leading_label(text) if names_secret else None
    if label is not None:
        secret = SecretRef(label, SecretForm.UNRESOLVED, label)
        return _secret_value_fields(text, secret, text.removeprefix(label).split(":"))
    if text.startswith("${") and not names_parameter and _has_placeholder(text):
        return UnknownValueFrom(text)
    if not text.startswith("arn:"):
        return _parameter_name(text)
    arn = parse_arn(text)
    if arn is None:
        return BadReference(text, _MALFORMED_ARN)
    if arn.service == "secretsmanager":
        return _secret_value(text, arn)
    if arn.service == "ssm":
        return _parameter_arn(text, arn)
    return BadReference(
        text,
        f"is an ARN of the '{arn.service}' service; valueFrom takes a Secrets Manager secret or "
        "an SSM Parameter Store parameter",
        "wrong-service",
    )


def _secret_value(text: str, arn: Arn) -> SecretValueRef | BadReference:
    fault = _check_arn_fields(arn, "the secret")
    if fault is not None:
        return BadReference(text, fault)
    rest, fault = _secret_resource(arn)
    if fault is not None:
        return BadReference(text, fault)
    fields = rest.split(":")
    secret_arn = text.removesuffix(rest) + fields[0]
    return _secret_value_fields(text, _secret_from_arn(secret_arn, arn, fields[0]), fields)


def _secret_value_fields(
    text: str, secret: SecretRef, fields: list[str]
) -> SecretValueRef | BadReference:
    """The secret with the fields after its name: none, or ``json-key:stage:id``."""
    if len(fields) not in (1, 4):
        return BadReference(
            text,
            f"has {len(fields) - 1} field(s) after the secret name; ECS expects either none or "
            "exactly three, ':json-key:version-stage:version-id', with unused ones left empty "
            "(for example ':password::')",
        )
    if len(fields) == 1:
        return SecretValueRef(secret)
    json_key, stage, version_id = (_field(value) for value in fields[1:])
    if stage is not None and version_id is not None:
        return BadReference(
            text,
            f"gives both a version stage ('{stage}') and a version id ('{version_id}'); give one "
            "of them and leave the other empty",
        )
    return SecretValueRef(secret, json_key, stage, version_id)


def _parameter_arn(text: str, arn: Arn) -> ParameterRef | BadReference:
    fault = _check_arn_fields(arn, "the parameter")
    if fault is not None:
        return BadReference(text, fault)
    if not arn.resource.startswith("parameter/") or arn.resource == "parameter/":
        return BadReference(
            text, f"has the resource '{arn.resource}'; a parameter ARN ends in ':parameter/NAME'"
        )
    path = arn.resource.removeprefix("parameter/")
    name = f"/{path}" if "/" in path else path
    if not _has_placeholder(name) and not _PARAMETER_NAME.fullmatch(name):
        return BadReference(text, _BAD_PARAMETER_NAME)
    return ParameterRef(
        text, ParameterForm.ARN, name, arn.partition, _field(arn.region), _field(arn.account)
    )


_BAD_PARAMETER_NAME: Final = (
    "is not a valid SSM parameter name (letters, digits and _.-/ only; a name with '/' starts "
    "with '/')"
)


def _parameter_name(text: str) -> ParameterRef | BadReference:
    if _has_placeholder(text):
        return ParameterRef(text, ParameterForm.NAME, text)
    if not _PARAMETER_NAME.fullmatch(text) or ("/" in text and not text.startswith("/")):
        return BadReference(text, _BAD_PARAMETER_NAME)
    return ParameterRef(text, ParameterForm.NAME, text)


# --- KMS keys ---------------------------------------------------------------------------------


# The characters of a key id: a UUID (1234abcd-12ab-34cd-56ef-1234567890ab) or a multi-Region
# key's mrk-1234abcd12ab34cd56ef1234567890ab. Never a '/' or ':', so an unknown id stays inside
# "key/..." when a policy's wildcards are matched against it.
KEY_ID: Final = frozenset("0123456789abcdef-mrk")


class KeyForm(enum.Enum):
    KEY_ID = "key id"
    KEY_ARN = "key ARN"
    ALIAS = "alias"
    ALIAS_ARN = "alias ARN"


@dataclass(frozen=True, slots=True)
class KeyRef:
    """A KMS key as a secret's ``KmsKeyId`` names it: key id, key ARN, alias or alias ARN."""

    text: str
    form: KeyForm
    key: str  # key id, or alias name (``alias/x``)
    partition: str | None = None
    region: str | None = None
    account: str | None = None

    @property
    def aws_managed(self) -> bool:
        """``alias/aws/secretsmanager`` and the like: keys AWS manages, usable by any principal
        of the account through the service, so no ``kms:Decrypt`` grant is needed."""
        return self.form in (KeyForm.ALIAS, KeyForm.ALIAS_ARN) and self.key.startswith("alias/aws/")

    def resource(self, placement: Placement = Placement()) -> Resource:
        """The key's ARN, which IAM matches ``kms:Decrypt`` against even when the caller names
        the key by an alias: a policy's alias ARN never grants the key ("You cannot use a key id,
        alias name, or alias ARN to identify a KMS key in an IAM policy statement",
        https://docs.aws.amazon.com/kms/latest/developerguide/cmks-in-iam-policies.html; "the
        policy applies to the alias resource, not to any KMS key that might be associated with
        it", https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html).
        For an alias, the key is some ``key/<id>`` of its account and region, its id unknown
        until looked up."""
        if self.form is KeyForm.KEY_ID and _whole_arn_reference(self.text):
            return Resource.parse(self.text)  # ${KmsKey.Arn}, ${aws_kms_key.x.arn}: the ARN itself
        key: list[str | Unknown] = [f"key/{self.key}"]
        if self.form in (KeyForm.ALIAS, KeyForm.ALIAS_ARN):
            what = f"the key behind {self.key}"
            key = ["key/", Unknown(f"key of {self.key}", what, f"<id of {self.key}>", KEY_ID)]
        return _arn_parts(
            self.partition or placement.partition,
            "kms",
            self.region or placement.region,
            self.account or placement.account,
            key,
        )


def _whole_arn_reference(text: str) -> bool:
    """A template reference to a resource's ARN (``${Key.Arn}``, ``${aws_kms_key.x.arn}``)."""
    return _PLACEHOLDER.fullmatch(text) is not None and text[:-1].lower().endswith(".arn")


def parse_kms_key(text: str) -> KeyRef | BadReference:
    if text.startswith("arn:"):
        arn = parse_arn(text)
        if arn is None or arn.service != "kms":
            return BadReference(text, "is not a KMS key or alias ARN")
        region, account = _field(arn.region), _field(arn.account)
        if arn.resource.startswith("alias/"):
            return KeyRef(text, KeyForm.ALIAS_ARN, arn.resource, arn.partition, region, account)
        if arn.resource.startswith("key/"):
            key = arn.resource.removeprefix("key/")
            return KeyRef(text, KeyForm.KEY_ARN, key, arn.partition, region, account)
        return BadReference(text, "is a KMS ARN that names neither a key nor an alias")
    if text.startswith("alias/"):
        return KeyRef(text, KeyForm.ALIAS, text)
    return KeyRef(text, KeyForm.KEY_ID, text)


# --- ECR repositories and CloudWatch Logs -----------------------------------------------------


def ecr_repository_resource(
    account: str, region: str, repository: str, placement: Placement = Placement()
) -> Resource:
    """``arn:aws:ecr:REGION:ACCOUNT:repository/PATH`` for a private ECR image.

    The account and region come from the image's host, maybe as template values
    (``${AWS::AccountId}``); the partition from a known region, else from the task's placement
    (an image is pulled from the task's own partition).
    """
    partition = _partition_of(region) or placement.partition
    return _arn_parts(partition, "ecr", region, account, [f"repository/{repository}"])


def log_stream_resource(
    group: str, region: str | None, placement: Placement, stream: bool
) -> Resource:
    """The ARN CloudWatch Logs authorises log actions against.

    ``logs:CreateLogStream`` and ``logs:PutLogEvents`` are checked on
    ``...:log-group:GROUP:log-stream:STREAM`` (the stream name holds the task id, unknown here);
    ``logs:CreateLogGroup`` on the same ARN with an empty stream name, as its AccessDenied message
    shows (``...:log-group:GROUP:log-stream:``).
    """
    tail: list[str | Unknown] = [f"log-group:{group}:log-stream:"]
    if stream:
        tail.append(Unknown("log stream", "the log stream name (it holds the task id)", "<stream>"))
    partition = placement.partition or _partition_of(region)
    return _arn_parts(partition, "logs", region or placement.region, placement.account, tail)
