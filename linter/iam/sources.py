"""Role policies from files: ``--iam FILE`` and ``--role-policy ROLE=FILE``.

``--iam`` reads what ``aws iam get-account-authorization-details`` prints: roles
(``RoleDetailList``) with their inline policies, attached managed policies and permissions
boundary, and managed policies (``Policies``) with their versions, of which the default one
counts. Policy documents may be JSON objects (as the CLI prints them) or URL-encoded JSON strings
(as the API returns them). A list of such objects (pages saved one by one) is accepted too.

``--role-policy`` reads one policy document, or the output of ``aws iam get-role-policy`` or
``aws iam get-policy-version``.

Any fault is a :class:`PolicySourceError` naming the file, line and column, raised before linting
starts.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ecs_lint import jsonpos
from ecs_lint.jsonpos import JsonArray, JsonError, JsonNode, JsonObject, JsonScalar
from ecs_lint.settings import MAX_FILE_SIZE
from ecs_lint.textio import UnreadableFile, read_source

if TYPE_CHECKING:
    from ecs_lint.iam.evaluator import Policy
    from ecs_lint.textio import SourceText

__all__ = [
    "AuthorizationDetails",
    "KnownRolePolicies",
    "PolicySourceError",
    "load_authorization_details",
    "load_role_policy_file",
]


class PolicySourceError(Exception):
    """A policy file that cannot be used; ``message`` starts with ``file:line:column``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class KnownRolePolicies:
    """What a file says about one role."""

    name: str
    arn: str | None
    inline: list[Policy] = field(default_factory=list)
    managed_arns: list[str] = field(default_factory=list)
    boundary_arn: str | None = None
    origin: str = ""


@dataclass(slots=True)
class AuthorizationDetails:
    """What ``--iam`` files say: roles' policies, and managed policies' default versions."""

    roles: dict[str, KnownRolePolicies] = field(default_factory=dict)
    """By lower-case role name (IAM role names are unique regardless of case)."""
    managed: dict[str, Policy] = field(default_factory=dict)
    """Managed policies' default versions, by ARN."""

    def merge(self, other: AuthorizationDetails) -> None:
        self.roles.update(other.roles)
        self.managed.update(other.managed)


@dataclass(slots=True)
class _JsonFile:
    """A parsed JSON file that can say where any of its nodes is."""

    display: str
    source: SourceText
    root: JsonNode

    def where(self, node: JsonNode) -> str:
        line, column = self.source.position(node.start)
        return f"{self.display}:{line}:{column}"

    def fail(self, node: JsonNode, message: str) -> PolicySourceError:
        return PolicySourceError(f"{self.where(node)}: {message}")


def _read_json(path: str, what: str, limit: int) -> _JsonFile:
    try:
        source = read_source(Path(path), path, limit)
    except UnreadableFile as error:
        raise PolicySourceError(f"{path}:{error.line}:{error.column}: {error.message}") from None
    try:
        parsed = jsonpos.parse(source.text)
    except JsonError as error:
        line, column = source.position(error.offset)
        raise PolicySourceError(
            f"{path}:{line}:{column}: {what} is not valid JSON: {error.message}"
        ) from None
    return _JsonFile(path, source, parsed.root)


def _get(node: JsonNode | None, key: str) -> JsonNode | None:
    return node.get(key) if isinstance(node, JsonObject) else None


def _text(node: JsonNode | None) -> str | None:
    if isinstance(node, JsonScalar) and isinstance(node.value, str):
        return node.value
    return None


def _items(node: JsonNode | None) -> list[JsonNode]:
    return node.items if isinstance(node, JsonArray) else []


def _policy(file: _JsonFile, node: JsonNode, name: str) -> Policy:
    """Parse a policy document given as an object or as a URL-encoded JSON string."""
    from ecs_lint.iam.evaluator import PolicyError, parse_policy  # a file of policies was given

    origin = file.display
    if isinstance(node, JsonScalar) and isinstance(node.value, str):
        try:
            document = json.loads(urllib.parse.unquote(node.value))
        except ValueError as error:
            raise file.fail(
                node, f'policy "{name}" is a string that is not URL-encoded JSON ({error})'
            ) from None
        try:
            return parse_policy(document, name, origin)
        except PolicyError as error:
            where = jsonpos.format_path(error.path) if error.path else "document"
            raise file.fail(node, f'policy "{name}": {where}: {error.message}') from None
    try:
        return parse_policy(node.value, name, origin)
    except PolicyError as error:
        bad = _descend(node, error.path)
        where = jsonpos.format_path(error.path) if error.path else "document"
        raise file.fail(bad, f'policy "{name}": {where}: {error.message}') from None


