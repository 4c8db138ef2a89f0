"""``ecs-lint rules`` and ``ecs-lint rule CODE``: the rules and their documentation."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from ecs_lint.cli.common import fail, require_output_format, use_color

if TYPE_CHECKING:
    from ecs_lint.settings import Settings


def rules(settings: Settings) -> None:
    """List every rule: code, name, severity and whether it has a fix."""
    from ecs_lint.docs import rules_json, rules_table
    from ecs_lint.rules import RULES

    json = settings.output_format == "json"
    require_output_format(settings.output_format, ("text", "json"), command="rules")
    typer.echo(rules_json(RULES) if json else rules_table(RULES), nl=False)


def rule_command(
    code: Annotated[str, typer.Argument(help="A rule code (EL101) or name.", metavar="CODE")],
) -> None:
    """Print a rule's documentation."""
    from ecs_lint.docs import find_rule, terminal
    from ecs_lint.rules import RULES

    rule = find_rule(RULES, code)
    if rule is None:
        fail(f"unknown rule '{code}' (ecs-lint rules lists them)")
    color = use_color(sys.stdout)
    typer.echo(terminal(rule, color=color), nl=False, color=color)
