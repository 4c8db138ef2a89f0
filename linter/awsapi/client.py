"""The AWS clients: a boto3 session, a client per service and region, every call guarded.

boto3 is imported only inside these methods, so nothing on the start-up path pays for it. The
standard credential chain applies (``--profile`` picks a profile); ``AWS_ENDPOINT_URL`` points
every client elsewhere (the tests use a local moto server; plain http only to a loopback host).
Every client has timeouts, bounded adaptive retries and the run's time budget
(:mod:`ecs_lint.awsapi.wire`, the ``aws-*`` configuration keys); ``calls`` counts the API calls
made, by operation. A failure becomes an ``AwsError`` naming the call, never a traceback; "not
found" is an answer (``None``), not an error.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ecs_lint.awsapi.wire import (
    NOT_FOUND,
    AwsError,
    AwsLimits,
    CallGuard,
    Halted,
    check_answer,
    checked_endpoint,
    failure,
    items,
    setup_message,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Self

    from ecs_lint.settings import Settings

__all__ = ["AwsClient"]


@dataclass(slots=True)
class AwsClient:
    """The run's AWS session, clients and guard, shared by every thread that calls AWS."""

    region: str | None = None
    profile: str | None = None
    calls: Counter[str] = field(default_factory=Counter)
    alternative: str | None = "run without --aws"
    """What else to do when AWS refuses, for error messages (``None``: nothing else)."""
    limits: AwsLimits = field(default_factory=AwsLimits)
    _guard: CallGuard | None = None
    _lock: threading.RLock = field(default_factory=threading.RLock)
    """Guards the session, the clients and ``calls``: live sources call from several threads."""
    _session: Any = None
    _clients: dict[tuple[str, str | None], Any] = field(default_factory=dict)

    @classmethod
    def for_settings(
        cls, settings: Settings, *, alternative: str | None = "run without --aws"
    ) -> Self:
        """The run's clients: its region, profile and ``aws-*`` limits."""
        return cls(
            settings.aws_region,
            settings.aws_profile,
            alternative=alternative,
            limits=AwsLimits.of(settings),
        )

    def stop(self) -> None:
        """The run failed: refuse every further call, on every thread, at its next attempt."""
        self.guard.stop()

    @property
    def guard(self) -> CallGuard:
        with self._lock:
            if self._guard is None:
                self._guard = CallGuard(self.limits.budget)
            return self._guard

    def session_region(self) -> str | None:
        """The region the standard chain gives (``--region``, else ``AWS_REGION``, the profile)."""
        if self.region is not None:
            return self.region
        region: str | None = self._boto_session().region_name
        return region

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
