"""Estimates as text: compare's report plus the per-order figures and where each came from;
an Infracost usage file. (A diff of two estimates is ``render_diff.py``.)"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal
from typing import Any

from costcalc.compare.render import Report, render_report
from costcalc.compare.scenario import Comparison
from costcalc.estimate.deployed import snake
from costcalc.estimate.usage import Estimated, Figure
from costcalc.pricing.render import JsonNumber, dump_json, exact
from costcalc.tables import table
from costcalc.workload.profiles import PATHS

SOURCES_NOTE = (
    "source: definition = read from the template or Pulumi program (the order flow of "
    "docs/design.md applied to what it deploys); profile = the bundled workload profile; "
    "benchmark = the function's cold import measured by benchmarks/cold_import.py "
    "(costcalc/data/cold_imports.yaml); user = --usage"
)


def render_estimate(
    report: Report,
    estimates: Sequence[Estimated],
    fmt: str,
    diff_base: dict[str, Any] | None = None,
) -> str:
    """``diff_base``: the JSON's ``diff_base`` member (``snapshot.to_json``), when it has one."""
    if fmt == "infracost-usage":
        return infracost_usage(report.comparisons[0], estimates, report)
    text = render_report(report, fmt)
    if fmt == "json":
        document = json.loads(text, parse_float=JsonNumber, parse_int=JsonNumber)
        for design, estimated in zip(document["designs"], estimates, strict=True):
            design["source"] = str(estimated.template)
            design["usage"] = [_figure_json(figure) for figure in estimated.figures()]
            design["notes"] = list(estimated.derivation.notes)
        if diff_base is not None:
            document["diff_base"] = diff_base
        return dump_json(document) + "\n"
    if fmt == "csv":
        return text
    markdown = fmt == "markdown"
    out = [text.rstrip("\n")]
    for estimated in estimates:
        out += ["", *_figures(estimated, markdown=markdown)]
    return "\n".join(out) + "\n"


def _figure_json(figure: Figure) -> dict[str, Any]:
    values = {path: _json_value(value) for path, value in figure.values.items()}
    return {
        "figure": figure.key,
        "value" if "" in values else "per_path": values.get("", values),
        "source": figure.source,
    }


def _json_value(value: Decimal | str) -> Any:
    return JsonNumber(exact(value)) if isinstance(value, Decimal) else value


def _figures(estimated: Estimated, *, markdown: bool) -> list[str]:
    figures = estimated.figures()
    per_path = [f for f in figures if "" not in f.values]
    functions = [f for f in figures if "" in f.values]
    head = ("figure per order", *PATHS, "source")
    rows = [head] + [
        (f.key, *(_cell(f.values[path]) for path in PATHS), f.source) for f in per_path
    ]
    names = list(dict.fromkeys(f.key.split(".")[1] for f in functions))
    fields = list(dict.fromkeys(f.key.split(".")[2] for f in functions))
    by_key = {f.key: f for f in functions}
    function_rows = [("function", *fields)] + [
        (
            name,
            *(
                f"{_cell(by_key[f'functions.{name}.{field}'].values[''])} "
                f"({by_key[f'functions.{name}.{field}'].source})"
                for field in fields
            ),
        )
        for name in names
    ]
    title = f"Per-order usage of {estimated.template} by path"
    notes = [f"Derived: {note}" for note in estimated.derivation.notes]
    if markdown:
        return [
            f"**{title}**",
            "",
            *table(rows, markdown=True),
            "",
            *table(function_rows, markdown=True),
            "",
            *(f"{line}  " for line in [SOURCES_NOTE, *notes]),
        ]
    return [
        title,
        *table(rows),
        "",
        *table(function_rows),
        "",
        SOURCES_NOTE,
        *notes,
    ]


def _cell(value: Decimal | str) -> str:
    return format(value.normalize(), "f") if isinstance(value, Decimal) else value


# ---------------------------------------------------------------------------- Infracost
def infracost_usage(comparison: Comparison, estimates: Sequence[Estimated], report: Report) -> str:
    """An Infracost usage file (version 0.1) for the resources the estimate priced."""
    orders = comparison.orders_per_month
    rates = report.plan.mix.rates
    lines = [
        "# Infracost usage file written by `costcalc estimate` from the definitions below.",
        f"# {orders:,} orders/month; path mix "
        + ", ".join(f"{path} {rate.normalize():f}" for path, rate in rates.items())
        + ".",
        "# Addresses are Terraform's resource type and the CloudFormation logical id in",
        "# snake_case: rename them to your Terraform or Pulumi resource names.",
        "version: 0.1",
        "resource_usage:",
    ]
    for estimated in estimates:
        lines.append(f"  # {estimated.template}")
        for address, logical_id, figures in _resources(estimated, orders, rates):
            lines.append(f"  {address}:  # {logical_id}")
            lines += [f"    {name}: {exact(value)}" for name, value in figures]
    return "\n".join(lines) + "\n"


def _monthly(
    estimated: Estimated, orders: Decimal, rates: Any, field: str, sub: str = ""
) -> Decimal:
    total = Decimal(0)
    for path, rate in rates.items():
        value = getattr(estimated.profile.paths[path], field)
        total += rate * (value.get(sub, Decimal(0)) if sub else value)
    return orders * total


def _resources(
    estimated: Estimated, orders: Decimal, rates: Any
) -> list[tuple[str, str, list[tuple[str, Decimal]]]]:
    profile, found = estimated.profile, estimated.found
    out: list[tuple[str, str, list[tuple[str, Decimal]]]] = []

    def monthly(field: str, sub: str = "") -> Decimal:
        return _monthly(estimated, orders, rates, field, sub)

    for logical_id, function in found.functions.items():
        if function.name in profile.functions:
            duration = profile.functions[function.name].duration_ms
            figures = [
                ("monthly_requests", monthly("invocations", function.name)),
                ("request_duration_ms", duration),
            ]
            out.append((f"aws_lambda_function.{function.name}", logical_id, figures))
    for logical_id in found.tables:
        name = snake(logical_id.removesuffix("Table"))
        if name not in profile.settings["tables"]:
            continue
        settings = profile.settings["tables"][name]
        write_units = _ceil(settings["item_kb"]) or Decimal(1)
        read_units = (_ceil(settings["item_kb"] / 4) or Decimal(1)) * (
            Decimal("0.5") if settings["read"] == "eventual" else Decimal(1)
        )
        figures = [
            ("monthly_write_request_units", monthly("writes", name) * write_units),
            ("monthly_read_request_units", monthly("reads", name) * read_units),
        ]
        out.append((f"aws_dynamodb_table.{name}", logical_id, figures))
    template = found.template
    per_type = (
        (found.buses, "aws_cloudwatch_event_bus", [("monthly_custom_events", monthly("events"))]),
        (
            list(template.of_type("AWS::SNS::Topic")),
            "aws_sns_topic",
            [
                ("monthly_requests", monthly("notifications")),
                ("request_size_kb", profile.figure("notifications.message_kb")),
            ],
        ),
        (
            list(template.of_type("AWS::ApiGatewayV2::Api")),
            "aws_apigatewayv2_api",
            [
                ("monthly_requests", monthly("api_requests")),
                ("request_size_kb", profile.figure("api.request_kb")),
            ],
        ),
        (
            list(found.state_machines),
            "aws_sfn_state_machine",
            [("monthly_transitions", monthly("transitions"))],
        ),
    )
    for logical_ids, kind, figures in per_type:
        out.extend(
            (f"{kind}.{snake(logical_id)}", logical_id, figures) for logical_id in logical_ids
        )
    return out


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)
