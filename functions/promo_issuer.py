"""Issues a promo code to the customer of every completed order and emails it (SES).

The promo context's only input is the orders bus's `order_completed` event, which carries ids
only: the customer's address is read from the orders table (one attribute, read-only) at the
moment of sending and never stored or logged here. Idempotent by order id: a repeated delivery
or an archive replay finds the code already issued and sends nothing once the email is claimed.

The email goes out at most once (see `promo.ledger`): the send is claimed in the ledger before
SES is called and recorded after. Only when SES certainly did not take the email (it answered
4xx, or no connection was made) is the claim given back for a retry; a claim whose outcome was
never recorded makes later deliveries fail with `EmailInDoubtError`, so they end in the
dead-letter queue (alarmed) for an operator to decide, rather than email the customer twice.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.consumer import read_event
from orders.events import EventType, utcnow
from orders.redaction import masks_failures, redacting_logger
from orders.sending import SES_CONFIG, SES_FAILURES, ses_refused
from orders.tracing import handler_tracer
from promo.ledger import EmailState, PromoCode, PromoLedger, new_code

logger = redacting_logger()
tracer = handler_tracer()
metrics = Metrics()

SENDER = os.environ["SENDER_EMAIL"]
ORDERS_TABLE = os.environ["ORDERS_TABLE"]
_dynamodb = boto3.client("dynamodb")
ledger = PromoLedger(_dynamodb, os.environ["PROMO_TABLE"])
_ses = boto3.client("ses", config=SES_CONFIG)


class CustomerUnknownError(Exception):
    """The orders table has no address for the order: retried, then dead-lettered."""


class EmailInDoubtError(Exception):
    """An earlier attempt claimed the order's email and never recorded whether SES took it."""

    def __init__(self, promo: PromoCode) -> None:
        super().__init__(
            f"order {promo.order_id}: attempt {promo.sender} claimed the promo email at "
            f"{promo.claimed_at} and recorded no outcome; it may have been sent, so it is not "
            "sent again (at most once): see https://orderflow-kit.github.io/orderflow-kit/runbooks/#an-email-in-doubt"
        )


def customer_email(order_id: str) -> str:
    item = _dynamodb.get_item(
        TableName=ORDERS_TABLE,
        Key={"order_id": {"S": order_id}},
        ProjectionExpression="customer_email",
        ConsistentRead=True,
    ).get("Item")
    if not item or "customer_email" not in item:
        raise CustomerUnknownError(f"order {order_id}: no customer address in the orders table")
    return item["customer_email"]["S"]


def compose(order_id: str, code: str) -> tuple[str, str]:
    """Subject and text of the promo email."""
    return (
        f"Thank you for order {order_id}: a code for your next one",
        f"Enjoy your meal. Use the code {code} on your next order for 10% off.",
    )


@masks_failures
@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    event_type, detail = read_event(event)
    if event_type is not EventType.ORDER_COMPLETED:
        raise ValueError(f"promo issuer: expected order_completed, got {event_type.value}")
    logger.append_keys(order_id=detail.order_id, replay=event.get("replay-name", ""))
    promo, issued = ledger.claim(detail.order_id, new_code(), utcnow())
    if issued:
        metrics.add_metric(name="PromoCodesIssued", unit=MetricUnit.Count, value=1)
    result = {"order_id": promo.order_id, "code": promo.code}
    if promo.email is EmailState.SENT:
        logger.info("promo code already emailed; duplicate delivery ignored")
        return result
    address = customer_email(promo.order_id)  # read first: a failure here claims nothing
    attempt = context.aws_request_id
    if not ledger.claim_send(promo.order_id, attempt, utcnow()):
        current = ledger.get(promo.order_id)
        if current.email is EmailState.SENT:  # a concurrent delivery sent it meanwhile
            logger.info("promo code already emailed; duplicate delivery ignored")
            return result
        raise EmailInDoubtError(current)
    subject, text = compose(promo.order_id, promo.code)
    try:
        sent = _ses.send_email(
            Source=SENDER,
            Destination={"ToAddresses": [address]},
            Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": text}}},
        )
    except SES_FAILURES as error:
        if ses_refused(error):
            ledger.release_send(promo.order_id, attempt)
        raise
    ledger.mark_sent(promo.order_id, attempt, sent["MessageId"])
    logger.info("promo code emailed", extra={"issued_now": issued})
    return result
