"""`costcalc report`: the decision report as HTML or Markdown, a thin layer over the library.

``costcalc.report.decision`` gathers the facts, ``costcalc.report.content`` words them once,
``costcalc.report.charts`` draws the charts and ``render_html``/``render_markdown`` lay them out.
Every file is written whole or not at all, never over anything but a regular file
(:mod:`costcalc.safe_output`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from costcalc.cli.arguments import (
    DEFAULT_ORDERS,
    DEFAULT_POINTS,
    Commands,
    add_definition_arguments,
    add_format,
    add_pricing,
    add_profile_arguments,
    command,
    number,
    sweep,
)
from costcalc.cli.plans import estimates_for, plan_for, plan_from
from costcalc.compare.scenario import DEFAULT_SWEEP, sweep_volumes
from costcalc.errors import CostcalcError, UsageError
from costcalc.safe_output import check_target, write_files
from orderflow_definitions.cli import progress
from orderflow_definitions.exits import require

FORMATS = {".html": "html", ".htm": "html", ".md": "markdown", ".markdown": "markdown"}
EXAMPLES = f"""\
Examples:
  costcalc report --out decision.html
  costcalc report --orders-per-month 2e6 --accept-rate 0.85 --out decision.html
  costcalc report --sweep 2e4:5e7:200 --usage my-figures.yaml --out decision.md
  costcalc report --orders-per-month 1e6 --free-tier --format html --out report.txt
  costcalc report path/to/generated-project --sweep 2e4:5e7 --out decision.md
  costcalc report pulumi/orders-choreography --stack dev --out decision.html
  costcalc actual --stack orders --since 30d --definition sam/orchestration/template.yaml \
      --format json > actual.json && costcalc report --actual actual.json --out decision.md

The page answers first (each design per month and per order at the volume, the difference per
month and per year), then charts the cost across the sweep with its break-evens, splits the cost
per order by service, shows how the answer moves with each assumption, states the constraints,
trade-offs and the kit's recommendation, and says where every figure and price came from.

HTML is one self-contained file (charts embedded as SVG, nothing fetched, printable). Markdown
links its charts as SVG files in a folder beside it (NAME-charts/), because code hosts strip
inline data images. The format follows --out's extension (.html, .htm, .md, .markdown) unless
--format says otherwise.

