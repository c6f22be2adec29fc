"""Who owns an order's flow after the API accepts a request: a deployment choice, one API.

`ORDER_FLOW=outbox` (choreography): the API writes each change with its event to the orders
table, whose stream publishes it, and the functions on the bus take it from there.

`ORDER_FLOW=state_machine` (orchestration): placing an order starts one Standard execution named
after the order id, which writes the order and publishes its events itself; the restaurant's and
the customer's actions are callbacks to the task the execution waits in. The task tokens stay in
the orders table (`acceptance_token`, `completion_token`), never in an answer to a client.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

import boto3
from botocore.exceptions import ClientError

from orders.events import EventDetail, detail_json
from orders.model import Action, Order, Status, Transition
from orders.store import OrderExistsError, OrderStore, placed_item

if TYPE_CHECKING:
    from mypy_boto3_stepfunctions import SFNClient

ACCEPTANCE_TOKEN = "acceptance_token"
COMPLETION_TOKEN = "completion_token"
# The error names the definition's Catch clauses handle (statemachine/orders.asl.json).
REJECTED_ERROR = "OrderRejected"
CANCELLED_ERROR = "OrderCancelled"
# What SendTask* answers when the task no longer waits (timed out, or answered already).
_CLOSED_TASK_ERRORS = frozenset({"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"})


class FlowNotWaitingError(Exception):
    """The flow does not (or no longer) wait for this action: an HTTP 409."""

    def __init__(self, order: Order, action: Action, why: str) -> None:
        super().__init__(f"cannot {action.value} order {order.order_id}: {why}")
        self.current = order.status


class OrderFlow(Protocol):
    def place(self, order: Order, placed: EventDetail) -> None:
        """Accept a new order for good (OrderExistsError if its id was placed before)."""

    def act(self, order: Order, step: Transition, detail: EventDetail) -> Order:
        """Make `step` happen to `order`; the order as it is (or is about to be) after it."""


class OutboxFlow:
    """Choreography: each change and its event are one conditional write to the orders table."""

    def __init__(self, store: OrderStore) -> None:
        self._store = store

    def place(self, order: Order, placed: EventDetail) -> None:
        self._store.place(order, placed)

    def act(self, order: Order, step: Transition, detail: EventDetail) -> Order:
        return self._store.apply(order, step, detail)


class StateMachineFlow:
    """Orchestration: an execution per order owns the flow; the API starts it and calls back."""

    def __init__(
        self,
        store: OrderStore,
        sfn: SFNClient,
        state_machine_arn: str,
        timeout_seconds: int,
        deadline_seconds: int,
    ) -> None:
        self._store = store
        self._sfn = sfn
        self._arn = state_machine_arn
        self._timeout_seconds = timeout_seconds
        self._deadline_seconds = deadline_seconds

    def place(self, order: Order, placed: EventDetail) -> None:
        """Start the order's execution; its name is the order id, so a repeat starts nothing.

        The execution input carries everything the machine writes and publishes, so once
        StartExecution answers nothing can be lost: the machine's first state stores the order.
        """
        execution_input = {
            "order_id": order.order_id,
            "timeout_seconds": self._timeout_seconds,
            "deadline_seconds": self._deadline_seconds,
            "order_item": placed_item(order, placed),
            "order_placed": json.loads(detail_json(placed)),
            "contract": {
                "version": placed.version,
                "order_id": order.order_id,
                "correlation_id": order.correlation_id,
                "restaurant_id": order.restaurant_id,
            },
            "customer_email": order.customer_email,
            "total": str(order.total),
        }
        try:
            self._sfn.start_execution(
                stateMachineArn=self._arn, name=order.order_id, input=json.dumps(execution_input)
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ExecutionAlreadyExists":
                raise OrderExistsError(order.order_id) from None
            raise

    def act(self, order: Order, step: Transition, detail: EventDetail) -> Order:
        # Once accepted, the execution waits in its completion task (overdue or not).
        waits_for_completion = step.action is Action.COMPLETE or order.status is Status.OVERDUE
        attribute = COMPLETION_TOKEN if waits_for_completion else ACCEPTANCE_TOKEN
        token = self._store.token(order.order_id, attribute)
        if token is None:
            raise FlowNotWaitingError(
                order, step.action, "the restaurant has not been notified yet; try again shortly"
            )
        try:
            self._call_back(step.action, token, detail, order)
        except ClientError as error:
            if error.response["Error"]["Code"] in _CLOSED_TASK_ERRORS:
                raise FlowNotWaitingError(
                    order,
                    step.action,
                    "the order no longer waits for this (it timed out or was answered already)",
                ) from None
            raise
        return replace(order, status=step.target)

    def seconds_left(self, order: Order, now: datetime) -> int:
        """Whole seconds from `now` to the order's deadline (placement + the deadline), at least
        1: the completion task's time-out (`TimeoutSecondsPath`) must be a positive integer."""
        elapsed = (now - datetime.fromisoformat(order.placed_at)).total_seconds()
        return max(1, math.ceil(self._deadline_seconds - elapsed))

    def _call_back(self, action: Action, token: str, detail: EventDetail, order: Order) -> None:
        if action is Action.REJECT:
            reason = str(getattr(detail, "reason", ""))
            self._sfn.send_task_failure(taskToken=token, error=REJECTED_ERROR, cause=reason)
        elif action is Action.CANCEL:
            self._sfn.send_task_failure(
                taskToken=token, error=CANCELLED_ERROR, cause="cancelled by the customer"
            )
        elif action is Action.ACCEPT:
            left = self.seconds_left(order, detail.occurred_at)
            output = json.dumps({"deadline_seconds_left": left})
            self._sfn.send_task_success(taskToken=token, output=output)
        else:
            self._sfn.send_task_success(taskToken=token, output="{}")


def flow_from_environment(store: OrderStore, environ: dict[str, str] | None = None) -> OrderFlow:
    """The flow the deployment chose (`ORDER_FLOW`, default `outbox`)."""
    env: dict[str, Any] = dict(os.environ if environ is None else environ)
    owner = env.get("ORDER_FLOW", "outbox")
    if owner == "outbox":
        return OutboxFlow(store)
    if owner == "state_machine":
        return StateMachineFlow(
            store,
            boto3.client("stepfunctions"),
            env["STATE_MACHINE_ARN"],
            int(env["ACCEPTANCE_TIMEOUT_SECONDS"]),
            int(env["ORDER_DEADLINE_SECONDS"]),
        )
    raise ValueError(f"ORDER_FLOW: {owner!r} is not accepted; use 'outbox' or 'state_machine'")
