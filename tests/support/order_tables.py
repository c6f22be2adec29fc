"""An orders table on moto and a placed order, for the unit tests of `orders.store` and
`orders.flow` (the stack tests use the runner's table instead)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import Decimal

import boto3
from moto import mock_aws

from orders.events import timestamp
from orders.model import LineItem, Order, Status
from orders.store import OrderStore

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
ORDER = Order(
    order_id="o-1",
    status=Status.PLACED,
    restaurant_id="pizza-1",
    customer_email="ana@example.com",
    items=(LineItem("margherita", 1, Decimal("9.50")),),
    delivery_note="",
    correlation_id="c-1",
    placed_at=timestamp(NOW),
    updated_at=timestamp(NOW),
    version=1,
)


@contextmanager
def order_store() -> Iterator[OrderStore]:
    """An `OrderStore` on an empty orders table (the deployed key schema) in moto."""
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        dynamodb.create_table(
            TableName="orders",
            KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield OrderStore(dynamodb, "orders")
