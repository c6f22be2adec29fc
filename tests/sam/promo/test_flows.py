"""The promo stack beside either style's orders stack on the local runner: one code per
completed order, none for any other outcome."""

from __future__ import annotations

import json
import re

import boto3
import pytest
from stack_helpers import (
    CUSTOMER,
    ORDER_STACKS,
    SENDER,
    TIMEOUT_SECONDS,
    StartStack,
    drive,
    place,
    with_promo,
)

from orderflow_localrun import LocalRunner
from orderflow_localrun.promo import promo_codes
from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS

STYLES = ORDER_STACKS


@pytest.fixture(params=sorted(STYLES))
def style(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _orders_and_promo(start_stack: StartStack, style: str, *, times_out: bool) -> LocalRunner:
    """The style's stack with promo beside it. The acceptance timeout runs on wall time (plus
    the runner's clock): only a run that should time out gets the short one, so a slow
    machine cannot turn an answered order into a time-out."""
    timeout = str(TIMEOUT_SECONDS) if times_out else ANSWERED_TIMEOUT_SECONDS
    return with_promo(start_stack(STYLES[style], AcceptanceTimeoutSeconds=timeout))


@pytest.fixture
def orders_and_promo(start_stack: StartStack, style: str) -> LocalRunner:
    return _orders_and_promo(start_stack, style, times_out=False)


def _promo_emails(runner: LocalRunner) -> list[str]:
    return [e.body for e in runner.emails() if e.subject.startswith("Thank you for order")]


def test_a_completed_order_gets_exactly_one_code_emailed_to_its_customer(
    orders_and_promo: LocalRunner,
) -> None:
    order_id = place(orders_and_promo)
    drive(orders_and_promo, order_id, "completed")

    [(coded_order, code)] = promo_codes(orders_and_promo).items()
    assert coded_order == order_id
    assert re.fullmatch(r"THANKS-[0-9A-HJKMNP-TV-Z]{8}", code)
    [email] = [e for e in orders_and_promo.emails() if code in e.body]
    assert (email.source, email.to) == (SENDER, [CUSTOMER])
    assert email.subject == f"Thank you for order {order_id}: a code for your next one"


@pytest.mark.parametrize("outcome", ["rejected", "timed_out", "cancelled"])
def test_an_order_that_never_completes_gets_no_code(
    start_stack: StartStack, style: str, outcome: str
) -> None:
    orders_and_promo = _orders_and_promo(start_stack, style, times_out=outcome == "timed_out")
    drive(orders_and_promo, place(orders_and_promo), outcome)

    assert promo_codes(orders_and_promo) == {}
    assert _promo_emails(orders_and_promo) == []


def test_a_repeated_order_completed_event_issues_no_second_code_or_email(
    orders_and_promo: LocalRunner,
) -> None:
    order_id = place(orders_and_promo)
    drive(orders_and_promo, order_id, "completed")
    [completed] = [e for e in orders_and_promo.bus_events if e.detail_type == "order_completed"]
    first = promo_codes(orders_and_promo)

    # The outbox publishes at least once: the same event again, as a retried batch would.
    for _ in range(3):
        boto3.client("events", region_name=orders_and_promo.names.region).put_events(
            Entries=[
                {
                    "Source": completed.source,
                    "DetailType": completed.detail_type,
                    "Detail": json.dumps(completed.detail),
                    "EventBusName": completed.bus,
                }
            ]
        )
    orders_and_promo.settle()

    assert promo_codes(orders_and_promo) == first
    assert len(_promo_emails(orders_and_promo)) == 1
