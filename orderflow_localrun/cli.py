"""`python -m orderflow_localrun`: drive an order through a stack on the local runner, or seed
restaurants."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock

import boto3

from orderflow_definitions.cli import (
    SCHEMA_VERSION,
    Parser,
    add_json_format,
    add_parameter,
    add_quiet,
    add_root_flags,
    progress,
    quiet,
)
from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.exits import require
from orderflow_localrun import executions
from orderflow_localrun.promo import promo_codes
from orderflow_localrun.restaurants import (
    RestaurantFileError,
    load_restaurants,
    seed_restaurants,
    stack_outputs,
)
from orderflow_localrun.scenarios import (
    ANSWERED_TIMEOUT_SECONDS,
    CUSTOMER_CALLER,
    OUTCOMES,
    ScenarioError,
    demo_stack,
    drive,
    parameters_for,
    place_demo_order,
    run_paths,
)
from orderflow_localrun.template import load_template
from orderflow_localrun.traffic import TrafficError

# Paths relative to the checkout's root (where the commands run): the kit holds every stack, a
# generated project one style's and no analytics stack, so only what is there is offered.
ROOT = Path(__file__).resolve().parents[1]
ORDERS_TEMPLATES = (Path("sam/choreography/template.yaml"), Path("sam/orchestration/template.yaml"))
DEFAULT_TEMPLATE = next((t for t in ORDERS_TEMPLATES if (ROOT / t).is_file()), ORDERS_TEMPLATES[0])
DEFAULT_ANALYTICS_TEMPLATE = Path("sam/analytics/template.yaml")
ANALYTICS_REPORT = "orderflow_localrun.analytics.bi_report"
HAS_ANALYTICS = (ROOT / DEFAULT_ANALYTICS_TEMPLATE).is_file() and bool(
    importlib.util.find_spec("orderflow_localrun.analytics")
)
DEMO_PARAMETERS = {"SenderEmail": "orders@orderflow.example", "AcceptanceTimeoutSeconds": "2"}
# The report's mix takes a few seconds to place; time-outs are scheduled by wall time.
REPORT_PARAMETERS = {**DEMO_PARAMETERS, "AcceptanceTimeoutSeconds": "60"}

EXAMPLES = """\
examples:
  python -m orderflow_localrun order                       # one order, accepted and completed
  python -m orderflow_localrun order --outcome timeout     # the restaurant never answers
  python -m orderflow_localrun order --template sam/choreography/template.yaml --format json
  python -m orderflow_localrun order --parameter AcceptanceTimeoutSeconds=5 --outcome timeout
  python -m orderflow_localrun order --promo sam/promo/template.yaml  # and the promo stack
  python -m orderflow_localrun order --template sam/orchestration/template.yaml  # + history
  python -m orderflow_localrun transitions                 # billed transitions of every path
  python -m orderflow_localrun analytics                   # the BI report for a mix of orders
  python -m orderflow_localrun analytics --format json     # ... as JSON, with each query's SQL
  python -m orderflow_localrun seed-restaurants --stack-name orders-choreography restaurants.json
  python -m orderflow_localrun seed-restaurants --outputs outputs.json restaurants.json  # Pulumi

