"""Seeding the restaurant registry: one item per restaurant, one filtered topic subscription each.

Works against the local runner and against a deployed stack alike (it takes the table name and
topic ARN, which the stack's outputs `RestaurantsTableName` and `RestaurantTopicArn` give).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import SMALL_FILE_BYTES, read_text
from orderflow_definitions.stack_outputs import read_stack_outputs

RESTAURANT_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RestaurantFileError(Exception):
    """The restaurants file is unreadable or malformed; the message names the entry and field."""


@dataclass(frozen=True)
class Restaurant:
    restaurant_id: str
    name: str
    notification_endpoint: str = ""

    @property
    def protocol(self) -> str | None:
        """The SNS protocol that reaches the endpoint, or None when there is no endpoint."""
        endpoint = self.notification_endpoint
        if not endpoint:
            return None
        if endpoint.startswith("https://"):
            return "https"
        if endpoint.startswith("arn:aws:sqs:"):
            return "sqs"
        if endpoint.startswith("arn:aws:lambda:"):
            return "lambda"
        return "email"


def _restaurant(index: int, entry: Any) -> Restaurant:
    where = f"restaurants[{index}]"
    if not isinstance(entry, dict):
        raise RestaurantFileError(f"{where}: expected an object, got {type(entry).__name__}")
    unknown = sorted(set(entry) - {"restaurant_id", "name", "notification_endpoint"})
    if unknown:
        raise RestaurantFileError(
            f"{where}: unknown field(s) {', '.join(unknown)}; "
            "accepted: restaurant_id, name, notification_endpoint"
        )
    restaurant_id = entry.get("restaurant_id")
    if not isinstance(restaurant_id, str) or not RESTAURANT_ID.match(restaurant_id):
        raise RestaurantFileError(
            f"{where}.restaurant_id: {restaurant_id!r} is not accepted; use 1 to 63 lowercase "
            "letters, digits and hyphens, starting with a letter or digit"
        )
    name = entry.get("name", restaurant_id)
    endpoint = entry.get("notification_endpoint", "")
    if not isinstance(name, str) or not name.strip():
        raise RestaurantFileError(f"{where}.name: {name!r} is not accepted; use a non-empty string")
    restaurant = Restaurant(restaurant_id, name.strip(), str(endpoint))
    if restaurant.protocol == "email" and not _EMAIL.match(restaurant.notification_endpoint):
        raise RestaurantFileError(
            f"{where}.notification_endpoint: {endpoint!r} is not accepted; use an email address, "
            "an https:// URL, or an SQS queue or Lambda function ARN"
        )
    return restaurant


def load_restaurants(path: Path) -> list[Restaurant]:
    """Read a JSON file holding a list of restaurants, refusing bad or duplicated entries."""
    try:
        data = json.loads(read_text(path, "restaurants file", SMALL_FILE_BYTES))
    except DefinitionError as error:
        raise RestaurantFileError(str(error)) from None
    except RecursionError:
        raise RestaurantFileError(f"{path}: nested too deeply to be a restaurants file") from None
    except json.JSONDecodeError as error:
        raise RestaurantFileError(
            f"{path}: invalid JSON ({error.msg}, line {error.lineno})"
        ) from None
    if not isinstance(data, list) or not data:
        raise RestaurantFileError(f"{path}: expected a non-empty JSON list of restaurants")
    restaurants = [_restaurant(i, entry) for i, entry in enumerate(data)]
    seen: set[str] = set()
    for restaurant in restaurants:
        if restaurant.restaurant_id in seen:
            raise RestaurantFileError(
                f"{path}: restaurant_id {restaurant.restaurant_id!r} appears twice"
            )
        seen.add(restaurant.restaurant_id)
    return restaurants


# The outputs seeding reads, which both the SAM templates and the Pulumi programs export.
SEED_OUTPUTS = ("RestaurantsTableName", "RestaurantTopicArn")


def stack_outputs(path: Path) -> dict[str, str]:
    """The outputs seeding needs from a file `pulumi stack output --json` wrote."""
    try:
        data = read_stack_outputs(path)
    except DefinitionError as error:
        raise RestaurantFileError(str(error)) from None
    missing = [key for key in SEED_OUTPUTS if key not in data]
    if missing:
        raise RestaurantFileError(
            f"{path}: no output {', '.join(missing)}; expected the orders stack's outputs "
            "(`pulumi stack output --json` in its Pulumi project)"
        )
    return {key: str(data[key]) for key in SEED_OUTPUTS}


def seed_restaurants(
    restaurants: list[Restaurant], *, table_name: str, topic_arn: str, region: str
) -> None:
    """Register each restaurant and subscribe its endpoint to its own orders only.

    The item is `{restaurant_id, name, notification_endpoint?}` (strings); the subscription's
    filter policy `{"restaurant_id": [<id>]}` matches the attribute each notification carries.
    """
    dynamodb = boto3.client("dynamodb", region_name=region)
    sns = boto3.client("sns", region_name=region)
    for restaurant in restaurants:
        item = {
            "restaurant_id": {"S": restaurant.restaurant_id},
            "name": {"S": restaurant.name},
        }
        if restaurant.notification_endpoint:
            item["notification_endpoint"] = {"S": restaurant.notification_endpoint}
        dynamodb.put_item(TableName=table_name, Item=item)
        if restaurant.protocol:
            sns.subscribe(
                TopicArn=topic_arn,
                Protocol=restaurant.protocol,
                Endpoint=restaurant.notification_endpoint,
                Attributes={
                    "FilterPolicy": json.dumps({"restaurant_id": [restaurant.restaurant_id]})
                },
            )
