"""The scenario (and, from a definition, the estimated workflows) the parsed flags ask for.

``compare``, ``estimate``, ``diff`` and ``report`` price the same way: this is that one way.
Heavy modules (the definition readers, the pricing engine) are imported only when a command
that needs them runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from costcalc.cli.arguments import rates
from costcalc.errors import UsageError

if TYPE_CHECKING:
    from costcalc.compare.scenario import Scenario
    from costcalc.estimate.transitions import Counting
    from costcalc.estimate.usage import Estimated


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

    print(f"costcalc: reading {source} ...", file=sys.stderr, flush=True)
    return estimate(
        source,
        parameters=_pairs("--parameter", args.parameter, "MemorySize=512"),
        samconfig=not args.no_samconfig,
        usage_files=args.usage,
        counting=_counting(args),
        stack=args.stack,
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


def _counting(args: argparse.Namespace) -> Counting:
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
