"""A definition file gets its placeholders filled as SAM's DefinitionSubstitutions fill them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orderflow_infra.state_machines import DefinitionError, substitute

SOURCE = Path("statemachine/orders.asl.json")
DEFINITION = (
    '{"StartAt": "Put", "States": {"Put": {"Type": "Pass", "Result": "${Bus}", "End": true}}}'
)


def test_every_placeholder_is_replaced_by_its_value() -> None:
    filled = json.loads(substitute(DEFINITION, {"Bus": "orders-dev-orders"}, SOURCE))

    assert filled["States"]["Put"]["Result"] == "orders-dev-orders"


def test_a_placeholder_without_a_substitution_is_refused_by_name() -> None:
    with pytest.raises(DefinitionError) as refused:
        substitute(DEFINITION, {"Table": "orders"}, SOURCE)

    assert str(refused.value) == (
        "statemachine/orders.asl.json: ${Bus} has no substitution (given: Table)"
    )


def test_a_substitution_that_breaks_the_json_is_refused_before_deployment() -> None:
    with pytest.raises(json.JSONDecodeError):
        substitute(DEFINITION, {"Bus": 'a"b'}, SOURCE)
