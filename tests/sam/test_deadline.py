"""The whole order's deadline, in both styles, on the runner with a 2-second deadline."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from typing import Any

import boto3
import pytest
from order_tables import NOW, ORDER
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

from localrun import LocalRunner
from localrun.scenarios import ANSWERED_TIMEOUT_SECONDS
from orders.events import EventType, utcnow
from orders.flow import OutboxFlow
from orders.model import TRANSITIONS, Action, Order, Status, event_for
from orders.schedules import ring
from orders.store import OrderStore


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


def test_an_order_completed_in_time_is_never_overdue(runner: LocalRunner) -> None:
    order_id = place(runner)
    accept(runner, order_id)
    assert runner.request("POST", f"/orders/{order_id}/complete", caller=STAFF).status == 200
    runner.advance(DEADLINE_SECONDS + 1)
    time.sleep(DEADLINE_SECONDS + 1)  # the state machine's clock is real time
    runner.advance(0)

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


RACES = 200


class _OneCallAtATime:
    """A client whose calls run one at a time, as DynamoDB applies each write atomically (moto
    does not under threads); the two writers' reads and writes still interleave freely."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._lock = threading.Lock()

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if not callable(attribute):
            return attribute

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                return attribute(*args, **kwargs)

        return call


def _accepted_order(store: OrderStore, order_id: str) -> Order:
    order = replace(ORDER, order_id=order_id, placed_at=NOW.isoformat(), updated_at=NOW.isoformat())
    store.place(order, event_for(order, EventType.ORDER_PLACED, NOW, items=[], total="0"))
    accept = TRANSITIONS[Action.ACCEPT]
    return store.apply(order, accept, event_for(order, accept.event, NOW))


@pytest.mark.slow
def test_a_completion_racing_the_deadline_gives_one_consistent_outcome_every_time(
    start_stack: StartStack,
) -> None:
    """The API's completion and the overdue function's write, started together in threads on
    the choreography stack's table, RACES times: each order ends completed, overdue at most
    once and only before its completion, and its customer hears it is late only if it was."""
    runner = start_stack(AcceptanceTimeoutSeconds=ANSWERED_TIMEOUT_SECONDS)
    store = OrderStore(
        _OneCallAtATime(boto3.client("dynamodb", region_name=runner.names.region)),
        runner.deployment.outputs["OrdersTableName"],
    )
    complete = TRANSITIONS[Action.COMPLETE]
    for n in range(RACES):
        order = _accepted_order(store, f"race-{n}")
        start = threading.Barrier(2)

        def completion(order: Order = order, start: threading.Barrier = start) -> None:
            start.wait()
            OutboxFlow(store).act(order, complete, event_for(order, complete.event, utcnow()))

        def deadline(order: Order = order, start: threading.Barrier = start) -> None:
            start.wait()
            ring(store, order.order_id, Action.GO_OVERDUE, deadline_seconds=DEADLINE_SECONDS)

        threads = [threading.Thread(target=completion), threading.Thread(target=deadline)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    runner.advance(0)

    outcomes = Counter[tuple[str, ...]]()
    late_emails = {e.subject.split()[2] for e in runner.emails() if e.subject.endswith("is late")}
    for n in range(RACES):
        order_id = f"race-{n}"
        found = store.get(order_id)
        seen = tuple(
            e.detail_type
            for e in runner.bus_events
            if e.detail["order_id"] == order_id
            and e.detail_type in {"order_overdue", "order_completed"}
        )
        assert found.status is Status.COMPLETED, (order_id, found.status)
        assert seen in {("order_completed",), ("order_overdue", "order_completed")}, seen
        assert (order_id in late_emails) == ("order_overdue" in seen), order_id
        outcomes[seen] += 1
    assert sum(outcomes.values()) == RACES
