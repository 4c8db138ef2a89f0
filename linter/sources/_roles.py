"""IAM roles as the template sources (CloudFormation, Terraform) collect them.

Each source reads its own resources: a role's properties, a policy resource and the roles it
names. What does not depend on the format lives here: the roles by the address a reference names
them by (a logical id, a resource address), the role a value names (a reference to one, or its
name), and adding a policy or a managed-policy ARN to a role once, or else recording what could
not be resolved, which makes the role's policies unknown (EL207) rather than guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ecs_lint.sources._values import Hole, Str

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from ecs_lint.model import Located, PolicyDefinition, RoleDefinition
    from ecs_lint.sources._values import Value

__all__ = ["RoleCollection", "attach_managed_arn", "attach_policy"]


@dataclass(slots=True)
class RoleCollection:
    """The roles read so far, by the addresses references name them by; a role of another file
    (``own`` false: read only to complete this file's roles) is found but not defined here."""

    _by_address: dict[str, tuple[RoleDefinition, bool]] = field(default_factory=dict)

    def add(self, role: RoleDefinition, *addresses: str | None, own: bool = True) -> None:
        for address in addresses:
            if address:
                self._by_address[address] = (role, own)

    def named(self, value: Value | None, address_of: Callable[[str], str]) -> RoleDefinition | None:
        """The role ``value`` names: a reference to a role here (``address_of`` turns the
        reference's label, ``Role.Arn`` or ``aws_iam_role.x.name``, into the role's address),
        or a role's name."""
        if not isinstance(value, Str):
            return None
        if len(value.parts) == 1 and isinstance(value.parts[0], Hole):
            found = self._by_address.get(address_of(value.parts[0].label))
            return found[0] if found is not None else None
        if value.is_known:
            for role, _ in self._by_address.values():
                if role.name is not None and role.name == value.value:
                    return role
        return None

    def referenced(
        self, labels: Iterable[str], address_of: Callable[[str], str]
    ) -> list[RoleDefinition]:
        """The roles here that unknown values with these labels are computed from
        (``split("/", aws_iam_role.exec[0].arn)[1]`` may be ``exec``'s name)."""
        found: dict[int, RoleDefinition] = {}
        for label in labels:
            address = address_of(label)
            role = self._by_address.get(address) or self._by_address.get(_unindexed(address))
            if role is not None:
                found.setdefault(id(role[0]), role[0])
        return list(found.values())

    def defined(self) -> list[RoleDefinition]:
        """This file's roles, each once, in the order they were first added."""
        roles: dict[int, RoleDefinition] = {}
        for role, own in self._by_address.values():
            if own:
                roles.setdefault(id(role), role)
        return list(roles.values())


def _unindexed(address: str) -> str:
    """``aws_iam_role.exec`` for ``aws_iam_role.exec[0]``."""
    return address.split("[", 1)[0]


def attach_policy(role: RoleDefinition, policy: PolicyDefinition | None, *unresolved: str) -> None:
    """Give ``role`` the inline ``policy`` (once: a policy is known by its span); ``None``, a
    policy that could not be resolved, marks the role's policies unknown for the reasons
    ``unresolved`` gives."""
    if policy is None:
        role.unresolved = (*role.unresolved, *unresolved)
    elif all(existing.span != policy.span for existing in role.inline_policies):
        role.inline_policies.append(policy)


def attach_managed_arn(role: RoleDefinition, arn: Located | None, unresolved: str) -> None:
    """Attach the managed policy ``arn`` to ``role`` (once); ``None``, an ARN that could not be
    resolved, marks the role's policies unknown for the reason ``unresolved`` gives."""
    if arn is None:
        role.unresolved = (*role.unresolved, unresolved)
    elif all(existing.value != arn.value for existing in role.managed_policy_arns):
        role.managed_policy_arns.append(arn)
