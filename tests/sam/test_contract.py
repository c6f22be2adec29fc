"""One contract, two styles: the bus sees the same events with the same detail shapes."""

from __future__ import annotations

from typing import Any

import pytest
from stack_helpers import CHOREOGRAPHY, ORCHESTRATION, SENDER, TIMEOUT_SECONDS

from localrun.scenarios import OUTCOMES, demo_stack, drive, parameters_for, place_demo_order
from orders.events import parse_detail


def _shape(value: Any) -> Any:
    """The structure of a JSON value: keys and types, not values."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item) for item in value]
    return type(value).__name__


def _bus(template: Any, outcome: str) -> list[tuple[str, Any]]:
    parameters = {"SenderEmail": SENDER, "AcceptanceTimeoutSeconds": str(TIMEOUT_SECONDS)}
    with demo_stack(template, parameters_for(outcome, parameters)) as runner:
        drive(runner, place_demo_order(runner), outcome)
        for event in runner.bus_events:
            parse_detail(event.detail_type, event.detail)  # each one meets the contract
        return [(e.detail_type, _shape(e.detail)) for e in runner.bus_events]


@pytest.mark.slow
@pytest.mark.parametrize("outcome", OUTCOMES)
def test_both_styles_publish_the_same_sequence_of_the_same_shapes(outcome: str) -> None:
    choreography = _bus(CHOREOGRAPHY, outcome)
    orchestration = _bus(ORCHESTRATION, outcome)
    assert [t for t, _ in orchestration] == [t for t, _ in choreography]
    for (detail_type, ours), (_, theirs) in zip(orchestration, choreography, strict=True):
        assert ours == theirs, detail_type
