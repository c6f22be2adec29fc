"""Fault injection: an order written is an order whose events reach the bus."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from faults import SimulatedCrash, fault
from moto.events.models import EventsBackend
from stack_helpers import CUSTOMER_CALLER, STAFF, order_body

from orderflow_localrun import LocalRunner
from orderflow_localrun.lambdas import FunctionError

FLOW = ["order_placed", "restaurant_notified", "order_accepted", "user_notified"]


@contextmanager
def eventbridge_failing(times: int) -> Iterator[list[int]]:
    """PutEvents answers every entry with InternalFailure for its first `times` calls."""
    real = EventsBackend.put_events
    calls = [0]

    def flaky(backend: EventsBackend, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        calls[0] += 1
        if calls[0] <= times:
            return [{"ErrorCode": "InternalFailure", "ErrorMessage": "injected"} for _ in events]
        return real(backend, events)

    with mock.patch.object(EventsBackend, "put_events", flaky):
        yield calls


def _types(runner: LocalRunner) -> list[str]:
    return [e.detail_type for e in runner.bus_events]


def test_the_api_dying_after_its_write_still_publishes_the_order(choreography: LocalRunner) -> None:
    """The API dies the moment DynamoDB has stored the order: nothing it would do after the
    write (such as publishing the event itself) happens, so only the outbox can publish."""
    orders_table = choreography.deployment.outputs["OrdersTableName"]
    with fault(
        "dynamodb",
        "PutItem",
        lambda: SimulatedCrash("died right after PutItem stored the order"),
        after_the_call=True,
        when=lambda params: params["TableName"] == orders_table,
    ) as crashed:
        response = choreography.request(
            "POST", "/orders", order_body(), {"Idempotency-Key": "k"}, caller=CUSTOMER_CALLER
        )
    assert len(crashed) == 1
    assert response.status == 500

    assert _types(choreography) == ["order_placed", "restaurant_notified"]
    order_id = choreography.bus_events[0].detail["order_id"]
    assert crashed[0]["Item"]["order_id"] == {"S": order_id}
    assert (
        choreography.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER).json()["status"]
        == "placed"
    )


def test_events_refused_by_eventbridge_are_retried_until_published_once(
    choreography: LocalRunner,
) -> None:
    with eventbridge_failing(times=3) as calls:
        order_id = choreography.request(
            "POST", "/orders", order_body(), caller=CUSTOMER_CALLER
        ).json()["order_id"]
        choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF)

    assert calls[0] > 3
    assert _types(choreography) == FLOW
    publisher = choreography.functions["OutboxPublisherFunction"]
    # A batch whose every record failed fails the invocation (Powertools), so Lambda retries it.
    assert sum(1 for i in publisher.invocations if not i.ok) == 3
    assert choreography.queue_messages("OutboxFailuresQueue") == []


def test_a_publisher_crash_mid_batch_loses_nothing(choreography: LocalRunner) -> None:
    publisher = choreography.functions["OutboxPublisherFunction"]
    real_invoke = publisher.invoke
    crashes = [2]

    def crashes_twice(event: Any) -> Any:
        if crashes[0]:
            crashes[0] -= 1
            raise FunctionError("OutboxPublisherFunction", "Runtime.ExitError")
        return real_invoke(event)

    with mock.patch.object(publisher, "invoke", crashes_twice):
        order_id = choreography.request(
            "POST", "/orders", order_body(), caller=CUSTOMER_CALLER
        ).json()["order_id"]
        choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF)

    assert crashes == [0]
    assert _types(choreography) == FLOW


def test_an_outage_longer_than_the_retries_parks_the_batch_in_the_failure_queue(
    choreography: LocalRunner,
) -> None:
    with eventbridge_failing(times=10_000):
        response = choreography.request("POST", "/orders", order_body(), caller=CUSTOMER_CALLER)
    assert response.status == 201
    assert choreography.bus_events == []
    [failure] = choreography.queue_messages("OutboxFailuresQueue")
    assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert failure["DDBStreamBatchInfo"]["batchSize"] == 1


def test_a_partly_failed_batch_retries_from_the_failed_record_only(
    choreography: LocalRunner,
) -> None:
    real = EventsBackend.put_events
    calls: list[str] = []

    def second_call_fails_once(
        backend: EventsBackend, events: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        calls.append(events[0]["DetailType"])
        if len(calls) == 2:
            return [{"ErrorCode": "ThrottlingException", "ErrorMessage": "injected"}]
        return real(backend, events)

    first = choreography.request(
        "POST", "/orders", order_body(), settle=False, caller=CUSTOMER_CALLER
    )
    second = choreography.request(
        "POST", "/orders", order_body(), settle=False, caller=CUSTOMER_CALLER
    )
    with mock.patch.object(EventsBackend, "put_events", second_call_fails_once):
        choreography.settle()

    placed = [
        e.detail["order_id"] for e in choreography.bus_events if e.detail_type == "order_placed"
    ]
    assert placed == [first.json()["order_id"], second.json()["order_id"]]
    assert calls[:3] == ["order_placed", "order_placed", "order_placed"]
    publisher = choreography.functions["OutboxPublisherFunction"]
    assert all(i.ok for i in publisher.invocations)  # reported item failures, not a crash
