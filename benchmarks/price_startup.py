"""How long `costcalc price lambda ... --format json` takes from process start to exit.

Measured against a bare `python -c pass` in the same run (interleaved, so machine noise hits
both alike) and printed with the ratio; the goal is within 10x. Run: `make bench`.
"""

from __future__ import annotations

from _startup_timing import COSTCALC, against_bare_python

COMMAND = [
    COSTCALC,
    "price",
    "lambda",
    "--requests",
    "3e6",
    "--duration-ms",
    "120",
    "--memory-mb",
    "1536",
    "--format",
    "json",
]

if __name__ == "__main__":
    against_bare_python("costcalc price lambda --format json", COMMAND)
