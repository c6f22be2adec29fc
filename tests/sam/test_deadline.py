"""The whole order's deadline, in both styles, on the runner with a 2-second deadline."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from stack_helpers import (
    CUSTOMER,
    CUSTOMER_CALLER,
    DEADLINE_SECONDS,
    ORDER_STACKS,
    STAFF,
    StartStack,
    event_types,
    pass_the_deadline,
    place,
    status,
)

from orderflow_localrun import LocalRunner
from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS

#: The deadline of an order completed in time: past it only on the runner's clock.
IN_TIME_DEADLINE_SECONDS = 600


@pytest.fixture(params=sorted(ORDER_STACKS), ids=str)
def runner(request: pytest.FixtureRequest, start_stack: StartStack) -> LocalRunner:
    """One style's stack with the 2-second deadline and an acceptance nobody misses."""
    return start_stack(
        ORDER_STACKS[request.param],
        AcceptanceTimeoutSeconds=ANSWERED_TIMEOUT_SECONDS,
        OrderDeadlineSeconds=str(DEADLINE_SECONDS),
    )


def accept(runner: LocalRunner, order_id: str) -> None:
    answer = runner.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    assert answer.status == 200, answer.body


def _overdue_notices(runner: LocalRunner, order_id: str) -> tuple[list[str], list[str]]:
    emails = [e.subject for e in runner.emails() if e.subject.endswith("is late")]
    messages = [
        n.subject or ""
        for n in runner.notifications()
        if json.loads(n.message)["kind"] == "order_overdue"
    ]
    return emails, messages


@pytest.mark.parametrize("style", sorted(ORDER_STACKS))
def test_an_order_completed_in_time_is_never_overdue(start_stack: StartStack, style: str) -> None:
    # A deadline no slow machine reaches: the state machine's completion wait times out in real
    # time, and with the 2-second one a loaded machine could make an order completed at once late.
    runner = start_stack(
        ORDER_STACKS[style],
        AcceptanceTimeoutSeconds=ANSWERED_TIMEOUT_SECONDS,
        OrderDeadlineSeconds=str(IN_TIME_DEADLINE_SECONDS),
    )
    order_id = place(runner)
    accept(runner, order_id)
    assert runner.request("POST", f"/orders/{order_id}/complete", caller=STAFF).status == 200
    runner.advance(IN_TIME_DEADLINE_SECONDS + 1)
    # Once the state machine's execution has ended (choreography has none) no time-out is left
    # to fire, however long one waited.
    runner.wait_for_executions()

    assert "order_overdue" not in event_types(runner)
    assert status(runner, order_id) == "completed"
    assert _overdue_notices(runner, order_id) == ([], [])


def test_a_late_order_is_overdue_once_tells_both_sides_and_still_completes(
    runner: LocalRunner,
) -> None:
    order_id = place(runner)
    accept(runner, order_id)
    pass_the_deadline(runner, order_id)
    runner.advance(DEADLINE_SECONDS + 1)

    [overdue] = [e for e in runner.bus_events if e.detail_type == "order_overdue"]
    assert overdue.detail["deadline_seconds"] == DEADLINE_SECONDS
    assert overdue.detail["order_id"] == order_id
    assert _overdue_notices(runner, order_id) == (
        [f"Your order {order_id} is late"],
        [f"Order {order_id} is overdue"],
    )
    assert [e.to for e in runner.emails() if e.subject.endswith("is late")] == [[CUSTOMER]]

    late = runner.request("POST", f"/orders/{order_id}/complete", caller=STAFF)
    assert late.json() == {"order_id": order_id, "status": "completed"}
    runner.advance(0)
    assert status(runner, order_id) == "completed"
    assert event_types(runner)[-1] == "order_completed"
    assert event_types(runner).count("order_overdue") == 1


def test_an_overdue_order_can_be_cancelled_and_is_withdrawn_from_the_restaurant(
    runner: LocalRunner,
) -> None:
    order_id = place(runner)
    accept(runner, order_id)
    pass_the_deadline(runner, order_id)

    cancelled = runner.request("POST", f"/orders/{order_id}/cancel", caller=CUSTOMER_CALLER)

    assert cancelled.json() == {"order_id": order_id, "status": "cancelled"}
    runner.advance(0)
    assert status(runner, order_id) == "cancelled"
    assert event_types(runner)[-1] == "order_cancelled"
    assert runner.notifications()[-1].subject == f"Order {order_id} withdrawn"


def test_replaying_the_archive_of_an_overdue_order_sends_nothing_twice(
    runner: LocalRunner,
) -> None:
    order_id = place(runner)
    accept(runner, order_id)
    pass_the_deadline(runner, order_id)
    runner.request("POST", f"/orders/{order_id}/complete", caller=STAFF)
    runner.advance(0)
    emails, notifications, events = runner.emails(), runner.notifications(), event_types(runner)
    invocations = {k: len(f.invocations) for k, f in runner.functions.items()}

    now = runner.now()
    assert runner.replay("OrdersArchive", "overdue", now - timedelta(hours=1), now) == "COMPLETED"
    runner.advance(DEADLINE_SECONDS + 1)

    assert runner.emails() == emails
    assert runner.notifications() == notifications
    assert event_types(runner) == events
    # Only the timeline (idempotent) takes replays; no step of either flow ran again.
    replayed = {k: len(f.invocations) for k, f in runner.functions.items()}
    assert replayed == invocations | {"TimelineWriterFunction": 2 * len(events)}
    assert status(runner, order_id) == "completed"
