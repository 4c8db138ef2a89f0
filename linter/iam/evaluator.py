"""A small IAM identity-policy evaluator with three answers: allowed, denied, conditional.

It answers one question: do these identity policies let a principal perform one action on one
resource? The semantics follow IAM's documented evaluation logic for identity policies:

* an explicit ``Deny`` wins over any ``Allow``; without an ``Allow`` the answer is deny;
* ``Action``/``NotAction`` compare case-insensitively, ``Resource``/``NotResource``
  case-sensitively; both take ``*`` (any run of characters, ``:`` and ``/`` included) and ``?``
  (one character);
* ``Statement``, ``Action`` and ``Resource`` may each be one value or a list;
* with ``"Version": "2012-10-17"`` a ``${aws:username}``-style policy variable in a resource is
  filled in at request time, so it is not known here; ``${*}``, ``${?}`` and ``${$}`` stand for the
  literal characters. Older (or missing) versions treat ``${...}`` as plain text.

What cannot be decided statically is never guessed: a ``Condition`` whose keys are not known from
the request, a policy variable, or an unknown part of the resource (a secret's random suffix, the
region of a bare secret name) makes an ``Allow`` *conditional* and a ``Deny`` *possible*, and the
answer says which keys or parts it depended on.

Unknown values from templates. A resource or a policy pattern may hold ``${label}`` where
``label`` is not a policy variable (``${AWS::Region}``, ``${DockerHubSecret}``,
``${aws_secretsmanager_secret.hub.arn}``): an unresolved value that a template source could not
know. Equal labels stand for equal values, so a policy written against ``${DockerHubSecret}``
certainly matches a resource ``${DockerHubSecret}`` from the same template, and anything else
matches it only possibly. The same holds for condition values: a request context value that
holds a label equals a policy value of the same text, and is otherwise not known. Labels mean
something only within one template; the caller makes a resource from another template's labels
ordinary unknowns (:meth:`Resource.foreign`).
"""

from __future__ import annotations

import enum
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from ecs_lint.iam.requests import (
    ESCAPES,
    PLACEHOLDER,
    Request,
    Resource,
    Unknown,
    is_policy_variable,
)

__all__ = [
    "Decision",
    "Match",
    "Outcome",
    "Policy",
    "PolicyError",
    "Request",
    "Resource",
    "Statement",
    "Unknown",
    "evaluate",
    "evaluate_with_boundary",
    "match_action",
    "match_resource",
    "parse_policy",
]

VARIABLES_VERSION: Final = "2012-10-17"
KNOWN_VERSIONS: Final = frozenset({"2012-10-17", "2008-10-17"})


class Match(enum.IntEnum):
    """Whether a statement part matches a request; ordered, so ``min`` is "and"."""

    NO = 0
    MAYBE = 1
    YES = 2

    def inverted(self) -> Match:
        return Match(2 - self.value)


# --- Wildcard patterns -----------------------------------------------------------------------


class _Wild(enum.Enum):
    STAR = "*"
    ONE = "?"


@dataclass(frozen=True, slots=True)
class _Variable:
    """A policy variable or an unresolved template value inside a pattern."""

    name: str
    symbol: bool  # a template's unresolved value (matches the same label for certain)


_Token = str | _Wild | _Variable


@dataclass(frozen=True, slots=True)
class _Pattern:
    """A policy's pattern (an action or resource with ``*``, ``?`` and ``${...}``), as tokens."""

    text: str
    tokens: tuple[_Token, ...]

    @property
    def is_plain(self) -> bool:
        return not any(isinstance(token, _Variable) for token in self.tokens)

    @property
    def variables(self) -> tuple[_Variable, ...]:
        return tuple(token for token in self.tokens if isinstance(token, _Variable))


@functools.lru_cache(maxsize=4096)
def _compile_pattern(text: str, variables: bool) -> _Pattern:
    tokens: list[_Token] = []
    last = 0
    for found in PLACEHOLDER.finditer(text):
        name = found.group(1)
        is_variable = is_policy_variable(name)
        if (is_variable or name in ESCAPES) and not variables:
            continue  # before 2012-10-17, ``${...}`` is literal text
        tokens.extend(_wild_tokens(text[last : found.start()]))
        if name in ESCAPES:
            tokens.append(ESCAPES[name])
        else:
            tokens.append(_Variable(name, symbol=not is_variable))
        last = found.end()
    tokens.extend(_wild_tokens(text[last:]))
    return _Pattern(text, tuple(tokens))


