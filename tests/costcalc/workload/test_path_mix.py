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
        "accepted": D("0.74"),
        "rejected": D("0.2"),
        "timed_out": D("0.03"),
        "cancelled": D("0.02"),
        "overdue": D("0.01"),
    }
    assert "accepted" in mix.derived


def test_a_given_accept_rate_leaves_the_remainder_to_the_unhappy_paths_by_their_defaults() -> None:
    mix = path_mix({"accepted": D("0.945")})
    assert mix.rates == {
        "accepted": D("0.945"),
        "rejected": D("0.025"),
        "timed_out": D("0.015"),
        "cancelled": D("0.010"),
        "overdue": D("0.005"),
    }


def test_the_default_accept_rate_fills_the_unhappy_paths_with_their_defaults() -> None:
    mix = path_mix({"accepted": D("0.89"), "timed_out": D("0.03")})
    assert mix.rates == DEFAULTS


def test_an_overdue_rate_given_alone_is_taken_from_the_accepted_orders() -> None:
    mix = path_mix({"overdue": D("0.05")})
    assert (mix.rates["accepted"], mix.rates["overdue"]) == (D("0.85"), D("0.05"))
    assert (
        mix.rates["accepted"] + mix.rates["overdue"] == DEFAULTS["accepted"] + DEFAULTS["overdue"]
    )


@pytest.mark.parametrize("accepted", ["0.9", "0.95", "0.97", "0.3"])
def test_shares_that_do_not_divide_evenly_still_sum_to_exactly_one(accepted: str) -> None:
    mix = path_mix({"accepted": D(accepted), "timed_out": D("0.004")})
    assert sum(mix.rates.values()) == 1


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"accepted": D("1.2")}, r"--accept-rate 1.2: accepted values are 0 to 1"),
        ({"cancelled": D("-0.1")}, r"--cancel-rate -0.1: accepted values are 0 to 1"),
        ({"overdue": D("1.5")}, r"--overdue-rate 1.5: accepted values are 0 to 1"),
        ({"overdue": D("NaN")}, r"--overdue-rate NaN: accepted values are 0 to 1"),
        (
            {
                "accepted": D("0.5"),
                "rejected": D("0.1"),
                "timed_out": D("0.1"),
                "cancelled": D("0.1"),
                "overdue": D("0.1"),
            },
            r"must each be 0 to 1 and sum to 1; got --accept-rate 0.5, --reject-rate 0.1",
        ),
        ({"rejected": D("0.99")}, r"sum to 1; got --accept-rate -0.05"),
        (
            {"accepted": D("0.9"), "overdue": D("0.2")},
            r"must sum to 1; --accept-rate 0.9, --overdue-rate 0.2 already sum to 1.1",
        ),
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
