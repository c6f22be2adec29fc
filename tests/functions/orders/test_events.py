import json
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

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
    timestamp,
)

FUNCTIONS = Path(__file__).resolve().parents[3] / "functions"
COMMON = {"order_id": "o-1", "correlation_id": "req-1", "restaurant_id": "pizza-1"}


def test_every_event_type_has_a_detail_model() -> None:
    assert set(DETAIL_MODELS) == set(EventType)


def test_a_detail_carries_version_order_id_timestamp_and_correlation_id() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    detail = json.loads(
        detail_json(build_detail(EventType.ORDER_ACCEPTED, occurred_at=at, **COMMON))
    )
    assert detail == {
        "version": "2",
        "order_id": "o-1",
        "occurred_at": "2026-01-02T03:04:05.000000Z",
        "correlation_id": "req-1",
        "restaurant_id": "pizza-1",
    }


def test_a_detail_refuses_fields_outside_the_contract_such_as_an_email() -> None:
    with pytest.raises(ValidationError, match="customer_email"):
        build_detail(EventType.ORDER_ACCEPTED, customer_email="a@b.co", **COMMON)


def test_an_event_specific_field_is_required() -> None:
    with pytest.raises(ValidationError, match="reason"):
        build_detail(EventType.ORDER_REJECTED, **COMMON)


def test_version_2_refuses_a_correlation_id_that_is_not_an_identifier() -> None:
    for refused in ("ana@example.com", "two words", "x" * 129, ""):
        with pytest.raises(ValidationError, match="correlation_id"):
            build_detail(EventType.ORDER_ACCEPTED, **{**COMMON, "correlation_id": refused})


def test_version_2_carries_only_reason_codes() -> None:
    assert build_detail(EventType.ORDER_REJECTED, reason="closed", **COMMON).reason == "closed"  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="reason"):
        build_detail(EventType.ORDER_REJECTED, reason="call ana@example.com", **COMMON)


def test_a_version_1_event_from_the_archive_still_reads_without_the_new_bounds() -> None:
    old = {**COMMON, "version": "1", "occurred_at": "2026-01-02T03:04:05Z"}
    detail = parse_detail("order_rejected", {**old, "correlation_id": "a b", "reason": "late"})
    assert (detail.version, detail.reason) == ("1", "late")  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="reason"):
        parse_detail("order_rejected", {**old, "reason": ""})


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


@pytest.mark.parametrize("field", ["order_id", "restaurant_id", "correlation_id"])
def test_an_id_of_one_character_is_enough_and_an_empty_one_is_refused(field: str) -> None:
    assert getattr(build_detail(EventType.ORDER_ACCEPTED, **{**COMMON, field: "x"}), field) == "x"
    with pytest.raises(ValidationError, match=field):
        build_detail(EventType.ORDER_ACCEPTED, **{**COMMON, field: ""})


def test_a_v1_reason_of_one_character_reads() -> None:
    old = {**COMMON, "version": "1", "occurred_at": "2026-01-02T03:04:05Z", "reason": "x"}
    assert parse_detail("order_rejected", old).reason == "x"  # type: ignore[attr-defined]


def test_a_detail_cannot_be_changed_once_built() -> None:
    detail = build_detail(EventType.ORDER_ACCEPTED, **COMMON)
    with pytest.raises(ValidationError):
        detail.order_id = "o-2"  # type: ignore[misc]


def test_the_items_of_a_placed_detail_cannot_be_changed_once_built() -> None:
    detail = build_detail(EventType.ORDER_PLACED, items=[{"name": "x", "quantity": 1,
                          "unit_price": "1.00"}], total="1.00", **COMMON)  # fmt: skip
    with pytest.raises(ValidationError, match="frozen"):
        detail.items[0].name = "y"  # type: ignore[attr-defined]


def test_a_version_1_event_still_needs_a_correlation_id() -> None:
    old = {**COMMON, "version": "1", "occurred_at": "2026-01-02T03:04:05Z"}
    with pytest.raises(ValidationError, match="correlation_id"):
        parse_detail("order_accepted", {**old, "correlation_id": ""})


def test_importing_the_contract_builds_no_validator_until_one_is_used() -> None:
    """Each model's validator is built on first use, so a cold start pays for none of them."""
    script = (
        "from orders.events import DETAIL_MODELS, EventType, ItemDetail, build_detail\n"
        "models = (*DETAIL_MODELS.values(), ItemDetail)\n"
        "print(sum(m.__pydantic_complete__ for m in models))\n"
        "build_detail(EventType.ORDER_ACCEPTED, order_id='o-1', correlation_id='r-1',"
        " restaurant_id='p-1')\n"
        "print(sum(m.__pydantic_complete__ for m in models))\n"
    )
    built = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=FUNCTIONS
    ).stdout.split()
    assert built == ["0", "1"]


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        (datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC), "2026-01-02T03:04:05.000000Z"),
        (datetime(2026, 1, 2, 3, 4, 5, 120, tzinfo=UTC), "2026-01-02T03:04:05.000120Z"),
        (
            datetime(2026, 1, 2, 4, 4, 5, tzinfo=timezone(timedelta(hours=1))),
            "2026-01-02T03:04:05.000000Z",
        ),
        (datetime(2026, 1, 2, 3, 4, 5), "2026-01-02T03:04:05.000000Z"),  # naive: taken as UTC
    ],
    ids=["utc", "microseconds", "another-zone", "naive"],
)
def test_every_time_is_written_in_utc_to_the_microsecond_with_z(
    moment: datetime, written: str
) -> None:
    assert timestamp(moment) == written


def test_an_events_occurred_at_is_written_as_every_other_time() -> None:
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    detail = build_detail(EventType.ORDER_ACCEPTED, occurred_at=at, **COMMON)
    assert json.loads(detail_json(detail))["occurred_at"] == "2026-01-02T03:04:05.000000Z"


def test_an_overdue_event_needs_a_deadline_of_at_least_one_second() -> None:
    assert build_detail(EventType.ORDER_OVERDUE, deadline_seconds=1, **COMMON).deadline_seconds == 1  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="deadline_seconds"):
        build_detail(EventType.ORDER_OVERDUE, deadline_seconds=0, **COMMON)