def _wild_tokens(text: str) -> list[_Token]:
    return [_Wild.STAR if c == "*" else _Wild.ONE if c == "?" else c for c in text]


@functools.lru_cache(maxsize=4096)
def _glob_regex(text: str, ignore_case: bool) -> re.Pattern[str]:
    """A plain wildcard pattern (no variables) as a regular expression."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


@functools.lru_cache(maxsize=4096)
def _plain_regex(tokens: tuple[_Token, ...]) -> re.Pattern[str]:
    return re.compile("".join(_token_regex(token, 0) for token in tokens), re.DOTALL)


def match_action(pattern: str, action: str) -> bool:
    """``Action`` matching: case-insensitive, ``*`` and ``?`` wildcards."""
    return _glob_regex(pattern, True).fullmatch(action) is not None


def match_resource(pattern: str, resource: Resource, *, variables: bool = True) -> Match:
    """``Resource`` matching: case-sensitive; ``*`` crosses ``:`` and ``/``.

    ``YES`` when the pattern matches whatever the unknown parts of the resource and the
    variables of the pattern turn out to be, ``NO`` when it matches for none, else ``MAYBE``.
    """
    compiled = _compile_pattern(pattern, variables)
    if resource.is_exact and compiled.is_plain:
        text = "".join(part for part in resource.parts if isinstance(part, str))
        return Match.YES if _plain_regex(compiled.tokens).fullmatch(text) else Match.NO
    aliases = resource.aliases
    if (
        len(compiled.tokens) == 1
        and isinstance(compiled.tokens[0], _Variable)
        and compiled.tokens[0].symbol
        and compiled.tokens[0].name in aliases
    ):
        return Match.YES
    if _matches_every_filling(compiled, resource):
        return Match.YES
    return Match.MAYBE if _matches_some_filling(compiled, resource) else Match.NO


# Unknown parts are filled with characters from Unicode's private use area, which no policy
# writes literally: only wildcards (or a symbol with the same label) can match them, so a
# pattern that matches these fillings matches every value the unknown part may take. Variable
# length parts are tried at two lengths, so a run of ``?`` cannot pass for ``*``.
_PRIVATE_USE: Final = 0xE000
_FILL_LENGTHS: Final = (11, 17)
_labels: dict[tuple[str, bool], str] = {}


def _filler(label: str, template: bool = True) -> str:
    """The character standing for an unknown value; a pattern's ``${label}`` is a template value."""
    key = (label, template)
    char = _labels.get(key)
    if char is None:
        char = chr(_PRIVATE_USE + len(_labels) % 6000)
        _labels[key] = char
    return char


def _filled(resource: Resource, length: int) -> str:
    return "".join(
        part
        if isinstance(part, str)
        else _filler(part.label, part.template) * (part.length or length)
        for part in resource.parts
    )


def _matches_every_filling(pattern: _Pattern, resource: Resource) -> bool:
    if any(not token.symbol for token in pattern.variables):
        return False  # a policy variable's value is never known here
    for length in _FILL_LENGTHS:
        body = "".join(_token_regex(token, length) for token in pattern.tokens)
        if re.fullmatch(body, _filled(resource, length), re.DOTALL) is None:
            return False
    return True


def _token_regex(token: _Token, length: int) -> str:
    if isinstance(token, _Wild):
        return ".*" if token is _Wild.STAR else "."
    if isinstance(token, _Variable):
        return re.escape(_filler(token.name) * length)
    return re.escape(token)


# Subject positions for the "some filling" search: a known character, one unknown character,
# or a run of unknown characters (zero or more, after the first).
@dataclass(frozen=True, slots=True)
class _Slot:
    """A subject position: a known character, or an unknown one of an alphabet (``repeat``:
    a run of them)."""

    char: str | None
    alphabet: frozenset[str] | None
    repeat: bool

    def can_be(self, char: str) -> bool:
        if self.char is not None:
            return self.char == char
        return self.alphabet is None or char in self.alphabet


