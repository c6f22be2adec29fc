"""The promo template: what only this stack promises, beside the checks every stack passes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from stack_helpers import PROMO, ROOT
from template_checks import BIN, required_parameters, run_tool

from orderflow_localrun.template import load_template


@pytest.fixture(scope="module")
def resources() -> dict[str, dict[str, Any]]:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return load_template(PROMO, required_parameters(PROMO)).resources


@pytest.mark.slow
def test_sam_build_packages_the_issuer_with_the_shared_domain_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    result = run_tool(BIN / "sam", "build", "-t", PROMO.relative_to(ROOT), "--build-dir", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    built = load_template(tmp_path / "template.yaml", required_parameters(PROMO))
    [folder] = built.code_dirs.values()
    assert (folder / "promo_issuer.py").is_file()
    assert (folder / "promo/ledger.py").is_file()
    assert (folder / "orders/consumer.py").is_file()


def test_its_rule_listens_to_order_completed_on_the_given_bus_replays_included(
    resources: dict[str, dict[str, Any]],
) -> None:
    [rule] = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::Events::Rule"]
    assert rule["EventBusName"] == {"Ref": "OrdersBusName"}
    # No "replay-name" exclusion: a replay back-fills codes, the ledger keeps them unique.
    assert rule["EventPattern"] == {
        "source": ["orderflow.orders"],
        "detail-type": ["order_completed"],
    }


def test_it_may_read_only_the_customers_address_from_the_orders_table(
    resources: dict[str, dict[str, Any]],
) -> None:
    role = resources["PromoIssuerFunctionRole"]["Properties"]
    statements = [s for p in role["Policies"] for s in p["PolicyDocument"]["Statement"]]
    [orders] = [s for s in statements if s.get("Sid") == "CustomerAddressOnly"]
    assert orders["Action"] == ["dynamodb:GetItem"]
    assert orders["Condition"]["ForAllValues:StringEquals"]["dynamodb:Attributes"] == [
        "order_id",
        "customer_email",
    ]
