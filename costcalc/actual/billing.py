"""Cost Explorer's billed cost and usage for the window, by service and usage type.

Step Functions' state transitions are billed usage (``...-StateTransition``), not a metric,
so they are read here. Filtered by the tag the deployment carries: a stack's
``aws:cloudformation:stack-name`` (activate it as a cost allocation tag) or the ``--tag``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from costcalc.actual.aws import Clients
from costcalc.actual.window import Window


@dataclass(frozen=True)
class Billed:
    service: str  # Cost Explorer's service name, e.g. "AWS Lambda"
    usage_type: str  # e.g. "USE1-Lambda-GB-Second-ARM"
    quantity: Decimal
    unit: str
    usd: Decimal


def billed(clients: Clients, key: str, value: str, window: Window) -> list[Billed]:
    """GetCostAndUsage grouped by service and usage type, filtered by the tag, paged."""
    print(f"costcalc actual: reading Cost Explorer for {key}={value} ...", file=sys.stderr)
    ce = clients("ce")
    request: dict[str, Any] = {
        "TimePeriod": {"Start": f"{window.start:%Y-%m-%d}", "End": _end_date(window)},
        "Granularity": "MONTHLY",
        "Metrics": ["UnblendedCost", "UsageQuantity"],
        "GroupBy": [
            {"Type": "DIMENSION", "Key": "SERVICE"},
            {"Type": "DIMENSION", "Key": "USAGE_TYPE"},
        ],
        "Filter": {"Tags": {"Key": key, "Values": [value], "MatchOptions": ["EQUALS"]}},
    }
    sums: dict[tuple[str, str], list[Any]] = {}
    while True:  # GetCostAndUsage has no paginator: NextPageToken by hand
        page = ce.get_cost_and_usage(**request)
        for period in page["ResultsByTime"]:
            for group in period["Groups"]:
                service, usage_type = group["Keys"]
                cost = group["Metrics"]["UnblendedCost"]
                usage = group["Metrics"]["UsageQuantity"]
                entry = sums.setdefault(
                    (service, usage_type), [Decimal(0), usage["Unit"], Decimal(0)]
                )
                entry[0] += Decimal(usage["Amount"])
                entry[2] += Decimal(cost["Amount"])
        token = page.get("NextPageToken")
        if not token:
            break
        request["NextPageToken"] = token
    return [Billed(s, u, q, unit, usd) for (s, u), (q, unit, usd) in sorted(sums.items())]


def _end_date(window: Window) -> str:
    """Cost Explorer's End is exclusive and a date: the day after the window's last moment."""
    import datetime as dt  # noqa: PLC0415

    last = window.end - dt.timedelta(microseconds=1)
    return f"{last.date() + dt.timedelta(days=1):%Y-%m-%d}"
