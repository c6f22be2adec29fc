"""Every command says where its prices come from and warns once they are over 90 days old."""

import datetime as dt

import pytest

from costcalc.errors import CostcalcError
from costcalc.pricing.age import PRICE_LIST_API, age_warning, origin, today

SEEN = dt.date(2026, 1, 1)


def test_prices_seen_90_days_ago_pass_and_91_days_ago_warn() -> None:
    assert age_warning(SEEN, SEEN + dt.timedelta(days=90)) is None
    assert age_warning(SEEN, SEEN + dt.timedelta(days=91)) == (
        "prices last seen 2026-01-01 are 91 days old (more than 90); "
        "run `costcalc prices refresh` to fetch current ones"
    )


def test_today_can_be_fixed_by_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTCALC_TODAY", "2026-04-02")
    assert today() == dt.date(2026, 4, 2)
    assert age_warning(SEEN) is not None


def test_a_malformed_fixed_today_is_refused_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTCALC_TODAY", "tomorrow")
    with pytest.raises(CostcalcError, match="COSTCALC_TODAY='tomorrow' is not an ISO date"):
        today()


def test_the_origin_names_bundled_refreshed_or_both() -> None:
    page = "https://aws.amazon.com/lambda/pricing/"
    assert origin([page]) == "bundled catalogue"
    assert origin([PRICE_LIST_API]) == "refreshed from the AWS Price List API"
    assert origin([page, PRICE_LIST_API]).startswith("bundled catalogue and prices refreshed")
