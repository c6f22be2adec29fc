"""Comparison output: the JSON contract with exact decimals, CSV, Markdown and the table."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest

from costcalc.compare.render import Report, render_report
from costcalc.compare.scenario import scenario, sweep_volumes

D = Decimal


@pytest.fixture(scope="module")
def single() -> Report:
    plan = scenario(designs=["orchestration"], rates={"accepted": D(1)})
    return Report(plan, [plan.price(D(100_000))])


@pytest.fixture(scope="module")
def swept() -> Report:
    plan = scenario(free_tier=True)
    comparisons = [plan.price(v) for v in sweep_volumes(D(1), D(100_000), 6)]
    return Report(plan, comparisons, across=plan.across(D(1), D(100_000)))


def test_json_follows_the_contract_with_exact_decimals(single: Report) -> None:
    document = json.loads(render_report(single, "json"), parse_float=Decimal)
    assert set(document) >= {
        "region",
        "free_tier",
        "prices_as_of",
        "orders_per_month",
        "designs",
        "assumptions",
    }
    assert (document["region"], document["free_tier"]) == ("us-east-1", False)
    assert document["orders_per_month"] == 100_000
    design = document["designs"][0]
    assert set(design) >= {"name", "monthly_usd", "per_order_usd", "runnable", "why_not", "lines"}
    assert design["monthly_usd"] == Decimal("40.3005365737")  # hand-checked in test_scenario
    assert design["per_order_usd"] == Decimal("0.0004030054")
    transitions = next(line for line in design["lines"] if line["item"] == "state-transitions")
    assert {key: transitions[key] for key in ("quantity", "unit_price_usd", "monthly_usd")} == {
        "quantity": 800_000,
        "unit_price_usd": Decimal("0.000025"),
        "monthly_usd": 20,
    }
    for line in design["lines"]:
        assert set(line) >= {"service", "item", "quantity", "unit", "unit_price_usd", "monthly_usd"}
    assert document["assumptions"]["path_mix"]["accepted"] == 1


def test_json_never_writes_a_float_approximation(single: Report) -> None:
    text = render_report(single, "json")
    assert not re.search(r"\d[eE][+-]?\d", text)
    assert "0.000025," in text


def test_a_not_runnable_design_carries_its_reason_in_json() -> None:
    plan = scenario(designs=["orchestration-express"])
    document = json.loads(render_report(Report(plan, [plan.price(D(1000))]), "json"))
    design = document["designs"][0]
    assert design["runnable"] is False
    assert "waitForTaskToken" in design["why_not"]
    assert document["cheapest_runnable"] is None


def test_sweep_json_has_one_entry_per_volume_and_the_break_evens(swept: Report) -> None:
    document = json.loads(render_report(swept, "json"), parse_float=Decimal)
    assert [entry["orders_per_month"] for entry in document["sweep"]] == [
        1,
        10,
        100,
        1000,
        10_000,
        100_000,
    ]
    assert all(len(entry["designs"]) == 3 for entry in document["sweep"])
    (point,) = document["break_even"]
    assert point["designs"] == ["choreography", "orchestration"]
    assert D(5600) < point["orders_per_month"] < D(5700)
    assert "5,643 orders/month" in document["verdict"]


def test_csv_totals_equal_the_sum_of_their_lines(single: Report) -> None:
    rows = list(csv.DictReader(io.StringIO(render_report(single, "csv"))))
    lines = [row for row in rows if row["service"] != "total"]
    (total,) = [row for row in rows if row["service"] == "total"]
    summed = sum(D(row["monthly_usd"]) for row in lines)
    assert abs(summed - D(total["monthly_usd"])) < D("1e-9")
    assert total["orders_per_month"] == "100000"


def test_the_table_shows_per_order_costs_the_lines_and_the_assumptions(single: Report) -> None:
    text = render_report(single, "table")
    assert re.search(r"\norchestration +40\.30 +0\.000403  yes\n", text)
    assert "stepfunctions  state-transitions" in text
    assert "Transitions counted: states entered" in text
    assert "free tier not applied (marginal cost" in text


def test_the_sweep_table_and_markdown_summarise_each_volume(swept: Report) -> None:
    table = render_report(swept, "table")
    assert "100,000" in table
    assert "Across the sweep: choreography and orchestration cost the same at 5,643" in table
    markdown = render_report(swept, "markdown")
    assert markdown.count("\n| ") >= 7
    assert "orchestration-express" in markdown
