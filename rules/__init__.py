"""The rule table: every rule ecs-lint has, in code order.

Adding a rule means adding its module beside this file and its name to :data:`RULE_MODULES`; the
table is the only place a rule is named, and nothing is discovered or registered at import time.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ecs_lint.rule import Rule

RULE_MODULES: tuple[str, ...] = (
    "el101_docker_hub_anonymous_pull",
    "el102_docker_hub_authenticated_pull",
    "el103_unresolved_image_reference",
    "el104_invalid_image_reference",
    "el105_mutable_image_tag",
    "el150_docker_hub_pull_budget",
    "el201_execution_role_missing",
    "el202_invalid_credentials_parameter",
    "el203_execution_role_cannot_read_credentials",
    "el204_execution_role_permission_conditional",
    "el205_execution_role_cannot_decrypt",
    "el206_credentials_not_needed",
    "el207_execution_role_policy_unknown",
    "el210_secret_not_readable",
    "el211_ecr_pull_not_allowed",
    "el212_awslogs_misconfigured",
    "el213_invalid_secret_reference",
    "el310_vpc_endpoint_missing",
    "el311_vpc_endpoint_private_dns_disabled",
    "el312_registry_unreachable",
    "el313_https_egress_blocked",
    "el900_parse_error",
    "el901_unused_suppression",
    "el902_invalid_task_definition_shape",
    "el903_duplicate_key",
)

# Each module holds its rule as RULE; importing them here, in table order, is the registration.
RULES: tuple[Rule, ...] = tuple(
    importlib.import_module(f"{__name__}.{name}").RULE for name in RULE_MODULES
)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
