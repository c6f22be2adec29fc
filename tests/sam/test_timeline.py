"""The order timeline in both styles: a projection of the orders bus that GET /orders/{id} reads.

Every path of each style runs on the local runner; the timeline returned holds every event the
bus saw for the order, in order, with its detail. A replay of the archive re-delivers every
event to the timeline's rule (it takes replays, to back-fill) and adds no entry.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from stack_helpers import CUSTOMER_CALLER, ORDER_STACKS, StartStack, drive, place

from orderflow_localrun import LocalRunner
from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS

STYLES = ORDER_STACKS  # both in the kit, its own in a generated project
EVENTS = {
    "completed": [
        "order_placed",
        "restaurant_notified",
        "order_accepted",
        "user_notified",
        "order_completed",
    ],
    "rejected": ["order_placed", "restaurant_notified", "order_rejected", "user_notified"],
    "timed_out": ["order_placed", "restaurant_notified", "order_timed_out", "user_notified"],
    "cancelled": ["order_placed", "restaurant_notified", "order_cancelled"],
}


def _start(start_stack: StartStack, template: Path, outcome: str) -> LocalRunner:
    """A 2 s time-out to time out; on answered paths one no slow machine reaches."""
    if outcome != "timed_out":
        return start_stack(template, AcceptanceTimeoutSeconds=ANSWERED_TIMEOUT_SECONDS)
    return start_stack(template)


def _timeline(runner: LocalRunner, order_id: str) -> list[dict[str, Any]]:
    response = runner.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER)
    assert response.status == 200, response.body
    return list(response.json()["timeline"])


def _entries_stored(runner: LocalRunner) -> int:
    dynamodb = boto3.client("dynamodb", region_name=runner.names.region)
    return int(dynamodb.scan(TableName=runner.names.refs["TimelineTable"])["Count"])


@pytest.mark.slow
@pytest.mark.parametrize("outcome", list(EVENTS))
@pytest.mark.parametrize("style", list(STYLES))
def test_get_returns_every_event_of_each_path_as_the_bus_saw_it(
    start_stack: StartStack, style: str, outcome: str
) -> None:
    runner = _start(start_stack, STYLES[style], outcome)
    order_id = place(runner)
    drive(runner, order_id, outcome)

    timeline = _timeline(runner, order_id)
    assert [entry["event"] for entry in timeline] == EVENTS[outcome]
    published = [(e.detail_type, e.detail) for e in runner.bus_events]
    assert [(entry["event"], entry["detail"]) for entry in timeline] == published
    assert all(entry["at"] == entry["detail"]["occurred_at"] for entry in timeline)


@pytest.mark.slow
@pytest.mark.parametrize("style", list(STYLES))
def test_a_replay_re_delivers_every_event_and_adds_no_timeline_entry(
    start_stack: StartStack, style: str
) -> None:
    runner = _start(start_stack, STYLES[style], "completed")
    order_id = place(runner)
    drive(runner, order_id, "completed")
    before, stored = _timeline(runner, order_id), _entries_stored(runner)
    writer = runner.functions["TimelineWriterFunction"]
    written = len(writer.invocations)

    now = runner.now()
    replayed = runner.replay(
        "OrdersArchive", "again", now - timedelta(hours=1), now + timedelta(hours=1)
    )

    assert replayed == "COMPLETED"
    assert len(writer.invocations) == written + len(EVENTS["completed"])
    assert all(invocation.ok for invocation in writer.invocations)
    assert _entries_stored(runner) == stored == len(EVENTS["completed"])
    assert _timeline(runner, order_id) == before
