"""The rule table: every rule ecs-lint has, in code order.

Adding a rule means adding its module beside this file and one line here; nothing is discovered
or registered at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ecs_lint.rules import (
    el101_docker_hub_anonymous_pull,
    el102_docker_hub_authenticated_pull,
    el103_unresolved_image_reference,
    el104_invalid_image_reference,
    el105_mutable_image_tag,
    el150_docker_hub_pull_budget,
    el201_execution_role_missing,
    el202_invalid_credentials_parameter,
    el203_execution_role_cannot_read_credentials,
    el204_execution_role_permission_conditional,
    el205_execution_role_cannot_decrypt,
    el206_credentials_not_needed,
    el207_execution_role_policy_unknown,
    el210_secret_not_readable,
    el211_ecr_pull_not_allowed,
    el212_awslogs_misconfigured,
    el213_invalid_secret_reference,
    el310_vpc_endpoint_missing,
    el311_vpc_endpoint_private_dns_disabled,
    el312_registry_unreachable,
    el313_https_egress_blocked,
    el900_parse_error,
    el901_unused_suppression,
    el902_invalid_task_definition_shape,
    el903_duplicate_key,
)

if TYPE_CHECKING:
    from ecs_lint.rule import Rule

RULES: tuple[Rule, ...] = (
    el101_docker_hub_anonymous_pull.RULE,
    el102_docker_hub_authenticated_pull.RULE,
    el103_unresolved_image_reference.RULE,
    el104_invalid_image_reference.RULE,
    el105_mutable_image_tag.RULE,
    el150_docker_hub_pull_budget.RULE,
    el201_execution_role_missing.RULE,
    el202_invalid_credentials_parameter.RULE,
    el203_execution_role_cannot_read_credentials.RULE,
    el204_execution_role_permission_conditional.RULE,
    el205_execution_role_cannot_decrypt.RULE,
    el206_credentials_not_needed.RULE,
    el207_execution_role_policy_unknown.RULE,
    el210_secret_not_readable.RULE,
    el211_ecr_pull_not_allowed.RULE,
    el212_awslogs_misconfigured.RULE,
    el213_invalid_secret_reference.RULE,
    el310_vpc_endpoint_missing.RULE,
    el311_vpc_endpoint_private_dns_disabled.RULE,
    el312_registry_unreachable.RULE,
    el313_https_egress_blocked.RULE,
    el900_parse_error.RULE,
    el901_unused_suppression.RULE,
    el902_invalid_task_definition_shape.RULE,
    el903_duplicate_key.RULE,
)

BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}
