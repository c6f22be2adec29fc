"""One-time EventBridge Scheduler schedules: the choreography's clocks (acceptance, deadline).

Each clock is a schedule group; an order's schedule in it invokes one function once, at a
time rounded up to the second `at()` expressions resolve to, and deletes itself after it ran.
Stopping a clock deletes the pending schedule; one already gone (fired, or never made) is fine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from orders.events import utcnow
from orders.model import Action, Order, TransitionNotAllowedError, event_for, transition

if TYPE_CHECKING:
    from mypy_boto3_scheduler import EventBridgeSchedulerClient

    from orders.store import OrderStore


def due_time(start: datetime, seconds: int) -> datetime:
    """`start` plus `seconds`, rounded up to the second.

    Rounding down would let the clock run out up to a second early.
    """
    due = start + timedelta(seconds=seconds)
    if due.microsecond:
        due = due.replace(microsecond=0) + timedelta(seconds=1)
    return due


@dataclass(frozen=True)
class Clock:
    """Where a clock's schedules live and what they invoke (from the function's environment)."""

    group: str
    target_arn: str
    role_arn: str
    dead_letter_arn: str

    def start(
        self, client: EventBridgeSchedulerClient, name: str, due: datetime, payload: dict[str, Any]
    ) -> bool:
        """Create the one-time schedule `name`; False if it exists already (a redelivery)."""
        try:
            client.create_schedule(
                Name=name,
                GroupName=self.group,
                ScheduleExpression=f"at({due:%Y-%m-%dT%H:%M:%S})",
                ScheduleExpressionTimezone="UTC",
                FlexibleTimeWindow={"Mode": "OFF"},
                ActionAfterCompletion="DELETE",
                Target={
                    "Arn": self.target_arn,
                    "RoleArn": self.role_arn,
                    "Input": json.dumps(payload),
                    "RetryPolicy": {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 3600},
                    "DeadLetterConfig": {"Arn": self.dead_letter_arn},
                },
            )
        except client.exceptions.ConflictException:
            return False
        return True

    def stop(self, client: EventBridgeSchedulerClient, name: str) -> bool:
        """Delete the pending schedule `name`; False if there was none."""
        try:
            client.delete_schedule(Name=name, GroupName=self.group)
        except client.exceptions.ResourceNotFoundException:
            return False
        return True


def ring(store: OrderStore, order_id: str, action: Action, **fields: Any) -> tuple[Order, str]:
    """What a clock's function does when its schedule fires: make `action` happen to the order
    in one conditional write, if its status still allows it. The order as it is, and why
    nothing happened ("" when the action was taken)."""
    order = store.get(order_id)
    try:
        step = transition(order.order_id, order.status, action)
        return store.apply(order, step, event_for(order, step.event, utcnow(), **fields)), ""
    except TransitionNotAllowedError as error:
        return order, str(error)
