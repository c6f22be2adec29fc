"""The general estimate as text: a table, Markdown, JSON and CSV (exact decimals), the
Infracost usage file, and the commented usage file ``--init-usage`` writes."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from costcalc.estimate.breakdown import Breakdown, Priced
from costcalc.estimate.usage_file import VERSION
from costcalc.pricing.render import JsonNumber, cents, dump_json, exact, quantity, rounded
from costcalc.tables import table
from orderflow_definitions.cli import SCHEMA_VERSION

_NUMERIC = frozenset({"per unit", "per month", "quantity/month", "USD/month", "USD/unit", "value"})
LABELS_NOTE = (
    "label: definition = read from the template; default = costcalc's assumption (listed "
    "below, change it in a usage file); user = the usage file"
)


def render_breakdown(
    breakdown: Breakdown, fmt: str, diff_base: dict[str, Any] | None = None
) -> str:
    """``diff_base``: the JSON's ``diff_base`` member (``snapshot.to_json``)."""
    renderers = {
        "table": lambda b: _text(b, markdown=False),
        "markdown": lambda b: _text(b, markdown=True),
        "json": lambda b: _json(b, diff_base),
        "csv": _csv,
        "infracost-usage": _infracost,
    }
    return renderers[fmt](breakdown)


def _per_unit(breakdown: Breakdown, usd: Decimal) -> Decimal:
    return usd / breakdown.volume if breakdown.volume else Decimal(0)


def _money(value: Decimal | None) -> str:
    return "not priced" if value is None else cents(value)


def _unit_money(breakdown: Breakdown, value: Decimal | None) -> str:
    if value is None:
        return "-"
    per = _per_unit(breakdown, value)
    return f"{rounded(per, Decimal('0.000001'), ROUND_HALF_EVEN):f}"


def _table(rows: list[tuple[str, ...]], *, markdown: bool) -> list[str]:
    numeric = {i for i, name in enumerate(rows[0]) if name in _NUMERIC}
    return table(rows, numeric=numeric, markdown=markdown)


def _text(breakdown: Breakdown, *, markdown: bool) -> str:
    heading = "## " if markdown else ""
    out: list[str] = []
    for estimate in breakdown.estimates:
        followed = estimate.followed
        out += [
            f"{heading}Estimate of {estimate.template}: {quantity(breakdown.volume)} units of "
            f"work a month ({breakdown.region})",
            "",
        ]
        if followed.entries:
            out += [f"{heading}Entry points" if markdown else "Entry points", ""]
            rows: list[tuple[str, ...]] = [
                ("workflow", "kind", "per unit", "per month", "label", "source")
            ]
            rows += [
                (
                    e.workflow,
                    e.kind,
                    "-" if e.per_unit is None else quantity(e.per_unit),
                    quantity(e.monthly),
                    e.label,
                    e.source,
                )
                for e in followed.entries
            ]
            out += [*_table(rows, markdown=markdown), ""]
        out += [
            "Billed items per resource" if not markdown else f"{heading}Billed items per resource",
            "",
        ]
        if estimate.priced:
            rows = [
                (
                    "workflow",
                    "resource",
                    "type",
                    "item",
                    "quantity/month",
                    "USD/month",
                    "USD/unit",
                    "label",
                    "source",
                )
            ]
            for p in estimate.priced:
                c = p.charge
                rows.append(
                    (
                        c.workflow,
                        c.resource,
                        c.type,
                        f"{c.service}/{c.item}",
                        f"{quantity(c.monthly)} {p.unit}",
                        _money(p.monthly_usd),
                        _unit_money(breakdown, p.monthly_usd),
                        c.label,
                        c.source,
                    )
                )
            out += [*_table(rows, markdown=markdown), ""]
            totals = _workflow_totals(estimate.priced)
            rows = [("workflow", "USD/month", "USD/unit")]
            rows += [
                (name, cents(usd), _unit_money(breakdown, usd)) for name, usd in totals.items()
            ]
            out += [*_table(rows, markdown=markdown), ""]
        else:
            out += ["nothing billed: " + "; ".join(followed.notes or ["no billed item"]), ""]
        unpriced = [p for p in estimate.priced if p.monthly_usd is None]
        if unpriced:
            out += [
                f"{heading}Not priced"
                if markdown
                else "Not priced (no sourced price: left out of every total)",
                "",
            ]
            rows = [("resource", "item", "quantity/month", "missing")]
            rows += [
                (
                    p.charge.resource,
                    f"{p.charge.service}/{p.charge.item}",
                    f"{quantity(p.charge.monthly)} {p.unit}",
                    p.missing,
                )
                for p in unpriced
            ]
            out += [*_table(rows, markdown=markdown), ""]
        if followed.unknowns:
            out += [
                f"{heading}Not estimated"
                if markdown
                else "Not estimated (fill in with --usage FILE; --init-usage FILE writes one)",
                "",
            ]
            rows = [("resource", "what", "usage-file key")]
            keys = dict.fromkeys((u.resource, u.what, u.key) for u in followed.unknowns)
            rows += list(keys)
            out += [*_table(rows, markdown=markdown), ""]
        if followed.defaults:
            out += [f"{heading}Defaults" if markdown else "Defaults", ""]
            rows = [("usage-file key", "value", "why")]
            rows += [(d.key, quantity(d.value), d.reason) for d in followed.defaults]
            out += [*_table(rows, markdown=markdown), ""]
        if followed.notes and estimate.priced:
            out += [f"{heading}Notes" if markdown else "Notes", ""]
            out += [f"- {note}" for note in dict.fromkeys(followed.notes)] + [""]
    total = breakdown.monthly_usd
    left_out = len(breakdown.not_priced)
    out.append(
        f"Total: {cents(total)} USD a month, {_unit_money(breakdown, total)} USD per unit "
        f"of work"
        + (f", leaving out {left_out} item(s) not priced" if left_out else "")
        + (f"; prices as of {breakdown.prices_as_of}" if breakdown.prices_as_of else "")
    )
    out.append(LABELS_NOTE)
    return "\n".join(out) + "\n"


