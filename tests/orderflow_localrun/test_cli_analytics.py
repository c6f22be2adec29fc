"""`python -m orderflow_localrun analytics`: the BI report over the analytics stack."""

import json
from collections import Counter
from decimal import Decimal

import pytest
from stack_helpers import run_localrun

from orderflow_localrun.analytics.bi_report import DEMO_MIX
from orderflow_localrun.cli import main


def test_analytics_reports_the_demo_mix_as_its_plan_implies(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["analytics", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    queries = {q["name"]: q for q in report["queries"]}
    outcomes = Counter(p.outcome for p in DEMO_MIX)
    [rates] = queries["outcome-rates"]["rows"]
    assert rates["orders_placed"] == report["orders"] == len(DEMO_MIX)
    assert rates["completed"] == outcomes["complete"]
    assert rates["timed_out_pct"] == round(100 * outcomes["timeout"] / len(DEMO_MIX), 2)
    revenue: dict[str, Decimal] = {}
    for plan in DEMO_MIX:
        if plan.outcome == "complete":
            revenue[plan.restaurant_id] = revenue.get(plan.restaurant_id, Decimal(0)) + plan.total
    assert {
        r["restaurant_id"]: Decimal(r["revenue"]) for r in queries["revenue-per-restaurant"]["rows"]
    } == revenue
    assert report["lake_objects"] == report["events_on_bus"]
    assert "from_iso8601_timestamp" in queries["orders-per-hour"]["athena_sql"]
    assert "from_iso8601_timestamp" not in queries["orders-per-hour"]["duckdb_sql"].lower()


def test_analytics_prints_a_table_per_report() -> None:
    result = run_localrun("analytics")
    assert result.returncode == 0, result.stderr
    titles = [line.split(":")[0] for line in result.stdout.splitlines() if line.startswith("== ")]
    assert titles == [
        "== orders-per-hour",
        "== outcome-rates",
        "== time-to-accept",
        "== time-to-complete",
        "== revenue-per-restaurant",
    ]
    assert "running 5 named queries on DuckDB" in result.stderr
