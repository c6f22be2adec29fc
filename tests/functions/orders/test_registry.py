import dataclasses
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws
from mypy_boto3_dynamodb import DynamoDBClient

from orders.registry import Restaurant, RestaurantRegistry


@pytest.fixture
def client() -> Iterator[DynamoDBClient]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="restaurants",
            KeySchema=[{"AttributeName": "restaurant_id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "restaurant_id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield client


def test_a_registered_restaurant_is_found_with_its_name_and_where_it_is_notified(
    client: DynamoDBClient,
) -> None:
    client.put_item(
        TableName="restaurants",
        Item={
            "restaurant_id": {"S": "pizza-1"},
            "name": {"S": "Pizza One"},
            "notification_endpoint": {"S": "orders@pizza-one.example"},
        },
    )
    assert RestaurantRegistry(client, "restaurants").find("pizza-1") == Restaurant(
        "pizza-1", "Pizza One", "orders@pizza-one.example"
    )


def test_an_unregistered_restaurant_is_not_found(client: DynamoDBClient) -> None:
    client.put_item(TableName="restaurants", Item={"restaurant_id": {"S": "pizza-1"}})
    assert RestaurantRegistry(client, "restaurants").find("sushi-2") is None


def test_a_restaurant_registered_by_id_alone_is_named_by_its_id_and_has_no_endpoint(
    client: DynamoDBClient,
) -> None:
    client.put_item(TableName="restaurants", Item={"restaurant_id": {"S": "pizza-1"}})
    assert RestaurantRegistry(client, "restaurants").find("pizza-1") == Restaurant(
        "pizza-1", "pizza-1", ""
    )


def test_a_found_restaurant_cannot_be_changed() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Restaurant("pizza-1", "Pizza One", "").name = "Other"  # type: ignore[misc]
