"""`costcalc estimate` and `costcalc diff`: prices read from the real definitions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from costcalc.errors import UsageError
from costcalc.pathmix import FLAGS

DEFAULT_ORDERS = Decimal(250_000)
FORMATS = ("table", "json", "csv", "markdown", "infracost-usage")
DIFF_FORMATS = ("markdown", "table", "json")
ESTIMATE_EXAMPLES = """\
Examples:
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


def add_parsers(commands: Any, number: Any) -> None:
    """Add ``estimate`` and ``diff``; ``number`` parses volumes as ``costcalc price`` does."""
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
    _shared(estimate, number, FORMATS, "table")
    estimate.add_argument(
        "--init-usage", type=Path, metavar="FILE",
        help="write a commented usage file listing every unknown and default, then exit",
    )  # fmt: skip
    estimate.add_argument(
        "--model", choices=("auto", "graph", "orderflow"), default="auto",
        help="graph: follow any definition from its entry points; orderflow: the kit's order "
        "flow and its bundled profile; auto (default): orderflow where it applies, else graph",
    )  # fmt: skip
    estimate.set_defaults(run=run_estimate)
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
    _shared(diff, number, DIFF_FORMATS, "markdown")
    diff.add_argument(
        "--fail-above",
        type=number,
        metavar="USD",
        help="exit 1 when the monthly cost rises by more than USD (for CI)",
    )
    diff.set_defaults(run=run_diff)


def _shared(parser: argparse.ArgumentParser, number: Any, formats: tuple[str, ...],
            default: str) -> None:  # fmt: skip
    parser.add_argument(
        "--volume", "--orders-per-month", dest="orders_per_month", type=number,
        default=DEFAULT_ORDERS, metavar="N",
        help=f"units of work a month: orders, checkouts, files (default {DEFAULT_ORDERS:,})",
    )  # fmt: skip
    add_definition_arguments(parser, number)
    parser.add_argument(
        "--usage", type=Path, action="append", metavar="FILE",
        help="YAML overriding profile figures, as compare takes (repeatable)",
    )  # fmt: skip
    for path, flag in FLAGS.items():
        parser.add_argument(
            flag, type=number, dest=f"rate_{path}", help=f"share of orders {path.replace('_', ' ')}"
        )
    parser.add_argument(
        "--count-start-end",
        action="store_true",
        help="count Start and End of each execution as transitions (the seed article's reading)",
    )
    parser.add_argument("--region", default="us-east-1", help="AWS region (default us-east-1)")
    parser.add_argument(
        "--free-tier", action=argparse.BooleanOptionalAction, default=False,
        help="apply always-free allowances (default: no, the marginal cost)",
    )  # fmt: skip
    parser.add_argument("--format", choices=formats, default=default, help="output format")


def add_definition_arguments(parser: argparse.ArgumentParser, number: Any) -> None:
    """How a definition is read: template parameters, the Pulumi stack, the state machines'
    loops, Map items, pinned choices and retries (``estimate``, ``diff`` and ``report``)."""
    parser.add_argument(
        "--parameter", action="append", default=[], metavar="NAME=VALUE",
        help="template parameter value (repeatable); wins over samconfig.toml and defaults",
    )  # fmt: skip
    parser.add_argument(
        "--no-samconfig", action="store_true", help="ignore samconfig.toml parameter overrides"
    )
    parser.add_argument(
        "--stack",
        metavar="NAME",
        help="the Pulumi stack whose config (Pulumi.NAME.yaml) a Pulumi program runs with "
        "(default: the project's only one)",
    )
    for flag, metavar, text in (
        ("--loop", "STATE=N", "extra passes through the loop headed by STATE, per execution"),
        ("--map-items", "STATE=N", "items a Map state iterates over, per execution"),
        ("--choice", "STATE=NEXT", "pin the outcome of a Choice (or Catch) state"),
    ):
        parser.add_argument(flag, action="append", default=[], metavar=metavar, help=text)
    parser.add_argument(
        "--retry-rate", type=number, default=Decimal(0), metavar="RATE",
        help="expected retries per entry of a state with Retry (default 0)",
    )  # fmt: skip


def _pairs(flag: str, pairs: list[str], example: str) -> dict[str, str]:
    found = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name or not value:
            raise UsageError(f"{flag} {pair!r}: expected NAME=VALUE, e.g. {example}")
        found[name] = value
    return found


