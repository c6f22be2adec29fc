"""The order flow a deployment chooses, and what the state-machine flow refuses."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from mypy_boto3_stepfunctions import SFNClient
from order_tables import NOW, ORDER

from orders.events import EventType
from orders.flow import (
    ACCEPTANCE_TOKEN,
    COMPLETION_TOKEN,
    FlowNotWaitingError,
    OutboxFlow,
    StateMachineFlow,
    flow_from_environment,
)
from orders.model import TRANSITIONS, Action, Status, event_for
from orders.store import OrderExistsError, OrderStore


def _machine_flow(store: OrderStore, sfn: SFNClient | None = None) -> StateMachineFlow:
    sfn = sfn or boto3.client("stepfunctions", region_name="us-east-1")
    return StateMachineFlow(
        store, sfn, "arn:aws:states:us-east-1:123456789012:stateMachine:x", 2, 7200
    )


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
        "ORDER_DEADLINE_SECONDS": "7200",
    }
    assert isinstance(flow_from_environment(store, environ), StateMachineFlow)


@pytest.mark.parametrize(
    ("elapsed", "left"), [(0, 7200), (0.5, 7200), (7199.2, 1), (7200, 1), (9000, 1)]
)
def test_the_completion_wait_is_the_time_left_to_the_deadline_and_never_below_a_second(
    store: OrderStore, elapsed: float, left: int
) -> None:
    placed = datetime(2026, 1, 1, tzinfo=UTC)
    order = replace(ORDER, placed_at=placed.isoformat())
    assert _machine_flow(store).seconds_left(order, placed + timedelta(seconds=elapsed)) == left


@pytest.mark.parametrize(
    ("owner", "chosen"), [("outbox", OutboxFlow), ("state_machine", StateMachineFlow)]
)
def test_the_flow_named_in_the_process_environment_is_read_by_value(
    store: OrderStore, monkeypatch: pytest.MonkeyPatch, owner: str, chosen: type[object]
) -> None:
    # os.environ decodes each value afresh: equal to the literal, never the same object.
    for name, value in {
        "AWS_DEFAULT_REGION": "us-east-1",
        "ORDER_FLOW": owner,
        "STATE_MACHINE_ARN": "arn:aws:states:us-east-1:123456789012:stateMachine:x",
        "ACCEPTANCE_TIMEOUT_SECONDS": "600",
        "ORDER_DEADLINE_SECONDS": "7200",
    }.items():
        monkeypatch.setenv(name, value)
    assert isinstance(flow_from_environment(store), chosen)


# Values sorting before "outbox", between the two names, and after "state_machine".
@pytest.mark.parametrize("owner", ["choreography", "saga", "step_functions"])
def test_an_unknown_flow_is_refused_naming_the_value_and_the_accepted_ones(
    store: OrderStore, owner: str
) -> None:
    with pytest.raises(ValueError, match=rf"ORDER_FLOW: '{owner}' is not accepted; use 'outbox'"):
        flow_from_environment(store, {"ORDER_FLOW": owner})


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


def _answering(store: OrderStore) -> tuple[StateMachineFlow, Stubber]:
    """The flow, with its Step Functions client's answers stubbed (botocore checks each call)."""
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    return _machine_flow(store, sfn), Stubber(sfn)


@pytest.mark.parametrize(
    ("action", "token", "fields", "answer"),
    [
        # ORDER was placed at NOW: the whole deadline is left for the completion wait.
        (Action.ACCEPT, ACCEPTANCE_TOKEN, {},
         ("send_task_success", {"output": '{"deadline_seconds_left": 7200}'})),
        (Action.REJECT, ACCEPTANCE_TOKEN, {"reason": "closed"},
         ("send_task_failure", {"error": "OrderRejected", "cause": "closed"})),
        (Action.CANCEL, ACCEPTANCE_TOKEN, {},
         ("send_task_failure", {"error": "OrderCancelled", "cause": "cancelled by the customer"})),
        (Action.COMPLETE, COMPLETION_TOKEN, {}, ("send_task_success", {"output": "{}"})),
    ],
)  # fmt: skip
def test_each_answer_calls_back_the_task_that_waits_for_it(
    store: OrderStore,
    action: Action,
    token: str,
    fields: dict[str, str],
    answer: tuple[str, dict[str, str]],
) -> None:
    call, sent = answer
    _place(store)
    store.hold_token("o-1", token, f"{token}-1")
    flow, stub = _answering(store)
    stub.add_response(call, {}, {"taskToken": f"{token}-1", **sent})
    step = TRANSITIONS[action]
    with stub:
        moved = flow.act(ORDER, step, event_for(ORDER, step.event, NOW, **fields))
    stub.assert_no_pending_responses()
    assert moved.status is step.target


def test_cancelling_an_overdue_order_calls_back_the_completion_wait(store: OrderStore) -> None:
    _place(store)
    store.hold_token("o-1", COMPLETION_TOKEN, "late-1")
    flow, stub = _answering(store)
    sent = {"error": "OrderCancelled", "cause": "cancelled by the customer"}
    stub.add_response("send_task_failure", {}, {"taskToken": "late-1", **sent})
    step, overdue = TRANSITIONS[Action.CANCEL], replace(ORDER, status=Status.OVERDUE)
    with stub:
        moved = flow.act(overdue, step, event_for(overdue, step.event, NOW))
    stub.assert_no_pending_responses()
    assert moved.status is Status.CANCELLED


def test_an_answer_to_a_task_that_no_longer_waits_is_refused(store: OrderStore) -> None:
    _place(store)
    store.hold_token("o-1", ACCEPTANCE_TOKEN, "t-1")
    flow, stub = _answering(store)
    stub.add_client_error("send_task_success", "TaskTimedOut")
    step = TRANSITIONS[Action.ACCEPT]
    with stub, pytest.raises(FlowNotWaitingError, match="no longer waits"):
        flow.act(ORDER, step, event_for(ORDER, step.event, NOW))


@pytest.mark.parametrize(
    ("code", "raised"),
    [("ExecutionAlreadyExists", OrderExistsError), ("ExecutionLimitExceeded", ClientError),
     ("AccessDeniedException", ClientError)],
)  # fmt: skip
def test_a_second_execution_of_an_order_is_an_existing_order_and_other_failures_propagate(
    store: OrderStore, code: str, raised: type[Exception]
) -> None:
    flow, stub = _answering(store)
    # As parsed from an answer: a string equal to the code, not the same object as a literal.
    stub.add_client_error("start_execution", json.loads(json.dumps(code)))
    with stub, pytest.raises(raised) as failed:
        flow.place(ORDER, event_for(ORDER, EventType.ORDER_PLACED, NOW, items=[], total="9.50"))
    assert isinstance(failed.value, OrderExistsError) == (raised is OrderExistsError)


def _place(store: OrderStore) -> None:
    store.place(ORDER, event_for(ORDER, EventType.ORDER_PLACED, NOW, items=[], total="9.50"))
