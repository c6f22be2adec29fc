"""Reading domain events delivered by an EventBridge rule, checked against the contract."""

from __future__ import annotations

from typing import Any, cast

from aws_lambda_powertools.utilities.parser import parse
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel

from orders.events import EventDetail, EventType, parse_detail


def read_event(event: dict[str, Any]) -> tuple[EventType, EventDetail]:
    """The event's type and its contract-checked detail (pydantic ValidationError if malformed)."""
    envelope = parse(event=event, model=EventBridgeModel)
    detail = cast(dict[str, Any], envelope.detail)
    return EventType(envelope.detail_type), parse_detail(envelope.detail_type, detail)
