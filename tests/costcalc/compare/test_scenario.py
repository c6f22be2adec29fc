"""Comparisons: totals checked by hand, exact sweeps, break-evens and refusals."""

from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costcalc.compare.scenario import Scenario, check_orders, scenario, sweep_volumes, verdict
from costcalc.errors import UsageError
from costcalc.pricing.bill import PRECISION

D = Decimal
KB_PER_GB = D(1024) ** 2
#: Interpolation works with 50 significant digits: far below the 1e-10 that JSON shows.


def test_orchestration_at_100000_accepted_orders_matches_the_hand_computed_bill() -> None:
    plan = scenario(designs=["orchestration"], rates={"accepted": D(1)})
    design = plan.price(D(100_000)).designs[0]
    init = {name: function.init_ms for name, function in design.profile.functions.items()}
    cold = D("0.02") * (5 * init["api"] + init["await_restaurant"] + 5 * init["timeline_writer"])
    # Per accepted order (orchestration.yaml), priced in us-east-1 without the free tier:
    expected = (
        5 * D("0.000001")  # HTTP API: 5 requests of 1 KB, one 512 KB step each
        + 11 * D("0.0000002")  # Lambda requests: 11 invocations
        # Lambda duration: (5 API x 50 + 60 + 5 timeline x 30 ms + 2% of those 11 invocations
        # cold, each with its function's measured INIT) x 0.25 GB
        + (D(460) + cold) / 1000 / 4 * D("0.0000133334")
        + 5 * D("0.000001")  # EventBridge: 5 events of 1 KB
        + 5 * D(1) / KB_PER_GB * D("0.10")  # archive: the 5 events' 5 KB processed into it
        + 5 * D(1) / KB_PER_GB * 12 * D("0.023")  # kept 365 days: 12 months of them stored
        + 1 * D("0.0000005")  # SNS: 1 publish ("new order")
        + 1 * D("0.0000006")  # SNS: 1 HTTPS delivery to the restaurant
        + D("0.0001")  # SES: 1 email
        + 16 * D("0.000000625")  # DynamoDB: 4 x 2 WRU (1.5 KB) + 3 x 1 (0.5 KB) + 5 x 1 (1 KB)
        + 8 * D("0.000000125")  # DynamoDB: 7 strong reads of 1.5 KB + 2 eventual of 1 KB (half)
        + 8 * D("0.000025")  # Step Functions: 8 states entered
        + 11 * D(1) / KB_PER_GB * D("0.50")  # vended logs: 11 invocations x 1 KB
        + 5 * D("0.5") / KB_PER_GB * D("0.50")  # access logs: 5 requests x 0.5 KB
        # 30 days' retention of both: 720 of a 730-hour month's ingestion stored
        + (11 + 5 * D("0.5")) / KB_PER_GB * D("0.03") * D("0.98630137")
        + 5 * D("0.05") * D("0.000005")  # X-Ray: 5 trace roots sampled at 5%
    ) * 100_000 + (
        13 * D("0.10")
        + 8 * D("0.30")
        + D("3.00")  # 13 alarm metrics, 8 custom metrics, 1 dashboard
    )
    assert design.monthly_usd == expected
    assert expected.quantize(D("0.01")) == D("40.30")
    assert design.per_order_usd == expected / 100_000


def test_choreography_costs_less_than_orchestration_at_the_default_volume() -> None:
    comparison = scenario().price(D(250_000))
    costs = {design.name: design.monthly_usd for design in comparison.designs}
    assert costs["choreography"] < costs["orchestration"]
    cheapest = comparison.cheapest_runnable
    assert cheapest is not None
    assert cheapest.name == "choreography"


def test_express_is_never_the_recommended_design_even_when_cheapest() -> None:
    comparison = scenario().price(D(1000))
    costs = {design.name: design.monthly_usd for design in comparison.designs}
    assert costs["orchestration-express"] == min(costs.values())
    cheapest = comparison.cheapest_runnable
    assert cheapest is not None
    assert cheapest.name != "orchestration-express"


def test_every_line_is_quantity_times_unit_price() -> None:
    for design in scenario().price(D(3_000_000)).designs:
        for line in design.bill.lines:
            with localcontext() as context:  # the bill's own precision
                context.prec = PRECISION
                assert line.quantity * line.unit_price_usd == line.monthly_usd


PLANS = {free: scenario(free_tier=free) for free in (False, True)}


@settings(max_examples=40, deadline=None)
@given(orders=st.integers(min_value=1, max_value=10**9), free_tier=st.booleans())
def test_a_cost_curve_equals_direct_pricing_at_any_volume(orders: int, free_tier: bool) -> None:
    plan = PLANS[free_tier]
    curves = plan.curves(D(1), D(10**9))
    direct = plan.price(D(orders))
    for curve, design in zip(curves, direct.designs, strict=True):
        assert abs(curve.at(D(orders)) - design.monthly_usd) < D("1e-20")


