"""What ``Ref`` and ``Fn::GetAtt`` answer on the runner: the names it deployed. The functions
themselves are evaluated by the kit's one resolver, ``orderflow_definitions.intrinsics``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.intrinsics import Scope


@dataclass
class Names(Scope):
    """Each deployed resource's physical name, ``Ref`` answer and attributes."""

    physical: dict[str, str] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)

    def resource_ref(self, logical_id: str) -> Any:
        if logical_id in self.refs:
            return self.refs[logical_id]
        raise DefinitionError(
            f"Ref {logical_id}: no parameter or resource of that name was deployed"
        )

    def get_att(self, logical_id: str, attribute: str) -> str:
        try:
            return self.attributes[logical_id][attribute]
        except KeyError:
            raise DefinitionError(
                f"Fn::GetAtt {logical_id}.{attribute}: the runner does not provide it "
                f"(known: {', '.join(sorted(self.attributes.get(logical_id, {}))) or 'none'})"
            ) from None
