"""Live look-ups in AWS (``--aws``): roles and their policies, secrets' KMS keys, key aliases.

boto3 is imported only inside these methods, so nothing on the start-up path pays for it. The
standard credential chain applies (``--profile`` picks a profile); ``AWS_ENDPOINT_URL`` points
every client elsewhere (the tests use a local moto server). Throttling is retried with botocore's
adaptive mode. Every answer is cached, so each role, policy, secret and key is fetched once per run
(``calls`` counts the API calls made, by operation).

Failures become :class:`AwsError` with a message naming the IAM permission that was missing,
never a traceback. A role, secret or key that does not exist is an answer (``None``), not an error.
"""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from ecs_lint.iam.evaluator import Policy, PolicyError, parse_policy

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["AwsError", "LiveAws", "LiveKey", "LiveRole", "LiveSecret"]

ORIGIN: Final = "live IAM"
_NOT_FOUND: Final = frozenset(
    {
        "NoSuchEntity",
        "NoSuchEntityException",
        "ResourceNotFoundException",
        "NotFoundException",
        "ParameterNotFound",
    }
)
_DENIED: Final = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess"}
)
_BAD_CREDENTIALS: Final = frozenset(
    {
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
    }
)


class AwsError(Exception):
    """A live look-up that failed; ``message`` says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
class LiveAws:
    region: str | None = None
    profile: str | None = None
    calls: Counter[str] = field(default_factory=Counter)
    alternative: str | None = "run without --aws"
    """What else to do when AWS refuses, for error messages (``None``: nothing else)."""
    _lock: threading.RLock = field(default_factory=threading.RLock)
    """Guards the session, the clients and ``calls``: live sources call from several threads."""
    _session: Any = None
    _clients: dict[tuple[str, str | None], Any] = field(default_factory=dict)
    _roles: dict[str, LiveRole | None] = field(default_factory=dict)
    _policies: dict[str, Policy | None] = field(default_factory=dict)
    _secrets: dict[tuple[str, str | None], LiveSecret | None] = field(default_factory=dict)
    _parameters: dict[tuple[str, str | None], str | None] = field(default_factory=dict)
    _keys: dict[tuple[str, str | None], LiveKey | None] = field(default_factory=dict)

    # --- IAM -----------------------------------------------------------------------------

    def role(self, name: str) -> LiveRole | None:
        """A role with its inline policies, attached managed policy ARNs and boundary."""
        key = name.lower()
        if key not in self._roles:
            self._roles[key] = self._fetch_role(name)
        return self._roles[key]

    def _fetch_role(self, name: str) -> LiveRole | None:
        iam = self._client("iam", None)
        found = self._call("iam:GetRole", f"role {name}", iam.get_role, RoleName=name)
        if found is None:
            return None
        role = found["Role"]
        inline = []
        for policy_name in self._pages(
            "iam:ListRolePolicies",
            f"role {name}",
            iam,
            "list_role_policies",
            "PolicyNames",
            RoleName=name,
        ):
            got = self._call(
                "iam:GetRolePolicy",
                f"role {name}",
                iam.get_role_policy,
                RoleName=name,
                PolicyName=policy_name,
            )
            if got is not None:
                inline.append(_document(got["PolicyDocument"], policy_name, role["Arn"]))
        attached = self._pages(
            "iam:ListAttachedRolePolicies",
            f"role {name}",
            iam,
            "list_attached_role_policies",
            "AttachedPolicies",
            RoleName=name,
        )
        boundary = role.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn")
        return LiveRole(
            name=role["RoleName"],
            arn=role["Arn"],
            inline=tuple(inline),
            managed_arns=tuple(entry["PolicyArn"] for entry in attached),
            boundary_arn=boundary,
        )

    def managed_policy(self, arn: str) -> Policy | None:
        """The default version of a managed policy (AWS or customer managed)."""
        if arn not in self._policies:
            self._policies[arn] = self._fetch_policy(arn)
        return self._policies[arn]

    def _fetch_policy(self, arn: str) -> Policy | None:
        iam = self._client("iam", None)
        found = self._call("iam:GetPolicy", f"policy {arn}", iam.get_policy, PolicyArn=arn)
        if found is None:
            return None
        version_id = found["Policy"]["DefaultVersionId"]
        version = self._call(
            "iam:GetPolicyVersion",
            f"policy {arn}",
            iam.get_policy_version,
            PolicyArn=arn,
            VersionId=version_id,
        )
        if version is None:
            return None
        name = found["Policy"].get("PolicyName", arn)
        return _document(version["PolicyVersion"]["Document"], name, arn)

    # --- Secrets Manager, SSM, KMS -------------------------------------------------------

    def secret(self, secret_id: str, region: str | None) -> LiveSecret | None:
        """A secret's full ARN and KMS key, by ARN (full or partial) or name."""
        key = (secret_id, region)
        if key not in self._secrets:
            client = self._client("secretsmanager", region)
            found = self._call(
                "secretsmanager:DescribeSecret",
                f"secret {secret_id}",
                client.describe_secret,
                SecretId=secret_id,
            )
            self._secrets[key] = (
                None if found is None else LiveSecret(found["ARN"], found.get("KmsKeyId"))
            )
        return self._secrets[key]

    def parameter_key(self, name: str, region: str | None) -> str | None:
        """The KMS key of a ``SecureString`` parameter (``None`` for other types or none found)."""
        key = (name, region)
        if key not in self._parameters:
            client = self._client("ssm", region)
            found = self._call(
                "ssm:DescribeParameters",
                f"parameter {name}",
                client.describe_parameters,
                ParameterFilters=[{"Key": "Name", "Values": [name]}],
            )
            parameters = found.get("Parameters", []) if found else []
            secure = [p for p in parameters if p.get("Type") == "SecureString"]
            self._parameters[key] = secure[0].get("KeyId") if secure else None
        return self._parameters[key]

    def kms_key(self, key_id: str, region: str | None) -> LiveKey | None:
        """A key's ARN and whether the customer manages it, by id, ARN, alias or alias ARN."""
        key = (key_id, region)
        if key not in self._keys:
            client = self._client("kms", region)
            found = self._call(
                "kms:DescribeKey", f"key {key_id}", client.describe_key, KeyId=key_id
            )
            metadata = found["KeyMetadata"] if found else None
            self._keys[key] = (
                None
                if metadata is None
                else LiveKey(metadata["Arn"], metadata.get("KeyManager") != "AWS")
            )
        return self._keys[key]

    def session_region(self) -> str | None:
        """The region the standard chain gives (``--region``, else ``AWS_REGION``, the profile)."""
        if self.region is not None:
            return self.region
        self._client("sts", None)  # creates the session
        region: str | None = self._session.region_name
        return region

    # --- Plumbing ------------------------------------------------------------------------

    def _client(self, service: str, region: str | None) -> Any:
        key = (service, region)
        with self._lock:  # boto3 sessions are not thread-safe; the clients they make are
            if key not in self._clients:
                from botocore.config import Config
                from botocore.exceptions import BotoCoreError

                try:
                    config = Config(retries={"mode": "adaptive", "max_attempts": 8})
                    self._clients[key] = self._boto_session().client(
                        service, region_name=region or self.region, config=config
                    )
                except BotoCoreError as error:
                    raise AwsError(_setup_message(error, self.alternative)) from None
            return self._clients[key]

    def _boto_session(self) -> Any:
        with self._lock:
            if self._session is None:
                import boto3
                from botocore.exceptions import BotoCoreError

                try:
                    self._session = boto3.session.Session(
                        profile_name=self.profile, region_name=self.region
                    )
                except BotoCoreError as error:
                    raise AwsError(_setup_message(error, self.alternative)) from None
            return self._session

    # For other live sources (ecs_lint.aws): the same clients, call counting and error messages.
    def client(self, service: str, region: str | None) -> Any:
        """A boto3 client for ``service`` in ``region`` (adaptive retries), made once."""
        return self._client(service, region)

    def call(self, permission: str, target: str, method: Callable[..., Any], **kwargs: Any) -> Any:
        """``method(**kwargs)``; ``None`` for "not found"; ``AwsError`` naming ``permission``."""
        return self._call(permission, target, method, **kwargs)

    def pages(
        self, permission: str, target: str, client: Any, operation: str, key: str, **kwargs: Any
    ) -> list[Any]:
        """Every item under ``key`` of every page of a paginated ``operation``."""
        return self._pages(permission, target, client, operation, key, **kwargs)

    def _call(self, permission: str, target: str, method: Callable[..., Any], **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        with self._lock:
            self.calls[permission] += 1
        try:
            return method(**kwargs)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in _NOT_FOUND:
                return None
            status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if status == 403 and code not in _BAD_CREDENTIALS:
                code = "AccessDenied"  # some services answer 403 with a bare status as the code
            message = _client_message(permission, target, code, str(error), self.alternative)
            raise AwsError(message) from None
        except BotoCoreError as error:
            reason = _setup_message(error, self.alternative)
            raise AwsError(f"{permission} on {target} failed: {reason}") from None

    def _pages(
        self, permission: str, target: str, client: Any, operation: str, key: str, **kwargs: Any
    ) -> list[Any]:
        paginator = client.get_paginator(operation)
        items: list[Any] = []

        def every_page() -> None:
            for page in paginator.paginate(**kwargs):
                items.extend(page.get(key, []))

        self._call(permission, target, every_page)
        return items


def _document(raw: Any, name: str, origin: str) -> Policy:
    """IAM returns documents URL-encoded (boto3 decodes them into dicts); accept both."""
    document = json.loads(urllib.parse.unquote(raw)) if isinstance(raw, str) else raw
    try:
        return parse_policy(document, name, f"{ORIGIN} ({origin})")
    except PolicyError as error:
        raise AwsError(f'policy "{name}" of {origin} cannot be read: {error.message}') from None


def _client_message(
    permission: str, target: str, code: str, text: str, alternative: str | None
) -> str:
    if code in _DENIED:
        return (
            f"AWS denied {permission} on {target}: grant {permission} to the identity running "
            f"ecs-lint{_or(alternative)}"
        )
    if code in _BAD_CREDENTIALS:
        return (
            f"AWS rejected the credentials ({code}) calling {permission}: refresh them or pick "
            "another profile with --profile"
        )
    return f"{permission} on {target} failed: {text}"


def _or(alternative: str | None) -> str:
    return f", or {alternative}" if alternative else ""


def _setup_message(error: Exception, alternative: str | None) -> str:
    name = type(error).__name__
    if name == "NoCredentialsError":
        return (
            "no AWS credentials found: configure the standard credential chain (environment, "
            f"~/.aws, SSO, instance role) or pass --profile{_or(alternative)}"
        )
    if name == "NoRegionError":
        return "no AWS region: pass --region or set AWS_REGION"
    if name == "ProfileNotFound":
        return f"{error} (check --profile)"
    return str(error)
