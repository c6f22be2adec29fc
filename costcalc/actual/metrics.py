"""CloudWatch's totals for the window: one GetMetricData query per resource and metric, paged.

Sums over hourly points (CloudWatch keeps hourly points for 455 days); a duration is read as
its Sum so that the mean is exact: total milliseconds over invocations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from costcalc.actual.aws import Clients
from costcalc.actual.resources import Resource
from costcalc.actual.window import Window
from orderflow_definitions.cli import progress

PERIOD_SECONDS = 3600
STAGE = "$default"
#: The routes whose counts give the units of work and the path mix (costcalc.estimate.flow).
PLACE = "POST /orders"
ROUTES = (
    PLACE,
    *(f"POST /orders/{{order_id}}/{answer}" for answer in ("accept", "reject", "cancel")),
)
#: The orders' own count of overdue orders (functions/timeline_writer.py, either style): with the
#: routes, the path mix. Queried for every stack: one that emits none has no points, no figure.
OVERDUE = "OrdersOverdue"
ORDER_METRICS = "orders"  # the metric's `service` dimension
BATCH = 500  # GetMetricData's limit of queries per call

#: kind -> (namespace, metrics read as Sum)
METRICS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "function": ("AWS/Lambda", ("Invocations", "Duration", "Errors", "Throttles")),
    "state_machine": (
        "AWS/States",
        ("ExecutionsStarted", "ExecutionsSucceeded", "ExecutionsFailed", "ExecutionsTimedOut"),
    ),
    "rule": ("AWS/Events", ("Invocations", "MatchedEvents")),
    "http_api": ("AWS/ApiGateway", ("Count", "4xx", "5xx")),
    "route": ("AWS/ApiGateway", ("Count",)),  # needs the stage's detailed metrics
    "topic": (
        "AWS/SNS",
        (
            "NumberOfMessagesPublished",
            "NumberOfNotificationsDelivered",
            "NumberOfNotificationsFailed",
        ),
    ),
    "schedule_group": ("AWS/Scheduler", ("InvocationAttemptCount", "TargetErrorCount")),
    "table": ("AWS/DynamoDB", ("ConsumedWriteCapacityUnits", "ConsumedReadCapacityUnits")),
    "log_group": ("AWS/Logs", ("IncomingBytes",)),
    "account_email": ("AWS/SES", ("Send",)),
    "order_metric": ("Orderflow", (OVERDUE,)),
}


@dataclass(frozen=True)
class Query:
    resource: Resource
    metric: str

    def spec(self, ident: str) -> dict[str, Any]:
        namespace, _ = METRICS[self.resource.kind]
        return {
            "Id": ident,
            "MetricStat": {
                "Metric": {
                    "Namespace": namespace,
                    "MetricName": self.metric,
                    "Dimensions": _dimensions(self.resource),
                },
                "Period": PERIOD_SECONDS,
                "Stat": "Sum",
            },
            "ReturnData": True,
        }


def queries(resources: Iterable[Resource]) -> list[Query]:
    """Every metric ``actual`` reads for the resources, Lambda's log groups, SES and the orders'
    overdue count included."""
    found: list[Query] = []
    for resource in resources:
        found.extend(Query(resource, metric) for metric in METRICS[resource.kind][1])
        if resource.kind == "http_api":
            found.extend(
                Query(Resource("route", f"{resource.physical}|{route}", ""), "Count")
                for route in ROUTES
            )
        if resource.kind == "function":
            group = Resource("log_group", f"/aws/lambda/{resource.physical}", resource.logical)
            found.append(Query(group, "IncomingBytes"))
    if found:
        found.append(Query(Resource("account_email", "", ""), "Send"))
        found.append(Query(Resource("order_metric", ORDER_METRICS, ""), OVERDUE))
    return found


def totals(clients: Clients, wanted: list[Query], window: Window) -> dict[Query, Decimal]:
    """The window's total of each query (0 where CloudWatch holds no point)."""
    cloudwatch = clients("cloudwatch")
    found = dict.fromkeys(wanted, Decimal(0))
    seen: set[Query] = set()
    for first in range(0, len(wanted), BATCH):
        batch = wanted[first : first + BATCH]
        by_id = {f"m{first + index}": query for index, query in enumerate(batch)}
        progress(f"costcalc actual: reading {len(batch)} CloudWatch metrics ({window}) ...")
        pages = cloudwatch.get_paginator("get_metric_data").paginate(
            MetricDataQueries=[query.spec(ident) for ident, query in by_id.items()],
            StartTime=window.start,
            EndTime=window.end,
            ScanBy="TimestampAscending",
        )
        for page in pages:
            for result in page["MetricDataResults"]:
                query = by_id[result["Id"]]
                if result["Values"]:
                    seen.add(query)
                found[query] += sum((Decimal(str(v)) for v in result["Values"]), Decimal(0))
    return {query: total for query, total in found.items() if query in seen}


#: kind -> the one dimension naming the resource (a rule and a route take more).
_DIMENSION = {
    "function": "FunctionName",
    "state_machine": "StateMachineArn",
    "http_api": "ApiId",
    "table": "TableName",
    "log_group": "LogGroupName",
    "schedule_group": "ScheduleGroup",
    "order_metric": "service",
}


def _dimensions(resource: Resource) -> list[dict[str, str]]:
    kind, physical = resource.kind, resource.physical
    if kind in _DIMENSION:
        return [{"Name": _DIMENSION[kind], "Value": physical}]
    if kind == "rule":
        bus, _, rule = physical.rpartition("|")
        named = [{"Name": "RuleName", "Value": rule}]
        return [{"Name": "EventBusName", "Value": bus}, *named] if bus else named
    if kind == "route":
        api, _, route = physical.partition("|")
        return [
            {"Name": "ApiId", "Value": api},
            {"Name": "Stage", "Value": STAGE},
            {"Name": "Route", "Value": route},
        ]
    if kind == "topic":
        return [{"Name": "TopicName", "Value": physical.rsplit(":", 1)[-1]}]
    return []  # SES's account-wide metric
