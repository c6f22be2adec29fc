"""`costcalc compare`: the two styles side by side, a thin layer over ``costcalc.compare``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from costcalc.compare import DEFAULT_SWEEP, Scenario, scenario, sweep_volumes, verdict
from costcalc.compare_render import Report, render_report
from costcalc.contexts import CONTEXTS
from costcalc.pathmix import FLAGS

DEFAULT_ORDERS = Decimal(250_000)
DEFAULT_POINTS = 21
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
The schema is in docs/compare.md#workload-profiles and in costcalc/profiles.py. A document with
`context: analytics` instead of a design changes the analytics figures (costcalc/contexts.py):
  context: analytics
  queries: {per_month: 600}
"""


def sweep_type(number: Any) -> Callable[[str], tuple[Decimal, Decimal, int]]:
    """The ``--sweep LOW:HIGH[:POINTS]`` parser; ``number`` parses each figure."""

    def sweep(text: str) -> tuple[Decimal, Decimal, int]:
        parts = text.split(":")
        if len(parts) not in (2, 3):
            raise argparse.ArgumentTypeError(
                f"{text!r} is not LOW:HIGH or LOW:HIGH:POINTS (for example 1e3:1e8 or 1e3:1e8:41)"
            )
        points = number(parts[2]) if len(parts) == 3 else Decimal(DEFAULT_POINTS)
        if points != points.to_integral_value():
            raise argparse.ArgumentTypeError(f"{text!r}: POINTS must be a whole number")
        return number(parts[0]), number(parts[1]), int(points)

    return sweep


def add_scenario_arguments(parser: argparse.ArgumentParser, number: Any) -> None:
    """The flags that shape a scenario: designs, path rates, usage files, transition rule."""
    parser.add_argument(
        "--design",
        action="append",
        metavar="NAME",
        help="a design to price (repeatable; default: all bundled profiles)",
    )
    for path, flag in FLAGS.items():
        parser.add_argument(
            flag, type=number, dest=f"rate_{path}", help=f"share of orders {path.replace('_', ' ')}"
        )
    parser.add_argument(
        "--usage",
        type=Path,
        action="append",
        metavar="FILE",
        help="YAML overriding profile figures (repeatable)",
    )
    parser.add_argument(
        "--with",
        dest="contexts",
        action="append",
        choices=CONTEXTS,
        default=[],
        help="add a bounded context's costs to every design (analytics: Firehose, S3, Athena)",
    )
    parser.add_argument(
        "--count-start-end",
        action="store_true",
        help="count Start and End of each execution as transitions (the seed article's reading)",
    )


def plan_from(args: argparse.Namespace) -> Scenario:
    """The scenario the parsed flags of ``add_scenario_arguments`` (and the common ones) ask for."""
    return scenario(
        region=args.region,
        free_tier=args.free_tier,
        designs=args.design,
        rates={path: getattr(args, f"rate_{path}") for path in FLAGS},
        usage_files=args.usage,
        count_start_end=args.count_start_end,
        contexts=args.contexts,
    )


def add_parser(
    commands: Any, common: argparse.ArgumentParser, number: Any
) -> argparse.ArgumentParser:
    """Add the ``compare`` subcommand; ``number`` parses volumes as ``costcalc price`` does."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "compare",
        parents=[common],
        help="price choreography and orchestration side by side, per order and per month",
        description="Price every design of the order flow (choreography, orchestration and, "
        "flagged as not runnable, orchestration on Express) per order and per month, line by "
        "line, from the bundled workload profiles.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    volume = parser.add_mutually_exclusive_group()
    volume.add_argument(
        "--orders-per-month",
        type=number,
        help=f"order volume (default {DEFAULT_ORDERS:,}); 3e6 and 3_000_000 work too",
    )
    volume.add_argument(
        "--sweep",
        type=sweep_type(number),
        metavar="LOW:HIGH[:POINTS]",
        help=f"price volumes from LOW to HIGH, log-spaced ({DEFAULT_POINTS} points by default)",
    )
    add_scenario_arguments(parser, number)
    parser.add_argument(
        "--chart",
        type=Path,
        metavar="FILE",
        help="write the cost-versus-volume chart (.png or .svg); without --sweep it spans "
        f"{DEFAULT_SWEEP[0]:,}..{DEFAULT_SWEEP[1]:,} and marks the volume",
    )
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    if args.chart is not None:
        from costcalc.chart import check_target  # noqa: PLC0415 - matplotlib only when asked

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
        _chart(args, plan, report)
    return 0


def _report(plan: Scenario, volumes: list[Decimal], span: tuple[Decimal, Decimal]) -> Report:
    curves = plan.curves(*span)
    crossings = plan.break_evens(curves)
    return Report(
        plan, [plan.price(volume) for volume in volumes], crossings, verdict(curves, crossings)
    )


def _chart(args: argparse.Namespace, plan: Scenario, report: Report) -> None:
    from costcalc.chart import cost_figure, save  # noqa: PLC0415 - matplotlib only when asked

    span = (args.sweep[0], args.sweep[1]) if args.sweep is not None else DEFAULT_SWEEP
    marked = None if report.swept else report.comparisons[0].orders_per_month
    print(f"costcalc compare: drawing the chart to {args.chart} ...", file=sys.stderr)
    curves = plan.curves(*span)
    crossings = plan.break_evens(curves)
    save(
        args.chart,
        cost_figure(
            plan,
            curves,
            crossings,
            verdict(curves, crossings),
            prices_as_of=report.prices_as_of,
            marked=marked,
        ),
    )
    print(f"costcalc compare: chart written to {args.chart}", file=sys.stderr)