def _workflow_totals(priced: tuple[Priced, ...]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for p in priced:
        totals[p.charge.workflow] += p.monthly_usd or Decimal(0)
    return dict(totals)


def _number(value: Decimal) -> JsonNumber:
    return JsonNumber(exact(value))


def _json(breakdown: Breakdown, diff_base: dict[str, Any] | None) -> str:
    document: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "volume": _number(breakdown.volume),
        "region": breakdown.region,
        "prices_as_of": breakdown.prices_as_of,
        "monthly_usd": _number(breakdown.monthly_usd),
        "per_unit_usd": _number(_per_unit(breakdown, breakdown.monthly_usd)),
        "templates": [],
    }
    for estimate in breakdown.estimates:
        f = estimate.followed
        document["templates"].append(
            {
                "template": str(estimate.template),
                "entries": [
                    {
                        "workflow": e.workflow,
                        "kind": e.kind,
                        "resource": e.resource,
                        "per_unit": None if e.per_unit is None else _number(e.per_unit),
                        "monthly": _number(e.monthly),
                        "label": e.label,
                        "source": e.source,
                    }
                    for e in f.entries
                ],
                "items": [
                    {
                        "workflow": p.charge.workflow,
                        "resource": p.charge.resource,
                        "type": p.charge.type,
                        "service": p.charge.service,
                        "item": p.charge.item,
                        "quantity": _number(p.charge.monthly),
                        "unit": p.unit,
                        "monthly_usd": None if p.monthly_usd is None else _number(p.monthly_usd),
                        "per_unit_usd": None
                        if p.monthly_usd is None
                        else _number(_per_unit(breakdown, p.monthly_usd)),
                        "label": p.charge.label,
                        "source": p.charge.source,
                    }
                    for p in estimate.priced
                ],
                "workflows": {
                    name: _number(usd) for name, usd in _workflow_totals(estimate.priced).items()
                },
                "not_priced": [
                    {
                        "workflow": p.charge.workflow,
                        "resource": p.charge.resource,
                        "item": f"{p.charge.service}/{p.charge.item}",
                        "quantity": _number(p.charge.monthly),
                        "unit": p.unit,
                        "missing": p.missing,
                    }
                    for p in estimate.priced
                    if p.monthly_usd is None
                ],
                "not_estimated": [
                    {"workflow": u.workflow, "resource": u.resource, "what": u.what, "key": u.key}
                    for u in f.unknowns
                ],
                "defaults": [
                    {"key": d.key, "value": _number(d.value), "reason": d.reason}
                    for d in f.defaults
                ],
                "notes": list(dict.fromkeys(f.notes)),
            }
        )
    if diff_base is not None:
        document["diff_base"] = diff_base
    return dump_json(document) + "\n"


def _csv(breakdown: Breakdown) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "template",
            "workflow",
            "resource",
            "type",
            "service",
            "item",
            "quantity",
            "unit",
            "monthly_usd",
            "per_unit_usd",
            "label",
            "source",
        ]
    )
    for estimate in breakdown.estimates:
        for p in estimate.priced:
            c = p.charge
            usd = "" if p.monthly_usd is None else exact(p.monthly_usd)
            unit_usd = "" if p.monthly_usd is None else exact(_per_unit(breakdown, p.monthly_usd))
            writer.writerow(
                [
                    estimate.template,
                    c.workflow,
                    c.resource,
                    c.type,
                    c.service,
                    c.item,
                    exact(c.monthly),
                    p.unit,
                    usd,
                    unit_usd,
                    c.label,
                    c.source,
                ]
            )
    return buffer.getvalue()