def _slots(resource: Resource) -> list[_Slot]:
    slots: list[_Slot] = []
    for part in resource.parts:
        if isinstance(part, str):
            slots.extend(_Slot(c, None, False) for c in part)
        elif part.length is not None:
            slots.extend(_Slot(None, part.alphabet, False) for _ in range(part.length))
        else:
            slots.extend((_Slot(None, part.alphabet, False), _Slot(None, part.alphabet, True)))
    return slots


def _matches_some_filling(pattern: _Pattern, resource: Resource) -> bool:
    """Whether some value of the unknown parts (and of the variables) lets the pattern match.

    A search over (pattern position, subject position) pairs: both automata step on the same
    character, and variables behave like ``*``.
    """
    tokens, slots = pattern.tokens, _slots(resource)
    end = (len(tokens), len(slots))
    seen: set[tuple[int, int]] = set()
    pending = [(0, 0)]
    while pending:
        state = pending.pop()
        if state in seen:
            continue
        seen.add(state)
        i, j = state
        if state == end:
            return True
        token = tokens[i] if i < len(tokens) else None
        slot = slots[j] if j < len(slots) else None
        star = isinstance(token, _Variable) or token is _Wild.STAR
        if star:
            pending.append((i + 1, j))
        if slot is not None and slot.repeat:
            pending.append((i, j + 1))
        if token is None or slot is None or not _can_step(token, slot):
            continue
        pending.append((i if star else i + 1, j if slot.repeat else j + 1))
    return False


def _can_step(token: _Token, slot: _Slot) -> bool:
    if isinstance(token, str):
        return slot.can_be(token)
    return slot.char is not None or slot.alphabet is None or bool(slot.alphabet)


# --- Policies ---------------------------------------------------------------------------------


class PolicyError(ValueError):
    """A policy document IAM would refuse; ``path`` leads to the bad value inside the document."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a policy, with enough of its origin to name it in a message."""

    policy: str
    origin: str
    index: int
    sid: str | None
    effect: str
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...]
    not_resource: bool
    condition: tuple[tuple[str, str, tuple[str, ...]], ...]
    """(operator, key, values) triples."""
    variables: bool

    @property
    def condition_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(key for _, key, _ in self.condition))

    def describe(self) -> str:
        """E.g. ``Statement[1] (Sid "ReadHub") of policy "hub" in roles.json``."""
        sid = f' (Sid "{self.sid}")' if self.sid else ""
        origin = f" in {self.origin}" if self.origin else ""
        return f'Statement[{self.index}]{sid} of policy "{self.policy}"{origin}'


@dataclass(frozen=True, slots=True)
class Policy:
    """An identity policy: its name, where it comes from, and its statements."""

    name: str
    origin: str
    statements: tuple[Statement, ...]


def parse_policy(document: Any, name: str, origin: str = "") -> Policy:
    """Check an identity-policy document and turn it into statements; raises ``PolicyError``."""
    if not isinstance(document, Mapping):
        raise PolicyError("a policy document must be a JSON object")
    version = document.get("Version")
    if version is not None and (not isinstance(version, str) or version not in KNOWN_VERSIONS):
        raise PolicyError(
            f'"Version" must be "2012-10-17" or "2008-10-17", not {_show(version)}', ("Version",)
        )
    if "Statement" not in document:
        raise PolicyError('a policy document needs a "Statement"')
    raw = document["Statement"]
    items = [raw] if isinstance(raw, Mapping) else raw
    if not isinstance(items, list):
        raise PolicyError('"Statement" must be an object or a list of objects', ("Statement",))
    variables = version == VARIABLES_VERSION
    statements = []
    for index, item in enumerate(items):
        path: tuple[str | int, ...] = (
            ("Statement", index) if isinstance(raw, list) else ("Statement",)
        )
        statements.append(_statement(item, index, path, name, origin, variables))
    return Policy(name, origin, tuple(statements))


def _statement(
    item: Any, index: int, path: tuple[str | int, ...], name: str, origin: str, variables: bool
) -> Statement:
    if not isinstance(item, Mapping):
        raise PolicyError("a statement must be a JSON object", path)
    effect = item.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise PolicyError(
            f'"Effect" must be "Allow" or "Deny", not {_show(effect)}', (*path, "Effect")
        )
    actions, not_action = _one_of(item, "Action", "NotAction", path)
    resources, not_resource = _one_of(item, "Resource", "NotResource", path)
    sid = item.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise PolicyError('"Sid" must be a string', (*path, "Sid"))
    return Statement(
        policy=name,
        origin=origin,
        index=index,
        sid=sid,
        effect=effect,
        actions=actions,
        not_action=not_action,
        resources=resources,
        not_resource=not_resource,
        condition=_condition(item.get("Condition"), (*path, "Condition")),
        variables=variables,
    )


