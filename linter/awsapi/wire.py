"""The wire side of live AWS calls: limits, answer checks, and what a failure tells the user.

:class:`~ecs_lint.awsapi.client.AwsClient` makes every boto3 client through here, so each one has:

* timeouts and bounded retries (:class:`AwsLimits`: ``aws-connect-timeout``,
  ``aws-read-timeout``, ``aws-max-attempts``), and a time budget for the whole run
  (``aws-budget``) that :class:`CallGuard` enforces before every HTTP attempt, pages and retries
  included, and on every call as a whole (an answer dripping in a byte at a time, or credentials
  that never come, end at the budget too); once the run has failed, the guard also stops the
  calls still in flight on other threads at their next attempt, so a failed run ends instead of
  draining its queue;
* an endpoint that is https, or plain http on a loopback host only (the rule the gallery
  endpoints follow: credentials-signed requests never cross a network in clear text);
* a check of every successful answer before botocore parses it (:func:`check_answer`): a JSON
  service must answer a JSON object, a query service an XML ``<OperationResponse>`` document.
  botocore would otherwise read an HTML error page or a truncated JSON body as an empty answer,
  and an empty list of clusters is a false "all clear".

Every failure becomes an :class:`AwsError` whose message names the API call and its target, in
one line: :func:`failure` sorts them. ``AwsError.unavailable`` tells AWS's or the network's
failures (throttling, 5xx, timeouts, a malformed answer, the budget) from the caller's
(permission denied, bad credentials, no region), so optional look-ups can go on without an
answer while a missing permission still stops the run.

:func:`member` and :func:`items` read values out of a parsed answer, checking their shape: a
missing key is an ``AwsError`` naming the call, never a ``KeyError``.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Callable

    from ecs_lint.settings import Settings

__all__ = [
    "TIMED_OUT_ATTEMPTS",
    "AwsError",
    "AwsLimits",
    "CallGuard",
    "MalformedAnswer",
    "check_answer",
    "checked_endpoint",
    "failure",
    "items",
    "member",
]

_T = TypeVar("_T")

NOT_FOUND: Final = frozenset(
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
_THROTTLED: Final = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "RequestThrottled",
        "SlowDown",
        "EC2ThrottledException",
    }
)
TIMED_OUT_ATTEMPTS: Final = 2
"""Attempts of a request that timed out (fewer than ``aws-max-attempts`` allows)."""
_MESSAGE_LIMIT: Final = 300  # characters of a server's own error text worth repeating
_XML_ROOT: Final = re.compile(
    rb"\A(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<([A-Za-z_][\w.:-]*)", re.S
)
_HTML: Final = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*<(?:!doctype\s+html|html)\b", re.I)


class AwsError(Exception):
    """A live look-up that failed; ``message`` says what to do.

    ``unavailable``: AWS or the network failed (throttling, a server error, a timeout, a
    malformed answer, the run's time budget), not the caller's setup or permissions. ``echo``:
    a call refused because the run had already failed; the first failure is the one to show.
    """

    def __init__(self, message: str, *, unavailable: bool = False, echo: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.unavailable = unavailable
        self.echo = echo


class MalformedAnswer(Exception):
    """A successful HTTP answer that is not the API's answer (raised by :func:`check_answer`)."""


class Halted(Exception):
    """The guard refused an HTTP attempt: the budget is spent, or (``echo``) the run already
    failed."""

    def __init__(self, message: str, *, echo: bool = False) -> None:
        super().__init__(message)
        self.echo = echo


@dataclass(frozen=True, slots=True)
class AwsLimits:
    """How long live calls may take. The defaults suit a large account on a normal network:
    AWS answers a describe call in well under a second, so 20 s without a byte is a dead
    connection, and 4 attempts ride out a throttling burst (botocore backs off up to 1, 2 and
    4 s between them, and adaptive retries slow the client down)."""

    connect_timeout: float = 5.0
    read_timeout: float = 20.0
    max_attempts: int = 4
    budget: float = 600.0
    """Seconds all live calls of one run may take together."""

    @classmethod
    def of(cls, settings: Settings) -> AwsLimits:
        return cls(
            settings.aws_connect_timeout,
            settings.aws_read_timeout,
            settings.aws_max_attempts,
            settings.aws_budget,
        )

    def client_config(self) -> Any:
        """botocore's ``Config`` for these limits (adaptive retries: throttling slows the
        client down instead of failing it)."""
        from botocore.config import Config

        return Config(
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            # total_max_attempts counts the first attempt; botocore's max_attempts does not.
            retries={"mode": "adaptive", "total_max_attempts": self.max_attempts},
        )


class CallGuard:
    """The run's time budget and stop switch, checked before every HTTP attempt (botocore's
    ``before-send`` event), and the endpoint each thread last sent to, for messages."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self._deadline: float | None = None
        self._stopped = threading.Event()
        self._local = threading.local()
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the budget's clock (the first call of the run starts it)."""
        with self._lock:
            if self._deadline is None:
                self._deadline = time.monotonic() + self.budget

    def check(self) -> None:
        if self._stopped.is_set():
            raise Halted("stopped: the run had already failed", echo=True)
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise self._spent()

    def _spent(self) -> Halted:
        return Halted(
            f"did not finish within the run's AWS time budget of {self.budget:g} s "
            "(aws-budget in the configuration)"
        )

    def run(self, work: Callable[[], _T]) -> _T:
        """``work()``, given up when the budget runs out even if it is still waiting.

        botocore's read timeout bounds each read, not an answer: a server that sends a byte
        every few seconds, or a credential provider that never returns (a ``credential_process``,
        an instance-metadata endpoint behind a firewall), would hold a call for ever. So the work
        runs on a daemon thread and the caller waits for it only until the deadline; a call given
        up is left to finish or fail on its own, and dies with the process.
        """
        self.start()
        self.check()
        assert self._deadline is not None
        outcome: list[tuple[bool, Any]] = []
        finished = threading.Event()

        def attempt() -> None:
            try:
                outcome.append((True, work()))
            except BaseException as error:  # handed to the waiting caller, raised there
                outcome.append((False, error))
            finally:
                finished.set()

        threading.Thread(target=attempt, name="ecs-lint AWS call", daemon=True).start()
        if not finished.wait(max(0.0, self._deadline - time.monotonic())):
            raise self._spent()
        succeeded, value = outcome[0]
        if not succeeded:
            raise value
        answer: _T = value
        return answer

    def stop(self) -> None:
        """Refuse every further attempt: the run has failed, its other calls are moot."""
        self._stopped.set()

    def before_send(self, request: Any, **_: Any) -> None:
        self._local.endpoint = urlsplit(str(request.url)).netloc
        self.check()

    def before_retry(self, attempts: int, caught_exception: object = None, **_: Any) -> None:
        """botocore's ``needs-retry`` event, ahead of its retry handler: a request that got no
        answer within the read timeout is tried twice at most (a server silent for that long
        rarely answers a third time, and each try costs the whole timeout)."""
        from botocore.exceptions import ReadTimeoutError

        if isinstance(caught_exception, ReadTimeoutError) and attempts >= TIMED_OUT_ATTEMPTS:
            raise caught_exception

    @property
    def endpoint(self) -> str:
        """The host this thread sent its last request to ("AWS" before any)."""
        endpoint: str = getattr(self._local, "endpoint", "") or "AWS"
        return endpoint


def check_answer(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
    """botocore's ``before-parse`` hook: raise :class:`MalformedAnswer` unless a successful
    answer is a JSON object (JSON protocols) or an ``<OperationResponse>`` XML document
    (query protocols). Error answers are left to botocore's error parsing."""
    if int(response_dict.get("status_code", 0)) >= 300:
        return
    body = response_dict.get("body")
    if not isinstance(body, bytes):
        return  # a streaming body: no operation ecs-lint calls has one
    headers = response_dict.get("headers") or {}
    content_type = str(headers.get("content-type", "")).split(";")[0].strip()
    service = operation_model.service_model
    # resolved_protocol: botocore ≥ 1.37, where a service may list several protocols.
    protocol = getattr(service, "resolved_protocol", None) or service.metadata.get("protocol")
    if protocol in ("json", "rest-json"):
        if not body.strip():
            return
        try:
            parsed = json.loads(body)
        except ValueError:
            raise MalformedAnswer(_what_came(body, content_type, "JSON")) from None
        if not isinstance(parsed, dict):
            raise MalformedAnswer(f"JSON that is not an object (Content-Type {content_type})")
    elif protocol in ("query", "ec2"):
        expected = f"{operation_model.name}Response"
        root = _XML_ROOT.match(body)
        name = root.group(1).decode("ascii", "replace").rsplit(":", 1)[-1] if root else None
        if name != expected:
            if _HTML.match(body) or name is None:
                raise MalformedAnswer(_what_came(body, content_type, "XML"))
            raise MalformedAnswer(f"an XML document <{name}> instead of <{expected}>")


def _what_came(body: bytes, content_type: str, wanted: str) -> str:
    shown = f" (Content-Type {content_type})" if content_type else ""
    if _HTML.match(body) or (content_type == "text/html" and body.lstrip().startswith(b"<")):
        return f"an HTML page{shown}, not {wanted}"
    if not body.strip():
        return f"an empty body{shown}, not {wanted}"
    return f"a truncated or malformed body{shown}, not valid {wanted}"


def checked_endpoint(client: Any, service: str) -> None:
    """Refuse a client whose endpoint is not https, unless plain http to a loopback host
    (a local test server): AWS requests carry signed credentials."""
    from ecs_lint.gallery.endpoints import EndpointError, checked_url

    url = str(client.meta.endpoint_url)
    try:
        checked_url(url, f"the AWS endpoint for {service} ({_endpoint_origin(client)})")
    except EndpointError as error:
        raise AwsError(str(error)) from None


def _endpoint_origin(client: Any) -> str:
    service_id = str(client.meta.service_model.service_id).upper().replace(" ", "_")
    for variable in (f"AWS_ENDPOINT_URL_{service_id}", "AWS_ENDPOINT_URL"):
        if os.environ.get(variable):
            return f"environment variable {variable}"
    return "endpoint_url in the AWS configuration"


def failure(
    error: Exception,
    permission: str,
    target: str,
    *,
    limits: AwsLimits,
    endpoint: str,
    alternative: str | None,
) -> AwsError:
    """The :class:`AwsError` for ``error``, raised by a call of ``permission`` on ``target``."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        ReadTimeoutError,
    )

    call = f"{permission} on {target}"
    if isinstance(error, ClientError):
        return _client_error(error, call, permission, alternative)
    if isinstance(error, Halted):
        return AwsError(f"{call} {error}", unavailable=True, echo=error.echo)
    if isinstance(error, MalformedAnswer):
        return AwsError(f"{call} failed: {endpoint} answered with {error}", unavailable=True)
    if isinstance(error, ReadTimeoutError):
        tries = min(TIMED_OUT_ATTEMPTS, limits.max_attempts)
        return AwsError(
            f"{call} failed: {endpoint} did not answer within {limits.read_timeout:g} s "
            f"({tries} attempt{'s' if tries != 1 else ''}; aws-read-timeout in the configuration)",
            unavailable=True,
        )
    if isinstance(error, ConnectTimeoutError):
        return AwsError(
            f"{call} failed: could not connect to {endpoint} within "
            f"{limits.connect_timeout:g} s (aws-connect-timeout in the configuration)",
            unavailable=True,
        )
    if isinstance(error, ConnectionClosedError):
        return AwsError(
            f"{call} failed: {endpoint} closed the connection before answering", unavailable=True
        )
    if isinstance(error, EndpointConnectionError):
        return AwsError(f"{call} failed: {_unreachable(error, endpoint)}", unavailable=True)
    if isinstance(error, BotoCoreError):
        return AwsError(f"{call} failed: {setup_message(error, alternative)}")
    # botocore's ResponseParserError, or anything else a broken answer makes a parser raise.
    reason = _short(str(error).splitlines()[0] if str(error) else "")
    detail = f": {reason}" if reason else ""
    return AwsError(
        f"{call} failed: the answer from {endpoint} could not be read "
        f"({type(error).__name__}{detail})",
        unavailable=True,
    )


def _unreachable(error: Any, endpoint: str) -> str:
    """Why botocore could not connect: the cause urllib3 gave, in the user's words."""
    cause = error.kwargs.get("error")
    reasons = [cause, getattr(cause, "__cause__", None)]
    host = endpoint.rsplit(":", 1)[0] if endpoint.count(":") == 1 else endpoint
    if any(isinstance(reason, socket.gaierror) for reason in reasons):
        return f"cannot resolve the host name {host} (check the region and AWS_ENDPOINT_URL)"
    if any(isinstance(reason, ConnectionRefusedError) for reason in reasons):
        return f"{endpoint} refused the connection"
    return f"could not connect to {endpoint}"


def _client_error(error: Any, call: str, permission: str, alternative: str | None) -> AwsError:
    response = error.response
    code = str(response.get("Error", {}).get("Code", ""))
    metadata = response.get("ResponseMetadata", {})
    status = metadata.get("HTTPStatusCode")
    attempts = int(metadata.get("RetryAttempts", 0)) + 1
    tried = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    if status == 403 and code not in _BAD_CREDENTIALS:
        code = "AccessDenied"  # some services answer 403 with a bare status as the code
    if code in _DENIED:
        return AwsError(
            f"AWS denied {call}: grant {permission} to the identity running "
            f"ecs-lint{or_else(alternative)}"
        )
    if code in _BAD_CREDENTIALS:
        return AwsError(
            f"AWS rejected the credentials ({code}) calling {permission}: refresh them or pick "
            "another profile with --profile"
        )
    if code in _THROTTLED or status == 429:
        return AwsError(
            f"AWS kept throttling {call} ({code or 'HTTP 429'}, {tried}): try again later, or "
            "allow more attempts with aws-max-attempts in the configuration",
            unavailable=True,
        )
    if isinstance(status, int) and status >= 500:
        return AwsError(
            f"{call} failed: AWS answered HTTP {status}{f' ({code})' if code else ''} to "
            f"{tried}: try again later",
            unavailable=True,
        )
    return AwsError(f"{call} failed: {_short(str(error))}")


def or_else(alternative: str | None) -> str:
    return f", or {alternative}" if alternative else ""


def setup_message(error: Exception, alternative: str | None) -> str:
    name = type(error).__name__
    if name == "NoCredentialsError":
        return (
            "no AWS credentials found: configure the standard credential chain (environment, "
            f"~/.aws, SSO, instance role) or pass --profile{or_else(alternative)}"
        )
    if name == "NoRegionError":
        return "no AWS region: pass --region or set AWS_REGION"
    if name == "ProfileNotFound":
        return f"{error} (check --profile)"
    return _short(str(error))


def _short(text: str) -> str:
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 3] + "..."


# --- Reading a parsed answer --------------------------------------------------------------------

_NOUNS: Final[dict[type, str]] = {dict: "object", list: "list", str: "string"}


def member(answer: object, key: str, kind: type[_T], permission: str, target: str) -> _T:
    """``answer[key]``, which must be a ``kind``; else an ``AwsError`` naming the call."""
    value = answer.get(key) if isinstance(answer, dict) else None
    if not isinstance(value, kind):
        noun = _NOUNS.get(kind, kind.__name__)
        raise AwsError(
            f"{permission} on {target} failed: the answer has no {key} {noun}", unavailable=True
        )
    return value


def items(
    answer: object,
    key: str,
    kind: type[_T],
    permission: str,
    target: str,
    *,
    required: bool = True,
    keys: tuple[str, ...] = (),
) -> list[_T]:
    """The list ``answer[key]`` of ``kind`` items (objects with string ``keys``); a missing list
    is empty unless ``required``. A wrong shape is an ``AwsError`` naming the call."""
    if not required and (not isinstance(answer, dict) or answer.get(key) is None):
        return []
    found: list[Any] = member(answer, key, list, permission, target)
    for item in found:
        problem = _item_problem(item, kind, keys)
        if problem is not None:
            raise AwsError(
                f"{permission} on {target} failed: an item of the answer's {key} {problem}",
                unavailable=True,
            )
    return found


def _item_problem(item: object, kind: type, keys: tuple[str, ...]) -> str | None:
    if not isinstance(item, kind):
        return f"is not a {_NOUNS.get(kind, kind.__name__)}"
    if isinstance(item, dict):
        for name in keys:
            if not isinstance(item.get(name), str):
                return f"has no {name} string"
    return None