def _counts(flag: str, pairs: list[str]) -> dict[str, Decimal]:
    counts = {}
    for name, value in _pairs(flag, pairs, "Poll=3").items():
        if not value.isdigit():
            raise UsageError(f"{flag} {name}={value}: expected a whole number >= 0")
        counts[name] = Decimal(value)
    return counts


def _counting(args: argparse.Namespace) -> Any:
    from costcalc.estimate.transitions import Counting  # noqa: PLC0415

    rate = args.retry_rate
    if not rate.is_finite() or rate < 0:
        raise UsageError(f"--retry-rate {rate}: expected a number >= 0")
    return Counting(
        loops=_counts("--loop", args.loop),
        map_items=_counts("--map-items", args.map_items),
        choices=_pairs("--choice", args.choice, "IsAccepted=SaveAccepted"),
        retry_rate=rate,
    )


def estimates_for(args: argparse.Namespace, source: Path) -> Any:
    """The workflows ``source`` holds, read as the definition flags ask."""
    from costcalc.estimate.usage import estimate  # noqa: PLC0415 - only this command pays

    _progress(f"reading {source} ...")
    return estimate(
        source,
        parameters=_pairs("--parameter", args.parameter, "MemorySize=512"),
        samconfig=not args.no_samconfig,
        usage_files=args.usage,
        counting=_counting(args),
        stack=args.stack,
    )


def plan_for(args: argparse.Namespace, estimates: list[Any], others: Sequence[Any] = ()) -> Any:
    """The scenario pricing the estimated workflows (then ``others``, profiles) as the flags
    ask (``report`` adds --with's contexts)."""
    from costcalc.compare import scenario  # noqa: PLC0415

    return scenario(
        region=args.region,
        free_tier=args.free_tier,
        rates={path: getattr(args, f"rate_{path}") for path in FLAGS},
        count_start_end=args.count_start_end,
        profiles=[*(estimated.profile for estimated in estimates), *others],
        contexts=getattr(args, "contexts", ()),
    )


def run_estimate(args: argparse.Namespace) -> int:
    from costcalc.estimate.usage_file import is_usage_file  # noqa: PLC0415

    general = [path for path in args.usage or [] if is_usage_file(path)]
    if args.model == "graph" or args.init_usage or general:
        return _run_graph(args, general)
    try:
        return _run_orderflow(args)
    except UsageError:
        if args.model == "orderflow":
            raise
    return _run_graph(args, general)


def _run_graph(args: argparse.Namespace, usage_files: list[Path]) -> int:
    """The general estimate: every workflow followed from its entry points, per resource."""
    from costcalc.estimate.breakdown import estimate_source  # noqa: PLC0415
    from costcalc.estimate.breakdown_render import init_usage, render_breakdown  # noqa: PLC0415
    from costcalc.estimate.usage_file import UsageFile, read_usage_file  # noqa: PLC0415
    from costcalc.price_cache import write_files  # noqa: PLC0415

    if len(usage_files) > 1:
        raise UsageError(f"--usage {usage_files[1]}: give one usage file")
    if args.orders_per_month <= 0 or not args.orders_per_month.is_finite():
        raise UsageError(f"--volume {args.orders_per_month}: expected a number > 0")
    usage = read_usage_file(usage_files[0]) if usage_files else UsageFile()
    _progress(f"reading {args.source} ...")
    breakdown = estimate_source(
        args.source, args.orders_per_month, usage,
        parameters=_pairs("--parameter", args.parameter, "MemorySize=512"),
        samconfig=not args.no_samconfig, stack=args.stack, region=args.region,
        free_tier=args.free_tier,
    )  # fmt: skip
    if args.init_usage is not None:
        target = args.init_usage
        if target.exists() and not target.is_file():
            raise UsageError(f"--init-usage {target}: not a regular file; name a file to write")
        write_files(target.parent, {target.name: init_usage(breakdown)})
        _progress(f"wrote {target}: fill in each ~ and give it back with --usage {target}")
        return 0
    sys.stdout.write(render_breakdown(breakdown, args.format))
    return 0


def _run_orderflow(args: argparse.Namespace) -> int:
    """The kit's order flow priced with its bundled workload profile (path mix, durations)."""
    from costcalc.compare_render import Report  # noqa: PLC0415
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
    from costcalc.compare_render import Report  # noqa: PLC0415
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
        return 1
    return 0


def _progress(message: str) -> None:
    print(f"costcalc: {message}", file=sys.stderr, flush=True)
