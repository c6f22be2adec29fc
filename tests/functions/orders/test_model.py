import dataclasses
from decimal import Decimal

import pytest
from order_tables import ORDER

from orders.events import EventType
from orders.model import (
    TRANSITIONS,
    Action,
    LineItem,
    Status,
    TransitionNotAllowedError,
    new_order_id,
    order_total,
    transition,
)


@pytest.mark.parametrize(
    ("action", "target", "event"),
    [
        (Action.ACCEPT, Status.ACCEPTED, EventType.ORDER_ACCEPTED),
        (Action.REJECT, Status.REJECTED, EventType.ORDER_REJECTED),
        (Action.CANCEL, Status.CANCELLED, EventType.ORDER_CANCELLED),
        (Action.TIME_OUT, Status.TIMED_OUT, EventType.ORDER_TIMED_OUT),
    ],
)
def test_a_placed_order_can_be_answered_cancelled_or_timed_out(
    action: Action, target: Status, event: EventType
) -> None:
    step = transition("o-1", Status.PLACED, action)
    assert (step.target, step.event) == (target, event)


def test_only_an_accepted_or_overdue_order_can_be_completed() -> None:
    assert transition("o-1", Status.ACCEPTED, Action.COMPLETE).target is Status.COMPLETED
    with pytest.raises(TransitionNotAllowedError) as refused:
        transition("o-1", Status.PLACED, Action.COMPLETE)
    assert refused.value.current is Status.PLACED


@pytest.mark.parametrize(
    ("current", "action"),
    [
        (Status.TIMED_OUT, Action.ACCEPT),
        (Status.ACCEPTED, Action.CANCEL),
        (Status.CANCELLED, Action.REJECT),
        (Status.COMPLETED, Action.TIME_OUT),
        (Status.REJECTED, Action.COMPLETE),
    ],
)
def test_a_refused_transition_names_the_current_status_and_what_is_allowed(
    current: Status, action: Action
) -> None:
    with pytest.raises(TransitionNotAllowedError) as refused:
        transition("o-7", current, action)
    message = str(refused.value)
    assert "o-7" in message
    assert f"'{current.value}'" in message
    assert all(f"'{source.value}'" in message for source in TRANSITIONS[action].sources)


def test_an_overdue_order_can_still_be_completed_or_cancelled_but_not_go_overdue_twice() -> None:
    assert transition("o-1", Status.ACCEPTED, Action.GO_OVERDUE).target is Status.OVERDUE
    assert transition("o-1", Status.OVERDUE, Action.COMPLETE).target is Status.COMPLETED
    assert transition("o-1", Status.OVERDUE, Action.CANCEL).target is Status.CANCELLED
    for current in (Status.OVERDUE, Status.COMPLETED, Status.CANCELLED, Status.PLACED):
        with pytest.raises(TransitionNotAllowedError, match="'accepted'"):
            transition("o-1", current, Action.GO_OVERDUE)


def test_every_action_has_exactly_one_transition() -> None:
    assert set(TRANSITIONS) == set(Action)
    assert all(TRANSITIONS[a].action is a for a in Action)


def test_the_total_is_the_sum_of_line_amounts_rounded_to_cents() -> None:
    items = [LineItem("pizza", 2, Decimal("9.50")), LineItem("water", 3, Decimal("1.333"))]
    assert order_total(items) == Decimal("23.00")
    assert order_total([]) == Decimal("0.00")


def test_an_idempotency_key_names_the_same_order_for_the_same_caller_only() -> None:
    first = new_order_id("alice", "key-1")
    assert new_order_id("alice", "key-1") == first
    assert new_order_id("bob", "key-1") != first
    assert new_order_id("alice", "key-2") != first


def test_without_an_idempotency_key_every_order_id_is_new() -> None:
    assert new_order_id("alice", None) != new_order_id("alice", None)


def test_a_line_item_cannot_be_changed_once_made() -> None:
    item = LineItem("margherita", 1, Decimal("9.50"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.quantity = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("value", "field"),
    [(TRANSITIONS[Action.ACCEPT], "target"), (LineItem("x", 1, Decimal(1)), "quantity"),
     (ORDER, "status")],
    ids=["transition", "line-item", "order"],
)  # fmt: skip
def test_model_values_cannot_be_changed_once_made(value: object, field: str) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, field, None)


def test_a_line_item_amount_and_an_order_total_are_values() -> None:
    assert LineItem("x", 3, Decimal("1.25")).amount == Decimal("3.75")
    assert ORDER.total == Decimal("9.50")
    assert LineItem("x", 1, Decimal(1)) == LineItem("x", 1, Decimal(1))
