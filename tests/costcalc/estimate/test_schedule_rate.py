"""A schedule's volume is its expression's rate over a 730-hour month, never the user's N."""

from __future__ import annotations

from decimal import Decimal

import pytest

from costcalc.errors import UsageError
from costcalc.estimate.schedule_rate import monthly_firings


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("rate(5 minutes)", Decimal(8760)),
        ("rate(1 hour)", Decimal(730)),
        ("rate(1 day)", Decimal(730) / 24),
        ("cron(0 12 * * ? *)", Decimal(730) / 24),
        ("cron(0/15 9-17 ? * MON-FRI *)", Decimal(4) * 9 * (5 * (Decimal(730) / 24) / 7)),
        ("at(2026-12-24T18:00:00)", Decimal(0)),
    ],
)
def test_a_schedule_fires_as_often_as_its_expression_says(
    expression: str, expected: Decimal
) -> None:
    assert monthly_firings(expression, "Nightly") == expected


@pytest.mark.parametrize(
    "expression", ["rate(0 minutes)", "every day", "cron(0 12 * *)", "cron(99 * * * ? *)"]
)
def test_an_unreadable_schedule_is_refused_naming_it(expression: str) -> None:
    with pytest.raises(UsageError, match="Nightly"):
        monthly_firings(expression, "Nightly")
