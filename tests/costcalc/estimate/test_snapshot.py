"""An estimate per resource: its resources add up to the bill, and the base file round-trips."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from costcalc.compare.scenario import DesignCost, scenario
from costcalc.estimate.snapshot import from_design, read_base, to_json
from costcalc.pricing.render import dump_json
from costcalc.workload.metering import Workload


def _snapshot(design: str) -> tuple[Decimal, object]:
    plan = scenario(region="us-east-1", free_tier=True, designs=[design])
    cost = plan.price(Decimal(250_000)).designs[0]
    return cost.monthly_usd, from_design("template.yaml", cost, plan.workloads[0], True)


def test_the_resources_add_up_to_the_bill_free_tier_and_monitoring_included() -> None:
    for design in ("choreography", "orchestration"):
        bill, snapshot = _snapshot(design)
        assert abs(snapshot.monthly_usd - bill) < Decimal("1e-9")  # each item kept to 1e-10
        assert ("monitoring", "AWS::CloudWatch") in {r.key for r in snapshot.resources}


def test_a_saved_base_reads_back_as_the_snapshot_it_was(tmp_path: Path) -> None:
    _, snapshot = _snapshot("orchestration")
    path = tmp_path / "base.json"
    path.write_text(dump_json({"designs": [], "diff_base": to_json(snapshot)}), encoding="utf-8")
    assert read_base(path) == snapshot
    assert json.loads(path.read_text())["diff_base"]["digest"].startswith("sha256:")


def test_quantities_of_no_resource_are_listed_as_unattributed_never_as_monitoring() -> None:
    plan = scenario(region="us-east-1", designs=["choreography"])
    metered = plan.workloads[0]
    by_hand = Workload(metered.profile, metered.per_order, metered.fixed)  # no parts
    orders = Decimal(1000)
    cost = DesignCost(by_hand.profile, orders, plan.bill(by_hand, orders))
    snapshot = from_design("template.yaml", cost, by_hand, False)
    resources = {r.key: r for r in snapshot.resources}
    assert set(resources) == {("monitoring", "AWS::CloudWatch"), ("unattributed", "-")}
    monitoring = resources["monitoring", "AWS::CloudWatch"]
    assert {i.item.partition("/")[0] for i in monitoring.items} == {"cloudwatch"}
