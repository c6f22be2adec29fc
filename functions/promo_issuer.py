"""Issues a promo code to the customer of every completed order and emails it (SES).

The promo context's only input is the orders bus's `order_completed` event, which carries ids
only: the customer's address is read from the orders table (one attribute, read-only) at the
moment of sending and never stored or logged here. Idempotent by order id: a repeated delivery
or an archive replay finds the code already issued and, once it was emailed, sends nothing.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools import Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.consumer import read_event
from orders.events import EventType, utcnow
from orders.redaction import redacting_logger
from promo.ledger import PromoLedger, new_code

logger = redacting_logger()
tracer = Tracer()
metrics = Metrics()

SENDER = os.environ["SENDER_EMAIL"]
ORDERS_TABLE = os.environ["ORDERS_TABLE"]
_dynamodb = boto3.client("dynamodb")
ledger = PromoLedger(_dynamodb, os.environ["PROMO_TABLE"])
_ses = boto3.client("ses")


class CustomerUnknownError(Exception):
    """The orders table has no address for the order: retried, then dead-lettered."""


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


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    event_type, detail = read_event(event)
    if event_type is not EventType.ORDER_COMPLETED:
        raise ValueError(f"promo issuer: expected order_completed, got {event_type.value}")
    promo, issued = ledger.claim(detail.order_id, new_code(), utcnow())
    logger.append_keys(order_id=detail.order_id, replay=event.get("replay-name", ""))
    if issued:
        metrics.add_metric(name="PromoCodesIssued", unit=MetricUnit.Count, value=1)
    if promo.emailed:
        logger.info("promo code already issued and emailed; duplicate delivery ignored")
        return {"order_id": promo.order_id, "code": promo.code}
    subject, text = compose(promo.order_id, promo.code)
    _ses.send_email(
        Source=SENDER,
        Destination={"ToAddresses": [customer_email(promo.order_id)]},
        Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": text}}},
    )
    ledger.mark_emailed(promo.order_id)
    logger.info("promo code emailed", extra={"issued_now": issued})
    return {"order_id": promo.order_id, "code": promo.code}
