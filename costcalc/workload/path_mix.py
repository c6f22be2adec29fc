"""The share of orders taking each path: accepted, rejected, timed out, cancelled, overdue.

``accepted`` is an order accepted and completed by its deadline; ``overdue`` one accepted and
not completed by its deadline (``OrderDeadlineSeconds``), completed late. Each rate is a share
of all orders. Rates are given with ``--accept-rate``, ``--reject-rate``, ``--timeout-rate``,
``--cancel-rate`` and ``--overdue-rate`` and must sum to exactly 1. Left-out rates are filled in
by one rule:

- the accept rate, when left out, absorbs the remainder (1 minus the other four, the left-out
  ones at their defaults);
- when the accept rate is given, the left-out unhappy-path rates share what remains in
  proportion to their defaults (5 : 3 : 2 : 1).

Defaults: accepted 0.89, rejected 0.05, timed out 0.03, cancelled 0.02, overdue 0.01.

The overdue default is the kit's assumption, not a measurement: no public statistic counts
food orders still not delivered two hours after they were placed (platforms publish on-time
rates against their own 30 to 60 minute promises, which the default deadline of 7200 seconds is
far beyond). One order in a hundred, 1.1% of the accepted ones, is taken as a kitchen or a
courier falling badly behind now and then; ``costcalc actual`` measures the real share (the
``Orderflow/OrdersOverdue`` metric both styles emit), to be given back as ``--overdue-rate``.
Taking it from the accept rate's default keeps the accepted orders at 0.90 of all orders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from costcalc.errors import UsageError
from costcalc.workload.profiles import PATHS

DEFAULTS: Mapping[str, Decimal] = {
    "accepted": Decimal("0.89"),
    "rejected": Decimal("0.05"),
    "timed_out": Decimal("0.03"),
    "cancelled": Decimal("0.02"),
    "overdue": Decimal("0.01"),
}
FLAGS: Mapping[str, str] = {
    "accepted": "--accept-rate",
    "rejected": "--reject-rate",
    "timed_out": "--timeout-rate",
    "cancelled": "--cancel-rate",
    "overdue": "--overdue-rate",
}
#: What each rate is a share of the orders of (the flags' help).
MEANINGS: Mapping[str, str] = {
    "accepted": "accepted and completed by their deadline",
    "rejected": "rejected by the restaurant",
    "timed_out": "not answered by the restaurant in time",
    "cancelled": "cancelled by the customer before an answer",
    "overdue": "accepted and not completed by their deadline (then completed late)",
}
RULE = (
    "left-out rates: the accept rate absorbs the remainder; when it is given, the left-out "
    "unhappy paths share the remainder in proportion to their defaults "
    "(0.05 : 0.03 : 0.02 : 0.01)"
)


#: The places a share filled in by proportion is rounded to (a 28-digit quotient would round
#: again when summed, and the rates would miss 1 by a digit).
SHARE_PLACES = Decimal("1e-12")


@dataclass(frozen=True)
class PathMix:
    """Rates per path, summing to 1, and which of them were derived rather than given."""

    rates: Mapping[str, Decimal]
    derived: tuple[str, ...]


def path_mix(given: Mapping[str, Decimal | None]) -> PathMix:
    """Complete the rates the user gave (``None`` = left out) by the module's rule."""
    unknown = set(given) - set(PATHS)
    if unknown:
        raise UsageError(f"unknown path {sorted(unknown)[0]!r}; accepted: {', '.join(PATHS)}")
    stated = {path: rate for path, rate in given.items() if rate is not None}
    for path, rate in stated.items():
        if not rate.is_finite() or not 0 <= rate <= 1:
            raise UsageError(f"{FLAGS[path]} {rate}: accepted values are 0 to 1")
    given_sum = sum(stated.values(), Decimal(0))
    if given_sum > 1:
        shown = ", ".join(f"{FLAGS[path]} {rate}" for path, rate in stated.items())
        raise UsageError(f"path rates must sum to 1; {shown} already sum to {given_sum}")
    missing = [path for path in PATHS if path not in stated]
    rates = dict(stated)
    if "accepted" in missing:
        for path in missing:
            if path != "accepted":
                rates[path] = DEFAULTS[path]
        rates["accepted"] = 1 - sum(rates.values(), Decimal(0))
    elif missing:
        remainder = 1 - sum(stated.values(), Decimal(0))
        weight = sum((DEFAULTS[path] for path in missing), Decimal(0))
        for path in missing[:-1]:  # to SHARE_PLACES, so that the sum stays exactly 1
            rates[path] = (remainder * DEFAULTS[path] / weight).quantize(SHARE_PLACES).normalize()
        rates[missing[-1]] = remainder - sum((rates[path] for path in missing[:-1]), Decimal(0))
    total = sum(rates.values(), Decimal(0))
    if total != 1 or any(rate < 0 for rate in rates.values()):
        shown = ", ".join(f"{FLAGS[path]} {rates[path].normalize():f}" for path in PATHS)
        raise UsageError(f"path rates must each be 0 to 1 and sum to 1; got {shown}")
    return PathMix({path: rates[path] for path in PATHS}, tuple(missing))
