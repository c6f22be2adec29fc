"""The scenario (and, from a definition, the estimated workflows) the parsed flags ask for.

``compare``, ``estimate``, ``diff`` and ``report`` price the same way: this is that one way.
Heavy modules (the definition readers, the pricing engine) are imported only when a command
that needs them runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from costcalc.cli.arguments import rates
from costcalc.cli.counting import counting_from, pairs
from orderflow_definitions.cli import progress

if TYPE_CHECKING:
    from costcalc.compare.scenario import Scenario
    from costcalc.estimate.breakdown import Breakdown
    from costcalc.estimate.usage import Estimated
    from costcalc.estimate.usage_file import UsageFile


def plan_from(args: argparse.Namespace) -> Scenario:
    """The scenario of the bundled profiles (with ``--design``, ``--usage`` and ``--with``)."""
    from costcalc.compare.scenario import scenario  # noqa: PLC0415

    return scenario(
        region=args.region,
        free_tier=args.free_tier,
        designs=args.design,
        rates=rates(args),
        usage_files=args.usage,
        count_start_end=args.count_start_end,
        contexts=args.contexts,
    )


def estimates_for(args: argparse.Namespace, source: Path) -> list[Estimated]:
    """The workflows ``source`` holds, read as the definition flags ask."""
    from costcalc.estimate.usage import estimate  # noqa: PLC0415 - only these commands pay

    progress(f"costcalc: reading {source} ...")
    return estimate(
        source,
        parameters=pairs("--parameter", args.parameter, "MemorySize=512"),
        samconfig=not args.no_samconfig,
        usage_files=args.usage,
        counting=counting_from(args),
        stack=args.stack,
    )


def breakdown_for(
    args: argparse.Namespace,
    usage: UsageFile | None,
    *,
    source: Path | None = None,
    announce: bool = True,
) -> Breakdown:
    """The general estimate of ``source`` (default ``args.source``): every workflow followed,
    priced per resource, with ``usage`` (None: the usage files the definitions name, if any;
    ``announce``: say on stderr that it is being read, unless that was
    said already)."""
    from costcalc.estimate.breakdown import estimate_source  # noqa: PLC0415

    source = args.source if source is None else source
    if announce:
        progress(f"costcalc: reading {source} ...")
    return estimate_source(
        source,
        args.orders_per_month,
        usage,
        parameters=pairs("--parameter", args.parameter, "MemorySize=512"),
        samconfig=not args.no_samconfig,
        stack=args.stack,
        region=args.region,
        free_tier=args.free_tier,
    )


def plan_for(
    args: argparse.Namespace, estimates: Sequence[Estimated], others: Sequence[Any] = ()
) -> Scenario:
    """The scenario pricing the estimated workflows (then ``others``, profiles) as the flags
    ask (``report`` adds --with's contexts)."""
    from costcalc.compare.scenario import scenario  # noqa: PLC0415

    return scenario(
        region=args.region,
        free_tier=args.free_tier,
        rates=rates(args),
        count_start_end=args.count_start_end,
        profiles=[*(estimated.profile for estimated in estimates), *others],
        contexts=getattr(args, "contexts", ()),
    )
