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
        "--orders-per-month", type=number, default=DEFAULT_ORDERS,
        help=f"order volume (default {DEFAULT_ORDERS:,})",
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
    from costcalc.estimate.counting_flags import add_counting_arguments  # noqa: PLC0415

    add_counting_arguments(parser, number)


def _counting(args: argparse.Namespace) -> Any:
    from costcalc.estimate.counting_flags import counting_from  # noqa: PLC0415

    return counting_from(args)


def estimates_for(args: argparse.Namespace, source: Path) -> Any:
    """The workflows ``source`` holds, read as the definition flags ask."""
    from costcalc.estimate.counting_flags import pairs  # noqa: PLC0415
    from costcalc.estimate.usage import estimate  # noqa: PLC0415 - only this command pays

    _progress(f"reading {source} ...")
    return estimate(
        source,
        parameters=pairs("--parameter", args.parameter, "MemorySize=512"),
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
