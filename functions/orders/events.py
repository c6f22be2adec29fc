"""The event contract: the one place that defines what each domain event carries.

Every event goes on the orders bus with `source` = SOURCE and `detail-type` = the event name.
Its `detail` always holds `version` (the contract's version, a string), `order_id`,
`occurred_at` (ISO 8601, UTC) and `correlation_id` (the id of the request that placed the order,
carried by every later event), plus the fields its model below adds. Events never carry the
customer's email or any other personal data: consumers that need it read the orders table.
Both styles publish exactly these details; the docs' table mirrors them:
https://orderflow-kit.github.io/orderflow-kit/choreography/#the-event-contract-functionsorderseventspy
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

SOURCE = "orderflow.orders"
CONTRACT_VERSION = "1"


class EventType(StrEnum):
    ORDER_PLACED = "order_placed"
    RESTAURANT_NOTIFIED = "restaurant_notified"
    ORDER_ACCEPTED = "order_accepted"
    ORDER_REJECTED = "order_rejected"
    ORDER_TIMED_OUT = "order_timed_out"
    ORDER_CANCELLED = "order_cancelled"
    USER_NOTIFIED = "user_notified"
    ORDER_COMPLETED = "order_completed"


class EventDetail(BaseModel):
    """Fields every event's `detail` carries."""

    event_type: ClassVar[EventType]
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: Literal["1"] = "1"
    order_id: str = Field(min_length=1)
    occurred_at: datetime
    correlation_id: str = Field(min_length=1)
    restaurant_id: str = Field(min_length=1)


class ItemDetail(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    quantity: int
    unit_price: str = Field(description="decimal amount as a string, e.g. '12.50'")


class OrderPlaced(EventDetail):
    event_type = EventType.ORDER_PLACED
    items: list[ItemDetail]
    total: str = Field(description="decimal amount as a string")


class RestaurantNotified(EventDetail):
    event_type = EventType.RESTAURANT_NOTIFIED


class OrderAccepted(EventDetail):
    event_type = EventType.ORDER_ACCEPTED


class OrderRejected(EventDetail):
    event_type = EventType.ORDER_REJECTED
    reason: str


class OrderTimedOut(EventDetail):
    event_type = EventType.ORDER_TIMED_OUT
    timeout_seconds: int


class OrderCancelled(EventDetail):
    event_type = EventType.ORDER_CANCELLED


class UserNotified(EventDetail):
    event_type = EventType.USER_NOTIFIED
    outcome: Literal["accepted", "rejected", "timed_out"]


class OrderCompleted(EventDetail):
    event_type = EventType.ORDER_COMPLETED


DETAIL_MODELS: dict[EventType, type[EventDetail]] = {
    model.event_type: model
    for model in (
        OrderPlaced,
        RestaurantNotified,
        OrderAccepted,
        OrderRejected,
        OrderTimedOut,
        OrderCancelled,
        UserNotified,
        OrderCompleted,
    )
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def build_detail(event_type: EventType, **fields: Any) -> EventDetail:
    """Validate `fields` against the event's contract; `occurred_at` defaults to now."""
    fields.setdefault("occurred_at", utcnow())
    return DETAIL_MODELS[event_type].model_validate(fields)


def detail_json(detail: EventDetail) -> str:
    """The `detail` as it goes on the bus: JSON with the timestamp in ISO 8601 UTC."""
    return detail.model_dump_json()


def parse_detail(event_type: str, detail: dict[str, Any]) -> EventDetail:
    """Read an incoming event's detail against the contract (ValueError for an unknown type)."""
    return DETAIL_MODELS[EventType(event_type)].model_validate(detail)