def _one_of(
    item: Mapping[str, Any], key: str, negated: str, path: tuple[str | int, ...]
) -> tuple[tuple[str, ...], bool]:
    if (key in item) == (negated in item):
        raise PolicyError(f'a statement needs exactly one of "{key}" and "{negated}"', path)
    name = key if key in item else negated
    value = item[name]
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise PolicyError(f'"{name}" must be a string or a list of strings', (*path, name))
    return tuple(values), name == negated


def _condition(
    raw: Any, path: tuple[str | int, ...]
) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, Mapping):
        raise PolicyError('"Condition" must be an object of operators', path)
    triples = []
    for operator, block in raw.items():
        if not isinstance(block, Mapping):
            raise PolicyError(f'condition operator "{operator}" must map keys to values', path)
        for key, value in block.items():
            values = value if isinstance(value, list) else [value]
            triples.append((str(operator), str(key), tuple(_condition_text(v) for v in values)))
    return tuple(triples)


def _condition_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) <= 40 else text[:39] + "…"


# --- Conditions ------------------------------------------------------------------------------

_STRING_OPERATORS: Final = {
    "stringequals": (False, False, False),  # (negated, like, ignore case)
    "stringnotequals": (True, False, False),
    "stringequalsignorecase": (False, False, True),
    "stringnotequalsignorecase": (True, False, True),
    "stringlike": (False, True, False),
    "stringnotlike": (True, True, False),
    "arnequals": (False, True, False),
    "arnlike": (False, True, False),
    "arnnotequals": (True, True, False),
    "arnnotlike": (True, True, False),
    "bool": (False, False, True),
}


def _condition_match(
    statement: Statement, context: Mapping[str, tuple[str, ...]]
) -> tuple[Match, tuple[str, ...]]:
    """All condition blocks must hold. Keys absent from ``context`` are unknown, never guessed."""
    result, unknown = Match.YES, []
    for operator, key, values in statement.condition:
        outcome = _one_condition(operator, key, values, context, statement.variables)
        if outcome is Match.NO:
            return Match.NO, ()
        if outcome is Match.MAYBE:
            result = Match.MAYBE
            unknown.append(key)
    return result, tuple(dict.fromkeys(unknown))


def _one_condition(
    operator: str,
    key: str,
    values: tuple[str, ...],
    context: Mapping[str, tuple[str, ...]],
    variables: bool,
) -> Match:
    name = operator.lower()
    if name.endswith("ifexists"):
        name = name[: -len("ifexists")]
    known = context.get(key.lower())
    rule = _STRING_OPERATORS.get(name)
    if known is None or rule is None or ":" in name:
        return Match.MAYBE  # unknown key, unsupported operator, or a set operator
    if variables and any(_has_policy_variable(v) for v in values):
        return Match.MAYBE
    negated, like, ignore_case = rule
    if any(_has_template_value(text) for text in (*values, *known)):
        found = max(
            _labelled_condition(v, k, like, ignore_case, name.startswith("arn"))
            for v in values
            for k in known
        )
        return found if not negated else found.inverted()
    if name.startswith("arn"):
        hit = any(_arn_like(v, k) for v in values for k in known)
    elif like:
        hit = any(_glob_regex(v, False).fullmatch(k) for v in values for k in known)
    elif ignore_case:
        hit = any(v.lower() == k.lower() for v in values for k in known)
    else:
        hit = any(v == k for v in values for k in known)
    return Match.YES if hit != negated else Match.NO


def _has_policy_variable(text: str) -> bool:
    return any(is_policy_variable(m.group(1)) for m in PLACEHOLDER.finditer(text))


def _has_template_value(text: str) -> bool:
    return any(
        not is_policy_variable(m.group(1)) and m.group(1) not in ESCAPES
        for m in PLACEHOLDER.finditer(text)
    )


