"""Human formats round to the cent; machine formats keep every digit."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest

from costcalc.compare.render import per_order
from costcalc.pricing.bill import Bill, Line
from costcalc.pricing.render import cents, exact, quantity, render, rounded, unit_price

D = Decimal


def line(price: str, unit: str = "request") -> Line:
    return Line("sqs", "standard-requests", D(1), unit, D(price), D(price), "d")


def test_money_rounds_half_up_to_the_cent_for_people() -> None:
    assert (cents(D("2.335")), cents(D("1234.5"))) == ("2.34", "1,234.50")


@pytest.mark.parametrize("value", ["-0", "-0.00", "-0.000000000001", "-0E+3"])
@pytest.mark.parametrize("shown", [cents, exact, quantity, per_order])
def test_an_amount_that_rounds_to_zero_is_never_shown_as_minus_zero(
    value: str, shown: Callable[[Decimal], str]
) -> None:
    assert not shown(D(value)).startswith("-")


def test_rounding_keeps_the_sign_of_what_does_not_round_to_zero() -> None:
    assert rounded(D("-0.005"), D("0.01")) == D("-0.01")
    assert str(rounded(D("-0.004"), D("0.01"))) == "0.00"
    assert (cents(D("-0.004")), quantity(D("-0.0000004"))) == ("0.00", "0")


def test_exact_keeps_ten_places_without_exponent_or_trailing_zeros() -> None:
    assert exact(D("1E+2")) == "100"
    assert exact(D("202.96944444444444444")) == "202.9694444444"
    assert exact(D("0.0000166667")) == "0.0000166667"


def test_tiny_unit_prices_read_per_thousand_or_per_million() -> None:
    assert unit_price(line("0.0000002")) == "0.20 per 1M requests"
    assert unit_price(line("0.0000166667", "GB-second")) == "0.0166667 per 1K GB-seconds"
    assert unit_price(line("3")) == "3.00 per request"
    assert unit_price(line("0")) == "free"


def test_quantities_group_thousands_and_keep_six_decimals() -> None:
    assert (quantity(D(3_000_000)), quantity(D("17361.11111111"))) == ("3,000,000", "17,361.111111")


def test_json_of_an_empty_bill_is_still_one_object() -> None:
    bill = Bill("us-east-1", False, (), dt.date(2025, 8, 1), ())
    text = render(bill, "json", "t")
    assert text.startswith("{")
    assert '"lines": []' in text
    assert '"monthly_usd": 0' in text
