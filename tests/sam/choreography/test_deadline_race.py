"""A completion racing the order's deadline in choreography: the API's write and the overdue
function's write are conditional writes to one item, so each order gets one outcome."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from typing import Any

import boto3
import pytest
from order_tables import NOW, ORDER
from stack_helpers import DEADLINE_SECONDS, StartStack

from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS
from orders.events import EventType, utcnow
from orders.flow import OutboxFlow
from orders.model import TRANSITIONS, Action, Order, Status, event_for
from orders.schedules import ring
from orders.store import OrderStore

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
