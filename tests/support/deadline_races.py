"""A completion racing the order's deadline, RACES times, on either style's stack: the threads
that run each race's sides together, and the judge of what each order ended as.

A consistent outcome is one of two: completed in time (no `order_overdue`), or overdue once
(one `order_overdue`, one email to the customer, one message to the restaurant) and then
completed; never overdue after completed, and the order's execution (orchestration) ended as
its item did.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any

import boto3

from orderflow_localrun import LocalRunner, executions
from orderflow_localrun.lambdas import holding_the_environment

RACES = 200
IN_TIME = ("order_completed",)
LATE = ("order_overdue", "order_completed")
Side = Callable[[], None]


class Races:
    """Races under way: each one's sides start together, in threads; `join` waits for all and
    raises what a side raised."""

    def __init__(self) -> None:
        self._threads: list[threading.Thread] = []
        self._errors: list[BaseException] = []

    def start(self, *sides: Side) -> None:
        released = threading.Barrier(len(sides))

        def run(side: Side) -> None:
            released.wait()
            try:
                side()
            except BaseException as error:  # handed to join()
                self._errors.append(error)

        for side in sides:
            thread = threading.Thread(target=run, args=(side,))
            self._threads.append(thread)
            thread.start()

    def join(self) -> None:
        for thread in self._threads:
            thread.join()
        self._threads.clear()
        if self._errors:
            raise self._errors[0]


@cache
def client(service: str, region: str) -> Any:
    """One boto3 client per service, built while no function swaps its environment in (the
    races' threads invoke functions while others build clients)."""
    return holding_the_environment(boto3.client)(service, region_name=region)


def order_status(runner: LocalRunner, order_id: str) -> str:
    """The `status` of the order's item in the stack's orders table."""
    item = client("dynamodb", runner.names.region).get_item(
        TableName=runner.deployment.outputs["OrdersTableName"], Key={"order_id": {"S": order_id}}
    )["Item"]
    return str(item["status"]["S"])


def _execution_agrees(runner: LocalRunner, order_id: str, late: bool) -> None:
    """The order's execution succeeded through its completion, by the overdue path if late."""
    if not runner.deployment.outputs.get("OrdersStateMachineArn"):
        return  # choreography: the order item is the whole state
    assert executions.status(runner.names.region, order_id) == "SUCCEEDED", order_id
    entered = executions.states_entered(runner.execution_history(order_id))
    assert entered[-2:] == ["RecordCompletion", "PublishCompleted"], (order_id, entered)
    assert ("PublishOverdue" in entered) == late, (order_id, entered)


def judged(runner: LocalRunner, order_ids: Iterable[str]) -> Counter[tuple[str, ...]]:
    """Each order's outcome (its `order_overdue`/`order_completed` events in bus order), once
    it is asserted consistent; how many orders ended each way."""
    outcomes = Counter[tuple[str, ...]]()
    late_emails = Counter(e.subject for e in runner.emails() if e.subject.endswith(" is late"))
    overdue_messages = Counter(n.subject for n in runner.notifications())
    for order_id in order_ids:
        seen = tuple(
            e.detail_type
            for e in runner.bus_events
            if e.detail["order_id"] == order_id
            and e.detail_type in {"order_overdue", "order_completed"}
        )
        assert seen in {IN_TIME, LATE}, (order_id, seen)
        overdue = seen.count("order_overdue")
        assert late_emails[f"Your order {order_id} is late"] == overdue, order_id
        assert overdue_messages[f"Order {order_id} is overdue"] == overdue, order_id
        assert order_status(runner, order_id) == "completed", order_id
        _execution_agrees(runner, order_id, late=seen == LATE)
        outcomes[seen] += 1
    return outcomes