def _labelled_condition(value: str, known: str, like: bool, ignore_case: bool, arn: bool) -> Match:
    """Whether a policy value matches a context value when either holds template values:
    compared like resources (the same label is the same value, anything else may differ)."""
    if ignore_case:
        value, known = value.lower(), known.lower()
    pattern = value if like else value.replace("*", "${*}").replace("?", "${?}")
    found = match_resource(pattern, Resource.parse(known))
    if found is Match.YES and arn and "*" in value:
        return Match.MAYBE  # ArnLike's "*" stays inside one ARN field; resources' crosses ":"
    return found


def _arn_like(pattern: str, arn: str) -> bool:
    """``ArnLike``: each of the six ARN fields compared on its own; wildcards stay in a field."""
    want, have = pattern.split(":", 5), arn.split(":", 5)
    if len(want) != 6 or len(have) != 6:
        return False
    return all(_glob_regex(w, False).fullmatch(h) for w, h in zip(want, have, strict=True))


# --- Requests and decisions ------------------------------------------------------------------


class Outcome(enum.Enum):
    ALLOWED = "allowed"
    DENIED = "denied"
    CONDITIONAL = "conditional"


@dataclass(frozen=True, slots=True)
class Decision:
    """The answer, with the statements that decided it.

    * ``ALLOWED``: ``allowed_by`` allow it for certain and nothing may deny it.
    * ``DENIED``: ``denied_by`` deny it for certain (an explicit deny), or, when ``denied_by`` is
      empty, no statement allows it (``near_misses`` are allows for the action whose resource or
      condition did not match, for explaining why).
    * ``CONDITIONAL``: the answer depends on ``unknowns`` (condition keys, policy variables,
      unknown parts of the resource); ``allowed_by`` allow it (possibly only conditionally) and
      ``conditional`` lists the statements whose effect could not be decided.
    """

    outcome: Outcome
    request: Request
    allowed_by: tuple[Statement, ...] = ()
    denied_by: tuple[Statement, ...] = ()
    conditional: tuple[Statement, ...] = ()
    near_misses: tuple[Statement, ...] = ()
    unknowns: tuple[str, ...] = ()
    by_boundary: bool = False
    """Decided by the role's permissions boundary, not by its permission policies."""

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.ALLOWED

    @property
    def denied(self) -> bool:
        return self.outcome is Outcome.DENIED

    @property
    def explicit_deny(self) -> bool:
        return self.outcome is Outcome.DENIED and bool(self.denied_by)

    @property
    def condition_keys(self) -> tuple[str, ...]:
        keys = (key for statement in self.conditional for key in statement.condition_keys)
        return tuple(dict.fromkeys(keys))

    def explain(self) -> str:
        """Why, in words: the deciding statements, or "no statement allows it"."""
        where = "the permissions boundary" if self.by_boundary else "its policies"
        if self.outcome is Outcome.ALLOWED:
            return f"allowed by {_statements(self.allowed_by)}"
        if self.denied_by:
            return f"explicitly denied by {_statements(self.denied_by)}"
        if self.outcome is Outcome.DENIED:
            return f"no statement in {where} allows it"
        depends = ", ".join(self.unknowns) or "values not known statically"
        denies = [s for s in self.conditional if s.effect == "Deny"]
        allows = [s for s in self.conditional if s.effect == "Allow"]
        parts = []
        if allows:
            parts.append(f"allowed only conditionally by {_statements(allows)}")
        elif self.allowed_by:
            parts.append(f"allowed by {_statements(self.allowed_by)}")
        if denies:
            parts.append(f"possibly denied by {_statements(denies)}")
        return f"{'; '.join(parts)}; depends on {depends}"


def _statements(statements: Sequence[Statement]) -> str:
    return ", ".join(statement.describe() for statement in statements)


@dataclass(slots=True)
class _Tally:
    """The statements that decide a request, by how they decide it, while evaluating."""

    certain_allow: list[Statement] = field(default_factory=list)
    possible_allow: list[Statement] = field(default_factory=list)
    certain_deny: list[Statement] = field(default_factory=list)
    possible_deny: list[Statement] = field(default_factory=list)
    near_miss: list[Statement] = field(default_factory=list)
    unknowns: list[str] = field(default_factory=list)