Without --sweep the chart spans {DEFAULT_SWEEP[0]:,} to {DEFAULT_SWEEP[1]:,} orders/month
({DEFAULT_POINTS} volumes in the appendix); the volume (default {DEFAULT_ORDERS:,}) must lie
inside the sweep. Without PATH the designs are the bundled workload profiles (with --usage
files). With PATH (a SAM template, a Pulumi project or a generated project) they are the
workflows it holds, with the figures `costcalc estimate` derives from them for the same flags
(--parameter, --stack, --loop, ...), plus any bundled profile named with --design (the other
style, to compare with); the report says which figure came from the definition, the profile or
you.
"""


def register(commands: Commands) -> None:
    parser: argparse.ArgumentParser = commands.add_parser(
        "report",
        help="write a decision report (HTML or Markdown) with charts, sensitivity and sources",
        description="Write the decision report a tech lead, an architect or a budget holder "
        "reads: the cost of each style at your volume, across a volume range, per service, how "
        "it moves with the assumptions, the constraints and trade-offs, and the provenance of "
        "every figure.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_pricing(parser)
    parser.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="a SAM template, Pulumi project or generated project to derive the figures from",
    )
    parser.add_argument(
        "--orders-per-month",
        type=number,
        default=DEFAULT_ORDERS,
        help=f"the volume the answer is for (default {DEFAULT_ORDERS:,})",
    )
    parser.add_argument(
        "--sweep",
        type=sweep,
        metavar="LOW:HIGH[:POINTS]",
        help=f"the volume range charted and tabled (default {DEFAULT_SWEEP[0]:,}:"
        f"{DEFAULT_SWEEP[1]:,}, {DEFAULT_POINTS} log-spaced points)",
    )
    add_profile_arguments(parser)
    add_definition_arguments(parser)
    parser.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the report to write"
    )
    parser.add_argument(
        "--actual", type=Path, metavar="FILE",
        help="add the forecast against what ran: the output of `costcalc actual --format json`",
    )  # fmt: skip
    add_format(
        parser, ("html", "markdown"), None, "html or markdown (default: from --out's extension)"
    )
    command(parser, run)


def run(args: argparse.Namespace) -> int:
    fmt = _format(args.out, args.format)
    check_target(args.out, "--out")
    require("costcalc report", "matplotlib")
    low, high, points = args.sweep or (*DEFAULT_SWEEP, DEFAULT_POINTS)
    from costcalc.report.actual_section import actual_section, read_actual  # noqa: PLC0415
    from costcalc.report.charts import draw_charts  # noqa: PLC0415 - matplotlib
    from costcalc.report.content import document  # noqa: PLC0415
    from costcalc.report.decision import check_volume, decision, profile_origins  # noqa: PLC0415

    measured = [actual_section(read_actual(args.actual))] if args.actual else []
    orders, span = check_volume(args.orders_per_month, (low, high))
    sweep_volumes(*span, points)  # refuses a bad POINTS before any work
    plan, definitions = _plan(args)
    _progress(
        f"pricing {len(plan.workloads)} design{'s' * (len(plan.workloads) != 1)} at "
        f"{orders:,} orders/month, "
        f"across {points} volumes and each assumption moved ..."
    )
    facts = decision(plan, orders, span, points, origins=profile_origins(plan, definitions))
    _progress("drawing the charts ...")
    charts = draw_charts(facts)
    content = document(facts, measured)
    written = _write(args.out, fmt, content, charts)
    for warning in facts.warnings:  # a warning is not progress: --quiet keeps it
        print(f"costcalc report: warning: {warning}", file=sys.stderr)
    for path in written:
        print(path)
    return 0


def _plan(args: argparse.Namespace) -> tuple[Any, dict[str, str]]:
    """The scenario, and where each design's definition figures are recorded (with PATH).

    With PATH the designs are the workflows it holds; ``--design`` adds bundled profiles beside
    them (the other style, to compare with), never one PATH derives.
    """
    if args.path is None:
        return plan_from(args), {}
    estimates = estimates_for(args, Path(args.path))
    derived = {estimated.profile.design: estimated.label for estimated in estimates}
    for name in args.design or []:
        if name in derived:
            raise UsageError(
                f"--design {name}: PATH {args.path} holds it already (derived from its "
                "definition); --design adds a bundled profile beside the workflows PATH holds"
            )
    from costcalc.workload.profiles import load_profiles  # noqa: PLC0415

    bundled = load_profiles(args.design, args.usage) if args.design else []
    return plan_for(args, estimates, bundled), derived


def _format(out: Path, asked: str | None) -> str:
    if asked is not None:
        return asked
    found = FORMATS.get(out.suffix.lower())
    if found is None:
        raise UsageError(
            f"--out {out}: cannot tell the format from {out.suffix or 'no extension'!r}; use "
            f"{', '.join(FORMATS)} or give --format html|markdown"
        )
    return found


def _write(out: Path, fmt: str, content: Any, charts: dict[str, bytes]) -> list[Path]:
    """Write the report (and, for Markdown, its charts first); every file atomically."""
    folder = out.parent if str(out.parent) else Path()
    try:
        if fmt == "html":
            from costcalc.report.render_html import render_html  # noqa: PLC0415

            return write_files(folder, {out.name: render_html(content, charts)}, flag="--out")
        from costcalc.report.render_markdown import charts_folder, render_markdown  # noqa: PLC0415

        images = charts_folder(out)
        svgs = {f"{name}.svg": svg.decode() for name, svg in charts.items()}
        drawn = write_files(images, svgs, flag="--out")
        text = render_markdown(content, images.name)
        return [*write_files(folder, {out.name: text}, flag="--out"), *drawn]
    except OSError as error:
        raise CostcalcError(f"--out {out}: cannot write ({error.strerror or error})") from None


def _progress(message: str) -> None:
    progress(f"costcalc report: {message}")
