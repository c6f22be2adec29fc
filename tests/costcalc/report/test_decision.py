"""The report's facts: the answer, the sweep, the split by service, origins and price sources."""

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.compare.scenario import scenario
from costcalc.errors import UsageError
from costcalc.report.decision import Decision, FigureOrigin, decision
from tests.costcalc.helpers import to_cent

D = Decimal
SPAN = (D(1_000), D(100_000_000))


@pytest.fixture(scope="module")
def facts() -> Decision:
    return decision(scenario(), D(250_000), SPAN, 21)


def test_the_answer_is_the_comparison_at_the_volume(facts: Decision) -> None:
    direct = scenario().price(D(250_000))
    assert [(d.name, d.monthly_usd) for d in facts.answer.designs] == [
        (d.name, d.monthly_usd) for d in direct.designs
    ]


def test_the_sweep_reads_the_exact_curves_at_each_volume_to_the_cent(facts: Decision) -> None:
    plan = scenario()
    assert len(facts.sweep) == 21
    assert (facts.sweep[0][0], facts.sweep[-1][0]) == SPAN
    for volume, monthly in facts.sweep[::5]:
        direct = {d.name: to_cent(d.monthly_usd) for d in plan.price(volume).designs}
        assert {name: to_cent(value) for name, value in monthly.items()} == direct


def test_the_one_crossing_in_the_default_range_is_found_exactly_and_said(facts: Decision) -> None:
    # Orchestration's fixed monthly items cost $1.00 less (ten alarm metrics fewer), choreography's
    # orders cost less: the curves cross once, near 5,424 orders/month.
    (crossing,) = facts.across.break_evens
    assert crossing.designs == ("choreography", "orchestration")
    assert D(5_420) < crossing.orders_per_month < D(5_430)
    at = {curve.name: curve.at(crossing.orders_per_month) for curve in facts.across.curves}
    assert (
        to_cent(at["choreography"]) == to_cent(at["orchestration"]) == to_cent(crossing.monthly_usd)
    )
    assert (
        facts.across.verdict == "choreography and orchestration cost the same at 5,424 orders/month"
    )


def test_no_break_even_in_a_range_above_the_crossing_is_said_in_the_verdict() -> None:
    above = decision(scenario(), D(250_000), (D(10_000), SPAN[1]), 5)
    assert above.across.break_evens == []
    assert above.across.verdict.startswith("choreography is cheaper than orchestration throughout")


def test_per_order_by_service_adds_up_to_each_designs_cost_per_order(facts: Decision) -> None:
    split = facts.per_order_by_service()
    for design in facts.answer.designs:
        assert sum(split[design.name].values()) == pytest.approx(
            design.per_order_usd, rel=D("1e-20")
        )
    assert split["choreography"]["stepfunctions"] == 0
    assert split["orchestration"]["stepfunctions"] > split["orchestration"]["lambda"]


def test_every_priced_service_names_its_source_and_date(facts: Decision) -> None:
    priced = {line.service for d in facts.answer.designs for line in d.bill.lines}
    assert {p.service for p in facts.prices} == priced
    assert all(p.source.startswith("https://aws.amazon.com/") for p in facts.prices)
    assert facts.prices_as_of == min(p.seen for p in facts.prices).isoformat()
    assert facts.prices_source == "bundled catalogue"


def test_every_profile_figure_is_from_a_bundled_profile_by_default(facts: Decision) -> None:
    counts = facts.origin_counts()
    assert counts["user"] == counts["definition"] == 0
    assert counts["profile"] == len(facts.origins) > 300
    memory = next(
        f
        for f in facts.origins
        if f.design == "choreography" and f.key == "functions.api.memory_mb"
    )
    assert memory.value == "256"
    assert memory.where.startswith("costcalc/data/profiles/choreography.yaml:")


def test_figures_from_a_usage_file_are_marked_user_with_their_line(tmp_path: Path) -> None:
    usage = tmp_path / "mine.yaml"
    usage.write_text("design: orchestration\npaths:\n  accepted: {transitions: 15}\n")
    facts = decision(scenario(usage_files=[usage]), D(250_000), SPAN, 3)
    (mine,) = [f for f in facts.origins if f.origin == "user"]
    assert mine == FigureOrigin(
        "orchestration", "paths.accepted.transitions", "15", "user", f"{usage}:3"
    )


def test_origins_handed_over_by_a_later_estimate_are_reported_as_given() -> None:
    given = [FigureOrigin("choreography", "paths.accepted.events", "5", "definition", "t.yaml:9")]
    facts = decision(scenario(), D(250_000), SPAN, 3, origins=given)
    assert facts.origin_counts() == {"definition": 1, "profile": 0, "user": 0}


def test_a_volume_outside_the_sweep_is_refused_naming_both() -> None:
    with pytest.raises(UsageError, match=r"--orders-per-month 500 lies outside the sweep 1,000"):
        decision(scenario(), D(500), SPAN, 3)
