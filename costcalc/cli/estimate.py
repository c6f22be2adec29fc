"""`costcalc estimate` and `costcalc diff`: prices read from the real definitions."""

from __future__ import annotations

import argparse
import shlex
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

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
    rates,
)
from costcalc.cli.counting import counting_from, pairs
from costcalc.cli.plans import breakdown_for, estimates_for, plan_for
from costcalc.errors import UsageError
from costcalc.estimate.transitions import DEFAULT_PATH_CAP
from orderflow_definitions.cli import progress
from orderflow_definitions.exits import EXIT_GATE

if TYPE_CHECKING:
    from costcalc.estimate.snapshot import Snapshot

FORMATS = ("table", "json", "csv", "markdown", "infracost-usage")
DIFF_FORMATS = ("markdown", "table", "json", "github-comment")
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
Any definition (--model graph; auto where every definition names its usage file, as the
kit's stacks do, or where the kit's order flow does not apply): its entry points are
discovered (API routes, state machines, rules on any bus, schedules, queues, streams, buckets,
topics), each hit once per unit of work by default, and the graph is followed from each:
every billed item is listed under the resource that causes it, labelled definition, default or
user. What a function does inside (duration, tables written, events put) is never
guessed: it is listed under "Not estimated" with the usage-file key that fills it. A template
names its usage file in Metadata (costcalc: {usage: FILE}), a Pulumi project as the costcalcUsage
config of its Pulumi.yaml; the kit's stacks name the kit's (costcalc/data/usage/).
The order flow, path by path (--model orderflow, and auto with a path rate, a profile's --usage
or a state machine flag, or on a stack of the order flow that names no usage file):
Memory, architecture, ephemeral storage, triggers, rule deliveries, events, API requests,
table writes, notifications, emails and schedules per order are read from the definition;
durations, sizes, reads and the path mix come from the workload profile or --usage FILE. Every
figure is listed with its source: definition, profile or user.
"""
DIFF_EXAMPLES = """\
Examples:
  costcalc diff main/sam/choreography/template.yaml sam/choreography/template.yaml
  costcalc diff base.yaml head.yaml --orders-per-month 1e6 --fail-above 50
  costcalc estimate template.yaml --format json --out base.json     # on the base branch
  costcalc diff --compare-to base.json template.yaml --format github-comment

