"""Helpers for tests that run a stack on the local runner (fixtures live in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from localrun import LocalRunner
from localrun.restaurants import Restaurant, seed_restaurants

ROOT = Path(__file__).resolve().parents[2]
CHOREOGRAPHY = ROOT / "sam/choreography/template.yaml"
SENDER = "orders@orderflow.example"
CUSTOMER = "ana@example.com"
TIMEOUT_SECONDS = 2

StartStack = Callable[..., LocalRunner]
RESTAURANTS = [
    Restaurant("pizza-1", "Pizza One", "kitchen@pizza-one.example"),
    Restaurant("sushi-2", "Sushi Two", "https://sushi-two.example/orders"),
]


def order_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "restaurant_id": "pizza-1",
        "customer_email": CUSTOMER,
        "items": [
            {"name": "margherita", "quantity": 2, "unit_price": 9.5},
            {"name": "water", "quantity": 1, "unit_price": 1.25},
        ],
        "delivery_note": "ring twice",
    }
    return {**body, **changes}


def prepare(runner: LocalRunner) -> LocalRunner:
    """What a deployer does after `sam deploy`: verify the sender, register restaurants."""
    runner.verify_email_identity(SENDER)
    seed_restaurants(
        RESTAURANTS,
        table_name=runner.deployment.outputs["RestaurantsTableName"],
        topic_arn=runner.deployment.outputs["RestaurantTopicArn"],
        region=runner.names.region,
    )
    return runner
