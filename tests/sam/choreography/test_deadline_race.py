"""A completion racing the order's deadline in choreography: the API's write and the overdue
function's write are conditional writes to one item, so each order gets one outcome."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import boto3
import pytest
from deadline_races import RACES, Races, judged
from order_tables import NOW, ORDER
from stack_helpers import DEADLINE_SECONDS, StartStack

from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS
from orders.events import EventType, utcnow
from orders.flow import OutboxFlow
from orders.model import TRANSITIONS, Action, Order, event_for
from orders.schedules import ring
from orders.store import OrderStore


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
    order = replace(ORDER, order_id=order_id)  # its times as the kit writes them: UTC, with Z
    store.place(order, event_for(order, EventType.ORDER_PLACED, NOW, items=[], total="0"))
    accept = TRANSITIONS[Action.ACCEPT]
    return store.apply(order, accept, event_for(order, accept.event, NOW))


@pytest.mark.slow
def test_a_completion_racing_the_deadline_gives_one_consistent_outcome_every_time(
    start_stack: StartStack,
) -> None:
    """The API's completion and the overdue function's write, started together in threads on
    the choreography stack's table, RACES times: each order ends completed, overdue at most
    once and only before its completion, and its customer and restaurant hear it is late
    only if it was."""
    runner = start_stack(AcceptanceTimeoutSeconds=ANSWERED_TIMEOUT_SECONDS)
    store = OrderStore(
        _OneCallAtATime(boto3.client("dynamodb", region_name=runner.names.region)),
        runner.deployment.outputs["OrdersTableName"],
    )
    complete = TRANSITIONS[Action.COMPLETE]
    races = Races()
    for n in range(RACES):
        order = _accepted_order(store, f"race-{n}")

        def completion(order: Order = order) -> None:
            OutboxFlow(store).act(order, complete, event_for(order, complete.event, utcnow()))

        def deadline(order: Order = order) -> None:
            ring(store, order.order_id, Action.GO_OVERDUE, deadline_seconds=DEADLINE_SECONDS)

        races.start(completion, deadline)
        races.join()
    runner.advance(0)

    outcomes = judged(runner, [f"race-{n}" for n in range(RACES)])
    assert sum(outcomes.values()) == RACES
