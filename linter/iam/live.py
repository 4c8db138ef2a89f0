"""Live look-ups in AWS (``--aws``): roles and their policies, secrets' KMS keys, key aliases.

Through the run's AWS clients (:class:`~ecs_lint.awsapi.client.AwsClient`: boto3, timeouts,
retries, the time budget, ``calls`` counted by operation). Every answer is cached, so each
role, policy, secret and key is fetched once per run.

Failures become :class:`AwsError` with a message naming the API call, never a traceback: a
missing permission, bad credentials, throttling or a server error that outlasts the retries, a
timeout, an answer that is not the API's (an HTML page, truncated JSON) or lacks a value ecs-lint
reads. A role, secret or key that does not exist is an answer (``None``), not an error.

Which calls are essential: the IAM reads of a role and its policies are (the execution-role
checks and ``ecs-lint policy`` are their answers), so any failure stops the run. The secret and
key look-ups (``secretsmanager:DescribeSecret``, ``ssm:DescribeParameters``, ``kms:DescribeKey``)
only refine what the task definition already says (a secret's full ARN, its KMS key): when AWS
or the network fails them, the run goes on as it would without ``--aws`` for that secret, and
``warnings`` says so once. A permission they lack still stops the run: that is the caller's to
fix, not a passing failure.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ecs_lint.awsapi.client import AwsClient
from ecs_lint.awsapi.wire import AwsError, items, member
from ecs_lint.iam.evaluator import Policy, PolicyError, parse_policy

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["LiveAws", "LiveKey", "LiveRole", "LiveSecret"]

ORIGIN: Final = "live IAM"
_Answer = TypeVar("_Answer")


@dataclass(frozen=True, slots=True)
class LiveRole:
    name: str
    arn: str
    inline: tuple[Policy, ...]
    managed_arns: tuple[str, ...]
    boundary_arn: str | None


@dataclass(frozen=True, slots=True)
class LiveSecret:
    arn: str
    kms_key_id: str | None
    """``None``: the AWS managed key ``aws/secretsmanager``."""


@dataclass(frozen=True, slots=True)
class LiveKey:
    arn: str
    customer_managed: bool


@dataclass(slots=True)
class LiveAws(AwsClient):
    """The AWS clients with the look-ups of the execution-role checks, each answer cached."""

    _skipped: list[str] = field(default_factory=list)
    """Optional look-ups that failed, as their error messages (``warnings``)."""
    _roles: dict[str, LiveRole | None] = field(default_factory=dict)
    _policies: dict[str, Policy | None] = field(default_factory=dict)
    _secrets: dict[tuple[str, str | None], LiveSecret | None] = field(default_factory=dict)
    _parameters: dict[tuple[str, str | None], str | None] = field(default_factory=dict)
    _keys: dict[tuple[str, str | None], LiveKey | None] = field(default_factory=dict)

    @property
    def warnings(self) -> list[str]:
        """One line on the optional look-ups that failed, if any (see the module docstring)."""
        if not self._skipped:
            return []
        first, count = self._skipped[0], len(self._skipped)
        if count == 1:
            return [
                f"{first}; ecs-lint went on without that look-up, as it does without --aws "
                "(kms:Decrypt is not checked for it)"
            ]
        return [
            f"{count} optional AWS look-ups failed, the first: {first}; ecs-lint went on without "
            "them, as it does without --aws (kms:Decrypt is not checked for those secrets)"
        ]

    # --- IAM -----------------------------------------------------------------------------

    def role(self, name: str) -> LiveRole | None:
        """A role with its inline policies, attached managed policy ARNs and boundary."""
        key = name.lower()
        if key not in self._roles:
            self._roles[key] = self._fetch_role(name)
        return self._roles[key]

    def _fetch_role(self, name: str) -> LiveRole | None:
        iam = self.client("iam", None)
        target = f"role {name}"
        found = self.call("iam:GetRole", target, iam.get_role, RoleName=name)
        if found is None:
            return None
        role = member(found, "Role", dict, "iam:GetRole", target)
        role_arn = member(role, "Arn", str, "iam:GetRole", target)
        inline = []
        for policy_name in self.pages(
            "iam:ListRolePolicies",
            target,
            iam,
            "list_role_policies",
            "PolicyNames",
            RoleName=name,
        ):
            got = self.call(
                "iam:GetRolePolicy",
                target,
                iam.get_role_policy,
                RoleName=name,
                PolicyName=policy_name,
            )
            if got is not None:
                raw = _policy_document(got, "PolicyDocument", "iam:GetRolePolicy", target)
                inline.append(_document(raw, policy_name, role_arn))
        attached = self.pages(
            "iam:ListAttachedRolePolicies",
            target,
            iam,
            "list_attached_role_policies",
            "AttachedPolicies",
            item=dict,
            keys=("PolicyArn",),
            RoleName=name,
        )
        boundary = role.get("PermissionsBoundary")
        boundary_arn = (
            boundary.get("PermissionsBoundaryArn") if isinstance(boundary, dict) else None
        )
        return LiveRole(
            name=member(role, "RoleName", str, "iam:GetRole", target),
            arn=role_arn,
            inline=tuple(inline),
            managed_arns=tuple(entry["PolicyArn"] for entry in attached),
            boundary_arn=boundary_arn if isinstance(boundary_arn, str) else None,
        )

    def managed_policy(self, arn: str) -> Policy | None:
        """The default version of a managed policy (AWS or customer managed)."""
        if arn not in self._policies:
            self._policies[arn] = self._fetch_policy(arn)
        return self._policies[arn]

    def _fetch_policy(self, arn: str) -> Policy | None:
        iam = self.client("iam", None)
        target = f"policy {arn}"
        found = self.call("iam:GetPolicy", target, iam.get_policy, PolicyArn=arn)
        if found is None:
            return None
        policy = member(found, "Policy", dict, "iam:GetPolicy", target)
        version_id = member(policy, "DefaultVersionId", str, "iam:GetPolicy", target)
        version = self.call(
            "iam:GetPolicyVersion",
            target,
            iam.get_policy_version,
            PolicyArn=arn,
            VersionId=version_id,
        )
        if version is None:
            return None
        name = policy.get("PolicyName")
        raw = _policy_document(
            member(version, "PolicyVersion", dict, "iam:GetPolicyVersion", target),
            "Document",
            "iam:GetPolicyVersion",
            target,
        )
        return _document(raw, name if isinstance(name, str) else arn, arn)

    # --- Secrets Manager, SSM, KMS -------------------------------------------------------

    def secret(self, secret_id: str, region: str | None) -> LiveSecret | None:
        """A secret's full ARN and KMS key, by ARN (full or partial) or name."""
        key = (secret_id, region)
        if key not in self._secrets:
            self._secrets[key] = self._optional(self._fetch_secret, secret_id, region)
        return self._secrets[key]

    def _fetch_secret(self, secret_id: str, region: str | None) -> LiveSecret | None:
        client = self.client("secretsmanager", region)
        permission, target = "secretsmanager:DescribeSecret", f"secret {secret_id}"
        found = self.call(permission, target, client.describe_secret, SecretId=secret_id)
        if found is None:
            return None
        kms_key = found.get("KmsKeyId")
        return LiveSecret(
            member(found, "ARN", str, permission, target),
            kms_key if isinstance(kms_key, str) and kms_key else None,
        )

    def parameter_key(self, name: str, region: str | None) -> str | None:
        """The KMS key of a ``SecureString`` parameter (``None`` for other types or none found)."""
        key = (name, region)
        if key not in self._parameters:
            self._parameters[key] = self._optional(self._fetch_parameter_key, name, region)
        return self._parameters[key]

    def _fetch_parameter_key(self, name: str, region: str | None) -> str | None:
        client = self.client("ssm", region)
        permission, target = "ssm:DescribeParameters", f"parameter {name}"
        found = self.call(
            permission,
            target,
            client.describe_parameters,
            ParameterFilters=[{"Key": "Name", "Values": [name]}],
        )
        parameters = items(found, "Parameters", dict, permission, target, required=False)
        secure = [p for p in parameters if p.get("Type") == "SecureString"]
        key_id = secure[0].get("KeyId") if secure else None
        return key_id if isinstance(key_id, str) else None

    def kms_key(self, key_id: str, region: str | None) -> LiveKey | None:
        """A key's ARN and whether the customer manages it, by id, ARN, alias or alias ARN."""
        key = (key_id, region)
        if key not in self._keys:
            self._keys[key] = self._optional(self._fetch_key, key_id, region)
        return self._keys[key]

    def _fetch_key(self, key_id: str, region: str | None) -> LiveKey | None:
        client = self.client("kms", region)
        permission, target = "kms:DescribeKey", f"key {key_id}"
        found = self.call(permission, target, client.describe_key, KeyId=key_id)
        if found is None:
            return None
        metadata = member(found, "KeyMetadata", dict, permission, target)
        arn = member(metadata, "Arn", str, permission, target)
        return LiveKey(arn, metadata.get("KeyManager") != "AWS")

    def _optional(
        self, fetch: Callable[[str, str | None], _Answer], subject: str, region: str | None
    ) -> _Answer | None:
        """``fetch(subject, region)``, or ``None`` (unknown) when AWS or the network fails it:
        the failure is kept for ``warnings``. A missing permission still raises."""
        try:
            return fetch(subject, region)
        except AwsError as error:
            if not error.unavailable:
                raise
            with self._lock:
                self._skipped.append(error.message)
            return None


def _policy_document(answer: Any, key: str, permission: str, target: str) -> Any:
    """A policy document member: a string (URL-encoded JSON) or, decoded by boto3, an object."""
    if isinstance(answer, dict) and isinstance(answer.get(key), dict):
        return answer[key]
    return member(answer, key, str, permission, target)


def _document(raw: Any, name: str, origin: str) -> Policy:
    """IAM returns documents URL-encoded (boto3 decodes them into dicts); accept both."""
    try:
        document = json.loads(urllib.parse.unquote(raw)) if isinstance(raw, str) else raw
        return parse_policy(document, name, f"{ORIGIN} ({origin})")
    except PolicyError as error:
        raise AwsError(f'policy "{name}" of {origin} cannot be read: {error.message}') from None
    except ValueError as error:  # not JSON
        raise AwsError(f'policy "{name}" of {origin} is not JSON: {error}') from None
