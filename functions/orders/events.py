"""The event contract: the one place that defines what each domain event carries.

Every event goes on the orders bus with `source` = SOURCE and `detail-type` = the event name.
Its `detail` always holds `version` (the contract's version, a string), `order_id`,
`occurred_at` (ISO 8601, UTC) and `correlation_id` (the id of the request that placed the order,
carried by every later event), plus the fields its model below adds. Events never carry the
customer's email or any other personal data: consumers that need it read the orders table.

No event carries free text a caller controls. Version 2 of the contract bounds the two fields a
caller influences: `correlation_id` matches CORRELATION_ID_PATTERN (a caller's
`X-Correlation-Id` that does not is refused by the API, so an address put there never reaches
the bus, its archive or the data lake), and `order_rejected.reason` is a RejectReason code.
Consumers still read version 1 (an archive replay delivers it), without those bounds.
Both styles publish exactly these details; the docs' table mirrors them:
https://orderflow-kit.github.io/orderflow-kit/choreography/#the-event-contract-functionsorderseventspy
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_validator

from orders import clock

SOURCE = "orderflow.orders"
CONTRACT_VERSION: Final = "2"
#: Letters, digits and `._:-`, at most 128: a request id or a UUID fits, an address does not.
CORRELATION_ID_PATTERN = r"^[A-Za-z0-9._:-]{1,128}$"
_CORRELATION_ID = re.compile(CORRELATION_ID_PATTERN)


class RejectReason(StrEnum):
    """Why a restaurant declines an order (contract version 2 carries only these codes)."""

    CLOSED = "closed"
    TOO_BUSY = "too_busy"
    ITEM_UNAVAILABLE = "item_unavailable"
    OUTSIDE_DELIVERY_AREA = "outside_delivery_area"
    OTHER = "other"


class EventType(StrEnum):
    ORDER_PLACED = "order_placed"
    RESTAURANT_NOTIFIED = "restaurant_notified"
    ORDER_ACCEPTED = "order_accepted"
    ORDER_REJECTED = "order_rejected"
    ORDER_TIMED_OUT = "order_timed_out"
    ORDER_CANCELLED = "order_cancelled"
    USER_NOTIFIED = "user_notified"
    ORDER_OVERDUE = "order_overdue"
    ORDER_COMPLETED = "order_completed"


class EventDetail(BaseModel):
    """Fields every event's `detail` carries.

    Every model's validator is built on its first use (`defer_build`), not at import: a handler
    pays only for the events it reads or writes, and its cold start for none of them.
    """

    event_type: ClassVar[EventType]
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    version: Literal["1", "2"] = CONTRACT_VERSION
    order_id: str = Field(min_length=1)
    occurred_at: datetime
    correlation_id: str = Field(min_length=1)
    restaurant_id: str = Field(min_length=1)

    @field_serializer("occurred_at")
    def _written_as_every_time_is(self, moment: datetime) -> str:
        return timestamp(moment)

    @model_validator(mode="after")
    def _bounded_in_version_2(self) -> EventDetail:
        if self.version != "1" and not _CORRELATION_ID.match(self.correlation_id):
            raise ValueError(f"correlation_id: does not match {CORRELATION_ID_PATTERN}")
        return self


class ItemDetail(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

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
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _reason_is_a_code_in_version_2(self) -> OrderRejected:
        if self.version != "1" and self.reason not in set(RejectReason):
            codes = ", ".join(RejectReason)
            raise ValueError(f"reason: {self.reason!r} is not a reason code ({codes})")
        return self


class OrderTimedOut(EventDetail):
    event_type = EventType.ORDER_TIMED_OUT
    timeout_seconds: int


class OrderCancelled(EventDetail):
    event_type = EventType.ORDER_CANCELLED


class UserNotified(EventDetail):
    event_type = EventType.USER_NOTIFIED
    outcome: Literal["accepted", "rejected", "timed_out"]


class OrderOverdue(EventDetail):
    """An accepted order not completed by its deadline (new in version 2: never published as 1)."""

    event_type = EventType.ORDER_OVERDUE
    version: Literal["2"] = CONTRACT_VERSION
    deadline_seconds: int = Field(gt=0, description="the deadline, in seconds from placement")


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
        OrderOverdue,
        OrderCompleted,
    )
}


def utcnow() -> datetime:
    """The time now (the system's in AWS, the local runner's clock under the runner)."""
    return clock.now()


def timestamp(moment: datetime) -> str:
    """The one way the kit writes a time: ISO 8601 in UTC, to the microsecond, with `Z`
    (`2026-12-02T16:30:00.123456Z`), in events, API answers and tables alike, so a caller never
    meets `+00:00` beside `Z` and times of one source sort as text."""
    utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return utc.isoformat(timespec="microseconds").removesuffix("+00:00") + "Z"


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
