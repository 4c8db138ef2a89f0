"""Terraform's ``aws_ecs_express_gateway_service``, in ``.tf`` files and in plan or state JSON.

The AWS provider spells the API's members in snake case and writes each of its objects as a block
(``primary_container { image = ... }``, a list of one object in plan JSON): ``primary_container``
(``image``, ``repository_credentials { credentials_parameter }``, ``secret { name value_from }``,
``aws_logs_configuration { log_group log_stream_prefix }``), ``execution_role_arn``,
``scaling_target { min_task_count max_task_count }``, ``service_name``, ``cluster``, ``region``.
:class:`ProviderView` shows such a resource to the shared Express reader
(:mod:`ecs_lint.sources._express`) in the API's own spelling, so it is read exactly as the other
sources' Express services are. Shapes are not checked here: Terraform converts a number written
for a string itself, and its own validation reports the rest at plan time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ecs_lint.sources._express import ExpressReader
from ecs_lint.sources._values import Mapping, Sequence

if TYPE_CHECKING:
    from collections.abc import Sequence as Items

    from ecs_lint.model import Span
    from ecs_lint.sources._express import ExpressService
    from ecs_lint.sources._tasks import TaskReader
    from ecs_lint.sources._values import Text, Value

__all__ = ["ProviderView", "read_express_service"]

# The provider's objects written as blocks, which the API takes as one object each.
_ONE_BLOCK: Final = frozenset(
    {"primary_container", "repository_credentials", "aws_logs_configuration", "scaling_target"}
)
_RENAMED: Final = {"secrets": "secret"}  # the provider names the block of each secret
_UPPER: Final = re.compile(r"([A-Z])")


@dataclass(slots=True, eq=False)
class ProviderView:
    """A value of the provider's resource seen as the API spells it (a ``Node`` of
    :mod:`ecs_lint.sources._tasks`): ``get("primaryContainer")`` is the one
    ``primary_container`` block."""

    value: Value

    @property
    def span(self) -> Span:
        return self.value.span

    def get(self, key: str) -> ProviderView | None:
        if not isinstance(self.value, Mapping):
            return None
        name = _RENAMED.get(key) or _UPPER.sub(r"_\1", key).lower()
        found = self.value.get(name)
        if name in _ONE_BLOCK and isinstance(found, Sequence):
            found = found.items[0] if found.items else None
        return None if found is None else ProviderView(found)

    def entries(self) -> Items[tuple[str, ProviderView]] | None:
        if not isinstance(self.value, Mapping):
            return None
        return [(key, ProviderView(member.value)) for key, member in self.value.members.items()]

    def elements(self) -> Items[ProviderView] | None:
        if not isinstance(self.value, Sequence):
            return None
        return [ProviderView(item) for item in self.value.items]

    def text(self) -> Text | None:
        return self.value.text()

    def unknown(self) -> tuple[str, ...] | None:
        return self.value.unknown()

    def plain(self) -> object:
        return self.value.plain()


def read_express_service(
    values: Mapping, address: str, span: Span, reader: TaskReader
) -> ExpressService:
    """The Express service of one ``aws_ecs_express_gateway_service`` resource, read with
    ``reader`` (camelCase, the source's image references and values hint); its ``region``
    argument, when given, is the region it runs and logs in."""
    view = ProviderView(values)
    region = view.get("region")
    text = region.text() if region is not None else None
    return ExpressReader(reader).read(
        view, default_name=address, span=span, region=text.located() if text else None
    )
