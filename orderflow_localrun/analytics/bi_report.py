"""`python -m orderflow_localrun analytics`: the demo's orders through an orders stack and the
analytics stack beside it, then the analytics stack's named queries as a business report."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3

from orderflow_definitions.cli import progress
from orderflow_localrun.analytics.lake import (
    QueryResult,
    named_queries,
    run_named_queries,
    to_duckdb,
)
from orderflow_localrun.restaurants import Restaurant, seed_restaurants
from orderflow_localrun.runner import LocalRunner
from orderflow_localrun.template import load_template
from orderflow_localrun.traffic import OrderPlan, drive

ANALYTICS_STACK = "analytics"
DEMO_RESTAURANTS = [
    Restaurant("demo-pizzeria", "Demo Pizzeria", "kitchen@demo-pizzeria.example"),
    Restaurant("demo-sushi", "Demo Sushi", "kitchen@demo-sushi.example"),
]
_PIZZA = (("margherita", 2, "9.50"), ("tiramisu", 1, "4.50"))
_SUSHI = (("maki set", 3, "6.00"),)
# Every path, on two restaurants: 5 completed, 1 being prepared, 1 rejected, 1 timed out,
# 1 cancelled.
DEMO_MIX = [
    *(OrderPlan("demo-pizzeria", _PIZZA, "complete") for _ in range(3)),
    OrderPlan("demo-pizzeria", _PIZZA, "accept"),
    OrderPlan("demo-pizzeria", _PIZZA, "reject"),
    OrderPlan("demo-pizzeria", _PIZZA, "timeout"),
    *(OrderPlan("demo-sushi", _SUSHI, "complete") for _ in range(2)),
    OrderPlan("demo-sushi", _SUSHI, "cancel"),
]
CUSTOMER = "customer@orderflow.example"


def _plain(value: Any) -> Any:
    """A query cell as JSON has it: decimals as strings (exact), times in ISO 8601."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def run_report(
    orders_template: Path,
    parameters: dict[str, str],
    analytics_template: Path,
    plans: list[OrderPlan] | None = None,
) -> dict[str, Any]:
    """Deploy both stacks locally, drive `plans` (default: the demo mix), run the queries."""
    plans = DEMO_MIX if plans is None else plans
    progress(f"deploying {orders_template} into moto (in-process, no AWS)...")
    with LocalRunner.start(orders_template, parameters) as runner:
        runner.verify_email_identity(parameters["SenderEmail"])
        seed_restaurants(
            DEMO_RESTAURANTS,
            table_name=runner.deployment.outputs["RestaurantsTableName"],
            topic_arn=runner.deployment.outputs["RestaurantTopicArn"],
            region=runner.names.region,
        )
        analytics_parameters = {"OrdersBusName": runner.deployment.outputs["OrdersBusName"]}
        progress(f"deploying {analytics_template} beside it, on that stack's bus...")
        analytics = load_template(analytics_template, analytics_parameters)
        queries = named_queries(analytics)
        for query in queries:
            to_duckdb(query)  # refuse an untranslatable query before driving any order
        deployment = runner.deploy_beside(analytics_template, analytics_parameters, ANALYTICS_STACK)
        progress(f"driving {len(plans)} orders through every path...")
        started = time.perf_counter()
        drive(runner, plans, CUSTOMER)
        driven = time.perf_counter() - started
        bucket = deployment.outputs["EventsBucketName"]
        objects = boto3.client("s3", region_name=runner.names.region).list_objects_v2(Bucket=bucket)
        progress(f"running {len(queries)} named queries on DuckDB...")
        results = run_named_queries(analytics, deployment)
        return {
            "orders_template": str(orders_template),
            "analytics_template": str(analytics_template),
            "orders": len(plans),
            "events_on_bus": len(runner.bus_events),
            "lake_objects": objects.get("KeyCount", 0),
            "lake_bucket": bucket,
            "wall_seconds": round(driven, 3),
            "queries": [_query_json(result) for result in results],
        }


def _query_json(result: QueryResult) -> dict[str, Any]:
    return {
        "name": result.query.name,
        "description": result.query.description,
        "athena_sql": result.query.sql,
        "duckdb_sql": to_duckdb(result.query),
        "columns": result.columns,
        "rows": [{k: _plain(v) for k, v in row.items()} for row in result.as_dicts()],
    }


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, str) and "T" in value and value[:4].isdigit():
        return value.replace("T", " ").removesuffix("+00:00").removesuffix("Z") + " UTC"
    return str(value)


def render(report: dict[str, Any], show_sql: bool = False) -> str:
    lines = [
        f"BI report: {report['orders']} orders through {report['orders_template']}; "
        f"{report['events_on_bus']} events landed by {report['analytics_template']} "
        f"in {report['lake_objects']} gzipped objects (s3://{report['lake_bucket']}/events/), "
        "queried on DuckDB",
    ]
    for query in report["queries"]:
        lines += ["", f"== {query['name']}: {query['description']}"]
        header = query["columns"]
        cells = [[_cell(row[c]) for c in header] for row in query["rows"]]
        widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
        lines.append("  " + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
        lines += [
            "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
            for row in cells
        ]
        if not cells:
            lines.append("  (no rows)")
        if show_sql:
            lines += [
                "  -- as run on DuckDB:",
                *("  " + s for s in query["duckdb_sql"].split("\n")),
            ]
    lines.append("")
    lines.append(f"orders driven in {report['wall_seconds']:.3f}s wall time (after deployment)")
    return "\n".join(lines)
