import json

from orders.events import EventType
from orders.store import new_events, recorded_events


def _entry(seq: int, event: str) -> dict[str, object]:
    return {"seq": seq, "detail": json.dumps({"order_id": "o-1", "event": event})}


PLACED = {"order_id": "o-1", "events": {"order_placed": _entry(1, "placed")}}
NOTIFIED_AND_ACCEPTED = {
    "order_id": "o-1",
    "events": {
        "order_accepted": _entry(3, "accepted"),
        "order_placed": _entry(1, "placed"),
        "restaurant_notified": _entry(2, "notified"),
    },
}


def test_recorded_events_come_back_in_the_order_they_happened() -> None:
    assert [e.event_type for e in recorded_events(NOTIFIED_AND_ACCEPTED)] == [
        EventType.ORDER_PLACED,
        EventType.RESTAURANT_NOTIFIED,
        EventType.ORDER_ACCEPTED,
    ]


def test_an_inserted_order_adds_its_placed_event() -> None:
    [event] = new_events(None, PLACED)
    assert (event.seq, event.event_type, event.detail["event"]) == (
        1,
        EventType.ORDER_PLACED,
        "placed",
    )


def test_a_modification_adds_only_the_events_the_old_image_lacked() -> None:
    added = new_events(PLACED, NOTIFIED_AND_ACCEPTED)
    assert [e.event_type for e in added] == [
        EventType.RESTAURANT_NOTIFIED,
        EventType.ORDER_ACCEPTED,
    ]


def test_a_write_that_adds_no_event_publishes_nothing() -> None:
    assert new_events(NOTIFIED_AND_ACCEPTED, NOTIFIED_AND_ACCEPTED) == []
