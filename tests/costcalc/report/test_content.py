"""The report's wording: the answer first, break-evens, sensitivity, constraints, provenance."""

from decimal import Decimal

import pytest

from costcalc.compare.scenario import scenario
from costcalc.report.content import Bullets, Chart, Document, Section, Table, Text, document
from costcalc.report.decision import decision

D = Decimal


@pytest.fixture(scope="module")
def doc() -> Document:
    return document(decision(scenario(), D(250_000), (D(1_000), D(10) ** 8), 21))


def section(doc: Document, anchor: str) -> Section:
    return next(s for s in doc.sections if s.anchor == anchor)


def texts(part: Section) -> list[str]:
    found = []
    for block in part.blocks:
        if isinstance(block, Text):
            found.append(block.text)
        elif isinstance(block, Bullets):
            found.extend(block.items)
    return found


def test_the_answer_comes_first_with_both_styles_and_the_difference(doc: Document) -> None:
    assert [s.anchor for s in doc.sections] == [
        "answer",
        "volume",
        "breakdown",
        "sensitivity",
        "constraints",
        "provenance",
        "sweep",
    ]
    lead, difference = texts(section(doc, "answer"))
    assert lead == (
        "At 250,000 orders a month in us-east-1, `choreography` costs $44.31 a month "
        "($0.000177 per order); `orchestration` costs $89.40 a month ($0.000358 per order)."
    )
    assert difference == (
        "`orchestration` costs $45.09 more a month than `choreography`: $541.09 more a year."
    )


def test_the_answer_table_carries_the_exact_figures_behind_the_rounded_ones(
    doc: Document,
) -> None:
    (table,) = [b for b in section(doc, "answer").blocks if isinstance(b, Table)]
    cells = {cell.key: cell for row in table.rows for cell in row if cell.key}
    monthly = scenario().price(D(250_000)).designs[1].monthly_usd
    assert cells["orchestration.monthly_usd"].text == "$89.40"
    assert D(cells["orchestration.monthly_usd"].exact) == monthly.quantize(D("1e-10"))
    assert cells["choreography.more_per_month"].text == "cheapest"
    assert cells["orchestration.more_per_year"].text == "$541.09"
    assert [row[1].text for row in table.rows] == ["yes", "yes", "no (see constraints)"]


def test_no_break_even_in_range_is_stated_with_the_range() -> None:
    # the curves cross once, near 5,424 orders/month: above 10,000 there is no crossing
    above = document(decision(scenario(), D(250_000), (D(10_000), D(10) ** 8), 5))
    said = texts(section(above, "volume"))
    assert said[0].startswith(
        "No break-even in range 10,000 to 100,000,000 orders/month: choreography is cheaper"
    )


def test_a_break_even_in_range_is_stated_with_its_volume() -> None:
    facts = decision(scenario(), D(1_000), (D(100), D(10_000)), 5)
    said = texts(section(document(facts), "volume"))
    assert said[0] == (
        "Break-even: choreography and orchestration cost the same at 5,424 orders/month "
        "($8.49 a month)."
    )


def test_every_chart_the_issue_asks_for_is_placed(doc: Document) -> None:
    charts = [b.name for s in doc.sections for b in s.blocks if isinstance(b, Chart)]
    assert charts == ["cost-by-volume", "cost-per-order-by-service", "sensitivity"]


def test_the_breakdown_table_totals_each_designs_cost_per_order(doc: Document) -> None:
    (table,) = [b for b in section(doc, "breakdown").blocks if isinstance(b, Table)]
    assert table.headers == ("service", "choreography", "orchestration", "orchestration-express")
    total = table.rows[-1]
    assert [c.text for c in total] == ["total", "$0.000177", "$0.000358", "$0.000166"]
    stepfunctions = next(row for row in table.rows if row[0].text == "stepfunctions")
    assert stepfunctions[2].text == "$0.000197"


def test_sensitivity_lists_a_region_without_prices_as_not_priced_with_the_gaps(
    doc: Document,
) -> None:
    part = section(doc, "sensitivity")
    (table,) = [b for b in part.blocks if isinstance(b, Table)]
    region = next(row for row in table.rows if row[0].text.startswith("Region"))
    assert [c.text for c in region[2:5]] == ["not priced"] * 3
    assert any(
        t.startswith("Region eu-west-1: not priced, the catalogue has no sourced price there")
        for t in texts(part)
    )
    assert "No single assumption moved within these ranges changes which design is cheaper." in (
        texts(part)
    )


def test_constraints_rule_out_express_and_the_recommendation_prices_the_premium(
    doc: Document,
) -> None:
    said = texts(section(doc, "constraints"))
    assert said[0].startswith("`orchestration-express` is ruled out: Express workflows have no")
    assert any("run at most 5 minutes" in t for t in said)
    recommendation = said[-1]
    assert recommendation.startswith(
        "Recommendation: orchestrate inside a bounded context, choreograph between bounded "
        "contexts."
    )
    assert "cost $45.09 a month at 250,000 orders/month ($541.09 a year" in recommendation


def test_provenance_names_the_prices_the_stale_warning_and_where_figures_come_from(
    doc: Document, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = texts(section(doc, "provenance"))
    assert said[0].startswith("Prices: bundled catalogue, us-east-1, as of 2025-08-01")
    assert any("from deployment definitions (`definition`)" in t for t in said)
    assert any("No figure was read from a definition: `costcalc report PATH`" in t for t in said)
    monkeypatch.setenv("COSTCALC_TODAY", "2025-09-01")
    fresh = document(decision(scenario(), D(250_000), (D(1_000), D(10) ** 8), 3))
    assert fresh.warnings == ()
    monkeypatch.setenv("COSTCALC_TODAY", "2026-01-01")
    stale = document(decision(scenario(), D(250_000), (D(1_000), D(10) ** 8), 3))
    assert stale.warnings == (
        "prices last seen 2025-08-01 are 153 days old (more than 90); run `costcalc prices "
        "refresh` to fetch current ones",
    )


def test_a_flow_mapping_of_figures_shares_one_provenance_row(doc: Document) -> None:
    tables = [b for b in section(doc, "provenance").blocks if isinstance(b, Table)]
    choreography = next(t for t in tables if t.caption == "Workload figures of choreography")
    row = next(r for r in choreography.rows if r[0].text == "functions.api")
    assert row[1].text.startswith("trigger api, memory_mb 256, arch arm64, duration_ms 50")
    assert row[2].text == "profile"


def test_a_single_runnable_design_is_answered_without_a_difference() -> None:
    doc = document(decision(scenario(designs=["choreography"]), D(250_000), (D(1e3), D(1e8)), 3))
    said = texts(section(doc, "answer"))
    assert said[0].endswith("`choreography` costs $44.31 a month ($0.000177 per order).")
    assert said[1].startswith("Only `choreography` is runnable among the designs compared")
    assert "the range of `choreography`'s monthly cost" in texts(section(doc, "sensitivity"))[0]


def test_designs_none_of_which_can_run_are_priced_and_say_so() -> None:
    plan = scenario(designs=["orchestration-express"])
    said = texts(section(document(decision(plan, D(250_000), (D(1e3), D(1e8)), 3)), "answer"))
    assert said[0] == (
        "At 250,000 orders a month in us-east-1, `orchestration-express` (not runnable) costs "
        "$41.51 a month ($0.000166 per order)."
    )
    assert said[1] == "No runnable design is compared: none of these designs can run the flow."
