"""An estimate per resource: its resources add up to the bill, and the base file round-trips."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from costcalc.compare.scenario import scenario
from costcalc.estimate.snapshot import from_design, read_base, to_json
from costcalc.pricing.render import dump_json


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
