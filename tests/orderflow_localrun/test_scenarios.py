"""The order scenarios the CLI and the tests drive: the parameters each one runs with, and the
overdue one, which goes overdue once and is completed late, in either style."""

from __future__ import annotations

import json

import pytest
from stack_helpers import ORDER_STACKS, SENDER

from orderflow_localrun import executions
from orderflow_localrun.scenarios import (
    ANSWERED_TIMEOUT_SECONDS,
    OVERDUE_DEADLINE_SECONDS,
    demo_stack,
    drive,
    parameters_for,
    place_demo_order,
)

GIVEN = {"SenderEmail": SENDER, "AcceptanceTimeoutSeconds": "2"}


def test_the_overdue_scenario_runs_with_a_short_deadline_and_an_acceptance_nobody_misses() -> None:
    assert parameters_for("overdue", GIVEN) == {
        "SenderEmail": SENDER,
        "AcceptanceTimeoutSeconds": ANSWERED_TIMEOUT_SECONDS,
        "OrderDeadlineSeconds": OVERDUE_DEADLINE_SECONDS,
    }


@pytest.mark.parametrize("outcome", ["complete", "reject", "timeout", "cancel"])
def test_only_the_overdue_scenario_keeps_a_given_deadline(outcome: str) -> None:
    given = {**GIVEN, "OrderDeadlineSeconds": "5"}
    assert parameters_for("overdue", given)["OrderDeadlineSeconds"] == "5"
    assert "OrderDeadlineSeconds" not in parameters_for(outcome, given)


@pytest.mark.parametrize("style", sorted(ORDER_STACKS))
def test_the_overdue_scenario_is_overdue_once_then_completed_late(style: str) -> None:
    with demo_stack(ORDER_STACKS[style], parameters_for("overdue", GIVEN)) as runner:
        order_id = place_demo_order(runner)
        drive(runner, order_id, "overdue")
        runner.settle()
        events = [e.detail_type for e in runner.bus_events if e.detail["order_id"] == order_id]
        overdue_messages = [
            n.subject
            for n in runner.notifications()
            if json.loads(n.message)["kind"] == "order_overdue"
        ]
        late_emails = [e.subject for e in runner.emails() if e.subject.endswith(" is late")]
        try:
            execution = executions.status(runner.names.region, order_id)
        except KeyError:
            execution = "none"  # choreography: no state machine

    assert events == [
        "order_placed",
        "restaurant_notified",
        "order_accepted",
        "user_notified",
        "order_overdue",
        "order_completed",
    ]
    assert overdue_messages == [f"Order {order_id} is overdue"]
    assert late_emails == [f"Your order {order_id} is late"]
    assert execution == {"choreography": "none", "orchestration": "SUCCEEDED"}[style]
