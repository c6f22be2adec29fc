"""`costcalc estimate` and `costcalc diff`: prices read from the real definitions."""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from costcalc.cli.arguments import (
    DEFAULT_ORDERS,
    Commands,
    add_count_start_end,
    add_definition_arguments,
    add_format,
    add_path_rates,
    add_pricing,
    add_usage,
    command,
    number,
)
from costcalc.cli.counting import counting_from
from costcalc.cli.plans import breakdown_for, estimates_for, plan_for
from costcalc.errors import UsageError
from orderflow_definitions.cli import progress
from orderflow_definitions.exits import EXIT_GATE

FORMATS = ("table", "json", "csv", "markdown", "infracost-usage")
DIFF_FORMATS = ("markdown", "table", "json")
ESTIMATE_EXAMPLES = """\
Examples:
  costcalc estimate template.yaml --volume 1e6                 # any SAM/CloudFormation template
  costcalc estimate cdk.out --volume 1e6                       # a CDK app's synthesized output
  costcalc estimate template.yaml --init-usage usage.yml       # list what the definition cannot say
  costcalc estimate template.yaml --usage usage.yml --format json
  costcalc estimate sam/choreography/template.yaml --orders-per-month 1e6
  costcalc estimate sam/choreography/template.yaml --parameter AcceptanceTimeoutSeconds=300
  costcalc estimate pulumi/orders-choreography --orders-per-month 1e6
  costcalc estimate pulumi/orders-orchestration --stack dev
  costcalc estimate path/to/generated-project --orders-per-month 1e6 --format json
  costcalc estimate sam/choreography/template.yaml --format infracost-usage > infracost-usage.yml

The template is transformed locally (samtranslator, no AWS call). Parameters come from their
defaults, then the samconfig.toml beside the template or in the working folder
(default.deploy.parameters.parameter_overrides; --no-samconfig ignores it), then --parameter.
A Pulumi project (its folder or Pulumi.yaml; one project per style, as pulumi/ lays them out)
runs its Python program under Pulumi's mocks (no CLI, no AWS call) with the config of
Pulumi.<stack>.yaml: --stack NAME picks it, needed only when there are several. A folder that
is neither is read as a project: its sam/<stack>/template.yaml and pulumi/<project>/Pulumi.yaml,
one design per workflow found.
Any definition (--model graph, and auto wherever the kit's order flow does not apply): its entry
points are discovered (API routes, state machines, rules on any bus, schedules, queues, streams,
buckets, topics), each hit once per unit of work by default, and the graph is followed from
each: every billed item is listed under the resource that causes it, labelled definition,
default or user. What a function does inside (duration, tables written, events put) is never
guessed: it is listed under "Not estimated" with the usage-file key that fills it.
The kit's own stacks (--model orderflow, and auto where it applies):
Memory, architecture, ephemeral storage, triggers, rule deliveries, events, API requests,
table writes, notifications, emails and schedules per order are read from the definition;
durations, sizes, reads and the path mix come from the workload profile or --usage FILE. Every
figure is listed with its source: definition, profile or user.
"""
DIFF_EXAMPLES = """\
Examples:
  costcalc diff main/sam/choreography/template.yaml sam/choreography/template.yaml
  costcalc diff base.yaml head.yaml --orders-per-month 1e6 --fail-above 50

Prints the change per billed item and in total as markdown (a pull-request comment) by
default. With --fail-above USD it exits 1 when the monthly cost rises by more than USD.
"""


