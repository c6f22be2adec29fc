from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from orders.consumer import read_event
from orders.events import EventType, RestaurantNotified, build_detail

AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def _delivered(detail_type: str, detail: dict[str, Any]) -> dict[str, Any]:
    """An event as an EventBridge rule hands it to a function."""
    return {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "detail-type": detail_type,
        "source": "orderflow.orders",
        "account": "123456789012",
        "time": "2026-11-24T12:00:00Z",
        "region": "us-east-1",
        "resources": [],
        "detail": detail,
    }


def test_a_delivered_event_reads_as_its_type_and_its_contract_checked_detail() -> None:
    detail = build_detail(
        EventType.RESTAURANT_NOTIFIED,
        occurred_at=AT,
        order_id="o-1",
        correlation_id="c-1",
        restaurant_id="pizza-1",
    )
    event_type, read = read_event(_delivered("restaurant_notified", detail.model_dump(mode="json")))
    assert event_type is EventType.RESTAURANT_NOTIFIED
    assert isinstance(read, RestaurantNotified)
    assert read == detail


def test_a_delivered_detail_outside_the_contract_is_refused() -> None:
    with pytest.raises(ValidationError, match="customer_email"):
        read_event(
            _delivered(
                "restaurant_notified",
                {
                    "version": "1",
                    "order_id": "o-1",
                    "correlation_id": "c-1",
                    "restaurant_id": "pizza-1",
                    "occurred_at": "2026-11-24T12:00:00Z",
                    "customer_email": "ana@example.com",
                },
            )
        )


def test_an_event_type_outside_the_contract_is_refused() -> None:
    with pytest.raises(ValueError, match="order_lost"):
        read_event(_delivered("order_lost", {"order_id": "o-1"}))
