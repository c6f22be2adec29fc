"""Tier arithmetic over the month's total, the free tier, and the properties every cost keeps."""

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costcalc.errors import MissingPriceError, UsageError
from costcalc.pricing.bill import Usage, price_usage
from costcalc.pricing.catalogue import load_catalogue
from tests.costcalc.helpers import priced

D = Decimal
CATALOGUE = load_catalogue()
US_EAST_1 = sorted(key for key in CATALOGUE.entries if key[2] == "us-east-1")
TIERED = [key for key in US_EAST_1 if len(CATALOGUE.entries[key].tiers) > 1]
volumes = st.decimals(min_value=0, max_value=D("1e12"), places=3, allow_nan=False)


def cost(service: str, item: str, quantity: Decimal, *, free_tier: bool = False) -> Decimal:
    usage = Usage()
    usage.add(service, item, quantity)
    return priced(usage, free_tier=free_tier).monthly_usd


def test_usage_of_one_item_is_summed_so_tiers_see_the_month_total(usage: Usage) -> None:
    usage.add("sqs", "standard-requests", D("60e9"))
    usage.add("sqs", "standard-requests", D("60e9"))
    lines = priced(usage).lines
    assert [(line.quantity, line.unit_price_usd) for line in lines] == [
        (D("100e9"), D("0.0000004")),
        (D("20e9"), D("0.0000003")),
    ]


def test_every_line_is_its_quantity_times_its_unit_price(usage: Usage) -> None:
    usage.add("apigateway", "rest-requests", D("25e9"))
    usage.add("lambda", "duration-x86", D("16e9"))
    for line in priced(usage, free_tier=True).lines:
        assert line.quantity * line.unit_price_usd == line.monthly_usd


def test_free_units_are_the_month_first_and_listed_at_price_zero(usage: Usage) -> None:
    usage.add("xray", "traces-recorded", D(250_000))
    bill = priced(usage, free_tier=True)
    assert [(line.tier, line.quantity, line.monthly_usd) for line in bill.lines] == [
        ("free tier", D(100_000), D(0)),
        ("", D(150_000), D("0.75")),
    ]
    assert [(use.pool, use.quantity) for use in bill.free_tier_applied] == [
        ("xray-traces", D(100_000))
    ]


def test_without_the_free_tier_nothing_is_free(usage: Usage) -> None:
    usage.add("xray", "traces-recorded", D(100_000))
    bill = priced(usage)
    assert bill.monthly_usd == D("0.50")
    assert bill.free_tier_applied == ()


def test_zero_usage_still_shows_its_line_at_zero(usage: Usage) -> None:
    usage.add("ses", "outbound-emails", D(0))
    assert [(line.quantity, line.monthly_usd) for line in priced(usage).lines] == [(D(0), D(0))]


def test_zero_usage_of_a_tiered_item_shows_its_first_tier(usage: Usage) -> None:
    usage.add("sqs", "standard-requests", D(0))
    assert [(line.tier, line.unit_price_usd) for line in priced(usage).lines] == [
        ("first 100,000,000,000", D("0.0000004"))
    ]


def test_usage_ending_on_a_tier_bound_has_no_empty_line_for_the_next_tier(usage: Usage) -> None:
    usage.add("sqs", "standard-requests", D("100e9"))
    assert [(line.tier, line.quantity) for line in priced(usage).lines] == [
        ("first 100,000,000,000", D("100e9"))
    ]


def test_each_tier_is_labelled_by_where_it_starts_and_how_wide_it_is(usage: Usage) -> None:
    usage.add("lambda", "duration-x86", D("16e9"))
    assert [line.tier for line in priced(usage).lines] == [
        "first 6,000,000,000",
        "next 9,000,000,000",
        "over 15,000,000,000",
    ]


def test_a_single_free_unit_still_shows_as_its_free_line(usage: Usage) -> None:
    usage.add("xray", "traces-recorded", D(1))
    bill = priced(usage, free_tier=True)
    assert [(line.tier, line.quantity) for line in bill.lines] == [("free tier", D(1))]


def test_the_items_of_one_pool_share_its_free_allowance(usage: Usage) -> None:
    usage.add("lambda", "duration-x86", D(300_000))
    usage.add("lambda", "duration-arm64", D(300_000))
    bill = priced(usage, free_tier=True)
    assert [(line.item, line.tier, line.quantity) for line in bill.lines] == [
        ("duration-x86", "free tier", D(300_000)),
        ("duration-arm64", "free tier", D(100_000)),
        ("duration-arm64", "first 7,500,000,000", D(200_000)),
    ]
    assert [(use.pool, use.quantity) for use in bill.free_tier_applied] == [
        ("lambda-compute", D(400_000))
    ]


