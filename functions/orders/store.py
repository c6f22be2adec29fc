"""The orders table, which is also the outbox.

One table holds each order's state item (`sk` = "ORDER") and one item per domain event
(`sk` = "EVENT#<type>"). Every change writes both in one transaction; the table's stream then
feeds the outbox publisher, which puts the event on the bus. A function that dies after writing
therefore cannot lose the event, and the event items double as the order's timeline. Each event
type happens at most once per order, so the event item's key also makes recording idempotent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from orders.events import EventDetail, EventType, detail_json
from orders.model import LineItem, Order, Status, Transition, TransitionNotAllowedError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

ORDER_SK = "ORDER"
EVENT_PREFIX = "EVENT#"
_ATTEMPTS = 5

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class OrderExistsError(Exception):
    """An order with this id is already stored (a repeated Idempotency-Key)."""


class OrderNotFoundError(Exception):
    def __init__(self, order_id: str) -> None:
        super().__init__(f"order {order_id} not found")
        self.order_id = order_id


@dataclass(frozen=True)
class RecordedEvent:
    seq: int
    event_type: EventType
    detail: dict[str, Any]


def _marshal(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _serializer.serialize(value) for key, value in item.items()}


def _unmarshal(item: dict[str, Any]) -> dict[str, Any]:
    return {key: _deserializer.deserialize(value) for key, value in item.items()}


def _order_item(order: Order) -> dict[str, Any]:
    return {
        "pk": order.order_id,
        "sk": ORDER_SK,
        "status": order.status.value,
        "restaurant_id": order.restaurant_id,
        "customer_email": order.customer_email,
        "items": [
            {"name": i.name, "quantity": i.quantity, "unit_price": i.unit_price}
            for i in order.items
        ],
        "total": order.total,
        "delivery_note": order.delivery_note,
        "correlation_id": order.correlation_id,
        "placed_at": order.placed_at,
        "updated_at": order.updated_at,
        "version": order.version,
        "reason": order.reason,
    }


def order_from_item(item: dict[str, Any]) -> Order:
    return Order(
        order_id=item["pk"],
        status=Status(item["status"]),
        restaurant_id=item["restaurant_id"],
        customer_email=item["customer_email"],
        items=tuple(
            LineItem(i["name"], int(i["quantity"]), Decimal(i["unit_price"])) for i in item["items"]
        ),
        delivery_note=item.get("delivery_note", ""),
        correlation_id=item["correlation_id"],
        placed_at=item["placed_at"],
        updated_at=item["updated_at"],
        version=int(item["version"]),
        reason=item.get("reason", ""),
    )


def event_item(
    order_id: str, seq: int, event_type: EventType, detail: EventDetail
) -> dict[str, Any]:
    return {
        "pk": order_id,
        "sk": EVENT_PREFIX + event_type.value,
        "seq": seq,
        "detail_type": event_type.value,
        "detail": detail_json(detail),
    }


def _cancelled_by_condition(error: ClientError) -> bool:
    if error.response["Error"]["Code"] != "TransactionCanceledException":
        return False
    reasons: list[dict[str, Any]] = error.response.get("CancellationReasons", [])  # type: ignore[assignment]
    return any(r.get("Code") == "ConditionalCheckFailed" for r in reasons)


class OrderStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def place(self, order: Order, detail: EventDetail) -> None:
        """Store a new order and its `order_placed` event atomically."""
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": _marshal(_order_item(order)),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": _marshal(
                                event_item(
                                    order.order_id, order.version, EventType.ORDER_PLACED, detail
                                )
                            ),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            )
        except ClientError as error:
            if _cancelled_by_condition(error):
                raise OrderExistsError(order.order_id) from None
            raise

    def find(self, order_id: str) -> Order | None:
        response = self._client.get_item(
            TableName=self._table,
            Key=_marshal({"pk": order_id, "sk": ORDER_SK}),
            ConsistentRead=True,
        )
        item = response.get("Item")
        return order_from_item(_unmarshal(item)) if item else None

    def get(self, order_id: str) -> Order:
        order = self.find(order_id)
        if order is None:
            raise OrderNotFoundError(order_id)
        return order

    def apply(self, order: Order, step: Transition, detail: EventDetail, now: str) -> Order:
        """Move `order` along `step` and store the step's event, unless someone moved it first.

        Raises TransitionNotAllowedError naming the status found if the order is no longer in
        `step.source` (for example accepted after it timed out).
        """
        for _ in range(_ATTEMPTS):
            if order.status is not step.source:
                raise TransitionNotAllowedError(order.order_id, step.action, order.status)
            updated = replace(
                order,
                status=step.target,
                updated_at=now,
                version=order.version + 1,
                reason=getattr(detail, "reason", order.reason),
            )
            if self._write(order, updated, step.event, detail):
                return updated
            order = self.get(order.order_id)
        raise RuntimeError(f"order {order.order_id} kept changing; gave up after {_ATTEMPTS} tries")

    def record(self, order: Order, event_type: EventType, detail: EventDetail, now: str) -> bool:
        """Store an event that does not change the status; False if it was already recorded."""
        for _ in range(_ATTEMPTS):
            if self.has_event(order.order_id, event_type):
                return False
            updated = replace(order, updated_at=now, version=order.version + 1)
            if self._write(order, updated, event_type, detail):
                return True
            order = self.get(order.order_id)
        raise RuntimeError(f"order {order.order_id} kept changing; gave up after {_ATTEMPTS} tries")

    def _write(
        self, before: Order, after: Order, event_type: EventType, detail: EventDetail
    ) -> bool:
        """Write `after` and its event if the item is still at `before.version`; False on a race."""
        try:
            self._client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": _marshal(_order_item(after)),
                            "ConditionExpression": "version = :seen",
                            "ExpressionAttributeValues": {":seen": {"N": str(before.version)}},
                        }
                    },
                    {
                        "Put": {
                            "TableName": self._table,
                            "Item": _marshal(
                                event_item(after.order_id, after.version, event_type, detail)
                            ),
                            "ConditionExpression": "attribute_not_exists(pk)",
                        }
                    },
                ]
            )
        except ClientError as error:
            if _cancelled_by_condition(error):
                return False
            raise
        return True

    def has_event(self, order_id: str, event_type: EventType) -> bool:
        response = self._client.get_item(
            TableName=self._table,
            Key=_marshal({"pk": order_id, "sk": EVENT_PREFIX + event_type.value}),
            ConsistentRead=True,
            ProjectionExpression="pk",
        )
        return "Item" in response

    def events(self, order_id: str) -> list[RecordedEvent]:
        """The order's timeline: every event stored for it, in the order they happened."""
        response = self._client.query(
            TableName=self._table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=_marshal({":pk": order_id, ":prefix": EVENT_PREFIX}),
            ConsistentRead=True,
        )
        events = [_unmarshal(item) for item in response.get("Items", [])]
        return sorted(
            (
                RecordedEvent(int(e["seq"]), EventType(e["detail_type"]), json.loads(e["detail"]))
                for e in events
            ),
            key=lambda e: e.seq,
        )
