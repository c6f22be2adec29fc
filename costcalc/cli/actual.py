"""`costcalc actual`: the forecast against what a deployed stack really used and cost."""

from __future__ import annotations

import argparse
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from costcalc.actual.billing import RESOURCE_TAG
from costcalc.cli.arguments import (
    Commands,
    add_count_start_end,
    add_format,
    add_path_rates,
    add_pricing,
    add_usage,
    command,
)
from costcalc.errors import UsageError
from orderflow_definitions.cli import progress

if TYPE_CHECKING:
    from costcalc.estimate.breakdown import Breakdown

FORMATS = ("table", "json", "markdown")
EXAMPLES = """\
Examples:
  costcalc actual --stack orders-orchestration --since 30d \\
      --definition sam/orchestration/template.yaml
  costcalc actual --tag project=orderflow --start 2026-11-01 --end 2026-12-01 --format json
  costcalc actual --stack orders-choreography --since 7d \\
      --definition sam/choreography/template.yaml --write-usage measured.yaml
  costcalc estimate sam/choreography/template.yaml --usage measured.yaml

Reads (read-only, policy in docs/actual-permissions.md): CloudFormation ListStackResources or
the Resource Groups Tagging API GetResources; CloudWatch GetMetricData (Lambda invocations and
duration, log bytes, Step Functions executions, EventBridge rule invocations, HTTP API counts
per route, SNS publishes and deliveries, Scheduler invocation attempts, SES sends, DynamoDB
consumed capacity); CloudWatch Logs Insights StartQuery/GetQueryResults (Lambda's INIT from the
REPORT lines; --no-init skips it, it is billed per GB scanned); Cost Explorer
GetCostAndUsage by usage type, filtered by the tag (aws:cloudformation:stack-name for --stack:
activate it as a cost allocation tag), and again grouped by --resource-tag for the cost per
resource, set beside `costcalc estimate`'s per-resource breakdown of --definition. State
transitions come from the bill, not a metric.
Throttled calls are retried by botocore's adaptive retry mode (up to 10 retries, backoff).
The path mix is measured from the answer routes' counts (accept, reject, cancel per order placed;
the rest timed out), which needs the API stage's detailed metrics.
"""


def register(commands: Commands) -> None:
    parser = commands.add_parser(
        "actual",
        help="check the forecast against what a deployed stack used and was billed",
        description="Measure a deployed stack (CloudWatch metrics, Cost Explorer usage) per "
        "unit of work and set it beside `costcalc estimate` of its definition at that volume.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--stack", metavar="NAME", help="a CloudFormation (SAM) stack")
    which.add_argument(
        "--tag", metavar="KEY=VALUE", help="every resource with this tag (Pulumi, any tool)"
    )
    parser.add_argument("--since", metavar="AGE", help="the window ending now: 30d, 12h")
    parser.add_argument("--start", metavar="DATE", help="window start, ISO date or time (UTC)")
    parser.add_argument("--end", metavar="DATE", help="window end (default now)")
    parser.add_argument(
        "--unit",
        metavar="METRIC",
        help="the unit of work: executions, requests or invocations:FUNCTION (default: "
        "executions started when the stack has a state machine, else POST /orders requests)",
    )
    parser.add_argument(
        "--definition", type=Path, metavar="PATH",
        help="the template or Pulumi project deployed, estimated at the measured volume",
    )  # fmt: skip
    parser.add_argument(
        "--write-usage", type=Path, metavar="FILE",
        help="write the measured figures as a usage file (estimate --usage FILE)",
    )  # fmt: skip
    parser.add_argument(
        "--no-init", dest="init", action="store_false",
        help="do not read Lambda's INIT from the REPORT lines (a Logs Insights query, billed per "
        "GB scanned)",
    )  # fmt: skip
    parser.add_argument(
        "--resource-tag", metavar="KEY", default=RESOURCE_TAG,
        help="the tag the bill is grouped by per resource (default: the logical id "
        "CloudFormation tags; activate it as a cost allocation tag)",
    )  # fmt: skip
    parser.add_argument("--profile", help="AWS named profile (default: the environment's)")
    add_usage(parser)
    add_path_rates(parser)
    add_count_start_end(parser)
    add_pricing(parser)
    add_format(parser, FORMATS, "table")
    command(parser, run_actual)


def run_actual(args: argparse.Namespace) -> int:
    from costcalc.actual import aws  # noqa: PLC0415
    from costcalc.actual.drift import drift  # noqa: PLC0415
    from costcalc.actual.forecast import forecast, pick_workflow, read_definition  # noqa: PLC0415
    from costcalc.actual.read import read_actual  # noqa: PLC0415
    from costcalc.actual.render import render  # noqa: PLC0415
    from costcalc.actual.resources import tag_pair  # noqa: PLC0415
    from costcalc.actual.usage_file import check_usage_target, usage_text, write_usage  # noqa: PLC0415
    from costcalc.actual.window import window  # noqa: PLC0415

    span = window(args.since, args.start, args.end)
    tag = tag_pair(args.tag) if args.tag else None
    if args.write_usage is not None:
        check_usage_target(args.write_usage)
        if args.definition is None:
            raise UsageError("--write-usage needs --definition: the file scales its figures")
    if args.definition is not None:
        progress(f"costcalc: reading {args.definition} ...")
        general, profiles = _usage_files(args.usage)
        workflows = read_definition(args.definition, profiles)
    clients = aws.boto_clients(args.region, args.profile)
    measured = read_actual(
        clients,
        stack=args.stack,
        tag=tag,
        window=span,
        unit=args.unit,
        init=args.init,
        resource_tag=args.resource_tag,
    )
    expected = None
    if args.definition is not None:
        from costcalc.cli.plans import plan_for  # noqa: PLC0415

        estimated = pick_workflow(workflows, measured)
        plan = plan_for(args, [estimated])
        breakdown = _breakdown(args, general, measured.units)
        expected = forecast(estimated, plan, measured.units, span.months, breakdown)
    found = drift(expected, measured)
    origin = f"stack {args.stack}" if args.stack else f"tag {args.tag}"
    sys.stdout.write(render(found, f"Actual of {origin}", str(span), args.format))
    if args.write_usage is not None and expected is not None:  # --definition checked above
        write_usage(args.write_usage, usage_text(expected, measured, origin))
        progress(f"costcalc actual: wrote {args.write_usage}")
    return 0


def _usage_files(given: list[Path] | None) -> tuple[Path | None, list[Path] | None]:
    """The general usage file (per resource) and the profile overrides among ``--usage``."""
    from costcalc.estimate.usage_file import is_usage_file  # noqa: PLC0415

    general = [path for path in given or [] if is_usage_file(path)]
    if len(general) > 1:
        raise UsageError(f"--usage {general[1]}: give one usage file in the per-resource format")
    profiles = [path for path in given or [] if path not in general]
    return (general[0] if general else None), (profiles or None)


def _breakdown(args: argparse.Namespace, general: Path | None, units: Decimal) -> Breakdown:
    """The general estimate of --definition at the measured volume: the cost per resource."""
    from costcalc.estimate.breakdown import estimate_source  # noqa: PLC0415
    from costcalc.estimate.usage_file import UsageFile, read_usage_file  # noqa: PLC0415

    usage = read_usage_file(general) if general else UsageFile()
    return estimate_source(
        args.definition, units, usage, region=args.region, free_tier=args.free_tier
    )
