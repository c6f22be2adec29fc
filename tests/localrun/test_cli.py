import json
import subprocess
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from stack_helpers import ROOT

from localrun.bi_report import DEMO_MIX
from localrun.cli import main


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "localrun", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_help_teaches_with_examples() -> None:
    result = _run("--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout
    assert "python -m localrun order --outcome timeout" in result.stdout


def test_order_prints_the_timeline_of_one_completed_order() -> None:
    result = _run("order")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    events = [line.split()[1] for line in lines if line.startswith("  +")]
    assert events == [
        "order_placed",
        "restaurant_notified",
        "order_accepted",
        "user_notified",
        "order_completed",
    ]
    assert "final status: completed" in result.stdout
    assert "deploying sam/choreography/template.yaml" in result.stderr


def test_order_json_reports_a_timed_out_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["order", "--outcome", "timeout", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "timed_out"
    assert [e["detail_type"] for e in result["bus_events"]][-2:] == [
        "order_timed_out",
        "user_notified",
    ]
    assert result["emails"][0]["subject"].endswith("timed out")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["order", "--param", "SenderEmail"], "--param 'SenderEmail': expected NAME=VALUE"),
        (["order", "--param", "Colour=red"], "unknown parameter(s) Colour"),
        (["order", "--template", "missing.yaml"], "missing.yaml: cannot read the template"),
        (
            ["order", "--param", "SenderEmail=not-an-email"],
            "parameter SenderEmail: 'not-an-email' does not match the pattern",
        ),
        (["order", "--param", "AcceptanceTimeoutSeconds=0"], "is outside 1..86400"),
        (["order", "--param", "LogRetentionDays=2"], "'2' is not one of 1, 3, 5"),
        (
            ["analytics", "--analytics-template", "missing.yaml"],
            "missing.yaml: cannot read the template",
        ),
        (["analytics", "--param", "Colour=red"], "unknown parameter(s) Colour"),
    ],
)
def test_bad_usage_is_one_line_and_exit_status_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("python -m localrun: error: ")
    assert message in error


def test_an_unknown_outcome_is_a_usage_error() -> None:
    result = _run("order", "--outcome", "shipped")
    assert result.returncode == 2
    assert "invalid choice: 'shipped'" in result.stderr
    assert "Traceback" not in result.stderr


def test_seeding_from_a_bad_file_fails_before_touching_aws(tmp_path: Path) -> None:
    restaurants = tmp_path / "restaurants.json"
    restaurants.write_text('[{"restaurant_id": "Bad Id"}]')
    result = _run("seed-restaurants", "--stack-name", "orders", str(restaurants))
    assert result.returncode == 2
    assert "restaurants[0].restaurant_id: 'Bad Id' is not accepted" in result.stderr


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
    result = _run("analytics")
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