def evaluate(policies: Iterable[Policy], request: Request) -> Decision:
    """Decide ``request`` against identity policies (all of one principal's, together)."""
    tally = _Tally()
    context = request.context_map()
    for policy in policies:
        for statement in policy.statements:
            _count(statement, request, context, tally)
    return _decide(tally, request)


def evaluate_with_boundary(
    policies: Iterable[Policy], boundary: Policy | None, request: Request
) -> Decision:
    """Permission policies limited by a permissions boundary: both must allow."""
    identity = evaluate(policies, request)
    if boundary is None or identity.denied:
        return identity
    limit = evaluate((boundary,), request)
    if limit.denied:
        return Decision(
            Outcome.DENIED,
            request,
            denied_by=limit.denied_by,
            near_misses=limit.near_misses,
            by_boundary=True,
        )
    if limit.outcome is Outcome.CONDITIONAL and identity.allowed:
        return Decision(
            Outcome.CONDITIONAL,
            request,
            allowed_by=identity.allowed_by,
            conditional=limit.conditional,
            unknowns=limit.unknowns,
            by_boundary=True,
        )
    if limit.outcome is Outcome.CONDITIONAL:
        unknowns = tuple(dict.fromkeys((*identity.unknowns, *limit.unknowns)))
        conditional = (*identity.conditional, *limit.conditional)
        return Decision(
            Outcome.CONDITIONAL,
            request,
            allowed_by=identity.allowed_by,
            conditional=conditional,
            unknowns=unknowns,
        )
    return identity


def _count(
    statement: Statement,
    request: Request,
    context: Mapping[str, tuple[str, ...]],
    tally: _Tally,
) -> None:
    if not _action_matches(statement, request.action):
        return
    resource, resource_unknowns = _resource_matches(statement, request.resource)
    condition, condition_unknowns = (
        _condition_match(statement, context) if resource is not Match.NO else (Match.NO, ())
    )
    applies = min(resource, condition)
    allow = statement.effect == "Allow"
    if applies is Match.NO:
        if allow:
            tally.near_miss.append(statement)
        return
    if applies is Match.YES:
        (tally.certain_allow if allow else tally.certain_deny).append(statement)
        return
    (tally.possible_allow if allow else tally.possible_deny).append(statement)
    tally.unknowns.extend(resource_unknowns)
    tally.unknowns.extend(f"condition key {key}" for key in condition_unknowns)


def _action_matches(statement: Statement, action: str) -> bool:
    hit = any(match_action(pattern, action) for pattern in statement.actions)
    return hit != statement.not_action


def _resource_matches(statement: Statement, resource: Resource) -> tuple[Match, list[str]]:
    best = Match.NO
    maybe_patterns: list[str] = []
    for pattern in statement.resources:
        outcome = match_resource(pattern, resource, variables=statement.variables)
        if outcome is Match.MAYBE:
            maybe_patterns.append(pattern)
        best = max(best, outcome)
        if best is Match.YES:
            break
    if statement.not_resource:
        best = best.inverted()
    if best is not Match.MAYBE:
        return best, []
    return best, _why_unknown(maybe_patterns, resource, statement.variables)


def _why_unknown(patterns: list[str], resource: Resource, variables: bool) -> list[str]:
    reasons = [unknown.what for unknown in resource.unknowns]
    for pattern in patterns:
        for token in _compile_pattern(pattern, variables).variables:
            if token.symbol:
                reasons.append(f"the unresolved value ${{{token.name}}}")
            else:
                reasons.append(f"the policy variable ${{{token.name}}}")
    return list(dict.fromkeys(reasons))


def _decide(tally: _Tally, request: Request) -> Decision:
    unknowns = tuple(dict.fromkeys(tally.unknowns))
    if tally.certain_deny:
        return Decision(Outcome.DENIED, request, denied_by=tuple(tally.certain_deny))
    if tally.certain_allow and not tally.possible_deny:
        return Decision(Outcome.ALLOWED, request, allowed_by=tuple(tally.certain_allow))
    if tally.certain_allow or tally.possible_allow:
        return Decision(
            Outcome.CONDITIONAL,
            request,
            allowed_by=tuple(tally.certain_allow or tally.possible_allow),
            conditional=(*tally.possible_allow, *tally.possible_deny),
            unknowns=unknowns,
        )
    return Decision(Outcome.DENIED, request, near_misses=tuple(tally.near_miss))
