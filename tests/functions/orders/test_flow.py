"""The order flow a deployment chooses, and what the state-machine flow refuses."""

import boto3
import pytest
from order_tables import NOW, ORDER

from orders.events import EventType
from orders.flow import (
    ACCEPTANCE_TOKEN,
    FlowNotWaitingError,
    OutboxFlow,
    StateMachineFlow,
    flow_from_environment,
)
from orders.model import TRANSITIONS, Action, event_for
from orders.store import OrderStore


def _machine_flow(store: OrderStore) -> StateMachineFlow:
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    return StateMachineFlow(store, sfn, "arn:aws:states:us-east-1:123456789012:stateMachine:x", 2)


def test_the_outbox_flow_is_the_default(store: OrderStore) -> None:
    assert isinstance(flow_from_environment(store, {}), OutboxFlow)


def test_the_state_machine_flow_reads_its_machine_and_timeout(
    store: OrderStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    environ = {
        "ORDER_FLOW": "state_machine",
        "STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:x",
        "ACCEPTANCE_TIMEOUT_SECONDS": "600",
    }
    assert isinstance(flow_from_environment(store, environ), StateMachineFlow)


def test_an_unknown_flow_is_refused_naming_the_value_and_the_accepted_ones(
    store: OrderStore,
) -> None:
    with pytest.raises(ValueError, match=r"ORDER_FLOW: 'saga' is not accepted; use 'outbox' or"):
        flow_from_environment(store, {"ORDER_FLOW": "saga"})


def test_an_answer_before_the_token_is_kept_is_refused_not_lost(store: OrderStore) -> None:
    store.place(ORDER, event_for(ORDER, EventType.ORDER_PLACED, NOW, items=[], total="9.50"))
    step = TRANSITIONS[Action.ACCEPT]
    with pytest.raises(FlowNotWaitingError, match="has not been notified yet"):
        _machine_flow(store).act(ORDER, step, event_for(ORDER, step.event, NOW))


def test_a_token_is_kept_only_while_the_order_is_placed(store: OrderStore) -> None:
    store.place(ORDER, event_for(ORDER, EventType.ORDER_PLACED, NOW, items=[], total="9.50"))
    assert store.hold_token("o-1", ACCEPTANCE_TOKEN, "t-1")
    assert store.token("o-1", ACCEPTANCE_TOKEN) == "t-1"
    step = TRANSITIONS[Action.CANCEL]
    store.apply(ORDER, step, event_for(ORDER, step.event, NOW))
    assert not store.hold_token("o-1", ACCEPTANCE_TOKEN, "t-2")
    assert store.token("o-1", ACCEPTANCE_TOKEN) == "t-1"
    assert store.token("o-2", ACCEPTANCE_TOKEN) is None
