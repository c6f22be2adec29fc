"""The IAM policy in docs/actual-permissions.md allows every call `actual` makes, and nothing
it does not make: the calls are recorded from real botocore clients on both discovery paths."""

from __future__ import annotations

import json
import re
from pathlib import Path

from costcalc.actual.read import read_actual
from tests.costcalc.actual.aws_answers import WINDOW, stub
from tests.costcalc.actual.orders_stack import answers

ROOT = Path(__file__).resolve().parents[3]
#: botocore's service name -> IAM's prefix (the tagging API's actions are tag:...).
IAM_PREFIX = {"resourcegroupstaggingapi": "tag"}


def policy_actions() -> set[str]:
    text = (ROOT / "docs/actual-permissions.md").read_text()
    block = re.search(r"```json\n(.*?)```", text, re.DOTALL)
    assert block is not None, "docs/actual-permissions.md has no JSON policy block"
    statements = json.loads(block[1])["Statement"]
    return {action for s in statements if s["Effect"] == "Allow" for action in s["Action"]}


def test_the_documented_policy_covers_exactly_the_calls_made() -> None:
    made: set[str] = set()
    for tag in (False, True):
        found = answers()
        with stub(found, tag=tag) as clients:
            read_actual(
                clients,
                stack=None if tag else "orders",
                tag=("project", "orderflow-kit") if tag else None,
                window=WINDOW,
                unit=None,
            )
        for call in found.calls:
            service, operation = call.split(":")
            made.add(f"{IAM_PREFIX.get(service, service)}:{operation}")
    assert made == policy_actions()


def test_every_client_is_built_with_adaptive_retries() -> None:
    from costcalc.actual.aws import boto_clients  # noqa: PLC0415

    clients = boto_clients("eu-west-1")
    for service in ("cloudformation", "resourcegroupstaggingapi", "cloudwatch", "logs", "ce"):
        retries = clients(service).meta.config.retries
        assert retries == {"mode": "adaptive", "total_max_attempts": 11}, service  # 1 + 10 retries
    assert clients("ce").meta.endpoint_url == "https://ce.us-east-1.amazonaws.com"
