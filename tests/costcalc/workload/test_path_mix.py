"""The path mix: defaults, the one rule for left-out rates, and refusals."""

from decimal import Decimal

import pytest

from costcalc.errors import UsageError
from costcalc.workload.path_mix import DEFAULTS, path_mix

D = Decimal


def test_no_rates_given_gives_the_defaults() -> None:
    assert path_mix({}).rates == DEFAULTS


def test_the_accept_rate_absorbs_the_remainder_when_left_out() -> None:
    mix = path_mix({"rejected": D("0.2")})
    assert mix.rates == {
        "accepted": D("0.75"),
        "rejected": D("0.2"),
        "timed_out": D("0.03"),
        "cancelled": D("0.02"),
    }
    assert "accepted" in mix.derived


def test_a_given_accept_rate_leaves_the_remainder_to_the_unhappy_paths_by_their_defaults() -> None:
    mix = path_mix({"accepted": D("0.95")})
    assert mix.rates == {
        "accepted": D("0.95"),
        "rejected": D("0.025"),
        "timed_out": D("0.015"),
        "cancelled": D("0.010"),
    }


def test_the_issue_example_fills_rejected_and_cancelled_with_their_defaults() -> None:
    mix = path_mix({"accepted": D("0.9"), "timed_out": D("0.03")})
    assert (mix.rates["rejected"], mix.rates["cancelled"]) == (D("0.05"), D("0.02"))


def test_shares_that_do_not_divide_evenly_still_sum_to_exactly_one() -> None:
    mix = path_mix({"accepted": D("0.9"), "timed_out": D("0.04")})
    assert sum(mix.rates.values()) == 1


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"accepted": D("1.2")}, r"--accept-rate 1.2: accepted values are 0 to 1"),
        ({"cancelled": D("-0.1")}, r"--cancel-rate -0.1: accepted values are 0 to 1"),
        (
            {
                "accepted": D("0.5"),
                "rejected": D("0.1"),
                "timed_out": D("0.1"),
                "cancelled": D("0.1"),
            },
            r"must each be 0 to 1 and sum to 1; got --accept-rate 0.5, --reject-rate 0.1",
        ),
        ({"rejected": D("0.99")}, r"sum to 1; got --accept-rate -0.04"),
        (
            {"accepted": D("0.95"), "rejected": D("0.1")},
            r"must sum to 1; --accept-rate 0.95, --reject-rate 0.1 already sum to 1.05",
        ),
    ],
)
def test_rates_outside_zero_to_one_or_not_summing_to_one_are_refused(
    given: dict[str, Decimal], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        path_mix(given)
