"""Helpers for tests that run a stack on the local runner (fixtures live in conftest.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

from orderflow_localrun import LocalRunner, customer, restaurant_staff, scenarios
from orderflow_localrun.promo import deploy_promo
from orderflow_localrun.restaurants import Restaurant, seed_restaurants

ROOT = Path(__file__).resolve().parents[2]
CHOREOGRAPHY = ROOT / "sam/choreography/template.yaml"
ORCHESTRATION = ROOT / "sam/orchestration/template.yaml"
PROMO = ROOT / "sam/promo/template.yaml"
# The orders stacks this checkout holds, by style: both in the kit, one in a generated project.
ORDER_STACKS = {
    style: template
    for style, template in {"choreography": CHOREOGRAPHY, "orchestration": ORCHESTRATION}.items()
    if template.is_file()
}
SENDER = "orders@orderflow.example"
CUSTOMER = "ana@example.com"
TIMEOUT_SECONDS = 2
#: Advancing the runner's clock this far times out an order of any stack started here.
PAST_EVERY_TIMEOUT = 601
#: The order deadline (OrderDeadlineSeconds) of the tests that let orders go overdue.
DEADLINE_SECONDS = 2

StartStack = Callable[..., LocalRunner]
# Signed-in callers, as the API's JWT authorizer passes their token claims on.
CUSTOMER_CALLER = customer("customer-ana", CUSTOMER)
STAFF = restaurant_staff("staff-pizza-1", "pizza-1")
RESTAURANTS = [
    Restaurant("pizza-1", "Pizza One", "kitchen@pizza-one.example"),
    Restaurant("sushi-2", "Sushi Two", "https://sushi-two.example/orders"),
]


def order_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "restaurant_id": "pizza-1",
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


def with_promo(runner: LocalRunner, sender: str = SENDER) -> LocalRunner:
    """Deploy the promo stack beside the orders stack, wired as the docs deploy it
    (https://orderflow-kit.github.io/orderflow-kit/production/#the-promo-code-service-sampromo)."""
    deploy_promo(runner, PROMO, sender)
    return runner


def redrive_promo_dead_letters(runner: LocalRunner) -> None:
    """The redrive runbook (https://orderflow-kit.github.io/orderflow-kit/runbooks/#redrive-a-dead-letter-queue):
    invoke the promo issuer with each dead letter, delete it."""
    sqs = boto3.client("sqs", region_name=runner.names.region)
    queue = runner.neighbours["promo"].outputs["PromoDeadLetterQueueUrl"]
    function = runner.neighbours["promo"].functions["PromoIssuerFunction"].name
    for message in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]:
        boto3.client("lambda", region_name=runner.names.region).invoke(
            FunctionName=function, InvocationType="Event", Payload=message["Body"].encode()
        )
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])


def place(runner: LocalRunner, **headers: str) -> str:
    """Place the standard order as the signed-in customer; its id (asserting the 201)."""
    response = runner.request("POST", "/orders", order_body(), headers, caller=CUSTOMER_CALLER)
    assert response.status == 201, response.body
    assert response.json()["status"] == "placed"
    return str(response.json()["order_id"])


def event_types(runner: LocalRunner) -> list[str]:
    return [e.detail_type for e in runner.bus_events]


def status(runner: LocalRunner, order_id: str) -> str:
    return str(
        runner.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER).json()["status"]
    )


def pass_the_deadline(runner: LocalRunner, order_id: str) -> None:
    """Move past an accepted order's deadline (DEADLINE_SECONDS) and wait until it is overdue."""
    scenarios.pass_the_deadline(runner, order_id, CUSTOMER_CALLER)


def drive(runner: LocalRunner, order_id: str, outcome: str) -> None:
    """Take a placed order to `outcome`: completed, rejected, timed_out, cancelled or overdue
    (accepted and left past its deadline: the stack must run with DEADLINE_SECONDS)."""
    if outcome == "overdue":
        runner.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
        pass_the_deadline(runner, order_id)
    elif outcome == "completed":
        runner.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
        runner.request("POST", f"/orders/{order_id}/complete", caller=STAFF)
    elif outcome == "rejected":
        runner.request("POST", f"/orders/{order_id}/reject", {"reason": "closed"}, caller=STAFF)
    elif outcome == "cancelled":
        runner.request("POST", f"/orders/{order_id}/cancel", caller=CUSTOMER_CALLER)
    else:
        runner.advance(PAST_EVERY_TIMEOUT)
        runner.wait_for_executions(TIMEOUT_SECONDS + 30)
    assert status(runner, order_id) == outcome


def run_localrun(*args: str) -> subprocess.CompletedProcess[str]:
    """`python -m orderflow_localrun ARGS` from the repository root, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "orderflow_localrun", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