def register(commands: Commands) -> None:
    estimate = commands.add_parser(
        "estimate",
        help="price a SAM/CloudFormation template or a Pulumi program from what it deploys",
        description="Derive per-order usage from a SAM or CloudFormation template, a Pulumi "
        "program (or a project holding them) and price it per order and per month, as compare "
        "does.",
        epilog=ESTIMATE_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    estimate.add_argument(
        "source", type=Path, help="template file, Pulumi project folder or generated project"
    )
    _shared(estimate, FORMATS, "table")
    estimate.add_argument(
        "--init-usage", type=Path, metavar="FILE",
        help="write a commented usage file listing every unknown and default, then exit",
    )  # fmt: skip
    estimate.add_argument(
        "--model", choices=("auto", "graph", "orderflow"), default="auto",
        help="graph: follow any definition from its entry points; orderflow: the kit's order "
        "flow and its bundled profile; auto (default): orderflow where it applies, else graph",
    )  # fmt: skip
    command(estimate, run_estimate)
    diff = commands.add_parser(
        "diff",
        help="price two templates at one volume and show what changed",
        description="Estimate two definitions at the same volume and show the change per "
        "billed item and in total.",
        epilog=DIFF_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    diff.add_argument("base", type=Path, help="the definition before (e.g. main's)")
    diff.add_argument("head", type=Path, help="the definition after (e.g. this branch's)")
    _shared(diff, DIFF_FORMATS, "markdown")
    diff.add_argument(
        "--fail-above",
        type=number,
        metavar="USD",
        help="exit 1 when the monthly cost rises by more than USD (for CI)",
    )
    command(diff, run_diff)


def _shared(parser: argparse.ArgumentParser, formats: tuple[str, ...], default: str) -> None:
    parser.add_argument(
        "--volume",
        "--orders-per-month",
        dest="orders_per_month",
        type=number,
        default=DEFAULT_ORDERS,
        metavar="N",
        help=f"units of work a month: orders, checkouts, files (default {DEFAULT_ORDERS:,})",
    )
    add_definition_arguments(parser)
    add_usage(parser)
    add_path_rates(parser)
    add_count_start_end(parser)
    add_pricing(parser)
    add_format(parser, formats, default)


def run_estimate(args: argparse.Namespace) -> int:
    from costcalc.estimate.usage_file import is_usage_file  # noqa: PLC0415

    general = [path for path in args.usage or [] if is_usage_file(path)]
    if args.model == "graph" or args.init_usage or general:
        return _run_graph(args, general)
    counting_from(args)  # a bad flag is refused as such, never taken for "not the order flow"
    try:
        return _run_orderflow(args)
    except UsageError:
        # Profile overrides (--usage) are read by the order flow only: a bad one is refused,
        # never dropped by falling back to a model that would not read it.
        if args.model == "orderflow" or args.usage:
            raise
    return _run_graph(args, general, announced=True)


def _run_graph(
    args: argparse.Namespace, usage_files: list[Path], *, announced: bool = False
) -> int:
    """The general estimate: every workflow followed from its entry points, per resource."""
    from costcalc.estimate.breakdown_render import init_usage, render_breakdown  # noqa: PLC0415
    from costcalc.estimate.usage_file import UsageFile, read_usage_file  # noqa: PLC0415
    from costcalc.safe_output import check_target, write_files  # noqa: PLC0415

    if len(usage_files) > 1:
        raise UsageError(f"--usage {usage_files[1]}: give one usage file")
    if not args.orders_per_month.is_finite() or args.orders_per_month <= 0:
        raise UsageError(f"--volume {args.orders_per_month}: expected a number > 0")
    if args.init_usage is not None:
        check_target(args.init_usage, "--init-usage")
    usage = read_usage_file(usage_files[0]) if usage_files else UsageFile()
    breakdown = breakdown_for(args, usage, announce=not announced)
    if args.init_usage is not None:
        target = args.init_usage
        write_files(target.parent, {target.name: init_usage(breakdown)}, flag="--init-usage")
        progress(
            f"costcalc: wrote {target}: fill in each ~, then --usage {shlex.quote(str(target))}"
        )
        return 0
    sys.stdout.write(render_breakdown(breakdown, args.format))
    return 0


def _run_orderflow(args: argparse.Namespace) -> int:
    """The kit's order flow priced with its bundled workload profile (path mix, durations)."""
    from costcalc.compare.render import Report  # noqa: PLC0415
    from costcalc.estimate.render import render_estimate  # noqa: PLC0415

    estimates = estimates_for(args, args.source)
    plan = plan_for(args, estimates)
    report = Report(plan, [plan.price(args.orders_per_month)], title=f"Estimate of {args.source}")
    sys.stdout.write(render_estimate(report, estimates, args.format))
    if args.format in ("csv", "infracost-usage"):
        for warning in report.warnings:
            print(f"costcalc estimate: warning: {warning}", file=sys.stderr)
    return 0


def run_diff(args: argparse.Namespace) -> int:
    from costcalc.compare.render import Report  # noqa: PLC0415
    from costcalc.estimate.render import render_diff  # noqa: PLC0415

    if args.fail_above is not None and (not args.fail_above.is_finite() or args.fail_above < 0):
        raise UsageError(f"--fail-above {args.fail_above}: expected USD >= 0")
    sides = []
    for source in (args.base, args.head):
        found = estimates_for(args, source)
        if len(found) != 1:
            raise UsageError(
                f"{source}: holds {len(found)} workflows; diff compares one template with one "
                "(name the template file)"
            )
        sides.append(found[0])
    plan = plan_for(args, sides)
    comparison = plan.price(args.orders_per_month)
    before, after = comparison.designs
    report = Report(plan, [comparison])
    sys.stdout.write(render_diff((str(args.base), str(args.head)), before, after, report,
                                 args.format))  # fmt: skip
    rise = after.monthly_usd - before.monthly_usd
    if args.fail_above is not None and rise > args.fail_above:
        print(
            f"costcalc diff: the monthly cost rises by {rise:.2f} USD, above --fail-above "
            f"{args.fail_above} USD",
            file=sys.stderr,
        )
        return EXIT_GATE
    return 0