def _descend(node: JsonNode, path: tuple[str | int, ...]) -> JsonNode:
    for part in path:
        child: JsonNode | None = None
        if isinstance(node, JsonObject) and isinstance(part, str):
            child = node.get(part)
        elif isinstance(node, JsonArray) and isinstance(part, int) and part < len(node.items):
            child = node.items[part]
        if child is None:
            break
        node = child
    return node


# --- get-account-authorization-details --------------------------------------------------------


def load_authorization_details(path: str, limit: int = MAX_FILE_SIZE) -> AuthorizationDetails:
    file = _read_json(path, "the --iam file", limit)
    pages = file.root.items if isinstance(file.root, JsonArray) else [file.root]
    details = AuthorizationDetails()
    recognised = False
    for page in pages:
        if not isinstance(page, JsonObject):
            raise file.fail(page, _NOT_DETAILS)
        if "RoleDetailList" in page.index or "Policies" in page.index:
            recognised = True
        for role in _items(page.get("RoleDetailList")):
            known = _role(file, role)
            details.roles[known.name.lower()] = known
        for policy in _items(page.get("Policies")):
            _managed(file, policy, details.managed)
    if not recognised:
        raise file.fail(file.root, _NOT_DETAILS)
    return details


_NOT_DETAILS = (
    "not the output of 'aws iam get-account-authorization-details' (no RoleDetailList or "
    "Policies); to give one role's policy use --role-policy ROLE=FILE"
)


def _role(file: _JsonFile, node: JsonNode) -> KnownRolePolicies:
    name = _text(_get(node, "RoleName"))
    if name is None:
        raise file.fail(node, "a RoleDetailList entry without a RoleName")
    known = KnownRolePolicies(name, _text(_get(node, "Arn")), origin=file.display)
    for entry in _items(_get(node, "RolePolicyList")):
        policy_name = _text(_get(entry, "PolicyName")) or "(unnamed)"
        document = _get(entry, "PolicyDocument")
        if document is None:
            raise file.fail(entry, f'inline policy "{policy_name}" has no PolicyDocument')
        known.inline.append(_policy(file, document, policy_name))
    for entry in _items(_get(node, "AttachedManagedPolicies")):
        arn = _text(_get(entry, "PolicyArn"))
        if arn is None:
            raise file.fail(entry, "an AttachedManagedPolicies entry without a PolicyArn")
        known.managed_arns.append(arn)
    known.boundary_arn = _text(_get(_get(node, "PermissionsBoundary"), "PermissionsBoundaryArn"))
    return known


def _managed(file: _JsonFile, node: JsonNode, into: dict[str, Policy]) -> None:
    arn = _text(_get(node, "Arn"))
    name = _text(_get(node, "PolicyName")) or arn or "(unnamed)"
    if arn is None:
        raise file.fail(node, f'managed policy "{name}" has no Arn')
    default_id = _text(_get(node, "DefaultVersionId"))
    for version in _items(_get(node, "PolicyVersionList")):
        flag = _get(version, "IsDefaultVersion")
        is_default = isinstance(flag, JsonScalar) and flag.value is True
        if is_default or (
            default_id is not None and _text(_get(version, "VersionId")) == default_id
        ):
            document = _get(version, "Document")
            if document is None:
                raise file.fail(version, f'the default version of "{name}" has no Document')
            into[arn] = _policy(file, document, name)
            return
    # No default version in the file: the policy stays unknown, never a guess.


# --- --role-policy ----------------------------------------------------------------------------


def load_role_policy_file(path: str, limit: int = MAX_FILE_SIZE) -> Policy:
    """One policy document, or ``get-role-policy`` / ``get-policy-version`` output."""
    file = _read_json(path, "the --role-policy file", limit)
    root = file.root
    name = Path(path).stem
    document: JsonNode = root
    if isinstance(root, JsonObject):
        if "PolicyDocument" in root.index:
            name = _text(root.get("PolicyName")) or name
            document = root.index["PolicyDocument"].value
        elif isinstance(root.get("PolicyVersion"), JsonObject):
            inner = _get(root.get("PolicyVersion"), "Document")
            if inner is None:
                raise file.fail(root, "PolicyVersion has no Document")
            document = inner
    return _policy(file, document, name)