def test_a_bill_and_its_lines_cannot_be_changed_once_priced(usage: Usage) -> None:
    usage.add("xray", "traces-recorded", D(250_000))
    bill = priced(usage, free_tier=True)
    for value in (bill, bill.lines[0], bill.free_tier_applied[0]):
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.quantity = D(0)  # type: ignore[misc, union-attr]


def test_a_bill_carries_the_price_date_and_source(usage: Usage) -> None:
    usage.add("ses", "outbound-emails", D(1))
    bill = priced(usage)
    assert bill.prices_as_of.isoformat() == "2025-08-01"
    assert bill.sources == ("https://aws.amazon.com/ses/pricing/",)


def test_an_empty_usage_is_refused(usage: Usage) -> None:
    with pytest.raises(UsageError, match="no usage to price"):
        priced(usage)


def test_negative_usage_is_refused(usage: Usage) -> None:
    with pytest.raises(UsageError, match="must be a number >= 0"):
        usage.add("ses", "outbound-emails", D(-1))


@pytest.mark.parametrize("quantity", ["Infinity", "NaN"])
def test_a_quantity_that_is_not_a_finite_number_is_refused(usage: Usage, quantity: str) -> None:
    with pytest.raises(UsageError, match=f"quantity {quantity} must be a number >= 0"):
        usage.add("ses", "outbound-emails", D(quantity))


def test_a_known_region_without_the_service_names_the_missing_price(usage: Usage) -> None:
    usage.add("athena", "data-scanned", D(1))
    with pytest.raises(MissingPriceError, match="no sourced price for athena/data-scanned"):
        priced(usage, "eu-west-1")


def test_the_free_tier_flag_must_be_named(usage: Usage) -> None:
    usage.add("ses", "outbound-emails", D(1))
    with pytest.raises(TypeError):
        price_usage(usage, "us-east-1", True)  # type: ignore[call-arg]


def test_an_unknown_region_names_the_regions_there_are(usage: Usage) -> None:
    usage.add("ses", "outbound-emails", D(1))
    with pytest.raises(UsageError, match=r"unknown region 'mars-1'.*eu-west-1, us-east-1"):
        priced(usage, "mars-1")


@pytest.mark.parametrize("key", US_EAST_1, ids=lambda key: f"{key[0]}/{key[1]}")
@settings(max_examples=40, deadline=None)
@given(low=volumes, extra=volumes, free_tier=st.booleans())
def test_a_cost_is_never_negative_and_never_falls_as_usage_grows(
    key: tuple[str, str, str], low: Decimal, extra: Decimal, free_tier: bool
) -> None:
    service, item, _ = key
    smaller = cost(service, item, low, free_tier=free_tier)
    assert smaller >= 0
    assert cost(service, item, low + extra, free_tier=free_tier) >= smaller


@pytest.mark.parametrize("key", TIERED, ids=lambda key: f"{key[0]}/{key[1]}")
@settings(max_examples=60, deadline=None)
@given(data=st.data(), step=st.decimals(min_value=0, max_value=1, places=6))
def test_a_tiered_cost_never_grows_faster_than_its_dearest_rate(
    key: tuple[str, str, str], data: st.DataObject, step: Decimal
) -> None:
    """Continuity: near any tier boundary, a small step in usage is a small step in cost."""
    service, item, _ = key
    tiers = CATALOGUE.entries[key].tiers
    boundary = data.draw(st.sampled_from([tier.start for tier in tiers[1:]]))
    low = boundary + data.draw(st.decimals(min_value=-2, max_value=1, places=6))
    rise = cost(service, item, low + step) - cost(service, item, low)
    assert D(0) <= rise <= step * max(tier.usd for tier in tiers)


@pytest.mark.parametrize("key", TIERED, ids=lambda key: f"{key[0]}/{key[1]}")
def test_a_tiered_cost_has_no_jump_at_any_tier_boundary(key: tuple[str, str, str]) -> None:
    service, item, _ = key
    step = D("0.000001")
    for tier in CATALOGUE.entries[key].tiers[1:]:
        at = cost(service, item, tier.start)
        below = cost(service, item, tier.start - step)
        above = cost(service, item, tier.start + step)
        # Each side moves by at most the step times the dearer neighbouring rate.
        assert D(0) <= at - below <= step * max(t.usd for t in CATALOGUE.entries[key].tiers)
        assert D(0) <= above - at <= step * tier.usd


@pytest.mark.parametrize("key", TIERED, ids=lambda key: f"{key[0]}/{key[1]}")
def test_a_tiered_cost_at_each_boundary_is_the_sum_of_the_full_tiers_below(
    key: tuple[str, str, str],
) -> None:
    service, item, _ = key
    tiers = CATALOGUE.entries[key].tiers
    for index, tier in enumerate(tiers[1:], start=1):
        full_tiers = sum(((t.end or D(0)) - t.start) * t.usd for t in tiers[:index])
        assert cost(service, item, tier.start) == full_tiers
