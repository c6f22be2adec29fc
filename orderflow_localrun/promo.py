"""The promo stack beside an orders stack on the runner, wired as the docs deploy it
(https://orderflow-kit.github.io/orderflow-kit/production/#the-promo-code-service-sampromo)."""

from __future__ import annotations

from pathlib import Path

import boto3

from orderflow_localrun.deploy import Deployment
from orderflow_localrun.runner import LocalRunner

STACK_NAME = "promo"


def deploy_promo(runner: LocalRunner, template: Path | str, sender_email: str) -> Deployment:
    """Deploy the promo template on `runner`'s orders bus, reading its orders table."""
    return runner.deploy_beside(
        template,
        {
            "OrdersBusName": runner.deployment.outputs["OrdersBusName"],
            "OrdersTableName": runner.deployment.outputs["OrdersTableName"],
            "SenderEmail": sender_email,
        },
        stack_name=STACK_NAME,
    )


def promo_codes(runner: LocalRunner) -> dict[str, str]:
    """The promo ledger: order id to code (empty when no promo stack runs)."""
    if STACK_NAME not in runner.neighbours:
        return {}
    table = runner.neighbours[STACK_NAME].outputs["PromoCodesTableName"]
    items = boto3.client("dynamodb", region_name=runner.names.region).scan(TableName=table)
    return {i["order_id"]["S"]: i["code"]["S"] for i in items["Items"]}
