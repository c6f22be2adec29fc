"""Where a bill's prices came from and whether they are too old to trust without a refresh.

Prices change (DynamoDB on-demand halved in November 2024; Lambda began billing INIT in August
2025), so every command states the source and date it priced with and warns once the prices
were last seen more than :data:`STALE_AFTER_DAYS` days ago. "Today" is the system date unless
``COSTCALC_TODAY`` (an ISO date) says otherwise, so tests and reproducible reports can fix it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable

from costcalc.errors import CostcalcError

#: The ``source`` of every price written by ``costcalc prices refresh``.
PRICE_LIST_API = "AWS Price List API"
STALE_AFTER_DAYS = 90
TODAY_ENV = "COSTCALC_TODAY"


def today() -> dt.date:
    """The date prices are aged against: ``$COSTCALC_TODAY`` if set, else the system date."""
    fixed = os.environ.get(TODAY_ENV)
    if not fixed:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(fixed)
    except ValueError:
        raise CostcalcError(f"{TODAY_ENV}={fixed!r} is not an ISO date (YYYY-MM-DD)") from None


def origin(sources: Iterable[str]) -> str:
    """Which catalogue the prices came from: the bundled one, the refreshed cache, or both."""
    from_api = {source == PRICE_LIST_API for source in sources}
    if from_api == {True}:
        return "refreshed from the AWS Price List API"
    if from_api == {False}:
        return "bundled catalogue"
    return "bundled catalogue and prices refreshed from the AWS Price List API"


def age_warning(seen: dt.date, on: dt.date | None = None) -> str | None:
    """A one-line warning when prices last seen on ``seen`` are stale, else None."""
    age = ((on or today()) - seen).days
    if age <= STALE_AFTER_DAYS:
        return None
    return (
        f"prices last seen {seen.isoformat()} are {age} days old (more than {STALE_AFTER_DAYS}); "
        "run `costcalc prices refresh` to fetch current ones"
    )
