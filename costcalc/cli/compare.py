"""`costcalc compare`: the two styles side by side, a thin layer over ``costcalc.compare``."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path

from costcalc.cli.arguments import (
    DEFAULT_ORDERS,
    DEFAULT_POINTS,
    Commands,
    add_format,
    add_pricing,
    add_profile_arguments,
    command,
    number,
    sweep,
)
from costcalc.cli.plans import plan_from
from costcalc.compare.render import Report, render_report
from costcalc.compare.scenario import DEFAULT_SWEEP, Scenario, sweep_volumes
from costcalc.pricing.render import FORMATS
from orderflow_definitions.cli import progress
from orderflow_definitions.exits import require

EXAMPLES = """\
Examples:
  costcalc compare --orders-per-month 250000
  costcalc compare --orders-per-month 2e6 --accept-rate 0.9 --timeout-rate 0.03 --format json
  costcalc compare --sweep 1e3:1e8 --chart cost.png
  costcalc compare --orders-per-month 1e6 --design orchestration --count-start-end
  costcalc compare --orders-per-month 1e6 --usage my-figures.yaml
  costcalc compare --orders-per-month 250000 --with analytics

Path rates must sum to 1. Left out, the accept rate absorbs the remainder; when it is given,
the left-out unhappy paths share the remainder in proportion to their defaults
(rejected 0.05, timed out 0.03, cancelled 0.02).

--usage FILE overrides profile figures: YAML documents in the profile schema, each naming its
design and holding only the keys it changes, for example:
  design: orchestration
  paths: {accepted: {transitions: 15}}
The schema is in docs/compare.md#workload-profiles and in costcalc/workload/profiles.py. A
document with `context: analytics` instead of a design changes the analytics figures
(costcalc/workload/contexts.py):
  context: analytics
  queries: {per_month: 600}
"""


def register(commands: Commands) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "compare",
        help="price choreography and orchestration side by side, per order and per month",
        description="Price every design of the order flow (choreography, orchestration and, "
        "flagged as not runnable, orchestration on Express) per order and per month, line by "
        "line, from the bundled workload profiles.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_pricing(parser)
    add_format(parser, FORMATS, "table")
    volume = parser.add_mutually_exclusive_group()
    volume.add_argument(
        "--orders-per-month",
        type=number,
        help=f"order volume (default {DEFAULT_ORDERS:,}); 3e6 and 3_000_000 work too",
    )
    volume.add_argument(
        "--sweep",
        type=sweep,
        metavar="LOW:HIGH[:POINTS]",
        help=f"price volumes from LOW to HIGH, log-spaced ({DEFAULT_POINTS} points by default)",
    )
    add_profile_arguments(parser)
    parser.add_argument(
        "--chart",
        type=Path,
        metavar="FILE",
        help="write the cost-versus-volume chart (.png or .svg); without --sweep it spans "
        f"{DEFAULT_SWEEP[0]:,}..{DEFAULT_SWEEP[1]:,} and marks the volume",
    )
    command(parser, run)


def run(args: argparse.Namespace) -> int:
    if args.chart is not None:
        from costcalc.compare.chart import check_target  # noqa: PLC0415 - matplotlib only when asked

        require("costcalc compare --chart", "matplotlib")
        check_target(args.chart)
    plan = plan_from(args)
    if args.sweep is not None:
        low, high, points = args.sweep
        volumes = sweep_volumes(low, high, points)
        report = _report(plan, volumes, (low, high))
    else:
        orders = args.orders_per_month if args.orders_per_month is not None else DEFAULT_ORDERS
        report = Report(plan, [plan.price(orders)])
    sys.stdout.write(render_report(report, args.format))
    if args.format == "csv":  # the other formats carry the warning in their output
        for warning in report.warnings:
            print(f"costcalc compare: warning: {warning}", file=sys.stderr)
    if args.chart is not None:
        _chart(args, report)
    return 0


def _report(plan: Scenario, volumes: list[Decimal], span: tuple[Decimal, Decimal]) -> Report:
    return Report(plan, [plan.price(volume) for volume in volumes], across=plan.across(*span))


def _chart(args: argparse.Namespace, report: Report) -> None:
    """Draw the chart from the sweep's curves (priced once), or across the default span."""
    from costcalc.compare.chart import cost_figure, save  # noqa: PLC0415 - matplotlib only when asked

    progress(f"costcalc compare: drawing the chart to {args.chart} ...")
    across = report.across or report.plan.across(*DEFAULT_SWEEP)
    marked = None if report.across else report.comparisons[0].orders_per_month
    figure = cost_figure(report.plan, across, prices_as_of=report.prices_as_of, marked=marked)
    save(args.chart, figure)
    progress(f"costcalc compare: chart written to {args.chart}")
