import json
import re
from datetime import UTC, datetime

import pytest
from documented import documented_section
from pydantic import ValidationError

from orders.events import (
    DETAIL_MODELS,
    EventDetail,
    EventType,
    build_detail,
    detail_json,
    parse_detail,
)

COMMON = {"order_id": "o-1", "correlation_id": "req-1", "restaurant_id": "pizza-1"}


def test_every_event_type_has_a_detail_model() -> None:
    assert set(DETAIL_MODELS) == set(EventType)


def test_a_detail_carries_version_order_id_timestamp_and_correlation_id() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    detail = json.loads(
        detail_json(build_detail(EventType.ORDER_ACCEPTED, occurred_at=at, **COMMON))
    )
    assert detail == {
        "version": "1",
        "order_id": "o-1",
        "occurred_at": "2026-01-02T03:04:05Z",
        "correlation_id": "req-1",
        "restaurant_id": "pizza-1",
    }


def test_a_detail_refuses_fields_outside_the_contract_such_as_an_email() -> None:
    with pytest.raises(ValidationError, match="customer_email"):
        build_detail(EventType.ORDER_ACCEPTED, customer_email="a@b.co", **COMMON)


def test_an_event_specific_field_is_required() -> None:
    with pytest.raises(ValidationError, match="reason"):
        build_detail(EventType.ORDER_REJECTED, **COMMON)


def test_a_published_detail_reads_back_as_the_same_contract() -> None:
    sent = build_detail(EventType.USER_NOTIFIED, outcome="timed_out", **COMMON)
    received = parse_detail("user_notified", json.loads(detail_json(sent)))
    assert received == sent


def test_an_unknown_event_type_is_refused() -> None:
    with pytest.raises(ValueError, match="order_shipped"):
        parse_detail("order_shipped", {})


def test_the_docs_document_every_event_with_exactly_its_extra_fields() -> None:
    section = documented_section("The event contract")
    rows = {
        row.group(1): row.group(2)
        for row in re.finditer(r"^\| `(\w+)` \| (.+?) \|$", section, flags=re.MULTILINE)
    }
    common = set(EventDetail.model_fields)
    assert all(f"`{name}`" in section for name in common)
    for event_type, model in DETAIL_MODELS.items():
        # The cell names each extra field, with any nested fields in parentheses after it.
        cell = re.sub(r"\([^)]*\)", "", rows[event_type.value])
        named = set(re.findall(r"`(\w+)`", cell))
        assert named == set(model.model_fields) - common, event_type
