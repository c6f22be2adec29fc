"""The flags several commands share, declared once, and the parsers of their values.

Every command module registers itself with ``register(commands)``; the flags it shares with
another (``--region``, ``--free-tier``, ``--format``, the path rates, ``--usage``,
``--count-start-end``, the volume sweep, how a definition is read) come from here, so they are
spelt, typed and explained the same way in every ``--help``.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from costcalc.cli.counting import add_counting_arguments
from costcalc.errors import clipped
from costcalc.workload.contexts import CONTEXTS
from costcalc.workload.path_mix import FLAGS, MEANINGS
from costcalc.workload.profiles import MAX_FIGURE
from orderflow_definitions.cli import add_parameter, add_quiet
from orderflow_definitions.documents import MAX_NUMBER_CHARS

DEFAULT_ORDERS = Decimal(250_000)
DEFAULT_POINTS = 21
_NUMBER = re.compile(r"[+-]?(\d+(_\d+)*)?(\.\d+(_\d+)*)?([eE][+-]?\d+)?")

# argparse's type for the object `add_subparsers()` returns (private in typeshed).
Commands = Any


def command(parser: argparse.ArgumentParser, run: Callable[[argparse.Namespace], int]) -> None:
    """Make ``parser`` run ``run(args)`` (with ``--quiet``); its user errors print as
    ``PROG: error: ...`` and exit 2."""
    add_quiet(parser)
    parser.set_defaults(run=run, prog=parser.prog)


def number(text: str) -> Decimal:
    """A figure from the command line: ``3000000``, ``3e6``, ``3_000_000`` or ``0.25``."""
    if not text or not _NUMBER.fullmatch(text.strip()) or not re.search(r"\d", text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number (use forms like 3000000, 3e6, 3_000_000 or 0.5)"
        )
    try:
        value = Decimal(text.strip().replace("_", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if len(text) > MAX_NUMBER_CHARS or abs(value) > MAX_FIGURE:
        raise argparse.ArgumentTypeError(
            f"{clipped(text)} is not accepted: figures are at most 1e12, written in at most "
            f"{MAX_NUMBER_CHARS} characters"
        )
    return value if value else abs(value)  # -0 is 0: no "-0.00" in what is printed


def sweep(text: str) -> tuple[Decimal, Decimal, int]:
    """A volume range, ``LOW:HIGH[:POINTS]``."""
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not LOW:HIGH or LOW:HIGH:POINTS (for example 1e3:1e8 or 1e3:1e8:41)"
        )
    points = number(parts[2]) if len(parts) == 3 else Decimal(DEFAULT_POINTS)
    if points != points.to_integral_value():
        raise argparse.ArgumentTypeError(f"{text!r}: POINTS must be a whole number")
    return number(parts[0]), number(parts[1]), int(points)


def add_region(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--region", default="us-east-1", help="AWS region (default us-east-1)")


def add_pricing(parser: argparse.ArgumentParser) -> None:
    """``--region`` and ``--free-tier``: where and how every bill is priced."""
    add_region(parser)
    parser.add_argument(
        "--free-tier",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="apply always-free allowances (default: no, the marginal cost)",
    )


def add_format(
    parser: argparse.ArgumentParser,
    formats: tuple[str, ...],
    default: str | None,
    help_text: str = "output format",
) -> None:
    parser.add_argument("--format", choices=formats, default=default, help=help_text)


def add_path_rates(parser: argparse.ArgumentParser) -> None:
    """One flag per order path (``--accept-rate`` ...), its share of the orders."""
    for path, flag in FLAGS.items():
        parser.add_argument(
            flag, type=number, dest=f"rate_{path}", help=f"share of orders {MEANINGS[path]}"
        )


def rates(args: argparse.Namespace) -> dict[str, Decimal | None]:
    """The path rates ``add_path_rates`` parsed, by path (None where not given)."""
    return {path: getattr(args, f"rate_{path}") for path in FLAGS}


def add_usage(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--usage",
        type=Path,
        action="append",
        metavar="FILE",
        help="YAML overriding profile figures (repeatable)",
    )


def add_count_start_end(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--count-start-end",
        action="store_true",
        help="count Start and End of each execution as transitions (the seed article's reading)",
    )


def add_profile_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags that shape a scenario of profiles: designs, path rates, usage files, contexts,
    transition rule (``compare`` and ``report``)."""
    parser.add_argument(
        "--design",
        action="append",
        metavar="NAME",
        help="a design to price (repeatable; default: all bundled profiles)",
    )
    add_path_rates(parser)
    add_usage(parser)
    parser.add_argument(
        "--with",
        dest="contexts",
        action="append",
        choices=CONTEXTS,
        default=[],
        help="add a bounded context's costs to every design (analytics: Firehose, S3, Athena)",
    )
    add_count_start_end(parser)


def add_definition_arguments(parser: argparse.ArgumentParser) -> None:
    """How a definition is read: template parameters, the Pulumi stack, the state machines'
    loops, Map items, pinned choices and retries (``estimate``, ``diff`` and ``report``)."""
    add_parameter(
        parser, "template parameter value (repeatable); wins over samconfig.toml and defaults"
    )
    parser.add_argument(
        "--no-samconfig", action="store_true", help="ignore samconfig.toml parameter overrides"
    )
    parser.add_argument(
        "--stack",
        metavar="NAME",
        help="the Pulumi stack whose config (Pulumi.NAME.yaml) a Pulumi program runs with "
        "(default: the project's only one)",
    )
    add_counting_arguments(parser, number)