`order` and `analytics` deploy the templates into moto in this process (no AWS, no network);
`seed-restaurants` writes to the deployed stack named by --stack-name, or whose outputs
--outputs holds (real AWS credentials).
"""
EPILOG = (
    EXAMPLES
    if HAS_ANALYTICS
    else "".join(
        line.replace("`order` and `analytics` deploy the templates", "`order` deploys the template")
        for line in EXAMPLES.splitlines(keepends=True)
        if "orderflow_localrun analytics" not in line
    )
)


class UsageError(Exception):
    """A bad command line value; reported on one line with exit status 2."""


def _command(commands: Any, name: str, summary: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name, help=summary, description=summary, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    add_quiet(parser)
    return parser


def _template_options(
    command: argparse.ArgumentParser, defaults: dict[str, str], note: str = ""
) -> None:
    command.add_argument(
        "--template",
        type=Path,
        default=DEFAULT_TEMPLATE,
        help=f"the orders stack's SAM template (default {DEFAULT_TEMPLATE})",
    )
    add_parameter(
        command,
        "orders template parameter override, repeatable (defaults: "
        + ", ".join(f"{k}={v}" for k, v in defaults.items())
        + note
        + ")",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="python -m orderflow_localrun",
        description="Run the orders system and its analytics locally on moto, or seed a stack.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_root_flags(parser, "python -m orderflow_localrun")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    order = _command(commands, "order", "place one order on the local runner, print its timeline")
    _template_options(
        order,
        DEMO_PARAMETERS,
        note="; the 2 s timeout only for --outcome timeout, other outcomes get "
        f"{ANSWERED_TIMEOUT_SECONDS} s unless you set it",
    )
    order.add_argument(
        "--outcome",
        choices=OUTCOMES,
        default="complete",
        help="what happens after the order is placed (default: complete)",
    )
    order.add_argument(
        "--promo",
        type=Path,
        default=None,
        metavar="TEMPLATE",
        help="also deploy this promo template beside the orders stack and show the code issued",
    )
    add_json_format(order, ("text", "json"))
    paths = _command(
        commands, "transitions", "run every path once, count the transitions each one bills"
    )
    paths.add_argument(
        "--template",
        type=Path,
        default=Path("sam/orchestration/template.yaml"),
        help="SAM template (default sam/orchestration/template.yaml)",
    )
    add_parameter(paths, "template parameter override, repeatable")
    add_json_format(paths, ("text", "json"))
    if HAS_ANALYTICS:
        _analytics_command(commands)
    seed = _command(
        commands, "seed-restaurants", "register restaurants in a deployed stack (needs AWS)"
    )
    seed.add_argument(
        "file", type=Path, help="JSON list of {restaurant_id, name, notification_endpoint}"
    )
    stack = seed.add_mutually_exclusive_group(required=True)
    stack.add_argument("--stack-name", help="the deployed orders stack (CloudFormation, SAM)")
    stack.add_argument(
        "--outputs",
        type=Path,
        metavar="FILE",
        help="the deployed stack's outputs as `pulumi stack output --json` prints them (Pulumi)",
    )
    seed.add_argument("--region", default=None, help="AWS region (default: your AWS configuration)")
    return parser


def _analytics_command(commands: Any) -> None:
    analytics = _command(
        commands,
        "analytics",
        "drive a mix of orders on every path, land their events in the local data lake, "
        "print the BI report from the analytics stack's named queries",
    )
    _template_options(analytics, REPORT_PARAMETERS)
    analytics.add_argument(
        "--analytics-template",
        type=Path,
        default=DEFAULT_ANALYTICS_TEMPLATE,
        help=f"the analytics SAM template (default {DEFAULT_ANALYTICS_TEMPLATE})",
    )
    analytics.add_argument(
        "--show-sql", action="store_true", help="print each query as translated for DuckDB"
    )
    add_json_format(analytics, ("text", "json"))


def _parameters(pairs: list[str], defaults: dict[str, str] = DEMO_PARAMETERS) -> dict[str, str]:
    parameters = dict(defaults)
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UsageError(
                f"--parameter {pair!r}: expected NAME=VALUE, e.g. AcceptanceTimeoutSeconds=5"
            )
        parameters[name] = value
    return parameters


def run_order(
    template: Path, parameters: dict[str, str], outcome: str, promo: Path | None = None
) -> dict[str, Any]:
    """Deploy `template` locally, place the demo order, drive it to `outcome`; what happened."""
    progress(f"deploying {template} into moto (in-process, no AWS)...")
    if promo is not None:
        progress(f"deploying {promo} beside it, on the orders bus...")
    with demo_stack(template, parameters, promo) as runner:
        started = time.perf_counter()
        progress("placing the order...")
        order_id = place_demo_order(runner)
        if outcome == "timeout":
            progress("waiting past the acceptance timeout...")
        drive(runner, order_id, outcome)
        elapsed = time.perf_counter() - started
        order = runner.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER).json()
        try:
            history = [vars(e) for e in runner.execution_history(order_id)]
        except KeyError:
            history = []  # choreography: no execution
        return {
            "template": str(template),
            "order_id": order_id,
            "status": order["status"],
            "bus_events": [
                {"detail_type": e.detail_type, "source": e.source, "detail": e.detail}
                for e in runner.bus_events
                if e.detail.get("order_id") == order_id
            ],
            "timeline": order["timeline"],
            "execution_history": history,
            "notifications": [
                {"subject": n.subject, "restaurant_id": n.attributes.get("restaurant_id")}
                for n in runner.notifications()
            ],
            "emails": [{"to": e.to, "subject": e.subject} for e in runner.emails()],
            **({"promo_code": promo_codes(runner).get(order_id)} if promo else {}),
            "wall_seconds": round(elapsed, 3),
            "clock_advanced_seconds": runner.clock_offset.total_seconds(),
        }


def run_transitions(template: Path, parameters: dict[str, str]) -> dict[str, Any]:
    """Every path on a fresh stack each: the states its execution entered and its events."""
    with mock.patch.dict("os.environ", {"AWS_DEFAULT_REGION": "us-east-1"}):  # as the runner
        machines = load_template(template, parameters).of_type("AWS::StepFunctions::StateMachine")
    if not machines:
        raise UsageError(
            f"{template}: deploys no state machine, so no execution bills transitions (give "
            "an orchestration template, e.g. --template sam/orchestration/template.yaml)"
        )
    progress(f"running each path through {template} (a time-out waits in real time)...")
    runs = run_paths(template, parameters)
    return {
        "template": str(template),
        "rule": "one billed transition per state entered (retries included)",
        "paths": [
            {
                "path": r.path,
                "transitions": len(r.states_entered),
                "execution_status": r.execution_status,
                "states_entered": r.states_entered,
                "events": r.events,
            }
            for r in runs
        ],
    }


def render_transitions(result: dict[str, Any]) -> str:
    lines = [f"transitions per path ({result['rule']}), {result['template']}:"]
    for path in result["paths"]:
        lines.append(
            f"  {path['path']:<10} {path['transitions']:>2} transitions  "
            f"({path['execution_status'].lower()})  "
            f"{len(path['events'])} events: {', '.join(path['events'])}"
        )
        lines.append(f"  {'':<10} states: {' > '.join(path['states_entered'])}")
    return "\n".join(lines)


def _render_history(history: list[dict[str, Any]]) -> list[str]:
    if not history:
        return []
    lines = ["execution history (state, event type, time):"]
    origin = datetime.fromisoformat(history[0]["time"])
    for event in history:
        offset = (datetime.fromisoformat(event["time"]) - origin).total_seconds()
        lines.append(f"  +{offset:.3f}s  {event['state'] or '-':<20} {event['type']}")
    entered = executions.states_entered(
        [executions.HistoryEvent(e["type"], e["state"], e["time"]) for e in history]
    )
    lines.append(f"states entered (billed transitions): {len(entered)}")
    return lines


def render(result: dict[str, Any]) -> str:
    lines = [f"order {result['order_id']} ({result['template']})", "timeline (as the bus saw it):"]
    events = result["bus_events"]
    start = events[0]["detail"]["occurred_at"] if events else ""
    origin = datetime.fromisoformat(start) if start else None
    for event in events:
        detail = event["detail"]
        at = datetime.fromisoformat(detail["occurred_at"])
        offset = (at - origin).total_seconds() if origin else 0.0
        extra = {
            k: v
            for k, v in detail.items()
            if k not in {"version", "order_id", "occurred_at", "correlation_id"}
        }
        fields = json.dumps(extra, separators=(",", ":"))
        lines.append(f"  +{offset:.3f}s  {event['detail_type']:<20} {fields}")
    if result["clock_advanced_seconds"]:
        lines.append(
            f"(the runner's clock was advanced {result['clock_advanced_seconds']:g}s to fire the "
            "time-out; event timestamps are wall time)"
        )
    lines += _render_history(result["execution_history"])
    lines.append(f"final status: {result['status']}")
    lines.append("timeline (as GET /orders/{id} returns it):")
    for entry in result["timeline"]:
        lines.append(f"  {entry['at']}  {entry['event']}")
    for note in result["notifications"]:
        lines.append(f"SNS to restaurant {note['restaurant_id']}: {note['subject']}")
    for email in result["emails"]:
        lines.append(f"email to {', '.join(email['to'])}: {email['subject']}")
    if "promo_code" in result:
        lines.append(f"promo code issued: {result['promo_code'] or 'none'}")
    lines.append(f"driven in {result['wall_seconds']:.3f}s wall time (after deployment)")
    return "\n".join(lines)


def _seed(file: Path, stack_name: str | None, outputs_file: Path | None, region: str | None) -> str:
    restaurants = load_restaurants(file)
    if outputs_file is not None:
        outputs = stack_outputs(outputs_file)
        # A topic ARN names its region: the stack's, whatever the local AWS configuration says.
        region = outputs["RestaurantTopicArn"].split(":")[3]
        where = str(outputs_file)
    else:
        cloudformation = boto3.client("cloudformation", region_name=region)
        where = str(stack_name)  # argparse requires --stack-name or --outputs
        stack = cloudformation.describe_stacks(StackName=where)["Stacks"][0]
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        region = cloudformation.meta.region_name
    seed_restaurants(
        restaurants,
        table_name=outputs["RestaurantsTableName"],
        topic_arn=outputs["RestaurantTopicArn"],
        region=region,
    )
    return f"registered {len(restaurants)} restaurant(s) in {where}"


def _analytics(args: argparse.Namespace) -> tuple[dict[str, Any], str]:
    """The BI report and its text. Its module is loaded by name: DuckDB and sqlglot load only
    here, so `order` and `transitions` start fast, and a project, which gets no analytics
    package, needs neither (nor does its type-check)."""
    require("the BI report", "duckdb", "sqlglot")
    bi_report = importlib.import_module(ANALYTICS_REPORT)
    report: dict[str, Any] = bi_report.run_report(
        args.template, _parameters(args.parameter, REPORT_PARAMETERS), args.analytics_template
    )
    text: str = bi_report.render(report, args.show_sql)
    return report, text


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    with quiet(args.quiet):
        return _main(args)


def _json(result: dict[str, Any]) -> str:
    """A result for scripts: versioned like every `--format json` of the kit."""
    return json.dumps({"schema_version": SCHEMA_VERSION, **result}, indent=2)


def _main(args: argparse.Namespace) -> int:
    try:
        if args.command == "seed-restaurants":
            print(_seed(args.file, args.stack_name, args.outputs, args.region))
            return 0
        if args.command == "analytics":
            result, text = _analytics(args)
        elif args.command == "transitions":
            result = run_transitions(args.template, _parameters(args.parameter))
            text = render_transitions(result)
        else:
            parameters = _parameters(args.parameter)
            if not any(p.partition("=")[0] == "AcceptanceTimeoutSeconds" for p in args.parameter):
                # a slow machine must not turn the demo's answered order into a time-out
                parameters = parameters_for(args.outcome, parameters)
            result = run_order(args.template, parameters, args.outcome, args.promo)
            text = render(result)
    except (
        UsageError,
        ScenarioError,
        DefinitionError,
        RestaurantFileError,
        TrafficError,
    ) as error:
        print(f"python -m orderflow_localrun: error: {error}", file=sys.stderr)
        return 2
    print(_json(result) if args.format == "json" else text)
    return 0
