"""Helpers for tests that run a stack on the local runner (fixtures live in conftest.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from localrun import LocalRunner
from localrun.restaurants import Restaurant, seed_restaurants

ROOT = Path(__file__).resolve().parents[2]
CHOREOGRAPHY = ROOT / "sam/choreography/template.yaml"
ORCHESTRATION = ROOT / "sam/orchestration/template.yaml"
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


def modified_template(tmp_path: Path, old: str, new: str, template: Path = CHOREOGRAPHY) -> Path:
    """A copy of a stack's template with one edit; its code and definition found where they are."""
    text = template.read_text()
    assert old in text, f"the template no longer contains {old!r}"
    path = tmp_path / "template.yaml"
    path.write_text(
        text.replace(old, new)
        .replace("CodeUri: ../../functions/", f"CodeUri: {ROOT / 'functions'}/")
        .replace("DefinitionUri: ../../statemachine/", f"DefinitionUri: {ROOT / 'statemachine'}/")
    )
    return path


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


def place(runner: LocalRunner, **headers: str) -> str:
    """Place the standard order; its id (asserting the 201)."""
    response = runner.request("POST", "/orders", order_body(), headers)
    assert response.status == 201, response.body
    assert response.json()["status"] == "placed"
    return str(response.json()["order_id"])


def event_types(runner: LocalRunner) -> list[str]:
    return [e.detail_type for e in runner.bus_events]


def status(runner: LocalRunner, order_id: str) -> str:
    return str(runner.request("GET", f"/orders/{order_id}").json()["status"])


def run_localrun(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m localrun ARGS` from the repository root, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "localrun", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
