import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import ValidationError

from orders.consumer import Delivered, read_event
from orders.events import EventType, OrderAccepted, RestaurantNotified, build_detail

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"


def delivered(**changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "version": "0",
        "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
        "source": "orderflow.orders",
        "account": "123456789012",
        "time": "2026-01-02T03:04:05Z",
        "region": "us-east-1",
        "resources": [],
        "detail-type": "order_accepted",
        "detail": {
            "version": "2",
            "order_id": "o-1",
            "occurred_at": "2026-01-02T03:04:05Z",
            "correlation_id": "req-1",
            "restaurant_id": "pizza-1",
        },
    }
    return {**event, **changes}


def test_an_event_is_read_as_its_type_and_its_contract_checked_detail() -> None:
    event_type, detail = read_event(delivered())
    assert event_type is EventType.ORDER_ACCEPTED
    assert isinstance(detail, OrderAccepted)
    assert detail.order_id == "o-1"


@pytest.mark.parametrize("missing", ["version", "id", "source", "account", "time", "region",
                                     "resources", "detail-type", "detail"])  # fmt: skip
def test_an_envelope_without_one_of_eventbridges_fields_is_refused(missing: str) -> None:
    event = delivered()
    del event[missing]
    with pytest.raises(ValidationError, match=missing):
        read_event(event)


def test_a_detail_outside_the_contract_is_refused() -> None:
    with pytest.raises(ValidationError, match="customer_email"):
        read_event(delivered(detail={**delivered()["detail"], "customer_email": "a@b.example"}))


def test_an_unknown_event_type_is_refused() -> None:
    with pytest.raises(ValueError, match="order_lost"):
        read_event(delivered(**{"detail-type": "order_lost"}))


def test_the_envelope_has_the_fields_types_and_aliases_of_powertools_eventbridge_model() -> None:
    ours = {
        name: (field.annotation, field.alias, field.is_required())
        for name, field in Delivered.model_fields.items()
    }
    theirs = {
        name: (field.annotation, field.alias, field.is_required())
        for name, field in EventBridgeModel.model_fields.items()
    }
    # Powertools' detail also takes a model instance, which a delivered (JSON) event never holds.
    assert theirs.pop("detail")[1:] == ours.pop("detail")[1:]
    assert ours == theirs


def test_reading_events_imports_none_of_powertools_parser_models() -> None:
    """Importing Powertools' EventBridgeModel builds its parser's every model at a cold start."""
    imported = subprocess.run(
        [sys.executable, "-c", "import sys, orders.consumer; print(sorted(sys.modules))"],
        capture_output=True, text=True, check=True, cwd=FUNCTIONS,
    ).stdout  # fmt: skip
    assert "'orders.consumer'" in imported
    assert "aws_lambda_powertools.utilities.parser" not in imported


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
