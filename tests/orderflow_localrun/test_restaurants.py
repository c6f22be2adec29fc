import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from orderflow_localrun.cli import main
from orderflow_localrun.restaurants import (
    Restaurant,
    RestaurantFileError,
    load_restaurants,
    seed_restaurants,
    stack_outputs,
)


def _file(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "restaurants.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_a_restaurants_file_is_read_with_each_endpoints_protocol(tmp_path: Path) -> None:
    restaurants = load_restaurants(
        _file(
            tmp_path,
            [
                {"restaurant_id": "pizza-1", "name": "Pizza", "notification_endpoint": "k@p.co"},
                {"restaurant_id": "sushi-2", "notification_endpoint": "https://s.example/o"},
                {"restaurant_id": "taco-3"},
            ],
        )
    )
    assert [(r.restaurant_id, r.name, r.protocol) for r in restaurants] == [
        ("pizza-1", "Pizza", "email"),
        ("sushi-2", "sushi-2", "https"),
        ("taco-3", "taco-3", None),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{oops", "invalid JSON"),
        ([], "expected a non-empty JSON list"),
        (["pizza"], "restaurants[0]: expected an object, got str"),
        ([{"restaurant_id": "UPPER"}], "restaurants[0].restaurant_id: 'UPPER' is not accepted"),
        ([{"restaurant_id": "a", "phone": "1"}], "restaurants[0]: unknown field(s) phone"),
        (
            [{"restaurant_id": "a", "notification_endpoint": "nope"}],
            "restaurants[0].notification_endpoint: 'nope' is not accepted",
        ),
        ([{"restaurant_id": "a"}, {"restaurant_id": "a"}], "restaurant_id 'a' appears twice"),
    ],
)
def test_a_bad_restaurants_file_is_refused_naming_the_entry(
    tmp_path: Path, data: Any, message: str
) -> None:
    with pytest.raises(RestaurantFileError) as refused:
        load_restaurants(_file(tmp_path, data))
    assert message in str(refused.value)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RestaurantFileError, match="cannot read the restaurants file"):
        load_restaurants(tmp_path / "absent.json")


@mock_aws
def test_seeding_registers_each_restaurant_and_filters_its_subscription() -> None:
    dynamodb = boto3.client("dynamodb", region_name="eu-west-1")
    dynamodb.create_table(
        TableName="restaurants",
        AttributeDefinitions=[{"AttributeName": "restaurant_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "restaurant_id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    sns = boto3.client("sns", region_name="eu-west-1")
    topic = sns.create_topic(Name="restaurants")["TopicArn"]

    seed_restaurants(
        [Restaurant("pizza-1", "Pizza", "k@pizza.example"), Restaurant("taco-3", "Taco")],
        table_name="restaurants",
        topic_arn=topic,
        region="eu-west-1",
    )

    items = dynamodb.scan(TableName="restaurants")["Items"]
    assert sorted(i["restaurant_id"]["S"] for i in items) == ["pizza-1", "taco-3"]
    [subscription] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert (subscription["Protocol"], subscription["Endpoint"]) == ("email", "k@pizza.example")
    attributes = sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])
    assert json.loads(attributes["Attributes"]["FilterPolicy"]) == {"restaurant_id": ["pizza-1"]}


def test_a_seed_file_that_is_not_utf8_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "restaurants.json"
    path.write_bytes('[{"name": "Caf\u00e9"}]'.encode("latin-1"))
    with pytest.raises(RestaurantFileError, match=r"restaurants.json: the restaurants file is not"):
        load_restaurants(path)


@mock_aws
def test_seeding_reads_a_pulumi_stack_s_outputs_file(tmp_path: Path) -> None:
    dynamodb = boto3.client("dynamodb", region_name="eu-west-1")
    dynamodb.create_table(
        TableName="restaurants-1a2b",
        AttributeDefinitions=[{"AttributeName": "restaurant_id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "restaurant_id", "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
    )
    topic = boto3.client("sns", region_name="eu-west-1").create_topic(Name="r")["TopicArn"]
    outputs = tmp_path / "outputs.json"
    outputs.write_text(
        json.dumps({"RestaurantsTableName": "restaurants-1a2b", "RestaurantTopicArn": topic})
    )
    restaurants = _file(tmp_path, [{"restaurant_id": "pizza-1"}])

    status = main(
        ["seed-restaurants", "--outputs", str(outputs), "--region", "eu-west-1", str(restaurants)]
    )

    assert status == 0
    items = dynamodb.scan(TableName="restaurants-1a2b")["Items"]
    assert [i["restaurant_id"]["S"] for i in items] == ["pizza-1"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "not JSON .line 1.; write it with `make outputs` or `pulumi stack output"),
        ('{"RestaurantsTableName": "t"}', "no output RestaurantTopicArn"),
        ("[]", "expected a JSON object of outputs, got list"),
    ],
)
def test_an_outputs_file_without_the_restaurant_outputs_is_refused_naming_them(
    tmp_path: Path, text: str, message: str
) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(text)
    with pytest.raises(RestaurantFileError, match=message):
        stack_outputs(outputs)
