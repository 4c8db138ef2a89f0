"""What a task asks of IAM: one action on one resource, whose name may have unknown parts.

Every task definition's execution-role checks build these (``requirements``, ``arns``); only a
role whose policies are known needs them evaluated (``evaluator``), so they live apart from it.
A resource written with ``${label}`` (``${AWS::Region}``, ``${DockerHubSecret}``) holds a
template's unresolved value; see ``evaluator`` for what such labels mean to a policy.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping


# --- Resources, possibly with unknown parts ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Unknown:
    """A part of a resource name that is not known statically.

    ``label`` identifies the value: two unknowns with the same label are the same value.
    ``alphabet`` limits its characters (``None``: any); ``length`` fixes its length (``None``: one
    or more characters). ``what`` names it in messages ("the secret's 6-character suffix").
    ``template`` marks a template's unresolved value (``${AWS::Region}``): only such an unknown
    equals a policy's ``${label}`` of the same label; ecs-lint's own unknowns (the region a task
    runs in, a secret's suffix) never do, whatever a template names its values.
    """

    label: str
    what: str
    display: str
    alphabet: frozenset[str] | None = None
    length: int | None = None
    pattern: str = "*"
    """What a policy resource writes for this part to cover every value it may take."""
    template: bool = False


ALNUM: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@dataclass(frozen=True, slots=True)
class Resource:
    """The name IAM sees for a resource: known text with possibly unknown parts.

    ``aliases`` are labels the whole name is also known by (a template's logical id), so a policy
    resource written as ``${Label}`` matches it for certain. ``reference`` is the one a policy
    should name it by (``${DbSecret}``) when its parts leave too much open to write it any other
    way: a secret whose name the files do not give, of which only the account, region and shape
    of its ARN are known.
    """

    parts: tuple[str | Unknown, ...]
    aliases: frozenset[str] = frozenset()
    reference: str | None = None

    @classmethod
    def exact(cls, text: str) -> Resource:
        return cls((text,))

    @classmethod
    def parse(cls, text: str, aliases: Iterable[str] = ()) -> Resource:
        """Text where each ``${label}`` that is not a policy variable is an unknown value."""
        parts: list[str | Unknown] = []
        last = 0
        for found in PLACEHOLDER.finditer(text):
            name = found.group(1)
            if is_policy_variable(name) or name in ESCAPES:
                continue
            if found.start() > last:
                parts.append(text[last : found.start()])
            text_ = found.group()
            parts.append(
                Unknown(name, f"the unresolved value {text_}", text_, pattern=text_, template=True)
            )
            last = found.end()
        if last < len(text):
            parts.append(text[last:])
        return cls(tuple(parts), frozenset(aliases))

    @property
    def is_exact(self) -> bool:
        return all(isinstance(part, str) for part in self.parts)

    def foreign(self) -> Resource:
        """This name as policies of another template see it: its template values are unknowns
        that no ``${label}`` of theirs names (the same label there is another template's value),
        and it has no aliases or reference."""
        if (
            not self.aliases
            and self.reference is None
            and not any(isinstance(part, Unknown) and part.template for part in self.parts)
        ):
            return self
        parts = tuple(
            replace(part, template=False) if isinstance(part, Unknown) else part
            for part in self.parts
        )
        return Resource(parts)

    @property
    def unknowns(self) -> tuple[Unknown, ...]:
        return tuple(part for part in self.parts if isinstance(part, Unknown))

    def __str__(self) -> str:
        return "".join(part if isinstance(part, str) else part.display for part in self.parts)

    def as_pattern(self) -> str:
        """A policy ``Resource`` that covers this name whatever its unknown parts turn out to be
        (``...:secret:hub-??????`` for a secret whose suffix is unknown), or its ``reference``."""
        if self.reference is not None:
            return self.reference
        return "".join(part if isinstance(part, str) else part.pattern for part in self.parts)


# --- ``${...}`` in a name or a policy ------------------------------------------------------------

PLACEHOLDER: Final = re.compile(r"\$\{([^}]*)\}")
"""``${...}``: a policy variable, an escape, or a template's unresolved value."""
ESCAPES: Final = {"*": "*", "?": "?", "$": "$"}
"""``${*}``, ``${?}`` and ``${$}``: the literal characters, in a policy of the 2012 version."""
# ``service:key`` (``aws:username``, ``aws:PrincipalTag/team``, ``www.amazon.com:user_id``); a
# template's ``${AWS::Region}`` (two colons) or ``${Logical}`` (none) is not one.
_POLICY_VARIABLE: Final = re.compile(r"[A-Za-z0-9.\-]+:[^:${}]+")


def is_policy_variable(name: str) -> bool:
    return _POLICY_VARIABLE.fullmatch(name) is not None


# --- Requests ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Request:
    """One action on one resource; ``context`` holds the condition keys known for it."""

    action: str
    resource: Resource
    context: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(
        cls, action: str, resource: Resource | str, context: Mapping[str, str] | None = None
    ) -> Request:
        target = Resource.exact(resource) if isinstance(resource, str) else resource
        pairs = tuple(sorted((key.lower(), value) for key, value in (context or {}).items()))
        return cls(action, target, pairs)

    def context_map(self) -> dict[str, tuple[str, ...]]:
        values: dict[str, tuple[str, ...]] = {}
        for key, value in self.context:
            values[key] = (*values.get(key, ()), value)
        return values
