"""The `costcalc` command line: the root parser, and one module per command beside it.

Every command module has ``register(commands)``, which adds its parser (flags shared with other
commands come from :mod:`costcalc.cli.arguments`) and names the function that runs it. Every
user error (a bad flag, an out-of-range figure, an unknown region, a missing price) is one line
on stderr naming the value and what is accepted, with exit code 2 and no traceback. Exit 1 is
only a gate crossed (``--fail-above``); anything unforeseen is one line and exit 3
(:mod:`orderflow_definitions.exits`, which the runner's command line ends through too).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from costcalc.cli import (
    actual,
    compare,
    completion,
    config,
    estimate,
    price,
    prices,
    report,
    transitions,
)
from costcalc.errors import CostcalcError
from orderflow_definitions.cli import Parser, add_root_flags, quiet
from orderflow_definitions.exits import EXIT_USAGE, run_guarded

COMMANDS = (price, compare, report, estimate, transitions, actual, prices, config, completion)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="costcalc",
        description="Price serverless order workflows on AWS before you build them.",
        epilog="Examples:\n"
        "  costcalc price lambda --requests 3e6 --duration-ms 120 --memory-mb 1536\n"
        "  costcalc compare --orders-per-month 250000 --chart cost.png\n"
        "  costcalc estimate sam/choreography/template.yaml --orders-per-month 1e6\n"
        "  costcalc report --orders-per-month 250000 --out decision.html\n"
        "  costcalc transitions statemachine/orders.asl.json --format json\n"
        "  costcalc prices show --region eu-west-1\n"
        "  costcalc prices refresh",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_root_flags(parser, "costcalc")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for module in COMMANDS:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    return run_guarded("costcalc", lambda: _run(arguments), arguments)


def _run(argv: Sequence[str]) -> int:
    parser = build_parser()
    try:
        found = config.find(Path.cwd())
        config.apply(parser, found)
    except config.ConfigError as error:
        print(f"costcalc: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    args = parser.parse_args(argv)
    config.with_usage(args, found)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        with quiet(args.quiet):
            return int(args.run(args))
    except CostcalcError as error:
        print(f"{args.prog}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