def test_a_curve_is_exact_across_a_volume_tier_of_the_http_api() -> None:
    plan = scenario(designs=["choreography"], rates={"accepted": D(1)})
    # 5 requests per order: the 300 million request tier starts at 60 million orders
    curve = plan.curves(D(10**6), D(10**9))[0]
    assert D(60_000_000) in curve.volumes
    for orders in (D(59_999_999), D(60_000_001), D(123_456_789)):
        assert abs(curve.at(orders) - plan.price(orders).designs[0].monthly_usd) < D("1e-20")


def test_break_even_is_where_both_designs_bill_the_same() -> None:
    plan = scenario(free_tier=True)
    curves = plan.curves(D(1), D(100_000))
    points = plan.break_evens(curves)
    assert [point.designs for point in points] == [("choreography", "orchestration")]
    point = points[0]
    assert D(5600) < point.orders_per_month < D(5700)
    choreography, orchestration = curves[0], curves[1]
    gap = choreography.at(point.orders_per_month) - orchestration.at(point.orders_per_month)
    assert abs(gap) < D("1e-20")
    # either side of it, the cheaper design changes
    assert choreography.at(D(5600)) > orchestration.at(D(5600))
    assert choreography.at(D(5700)) < orchestration.at(D(5700))
    assert "cost the same at 5,643 orders/month" in verdict(curves, points)


def test_without_a_crossing_the_verdict_names_the_cheaper_design_and_by_how_much() -> None:
    plan = scenario()
    curves = plan.curves(D(6_000), D(10**8))
    assert plan.break_evens(curves) == []
    text = verdict(curves, [])
    assert text.startswith("choreography is cheaper than orchestration throughout, by ")
    assert text.endswith("%")


def test_the_express_design_is_left_out_of_break_evens() -> None:
    plan = scenario(free_tier=True)
    points = plan.break_evens(plan.curves(D(1), D(10**6)))
    assert all("orchestration-express" not in point.designs for point in points)


def test_sweep_volumes_are_whole_log_spaced_and_include_both_bounds() -> None:
    volumes = sweep_volumes(D("1e3"), D("1e8"), 11)
    assert volumes[0] == 1000
    assert volumes[-1] == 100_000_000
    assert str(volumes[0]) == "1000"
    assert volumes[1:3] == [D(3162), D(10_000)]
    assert all(v == v.to_integral_value() for v in volumes)


@pytest.mark.parametrize(
    ("low", "high", "points", "message"),
    [
        (D(1000), D(10), 5, r"--sweep 1000:10: the low bound must be below the high bound"),
        (D(0), D(10), 5, r"--orders-per-month 0: accepted values"),
        (D(1), D(10), 1, r"sweep points 1: accepted values are 2 to 100,000"),
    ],
)
def test_bad_sweeps_are_refused(low: Decimal, high: Decimal, points: int, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        sweep_volumes(low, high, points)


@pytest.mark.parametrize("orders", [D(-5), D(0), D("2.5"), D("1e12"), D("NaN")])
def test_volumes_that_are_not_whole_positive_and_plausible_are_refused(orders: Decimal) -> None:
    with pytest.raises(UsageError, match="--orders-per-month"):
        check_orders(orders)


#: What the bundled designs need in eu-west-1 that no citable source priced (see the YAML
#: comments in costcalc/data/prices/); a newly sourced price must shrink this set on purpose.
EU_WEST_1_UNSOURCED = {
    "dynamodb/write-request-units",
    "dynamodb/read-request-units",
    "cloudwatch/logs-ingestion-vended",
    "stepfunctions/express-requests",
    "stepfunctions/express-duration",
}


def test_a_region_missing_prices_is_refused_naming_exactly_the_missing_items() -> None:
    with pytest.raises(UsageError) as caught:
        scenario(region="eu-west-1")
    message = str(caught.value)
    named = message.split("sourced price there for ", 1)[1].split(";", 1)[0]
    assert set(named.split(", ")) == EU_WEST_1_UNSOURCED
    assert "never guessed or copied" in message
    assert "(regions with every price: us-east-1)" in message


def test_an_unknown_region_is_refused_with_the_known_ones() -> None:
    with pytest.raises(UsageError, match=r"unknown region 'mars-1'.*us-east-1"):
        scenario(region="mars-1")


def test_assumptions_state_the_transition_rule_in_force() -> None:
    default: Scenario = scenario(designs=["orchestration"])
    seed = scenario(designs=["orchestration"], count_start_end=True)
    assert default.assumptions()["transitions_counted"].startswith("states entered, as")
    assert "Start and End of every execution" in seed.assumptions()["transitions_counted"]
    more = (
        seed.price(D(1000)).designs[0].monthly_usd - default.price(D(1000)).designs[0].monthly_usd
    )
    assert more == 2 * 1000 * D("0.000025")  # two transitions per execution
