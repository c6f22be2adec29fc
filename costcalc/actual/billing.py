"""Cost Explorer's billed cost and usage for the window, by service and usage type, and the
cost per resource.

Step Functions' state transitions are billed usage (``...-StateTransition``), not a metric,
so they are read here. Filtered by the tag the deployment carries: a stack's
``aws:cloudformation:stack-name`` (activate it as a cost allocation tag) or the ``--tag``.
The cost per resource is grouped by a resource's own tag, by default the
``aws:cloudformation:logical-id`` CloudFormation puts on what it creates (activated too).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from costcalc.actual.aws import Clients
from costcalc.actual.window import Window
from orderflow_definitions.cli import progress

RESOURCE_TAG = "aws:cloudformation:logical-id"
UNTAGGED = "(untagged)"  # cost under the deployment's tag but not the resource tag


@dataclass(frozen=True)
class Billed:
    service: str  # Cost Explorer's service name, e.g. "AWS Lambda"
    usage_type: str  # e.g. "USE1-Lambda-GB-Second-ARM"
    quantity: Decimal
    unit: str
    usd: Decimal


def billed(clients: Clients, key: str, value: str, window: Window) -> list[Billed]:
    """GetCostAndUsage grouped by service and usage type, filtered by the tag, paged."""
    progress(f"costcalc actual: reading Cost Explorer for {key}={value} ...")
    groups = [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
    sums: dict[tuple[str, str], list[Any]] = {}
    for group in _groups(clients, key, value, window, groups):
        service, usage_type = group["Keys"]
        cost = group["Metrics"]["UnblendedCost"]
        usage = group["Metrics"]["UsageQuantity"]
        entry = sums.setdefault((service, usage_type), [Decimal(0), usage["Unit"], Decimal(0)])
        entry[0] += Decimal(usage["Amount"])
        entry[2] += Decimal(cost["Amount"])
    return [Billed(s, u, q, unit, usd) for (s, u), (q, unit, usd) in sorted(sums.items())]


def billed_by_resource(
    clients: Clients, key: str, value: str, window: Window, resource_tag: str
) -> dict[str, Decimal]:
    """GetCostAndUsage grouped by ``resource_tag``: USD per tag value (``UNTAGGED``: none)."""
    progress(f"costcalc actual: reading Cost Explorer per resource (tag {resource_tag}) ...")
    found: dict[str, Decimal] = {}
    for group in _groups(clients, key, value, window, [{"Type": "TAG", "Key": resource_tag}]):
        resource = group["Keys"][0].partition("$")[2] or UNTAGGED  # "KEY$VALUE"
        cost = Decimal(group["Metrics"]["UnblendedCost"]["Amount"])
        found[resource] = found.get(resource, Decimal(0)) + cost
    return dict(sorted(found.items()))


def _groups(
    clients: Clients, key: str, value: str, window: Window, group_by: list[dict[str, str]]
) -> Iterator[dict[str, Any]]:
    """Every group of every period and page, filtered by the deployment's tag."""
    request: dict[str, Any] = {
        "TimePeriod": {"Start": f"{window.start:%Y-%m-%d}", "End": _end_date(window)},
        "Granularity": "MONTHLY",
        "Metrics": ["UnblendedCost", "UsageQuantity"],
        "GroupBy": group_by,
        "Filter": {"Tags": {"Key": key, "Values": [value], "MatchOptions": ["EQUALS"]}},
    }
    ce = clients("ce")
    while True:  # GetCostAndUsage has no paginator: NextPageToken by hand
        page = ce.get_cost_and_usage(**request)
        for period in page["ResultsByTime"]:
            yield from period["Groups"]
        token = page.get("NextPageToken")
        if not token:
            return
        request["NextPageToken"] = token


def _end_date(window: Window) -> str:
    """Cost Explorer's End is exclusive and a date: the day after the window's last moment."""
    import datetime as dt  # noqa: PLC0415

    last = window.end - dt.timedelta(microseconds=1)
    return f"{last.date() + dt.timedelta(days=1):%Y-%m-%d}"
