"""One contract, two styles: the bus sees the same events with the same detail shapes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from stack_helpers import CHOREOGRAPHY, ORCHESTRATION, SENDER, TIMEOUT_SECONDS

from orderflow_localrun.scenarios import (
    CUSTOMER_CALLER,
    OUTCOMES,
    demo_stack,
    drive,
    parameters_for,
    place_demo_order,
)
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


_UTC_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3}|\.\d{6})Z$")


@pytest.mark.parametrize(
    "template", [CHOREOGRAPHY, ORCHESTRATION], ids=["choreography", "orchestration"]
)
def test_every_time_an_order_shows_is_utc_written_with_z_in_both_styles(template: Any) -> None:
    """Events, the order's API answer and its timeline: one format (Step Functions' own times to
    the millisecond, the kit's to the microsecond), never `+00:00` beside `Z`."""
    parameters = {"SenderEmail": SENDER, "AcceptanceTimeoutSeconds": str(TIMEOUT_SECONDS)}
    with demo_stack(template, parameters_for("complete", parameters)) as runner:
        order_id = place_demo_order(runner)
        drive(runner, order_id, "complete")
        times = [e.detail["occurred_at"] for e in runner.bus_events]
        answer = runner.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER).json()
        times += [answer[key] for key in ("placed_at", "updated_at") if key in answer]
    assert len(times) >= 5
    assert [t for t in times if not _UTC_Z.match(t)] == []