Prints the change per resource (added, removed, changed), per billed item and in total, as
markdown by default. --compare-to FILE takes the base from an estimate's JSON instead of a
definition; the head is priced as the base was (volume, region, free tier, model).
With --fail-above USD it exits 1 when the monthly cost rises by more than USD.
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
        "--out", type=Path, metavar="FILE",
        help="write the output to FILE instead of standard output (with --format json: the "
        "base file of diff --compare-to)",
    )  # fmt: skip
    estimate.add_argument(
        "--init-usage", type=Path, metavar="FILE",
        help="write a commented usage file listing every unknown and default, then exit",
    )  # fmt: skip
    _model(estimate)
    command(estimate, run_estimate)
    diff = commands.add_parser(
        "diff",
        help="price two templates at one volume and show what changed",
        description="Estimate two definitions at the same volume and show the change per "
        "billed item and in total.",
        epilog=DIFF_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    diff.add_argument(
        "base",
        type=Path,
        nargs="?",
        help="the definition before (e.g. main's); not with --compare-to",
    )
    diff.add_argument("head", type=Path, help="the definition after (e.g. this branch's)")
    diff.add_argument(
        "--compare-to", type=Path, metavar="FILE",
        help="the base: the JSON `costcalc estimate BASE --format json --out FILE` wrote",
    )  # fmt: skip
    _shared(diff, DIFF_FORMATS, "markdown")
    _model(diff)
    diff.add_argument(
        "--comment-tag", metavar="TAG",
        help="with --format github-comment: the tag of its hidden marker, so several gates on "
        "one pull request keep a comment each (default: cost gate)",
    )  # fmt: skip
    diff.add_argument(
        "--fail-above",
        type=number,
        metavar="USD",
        help="exit 1 when the monthly cost rises by more than USD (for CI)",
    )
    command(diff, run_diff)


def _model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", choices=("auto", "graph", "orderflow"), default="auto",
        help="graph: follow any definition from its entry points; orderflow: the kit's order "
        "flow and its bundled profile; auto (default): graph where the definitions name their "
        "usage file (the kit's stacks do) and no order-flow flag is given, else orderflow where "
        "it applies, else graph",
    )  # fmt: skip


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
    from costcalc.safe_output import check_target  # noqa: PLC0415

    if args.out is not None:
        check_target(args.out, "--out")

    counting_from(args)  # a bad flag is refused as such, whichever model reads the definition
    general = [path for path in args.usage or [] if is_usage_file(path)]
    if args.model == "graph" or args.init_usage or general or _declared(args, args.source):
        return _run_graph(args, general)
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
    from costcalc.estimate import snapshot  # noqa: PLC0415
    from costcalc.estimate.breakdown_render import init_usage, render_breakdown  # noqa: PLC0415
    from costcalc.estimate.usage_file import read_usage_file  # noqa: PLC0415
    from costcalc.safe_output import check_target, write_files  # noqa: PLC0415

    if len(usage_files) > 1:
        raise UsageError(f"--usage {usage_files[1]}: give one usage file")
    if not args.orders_per_month.is_finite() or args.orders_per_month <= 0:
        raise UsageError(f"--volume {args.orders_per_month}: expected a number > 0")
    if args.init_usage is not None:
        check_target(args.init_usage, "--init-usage")
    usage = read_usage_file(usage_files[0]) if usage_files else None
    breakdown = breakdown_for(args, usage, announce=not announced)
    if args.init_usage is not None:
        target = args.init_usage
        write_files(target.parent, {target.name: init_usage(breakdown)}, flag="--init-usage")
        progress(
            f"costcalc: wrote {target}: fill in each ~, then --usage {shlex.quote(str(target))}"
        )
        return 0
    base = None
    if args.format == "json":
        side = snapshot.from_breakdown(str(args.source), breakdown, args.free_tier)
        base = snapshot.to_json(side)
    _emit(args, render_breakdown(breakdown, args.format, base))
    return 0


def _declared(args: argparse.Namespace, source: Path) -> bool:
    """Whether ``auto`` reads ``source`` with the general model and the usage files its
    definitions name for themselves: when every one names one (the kit's stacks name the
    kit's) and no flag of the order flow model is given (a profile's ``--usage``, a path rate,
    ``--count-start-end``, a state machine's loops, choices, items, durations, retries)."""
    from costcalc.estimate.breakdown import declared_usage  # noqa: PLC0415

    if args.model != "auto" or args.usage or args.count_start_end or any(rates(args).values()):
        return False
    counted = (args.loop, args.map_items, args.choice, args.state_duration_ms)
    if any(counted) or args.retry_rate or args.redrive_rate or args.paths != DEFAULT_PATH_CAP:
        return False
    parameters = pairs("--parameter", args.parameter, "MemorySize=512")
    try:
        return None not in declared_usage(source, parameters, not args.no_samconfig, args.stack)
    except UsageError:  # a definition that cannot be read is refused as before, once announced
        return False


def _run_orderflow(args: argparse.Namespace) -> int:
    """The kit's order flow priced with its bundled workload profile (path mix, durations)."""
    from costcalc.compare.render import Report  # noqa: PLC0415
    from costcalc.estimate import snapshot  # noqa: PLC0415
    from costcalc.estimate.render import render_estimate  # noqa: PLC0415

    estimates = estimates_for(args, args.source)
    plan = plan_for(args, estimates)
    comparison = plan.price(args.orders_per_month)
    report = Report(plan, [comparison], title=f"Estimate of {args.source}")
    base = None
    if args.format == "json" and len(estimates) == 1:  # a diff compares one workflow with one
        side = snapshot.from_design(
            str(args.source), comparison.designs[0], plan.workloads[0], args.free_tier
        )
        base = snapshot.to_json(side)
    _emit(args, render_estimate(report, estimates, args.format, base))
    if args.format in ("csv", "infracost-usage"):
        for warning in report.warnings:
            print(f"costcalc estimate: warning: {warning}", file=sys.stderr)
    return 0


