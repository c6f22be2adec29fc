"""Shared helpers of the costcalc tests."""

import subprocess
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

from costcalc.pricing.bill import Bill, Usage, price_usage


def priced(usage: Usage, region: str = "us-east-1", *, free_tier: bool = False) -> Bill:
    return price_usage(usage, region, free_tier=free_tier)


def to_cent(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def run_costcalc(
    *args: str | Path, cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command in a child process, as a user runs it; the caller checks its status."""
    return subprocess.run(
        [sys.executable, "-m", "costcalc", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        env=env,
    )
