"""The order timeline: a projection of the orders bus, one item per event an order has had.

Fed by a rule on every order event (`timeline_writer`), in both styles, so it shows what the bus
saw whoever published it: the outbox, a function, or a state machine. Keyed by order id and
event type (each type happens at most once per order), and written with a conditional put: a
redelivery, a retry or an archive replay of an event writes nothing new.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from orders.events import EventDetail, EventType, timestamp

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

#: Events that share a timestamp (a state machine puts an outcome and `user_notified` in one
#: call) come back in the flow's order, which is the order of the contract's event types.
_FLOW_ORDER = {event_type: index for index, event_type in enumerate(EventType)}


@dataclass(frozen=True)
class TimelineEntry:
    event_type: EventType
    occurred_at: str
    detail: dict[str, Any]


class Timeline:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def record(self, detail: EventDetail, published: Mapping[str, Any]) -> bool:
        """Add the event to its order's timeline; False if the order already has it.

        `detail` is the contract-checked detail (it keys and orders the entry); `published` is
        the detail as the bus delivered it, which the timeline shows verbatim.
        """
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    "order_id": {"S": detail.order_id},
                    "event": {"S": detail.event_type.value},
                    "occurred_at": {"S": timestamp(detail.occurred_at)},
                    "detail": {"S": json.dumps(published, separators=(",", ":"))},
                },
                ConditionExpression="attribute_not_exists(order_id)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def entries(self, order_id: str) -> list[TimelineEntry]:
        """The order's events, oldest first (an empty list for an order the bus has not seen)."""
        found: list[TimelineEntry] = []
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "order_id = :order",
            "ExpressionAttributeValues": {":order": {"S": order_id}},
        }
        while True:
            page = self._client.query(**query)
            found += [
                TimelineEntry(
                    EventType(item["event"]["S"]),
                    item["occurred_at"]["S"],
                    json.loads(item["detail"]["S"]),
                )
                for item in page.get("Items", [])
            ]
            if "LastEvaluatedKey" not in page:
                break
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        return sorted(found, key=lambda e: (e.occurred_at, _FLOW_ORDER[e.event_type]))
