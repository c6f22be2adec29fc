"""Reading domain events delivered by an EventBridge rule, checked against the contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from orders.events import EventDetail, EventType, parse_detail


class Delivered(BaseModel):
    """The envelope EventBridge delivers, with the fields and types of Powertools'
    `EventBridgeModel`. Declared here because importing that one imports every model of
    Powertools' parser (one per AWS event source) at each cold start; this one is built on first
    use (`defer_build`)."""

    model_config = ConfigDict(populate_by_name=True, defer_build=True)

    version: str
    id: str
    source: str
    account: str
    time: datetime
    region: str
    resources: list[str]
    detail_type: str = Field(alias="detail-type")
    detail: dict[str, Any]
    replay_name: str | None = Field(None, alias="replay-name")


def read_event(event: dict[str, Any]) -> tuple[EventType, EventDetail]:
    """The event's type and its contract-checked detail (pydantic ValidationError if malformed)."""
    envelope = Delivered.model_validate(event)
    return EventType(envelope.detail_type), parse_detail(envelope.detail_type, envelope.detail)
