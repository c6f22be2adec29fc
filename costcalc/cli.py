"""The `costcalc` command line: a thin layer over the library API."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from costcalc import __version__


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="costcalc",
        description="Price serverless order workflows on AWS before you build them.",
    )
    parser.add_argument("--version", action="version", version=f"costcalc {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    build_parser().parse_args(argv)
    return 0
