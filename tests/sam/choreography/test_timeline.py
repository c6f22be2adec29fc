"""The order timeline: a projection of what the bus delivered, read back by GET /orders/{id}."""

from __future__ import annotations

from datetime import timedelta

import boto3
from stack_helpers import CUSTOMER_CALLER, STAFF, drive, place

from localrun import LocalRunner

PATH = ["order_placed", "restaurant_notified", "order_accepted", "user_notified", "order_completed"]


def _timeline(runner: LocalRunner, order_id: str) -> list[str]:
    order = runner.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER).json()
    return [entry["event"] for entry in order["timeline"]]


def test_get_returns_every_event_the_bus_delivered_oldest_first(choreography: LocalRunner) -> None:
    order_id = place(choreography)
    drive(choreography, order_id, "completed")

    assert _timeline(choreography, order_id) == PATH
    staff_view = choreography.request("GET", f"/orders/{order_id}", caller=STAFF).json()
    assert [e["detail"]["order_id"] for e in staff_view["timeline"]] == [order_id] * 5


def test_a_lost_projection_is_rebuilt_by_replaying_the_archive(choreography: LocalRunner) -> None:
    order_id = place(choreography)
    drive(choreography, order_id, "completed")
    dynamodb = boto3.client("dynamodb", region_name=choreography.names.region)
    table = choreography.names.refs["TimelineTable"]
    for item in dynamodb.scan(TableName=table)["Items"]:
        dynamodb.delete_item(
            TableName=table, Key={"order_id": item["order_id"], "entry": item["entry"]}
        )
    assert _timeline(choreography, order_id) == []

    now = choreography.now()
    choreography.replay("OrdersArchive", "rebuild", now - timedelta(hours=1), now)

    assert _timeline(choreography, order_id) == PATH
    assert (
        choreography.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER).json()["status"]
        == "completed"
    )