def _emit(args: argparse.Namespace, text: str) -> None:
    """The output, on standard output or (``--out``) written whole into the file."""
    from costcalc.safe_output import write_files  # noqa: PLC0415

    if args.out is None:
        sys.stdout.write(text)
        return
    write_files(args.out.parent, {args.out.name: text}, flag="--out")
    print(f"costcalc: wrote {args.out}", file=sys.stderr)


def run_diff(args: argparse.Namespace) -> int:
    from costcalc.estimate.diff import diff  # noqa: PLC0415
    from costcalc.estimate.render_diff import DEFAULT_TAG, check_tag, render_diff  # noqa: PLC0415
    from costcalc.estimate.snapshot import read_base  # noqa: PLC0415

    if args.fail_above is not None and (not args.fail_above.is_finite() or args.fail_above < 0):
        raise UsageError(f"--fail-above {args.fail_above}: expected USD >= 0")
    tag = DEFAULT_TAG if args.comment_tag is None else check_tag(args.comment_tag)
    counting_from(args)
    if args.compare_to is not None and args.base is not None:
        raise UsageError(
            f"--compare-to {args.compare_to}: give only the head definition with it, not "
            f"{args.base} too"
        )
    if args.compare_to is None and args.base is None:
        raise UsageError("give BASE and HEAD definitions, or --compare-to FILE and HEAD")
    if args.compare_to is not None:
        base = read_base(args.compare_to)
        _check_same_pricing(args, base)
        model = base.model
    else:
        base = side_for(args, args.base, args.model)
        model = base.model
    head = side_for(args, args.head, model)
    found = diff(base, head)
    sys.stdout.write(render_diff(found, args.format, fail_above=args.fail_above, tag=tag))
    rise = found.delta_usd
    if args.fail_above is not None and rise > args.fail_above:
        print(
            f"costcalc diff: the monthly cost rises by {rise:.2f} USD, above --fail-above "
            f"{args.fail_above} USD",
            file=sys.stderr,
        )
        return EXIT_GATE
    return 0


def _check_same_pricing(args: argparse.Namespace, base: Snapshot) -> None:
    """The head is priced as the base was, or the difference would not be the change's."""
    where = f"--compare-to {args.compare_to}"
    asked = (
        ("--model", args.model, base.model, args.model in ("auto", base.model)),
        ("--volume", args.orders_per_month, base.volume, args.orders_per_month == base.volume),
        ("--region", args.region, base.region, args.region == base.region),
        ("--free-tier", args.free_tier, base.free_tier, args.free_tier == base.free_tier),
    )
    for flag, given, saved, same in asked:
        if not same:
            raise UsageError(
                f"{where}: the base was priced with {flag} {_flag_value(saved)}, the head with "
                f"{flag} {_flag_value(given)}; give the head the base's value (or write the base "
                "again)"
            )


def _flag_value(value: object) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def side_for(args: argparse.Namespace, source: Path, model: str) -> Snapshot:
    """One side of a diff: ``source`` estimated with ``model`` (auto: the order flow where it
    applies, else the general model) at the flags' volume, region and free tier."""
    from costcalc.estimate import snapshot  # noqa: PLC0415
    from costcalc.estimate.usage_file import is_usage_file, read_usage_file  # noqa: PLC0415

    general = [path for path in args.usage or [] if is_usage_file(path)]
    if model == "auto" and _declared(args, source):
        model = "graph"
    if model != "graph" and not general:  # a general usage file is the general model's
        try:
            found = estimates_for(args, source)
        except UsageError:
            if model == "orderflow" or args.usage:
                raise
        else:
            if len(found) != 1:
                raise UsageError(
                    f"{source}: holds {len(found)} workflows; diff compares one template with "
                    "one (name the template file)"
                )
            plan = plan_for(args, found)
            design = plan.price(args.orders_per_month).designs[0]
            return snapshot.from_design(str(source), design, plan.workloads[0], args.free_tier)
    if len(general) > 1:
        raise UsageError(f"--usage {general[1]}: give one usage file")
    usage = read_usage_file(general[0]) if general else None
    breakdown = breakdown_for(args, usage, source=source, announce=model == "graph")
    return snapshot.from_breakdown(str(source), breakdown, args.free_tier)
