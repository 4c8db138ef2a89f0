"""Live look-ups in AWS (``--aws``): roles and their policies, secrets' KMS keys, key aliases.

boto3 is imported only inside these methods, so nothing on the start-up path pays for it. The
standard credential chain applies (``--profile`` picks a profile); ``AWS_ENDPOINT_URL`` points
every client elsewhere (the tests use a local moto server; plain http only to a loopback host).
Every client has timeouts, bounded adaptive retries and the run's time budget
(:mod:`ecs_lint.iam.wire`, the ``aws-*`` configuration keys). Every answer is cached, so each
role, policy, secret and key is fetched once per run (``calls`` counts the API calls made, by
operation).

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
import threading
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, TypeVar

from ecs_lint.iam.evaluator import Policy, PolicyError, parse_policy
from ecs_lint.iam.wire import (
    NOT_FOUND,
    AwsError,
    AwsLimits,
    CallGuard,
    Halted,
    check_answer,
    checked_endpoint,
    failure,
    items,
    member,
    setup_message,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from ecs_lint.settings import Settings

__all__ = ["AwsError", "AwsLimits", "LiveAws", "LiveKey", "LiveRole", "LiveSecret"]

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
class LiveAws:
    region: str | None = None
    profile: str | None = None
    calls: Counter[str] = field(default_factory=Counter)
    alternative: str | None = "run without --aws"
    """What else to do when AWS refuses, for error messages (``None``: nothing else)."""
    limits: AwsLimits = field(default_factory=AwsLimits)
    _guard: CallGuard | None = None
    _skipped: list[str] = field(default_factory=list)
    """Optional look-ups that failed, as their error messages (``warnings``)."""
    _lock: threading.RLock = field(default_factory=threading.RLock)
    """Guards the session, the clients and ``calls``: live sources call from several threads."""
    _session: Any = None
    _clients: dict[tuple[str, str | None], Any] = field(default_factory=dict)
    _roles: dict[str, LiveRole | None] = field(default_factory=dict)
    _policies: dict[str, Policy | None] = field(default_factory=dict)
    _secrets: dict[tuple[str, str | None], LiveSecret | None] = field(default_factory=dict)
    _parameters: dict[tuple[str, str | None], str | None] = field(default_factory=dict)
    _keys: dict[tuple[str, str | None], LiveKey | None] = field(default_factory=dict)

    @classmethod
    def for_settings(
        cls, settings: Settings, *, alternative: str | None = "run without --aws"
    ) -> LiveAws:
        """The run's live look-ups: its region, profile and ``aws-*`` limits."""
        return cls(
            settings.aws_region,
            settings.aws_profile,
            alternative=alternative,
            limits=AwsLimits.of(settings),
        )

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

    def stop(self) -> None:
        """The run failed: refuse every further call, on every thread, at its next attempt."""
        self.guard.stop()

    @property
    def guard(self) -> CallGuard:
        with self._lock:
            if self._guard is None:
                self._guard = CallGuard(self.limits.budget)
            return self._guard

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

    def session_region(self) -> str | None:
        """The region the standard chain gives (``--region``, else ``AWS_REGION``, the profile)."""
        if self.region is not None:
            return self.region
        region: str | None = self._boto_session().region_name
        return region

    # --- Plumbing ------------------------------------------------------------------------

    # The same clients, call counting and error messages serve the other live sources
    # (ecs_lint.aws).
    def client(self, service: str, region: str | None) -> Any:
        """A boto3 client for ``service`` in ``region`` (limits, checks), made once."""
        key = (service, region)
        with self._lock:  # boto3 sessions are not thread-safe; the clients they make are
            if key not in self._clients:
                from botocore.exceptions import BotoCoreError

                session = self._boto_session()
                try:
                    # Making a client resolves the credentials, which may wait on the network.
                    client = self.guard.run(
                        lambda: session.client(
                            service,
                            region_name=region or self.region,
                            config=self.limits.client_config(),
                        )
                    )
                except BotoCoreError as error:
                    raise AwsError(setup_message(error, self.alternative)) from None
                except Halted as error:
                    raise AwsError(
                        f"setting up the {service} client (finding AWS credentials) {error}",
                        unavailable=True,
                        echo=error.echo,
                    ) from None
                checked_endpoint(client, service)
                client.meta.events.register_first("before-send", self.guard.before_send)
                client.meta.events.register_first("needs-retry", self.guard.before_retry)
                client.meta.events.register("before-parse", check_answer)
                self._clients[key] = client
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
                    raise AwsError(setup_message(error, self.alternative)) from None
            return self._session

    def call(self, permission: str, target: str, method: Callable[..., Any], **kwargs: Any) -> Any:
        """``method(**kwargs)``; ``None`` for "not found"; ``AwsError`` naming ``permission``."""
        with self._lock:
            self.calls[permission] += 1
        try:
            return self.guard.run(lambda: self._attempt(permission, target, method, kwargs))
        except Halted as error:  # the budget ran out while the call was still waiting
            raise self._failure(error, permission, target) from None

    def _attempt(
        self, permission: str, target: str, method: Callable[..., Any], kwargs: dict[str, Any]
    ) -> Any:
        """``method(**kwargs)`` on the guard's thread, its failure told as an ``AwsError``
        (there, where the guard knows the endpoint the thread sent to)."""
        from botocore.exceptions import ClientError

        try:
            return method(**kwargs)
        except AwsError:
            raise
        except ClientError as error:
            if error.response.get("Error", {}).get("Code", "") in NOT_FOUND:
                return None
            raise self._failure(error, permission, target) from None
        except Exception as error:  # a broken answer must not end in a traceback
            raise self._failure(error, permission, target) from None

    def _failure(self, error: Exception, permission: str, target: str) -> AwsError:
        return failure(
            error,
            permission,
            target,
            limits=self.limits,
            endpoint=self.guard.endpoint,
            alternative=self.alternative,
        )

    def pages(
        self,
        permission: str,
        target: str,
        client: Any,
        operation: str,
        key: str,
        *,
        item: type = str,
        keys: tuple[str, ...] = (),
        required: bool = False,
        **kwargs: Any,
    ) -> list[Any]:
        """Every item under ``key`` of every page of a paginated ``operation``: each an ``item``
        (objects with the string members ``keys``); a page without ``key`` is an error when
        ``required``, else empty."""
        paginator = client.get_paginator(operation)
        found: list[Any] = []

        def every_page() -> None:
            for page in paginator.paginate(**kwargs):
                found.extend(
                    items(page, key, item, permission, target, required=required, keys=keys)
                )

        self.call(permission, target, every_page)
        return found


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
