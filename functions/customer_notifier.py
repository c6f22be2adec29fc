"""Emails the customer (SES) the restaurant's answer or the time-out, recording `user_notified`;
and that the order is overdue (`order_overdue`), recorded on its own claim.

The email goes out at most once, as the promo email does: SES takes no idempotency key, so the
send is claimed on the order (`OrderStore.claim_notice`) before SES is called and recorded
(`user_notified`) after. Only when SES certainly did not take the email (it answered 4xx, or no
connection was made) is the claim given back for a retry. A claim without `user_notified` means
an attempt died after claiming: later deliveries fail with `EmailInDoubtError`, so they end in
the dead-letter queue (alarmed) for an operator to decide, rather than email the customer twice.
The overdue email is a second email with a claim of its own (`overdue_notice`); the claim's
`sent_at` records its send, as `user_notified` records the first.
"""

from __future__ import annotations

import os
from typing import Any, Literal

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.consumer import read_event
from orders.events import EventType, timestamp, utcnow
from orders.model import Order, event_for
from orders.redaction import masks_failures, redacting_logger
from orders.sending import SES_CONFIG, SES_FAILURES, ses_refused
from orders.store import CUSTOMER_NOTICE, OVERDUE_NOTICE, OrderStore
from orders.tracing import handler_tracer

logger = redacting_logger()
tracer = handler_tracer()

SENDER = os.environ["SENDER_EMAIL"]
store = OrderStore(boto3.client("dynamodb"), os.environ["ORDERS_TABLE"])
_ses = boto3.client("ses", config=SES_CONFIG)

Outcome = Literal["accepted", "rejected", "timed_out"]
OUTCOMES: dict[EventType, Outcome] = {
    EventType.ORDER_ACCEPTED: "accepted",
    EventType.ORDER_REJECTED: "rejected",
    EventType.ORDER_TIMED_OUT: "timed_out",
}


class EmailInDoubtError(Exception):
    """An earlier attempt claimed the order's customer email and never recorded the send."""

    def __init__(self, order_id: str, claim: dict[str, str]) -> None:
        super().__init__(
            f"order {order_id}: attempt {claim.get('attempt', '?')} claimed the customer email "
            f"at {claim.get('claimed_at', '?')} and recorded no user_notified; it may have been "
            "sent, so it is not sent again (at most once)"
        )


def compose(order: Order, outcome: Outcome) -> tuple[str, str]:
    """Subject and text of the email telling the customer what happened to their order."""
    if outcome == "accepted":
        return (
            f"Your order {order.order_id} was accepted",
            f"The restaurant accepted your order (total {order.total}). It is being prepared.",
        )
    if outcome == "rejected":
        return (
            f"Your order {order.order_id} was declined",
            f"The restaurant declined your order: {order.reason}. You have not been charged.",
        )
    return (
        f"Your order {order.order_id} timed out",
        "The restaurant did not answer in time, so the order was cancelled. "
        "You have not been charged.",
    )


def compose_overdue(order: Order) -> tuple[str, str]:
    """Subject and text of the email telling the customer their order is late."""
    return (
        f"Your order {order.order_id} is late",
        "Your order was not delivered in time. The restaurant has been told; it is still "
        "on its way unless you cancel it.",
    )


@masks_failures
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    event_type, detail = read_event(event)
    if event_type is EventType.ORDER_OVERDUE:
        _email_overdue(detail.order_id, context.aws_request_id)
        return
    outcome = OUTCOMES[event_type]
    if store.has_event(detail.order_id, EventType.USER_NOTIFIED):
        logger.info("customer already notified; duplicate delivery ignored")
        return
    order = store.get(detail.order_id)
    attempt = context.aws_request_id
    if not store.claim_notice(order.order_id, attempt, timestamp(utcnow())):
        if store.has_event(order.order_id, EventType.USER_NOTIFIED):
            logger.info("customer already notified; duplicate delivery ignored")
            return
        raise EmailInDoubtError(order.order_id, store.notice_claim(order.order_id))
    _send(order, compose(order, outcome), attempt, CUSTOMER_NOTICE)
    store.record(order, event_for(order, EventType.USER_NOTIFIED, utcnow(), outcome=outcome))


def _email_overdue(order_id: str, attempt: str) -> None:
    if not store.claim_notice(order_id, attempt, timestamp(utcnow()), OVERDUE_NOTICE):
        claim = store.notice_claim(order_id, OVERDUE_NOTICE)
        if claim.get("sent_at"):
            logger.info("customer already told the order is late; duplicate delivery ignored")
            return
        raise EmailInDoubtError(order_id, claim)
    order = store.get(order_id)
    _send(order, compose_overdue(order), attempt, OVERDUE_NOTICE)
    store.mark_sent(order_id, attempt, timestamp(utcnow()), OVERDUE_NOTICE)


def _send(order: Order, message: tuple[str, str], attempt: str, notice: str) -> None:
    """One SES attempt; the claim is given back only when SES certainly refused the email."""
    subject, text = message
    try:
        _ses.send_email(
            Source=SENDER,
            Destination={"ToAddresses": [order.customer_email]},
            Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": text}}},
        )
    except SES_FAILURES as error:
        if ses_refused(error):
            store.release_notice(order.order_id, attempt, notice)
        raise
