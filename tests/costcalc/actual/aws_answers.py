"""Stubbed AWS clients answering as the real APIs do (shapes from botocore's service models).

``Answers`` holds a deployment's resources, its metric totals, its REPORT lines' INIT and its
bill; ``stub`` queues those answers on botocore Stubbers, paged (and, for Logs Insights, still
running at the first poll) the way AWS answers, and records every call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import boto3
from botocore.stub import Stubber

from costcalc.actual.billing import RESOURCE_TAG
from costcalc.actual.metrics import Query, queries
from costcalc.actual.resources import KINDS, Resource
from costcalc.actual.window import Window

WINDOW = Window(dt.datetime(2026, 11, 1, tzinfo=dt.UTC), dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
ACCOUNT = "123456789012"
REGION = "us-east-1"
_TYPES = {kind: cfn for cfn, kind in KINDS.items()}


@dataclass
class Answers:
    resources: list[Resource]
    metrics: Mapping[tuple[str, str], Decimal]  # (resource name or route, metric) -> total
    billed: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    # (service, usage type, quantity, unit, usd)
    billed_resources: list[tuple[str, str]] = field(default_factory=list)  # (logical id, usd)
    inits: Mapping[str, tuple[int, int, int]] = field(default_factory=dict)
    # function's physical name -> (REPORT lines, those with an Init Duration, INIT ms in all)
    query_ends: str = "Complete"  # how the Logs Insights query ends (Failed, Timeout...)
    calls: list[str] = field(default_factory=list)  # "service:Operation", as made


def stack_page(resources: list[Resource], token: str | None) -> dict[str, Any]:
    page: dict[str, Any] = {
        "StackResourceSummaries": [
            {
                "LogicalResourceId": r.logical,
                "PhysicalResourceId": r.physical,
                "ResourceType": _TYPES[r.kind],
                "LastUpdatedTimestamp": WINDOW.start,
                "ResourceStatus": "CREATE_COMPLETE",
                "DriftInformation": {"StackResourceDriftStatus": "NOT_CHECKED"},
            }
            for r in resources
        ]
    }
    if token:
        page["NextToken"] = token
    return page


def metric_pages(
    wanted: list[Query], totals: Mapping[tuple[str, str], Decimal]
) -> list[dict[str, Any]]:
    """Two pages, as GetMetricData splits a long answer: each total as two hourly points, one
    per page (a query with no points is answered with empty values, as CloudWatch does)."""
    pages: list[dict[str, Any]] = [{"MetricDataResults": [], "Messages": []} for _ in range(2)]
    for index, query in enumerate(wanted):
        total = totals.get((_name(query), query.metric))
        for half, page in enumerate(pages):
            values = [] if total is None else [float(total / 2)]
            page["MetricDataResults"].append({
                "Id": f"m{index}",
                "Label": query.metric,
                "Timestamps": [WINDOW.start + dt.timedelta(hours=half)] if values else [],
                "Values": values,
                "StatusCode": "Complete" if half else "PartialData",
            })  # fmt: skip
    pages[0]["NextToken"] = "page-2"
    return pages


def insights_answers(answers: Answers) -> list[dict[str, Any]]:
    """GetQueryResults as Logs Insights answers a poll: still running, then complete in pages
    of one row (the last page without a nextToken)."""
    stats = {"recordsMatched": 1.0, "recordsScanned": 2.0, "bytesScanned": 3.0}
    rows = [
        [
            {"field": "@log", "value": f"{ACCOUNT}:/aws/lambda/{name}"},
            {"field": "reports", "value": str(reports)},
            {"field": "cold_starts", "value": str(cold)},
            {"field": "init_ms", "value": str(init_ms)},
        ]
        for name, (reports, cold, init_ms) in answers.inits.items()
    ]
    pages: list[dict[str, Any]] = [{"status": "Running", "results": [], "statistics": stats}]
    if answers.query_ends != "Complete":
        return [*pages, {"status": answers.query_ends, "results": [], "statistics": stats}]
    for index, row in enumerate(rows or [[]]):
        page: dict[str, Any] = {"status": "Complete", "results": [row] if row else [],
                                "statistics": stats}  # fmt: skip
        if index < len(rows) - 1:
            page["nextToken"] = f"logs-{index + 1}"
        pages.append(page)
    return pages


def cost_pages(billed: list[tuple[str, str, str, str, str]]) -> list[dict[str, Any]]:
    """GetCostAndUsage grouped by SERVICE and USAGE_TYPE, one group per page after the first."""
    by = [{"Type": "DIMENSION", "Key": "SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}]
    return _ce_pages(by, [([s, u], quantity, unit, usd) for s, u, quantity, unit, usd in billed])


def resource_pages(billed: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """GetCostAndUsage grouped by the logical-id tag (``KEY$VALUE``; an empty value: untagged)."""
    by = [{"Type": "TAG", "Key": RESOURCE_TAG}]
    return _ce_pages(by, [([f"{RESOURCE_TAG}${r}"], "1", "N/A", usd) for r, usd in billed])


def _ce_pages(
    group_by: list[dict[str, str]], groups: list[tuple[list[str], str, str, str]]
) -> list[dict[str, Any]]:
    def group(item: tuple[list[str], str, str, str]) -> dict[str, Any]:
        keys, quantity, unit, usd = item
        return {
            "Keys": keys,
            "Metrics": {
                "UnblendedCost": {"Amount": usd, "Unit": "USD"},
                "UsageQuantity": {"Amount": quantity, "Unit": unit},
            },
        }

    period = {"Start": "2026-11-01", "End": "2026-12-01"}
    chunks = [groups[:1], *([item] for item in groups[1:])] if groups else [[]]
    pages = []
    for index, chunk in enumerate(chunks):
        page: dict[str, Any] = {
            "GroupDefinitions": group_by,
            "ResultsByTime": [
                {"TimePeriod": period, "Total": {}, "Groups": [group(i) for i in chunk],
                 "Estimated": False}
            ],
            "DimensionValueAttributes": [],
        }  # fmt: skip
        if index < len(chunks) - 1:
            page["NextPageToken"] = f"ce-{index + 1}"
        pages.append(page)
    return pages


@contextmanager
def stub(
    answers: Answers, *, stack: str | None = "orders", tag: bool = False, init: bool = True
) -> Iterator[Any]:
    """A client factory whose clients answer from ``answers``; every call is recorded
    (``init``: the command reads the INIT, so Logs Insights answers are queued)."""
    made = {
        service: boto3.client(
            service, region_name=REGION, aws_access_key_id="x", aws_secret_access_key="x"
        )
        for service in ("cloudformation", "resourcegroupstaggingapi", "cloudwatch", "logs", "ce")
    }
    for service, client in made.items():
        client.meta.events.register(
            "before-call.*.*",
            lambda model, _service=service, **_: answers.calls.append(f"{_service}:{model.name}"),
        )
    with ExitStack() as stack_:
        stubbers = {name: stack_.enter_context(Stubber(client)) for name, client in made.items()}
        if tag:
            stubbers["resourcegroupstaggingapi"].add_response(
                "get_resources", _tag_page(answers.resources)
            )
        elif stack:
            half = len(answers.resources) // 2
            cfn = stubbers["cloudformation"]
            cfn.add_response("list_stack_resources", stack_page(answers.resources[:half], "t2"),
                             {"StackName": stack})  # fmt: skip
            cfn.add_response("list_stack_resources", stack_page(answers.resources[half:], None),
                             {"StackName": stack, "NextToken": "t2"})  # fmt: skip
        if answers.resources:
            for page in metric_pages(queries(answers.resources), answers.metrics):
                stubbers["cloudwatch"].add_response("get_metric_data", page)
        if answers.metrics and init and any(r.kind == "function" for r in answers.resources):
            logs = stubbers["logs"]
            logs.add_response("start_query", {"queryId": "query-1"})
            for page in insights_answers(answers):
                logs.add_response("get_query_results", page)
        if answers.metrics:
            for page in cost_pages(answers.billed):
                stubbers["ce"].add_response("get_cost_and_usage", page)
        if answers.metrics and answers.billed:
            for page in resource_pages(answers.billed_resources):
                stubbers["ce"].add_response("get_cost_and_usage", page)
        yield made.__getitem__
        for stubber in stubbers.values():
            stubber.assert_no_pending_responses()


def _tag_page(resources: list[Resource]) -> dict[str, Any]:
    return {
        "PaginationToken": "",
        "ResourceTagMappingList": [
            {
                "ResourceARN": _arn(r),
                "Tags": [
                    {"Key": "project", "Value": "orderflow-kit"},
                    {"Key": "aws:cloudformation:logical-id", "Value": r.logical},
                ],
            }
            for r in resources
        ],
    }


def _arn(resource: Resource) -> str:
    base = f"arn:aws:{{}}:{REGION}:{ACCOUNT}:"
    kind, physical = resource.kind, resource.physical
    if kind in ("state_machine", "topic"):
        return physical
    if kind == "http_api":
        return f"arn:aws:apigateway:{REGION}::/apis/{physical}"
    if kind == "rule":
        return base.format("events") + "rule/" + physical.replace("|", "/")
    service, prefix = {"function": ("lambda", "function:"), "table": ("dynamodb", "table/")}[kind]
    return base.format(service) + prefix + physical


def _name(query: Query) -> str:
    if query.resource.kind == "route":
        return query.resource.physical.partition("|")[2]
    return query.resource.name
