"""How long `costcalc compare --format json` takes from process start to exit.

Measured against a bare `python -c pass` in the same run and printed with the ratio; the goal
is within 10x (matplotlib is imported only when a chart is asked for). Run: `make bench`.
"""

from __future__ import annotations

from _startup_timing import COSTCALC, against_bare_python

if __name__ == "__main__":
    against_bare_python("costcalc compare --format json", [COSTCALC, "compare", "--format", "json"])
