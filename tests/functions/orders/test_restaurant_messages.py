import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import boto3
import pytest
from moto import mock_aws
from mypy_boto3_sns import SNSClient
from mypy_boto3_sqs import SQSClient

from orders.model import LineItem, Order, Status
from orders.restaurant_messages import send, send_new_order


@dataclass
class Topic:
    sns: SNSClient
    sqs: SQSClient
    arn: str
    inboxes: dict[str, str]

    def received(self, restaurant_id: str) -> list[dict[str, Any]]:
        """The SNS envelopes the restaurant's subscription (filtered on its id) delivered."""
        answer = self.sqs.receive_message(
            QueueUrl=self.inboxes[restaurant_id], MaxNumberOfMessages=10
        )
        return [json.loads(message["Body"]) for message in answer.get("Messages", [])]


@pytest.fixture
def topic() -> Iterator[Topic]:
    """The restaurant topic with two restaurants subscribed, each filtering on its own id."""
    with mock_aws():
        sns = boto3.client("sns", region_name="us-east-1")
        sqs = boto3.client("sqs", region_name="us-east-1")
        arn = sns.create_topic(Name="restaurants")["TopicArn"]
        inboxes = {}
        for restaurant_id in ("pizza-1", "sushi-2"):
            url = sqs.create_queue(QueueName=restaurant_id)["QueueUrl"]
            queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                "Attributes"
            ]["QueueArn"]
            sns.subscribe(
                TopicArn=arn,
                Protocol="sqs",
                Endpoint=queue_arn,
                Attributes={"FilterPolicy": json.dumps({"restaurant_id": [restaurant_id]})},
            )
            inboxes[restaurant_id] = url
        yield Topic(sns, sqs, arn, inboxes)


ORDER = Order(
    order_id="o-1",
    status=Status.PLACED,
    restaurant_id="pizza-1",
    customer_email="ana@example.com",
    items=(LineItem("margherita", 2, Decimal("9.50")), LineItem("water", 1, Decimal("1.25"))),
    delivery_note="ring twice",
    correlation_id="c-1",
    placed_at="2026-11-24T12:00:00+00:00",
    updated_at="2026-11-24T12:00:00+00:00",
    version=1,
)


def test_a_new_order_reaches_only_its_restaurant_with_what_to_cook(topic: Topic) -> None:
    send_new_order(topic.sns, topic.arn, ORDER)
    [envelope] = topic.received("pizza-1")
    assert topic.received("sushi-2") == []
    assert envelope["Subject"] == "New order o-1"
    assert json.loads(envelope["Message"]) == {
        "kind": "new_order",
        "order_id": "o-1",
        "items": [
            {"name": "margherita", "quantity": 2, "unit_price": "9.50"},
            {"name": "water", "quantity": 1, "unit_price": "1.25"},
        ],
        "total": "20.25",
        "delivery_note": "ring twice",
    }
    assert {name: a["Value"] for name, a in envelope["MessageAttributes"].items()} == {
        "restaurant_id": "pizza-1",
        "kind": "new_order",
    }


def test_the_new_order_message_carries_no_customer_email(topic: Topic) -> None:
    send_new_order(topic.sns, topic.arn, ORDER)
    [envelope] = topic.received("pizza-1")
    assert "ana@example.com" not in json.dumps(envelope)


def test_a_withdrawn_order_tells_its_restaurant_it_need_not_cook_it(topic: Topic) -> None:
    send(topic.sns, topic.arn, "sushi-2", "order_withdrawn", {"order_id": "o-2", "reason": "x"})
    [envelope] = topic.received("sushi-2")
    assert topic.received("pizza-1") == []
    assert envelope["Subject"] == "Order o-2 withdrawn"
    assert json.loads(envelope["Message"]) == {
        "kind": "order_withdrawn",
        "order_id": "o-2",
        "reason": "x",
    }
    assert envelope["MessageAttributes"]["kind"]["Value"] == "order_withdrawn"
