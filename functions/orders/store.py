"""The orders table, which is also the outbox.

Each order is one item; its `events` map holds every domain event the order has had, keyed by
event type (each type happens at most once per order). Every change is one conditional write
that moves the status *and* adds the event, so state and event cannot disagree. The table's
stream (new and old images) feeds the outbox publisher, which puts the events that appeared on
the bus: a function that dies after its write cannot lose the event. Its keys make recording an
event idempotent. (The order's timeline is a projection of the bus: `orders.timeline`.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import ClientError

from orders.events import EventDetail, EventType, detail_json, timestamp
from orders.model import LineItem, Order, Status, Transition, TransitionNotAllowedError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

KEY = "order_id"
#: The claims on the customer's emails: the outcome's, and the deadline's (`overdue_notice`).
CUSTOMER_NOTICE = "customer_notice"
OVERDUE_NOTICE = "overdue_notice"
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
        KEY: order.order_id,
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
        "customer_id": order.customer_id,
        "request_digest": order.request_digest,
    }


def order_from_item(item: dict[str, Any]) -> Order:
    return Order(
        order_id=item[KEY],
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
        customer_id=item.get("customer_id", ""),
        request_digest=item.get("request_digest", ""),
    )


def _event_entry(seq: int, detail: EventDetail) -> dict[str, Any]:
    return {"seq": seq, "detail": detail_json(detail)}


def recorded_events(image: dict[str, Any]) -> list[RecordedEvent]:
    """The events in an (unmarshalled) order item, in the order they happened."""
    return sorted(
        (
            RecordedEvent(int(entry["seq"]), EventType(name), json.loads(entry["detail"]))
            for name, entry in (image.get("events") or {}).items()
        ),
        key=lambda e: e.seq,
    )


def new_events(old_image: dict[str, Any] | None, new_image: dict[str, Any]) -> list[RecordedEvent]:
    """The events a write added: in the new image of the item, not in the old one."""
    before = set((old_image or {}).get("events") or {})
    return [e for e in recorded_events(new_image) if e.event_type.value not in before]


def placed_item(order: Order, detail: EventDetail) -> dict[str, Any]:
    """The DynamoDB item of a newly placed order with its `order_placed` event (wire format)."""
    item = _order_item(order)
    item["events"] = {EventType.ORDER_PLACED.value: _event_entry(order.version, detail)}
    return _marshal(item)


def _condition_failed(error: ClientError) -> bool:
    return error.response["Error"]["Code"] == "ConditionalCheckFailedException"


class OrderStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def place(self, order: Order, detail: EventDetail) -> None:
        """Store a new order with its `order_placed` event (OrderExistsError if the id is taken)."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item=placed_item(order, detail),
                ConditionExpression="attribute_not_exists(order_id)",
            )
        except ClientError as error:
            if _condition_failed(error):
                raise OrderExistsError(order.order_id) from None
            raise

    def find(self, order_id: str) -> Order | None:
        item = self._read(order_id)
        return order_from_item(item) if item else None

    def get(self, order_id: str) -> Order:
        order = self.find(order_id)
        if order is None:
            raise OrderNotFoundError(order_id)
        return order

    def _read(self, order_id: str) -> dict[str, Any] | None:
        response = self._client.get_item(
            TableName=self._table, Key={KEY: {"S": order_id}}, ConsistentRead=True
        )
        item = response.get("Item")
        return _unmarshal(item) if item else None

    def apply(self, order: Order, step: Transition, detail: EventDetail) -> Order:
        """Move `order` along `step` and store the step's event, unless someone moved it first.

        Raises TransitionNotAllowedError naming the status found if the order is no longer in
        `step.sources` (for example accepted after it timed out).
        """
        now = timestamp(detail.occurred_at)
        for _ in range(_ATTEMPTS):
            if order.status not in step.sources:
                raise TransitionNotAllowedError(order.order_id, step.action, order.status)
            reason = getattr(detail, "reason", order.reason)
            updated = replace(
                order, status=step.target, updated_at=now, version=order.version + 1, reason=reason
            )
            changes = {"status": step.target.value, "reason": reason}
            if self._write(order, updated, step.event, detail, changes):
                return updated
            order = self.get(order.order_id)
        raise RuntimeError(f"order {order.order_id} kept changing; gave up after {_ATTEMPTS} tries")

    def record(self, order: Order, detail: EventDetail) -> bool:
        """Store an event that does not change the status; False if it was already recorded."""
        event_type, now = detail.event_type, timestamp(detail.occurred_at)
        for _ in range(_ATTEMPTS):
            if self.has_event(order.order_id, event_type):
                return False
            updated = replace(order, updated_at=now, version=order.version + 1)
            if self._write(order, updated, event_type, detail, {}):
                return True
            order = self.get(order.order_id)
        raise RuntimeError(f"order {order.order_id} kept changing; gave up after {_ATTEMPTS} tries")

    def _write(
        self,
        before: Order,
        after: Order,
        event_type: EventType,
        detail: EventDetail,
        changes: dict[str, Any],
    ) -> bool:
        """Write `after` and its event if the item is still at `before.version`; False if not."""
        values = {
            ":seen": before.version,
            ":version": after.version,
            ":updated": after.updated_at,
            ":event": _event_entry(after.version, detail),
            **{f":{name}": value for name, value in changes.items()},
        }
        sets = ["version = :version", "updated_at = :updated", "events.#type = :event"]
        sets += [f"#{name} = :{name}" for name in changes]
        try:
            self._client.update_item(
                TableName=self._table,
                Key={KEY: {"S": before.order_id}},
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression="version = :seen AND attribute_not_exists(events.#type)",
                ExpressionAttributeNames={
                    "#type": event_type.value,
                    **{f"#{name}": name for name in changes},
                },
                ExpressionAttributeValues=_marshal(values),
            )
        except ClientError as error:
            if _condition_failed(error):
                return False
            raise
        return True

    def claim_notice(
        self, order_id: str, attempt: str, now: str, notice: str = CUSTOMER_NOTICE
    ) -> bool:
        """Take the right to send the customer the email `notice` names (True), unless an
        attempt has it.

        The claim (`customer_notice`, or `overdue_notice` for the deadline's email: the attempt
        and when) is written before SES is called and never taken back once SES may have the
        email, so the customer gets each email at most once: `user_notified` (or the claim's
        `sent_at`, `mark_sent`) records the send, and a claim without it means an attempt died
        between the two (see `customer_notifier`).
        """
        try:
            self._client.update_item(
                TableName=self._table,
                Key={KEY: {"S": order_id}},
                UpdateExpression="SET #notice = :claim",
                ConditionExpression="attribute_exists(order_id) AND attribute_not_exists(#notice)",
                ExpressionAttributeNames={"#notice": notice},
                ExpressionAttributeValues={
                    ":claim": {"M": {"attempt": {"S": attempt}, "claimed_at": {"S": now}}}
                },
            )
        except ClientError as error:
            if _condition_failed(error):
                return False
            raise
        return True

    def notice_claim(self, order_id: str, notice: str = CUSTOMER_NOTICE) -> dict[str, str]:
        """Who claimed the order's email `notice` and when (empty if nobody has)."""
        response = self._client.get_item(
            TableName=self._table,
            Key={KEY: {"S": order_id}},
            ConsistentRead=True,
            ProjectionExpression="#notice",
            ExpressionAttributeNames={"#notice": notice},
        )
        claim = response.get("Item", {}).get(notice, {}).get("M", {})
        return {name: str(value.get("S", "")) for name, value in claim.items()}

    def release_notice(self, order_id: str, attempt: str, notice: str = CUSTOMER_NOTICE) -> None:
        """Give back `attempt`'s claim: SES certainly did not take the email, a retry may send."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key={KEY: {"S": order_id}},
                UpdateExpression="REMOVE #notice",
                ConditionExpression="#notice.attempt = :attempt",
                ExpressionAttributeNames={"#notice": notice},
                ExpressionAttributeValues={":attempt": {"S": attempt}},
            )
        except ClientError as error:
            if not _condition_failed(error):
                raise

    def mark_sent(self, order_id: str, attempt: str, now: str, notice: str) -> None:
        """Record on `attempt`'s claim that SES took the email (for a notice with no event)."""
        self._client.update_item(
            TableName=self._table,
            Key={KEY: {"S": order_id}},
            UpdateExpression="SET #notice.sent_at = :now",
            ConditionExpression="#notice.attempt = :attempt",
            ExpressionAttributeNames={"#notice": notice},
            ExpressionAttributeValues={":attempt": {"S": attempt}, ":now": {"S": now}},
        )

    def hold_token(self, order_id: str, attribute: str, token: str) -> bool:
        """Keep a Step Functions task token with the order while it is placed; False if not."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key={KEY: {"S": order_id}},
                UpdateExpression="SET #token = :token",
                ConditionExpression="#status = :placed",
                ExpressionAttributeNames={"#token": attribute, "#status": "status"},
                ExpressionAttributeValues={
                    ":token": {"S": token},
                    ":placed": {"S": Status.PLACED.value},
                },
            )
        except ClientError as error:
            if _condition_failed(error):
                return False
            raise
        return True

    def token(self, order_id: str, attribute: str) -> str | None:
        """The task token kept with the order under `attribute`, if there is one."""
        response = self._client.get_item(
            TableName=self._table,
            Key={KEY: {"S": order_id}},
            ConsistentRead=True,
            ProjectionExpression="#token",
            ExpressionAttributeNames={"#token": attribute},
        )
        value = response.get("Item", {}).get(attribute, {}).get("S")
        return str(value) if value else None

    def has_event(self, order_id: str, event_type: EventType) -> bool:
        response = self._client.get_item(
            TableName=self._table,
            Key={KEY: {"S": order_id}},
            ConsistentRead=True,
            ProjectionExpression="events.#type",
            ExpressionAttributeNames={"#type": event_type.value},
        )
        return bool(response.get("Item", {}).get("events"))