#: Infracost resource types and usage keys per (service, item) the estimate bills.
_INFRACOST = {
    ("lambda", "requests-x86"): ("aws_lambda_function", "monthly_requests"),
    ("lambda", "requests-arm64"): ("aws_lambda_function", "monthly_requests"),
    ("apigateway", "http-requests"): ("aws_apigatewayv2_api", "monthly_requests"),
    ("apigateway", "rest-requests"): ("aws_api_gateway_rest_api", "monthly_requests"),
    ("stepfunctions", "state-transitions"): ("aws_sfn_state_machine", "monthly_transitions"),
    ("stepfunctions", "express-requests"): ("aws_sfn_state_machine", "monthly_requests"),
    ("sqs", "standard-requests"): ("aws_sqs_queue", "monthly_requests"),
    ("sns", "publish-requests"): ("aws_sns_topic", "monthly_requests"),
    ("dynamodb", "write-request-units"): ("aws_dynamodb_table", "monthly_write_request_units"),
    ("dynamodb", "read-request-units"): ("aws_dynamodb_table", "monthly_read_request_units"),
    ("eventbridge", "custom-events"): ("aws_cloudwatch_event_bus", "monthly_custom_events"),
}


def _infracost(breakdown: Breakdown) -> str:
    usage: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for estimate in breakdown.estimates:
        for p in estimate.priced:
            mapped = _INFRACOST.get((p.charge.service, p.charge.item))
            if mapped:
                name = f"{mapped[0]}.{p.charge.resource}"
                usage[name][mapped[1]] += p.charge.monthly
    lines = [
        "# Infracost usage file written by costcalc estimate (monthly figures at "
        f"{quantity(breakdown.volume)} units of work)",
        "version: 0.1",
        "resource_usage:",
    ]
    for name in sorted(usage):
        lines.append(f"  {name}:")
        for key, value in usage[name].items():
            lines.append(f"    {key}: {exact(value)}")
    return "\n".join(lines) + "\n"


def init_usage(breakdown: Breakdown) -> str:
    """A commented usage file: every unknown (empty, to fill in) and every default (its value)."""
    figures: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for estimate in breakdown.estimates:
        for unknown in estimate.followed.unknowns:
            figures[unknown.key.split(".", 1)[0]][unknown.key.split(".", 1)[1]] = (
                "~",
                f"unknown: {unknown.what}",
            )
        for default in estimate.followed.defaults:
            resource, _, key = default.key.partition(".")
            figures[resource].setdefault(key, (exact(default.value), f"default: {default.reason}"))
    lines = [
        "# costcalc estimate usage file: what the definition cannot say, per resource.",
        "# Fill in every ~ (unknown), change any default, then: costcalc estimate PATH --usage "
        "FILE",
        f"version: {VERSION}",
        "resource_usage:" if figures else "resource_usage: {}  # nothing to fill in",
    ]
    for resource in sorted(figures):
        lines.append(f"  {json.dumps(resource)}:")
        tree: dict[str, Any] = {}
        for key, (value, why) in figures[resource].items():
            node = tree
            head, *rest = _split(key)
            while rest:
                node = node.setdefault(head, {})
                head, *rest = rest
            node[head] = (value, why)
        lines += _yaml_tree(tree, 4)
    return "\n".join(lines) + "\n"


def _split(key: str) -> list[str]:
    """``requests_per_unit.GET /items`` -> [requests_per_unit, GET /items] (the route keeps its
    dots); ``choices.IsDone.Put`` -> three parts."""
    head, _, rest = key.partition(".")
    if not rest:
        return [head]
    if head in ("requests_per_unit", "map_items", "retries", "duration_ms", "reads_per_request",
                "writes_per_request"):  # fmt: skip
        return [head, rest]
    return [head, *_split(rest)] if head != "calls" else [head, *rest.split(".", 1)]


def _yaml_tree(tree: dict[str, Any], indent: int) -> list[str]:
    lines = []
    pad = " " * indent
    for key, value in tree.items():
        if isinstance(value, dict):
            lines.append(f"{pad}{json.dumps(key)}:")
            lines += _yaml_tree(value, indent + 2)
        else:
            lines.append(f"{pad}{json.dumps(key)}: {value[0]}  # {value[1]}")
    return lines
