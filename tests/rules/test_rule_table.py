"""The rule table (rules/__init__.py): every rule module is named there once, in code order."""

from __future__ import annotations

from pathlib import Path

import pytest

import ecs_lint.rules
from ecs_lint.rule import Rule
from ecs_lint.rules import RULE_MODULES, RULES

RULES_DIRECTORY = Path(ecs_lint.rules.__file__).parent


def test_every_rule_module_is_in_the_table() -> None:
    modules = sorted(path.stem for path in RULES_DIRECTORY.glob("el*.py"))
    assert sorted(RULE_MODULES) == modules, (
        "add each new rules/elNNN_*.py to RULE_MODULES in rules/__init__.py"
    )


def test_the_table_is_in_code_order_without_repeats() -> None:
    codes = [rule.code for rule in RULES]
    assert codes == sorted(set(codes))


@pytest.mark.parametrize(("module", "rule"), list(zip(RULE_MODULES, RULES, strict=True)))
def test_a_module_is_named_after_its_rule(module: str, rule: Rule) -> None:
    assert isinstance(rule, Rule)
    assert module == f"{rule.code.lower()}_{rule.name.replace('-', '_')}"
