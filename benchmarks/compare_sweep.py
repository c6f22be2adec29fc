"""A 10,000-volume sweep of every design through the library API (goal: under 1 s).

Times loading the profiles and pricing each design's exact cost curve over 1,000 to 100 million
orders a month, then reading all 10,000 volumes off it and finding the break-evens; printed next
to pricing one volume the direct way (three full bills) as a baseline. Run: `make bench`.
"""

from __future__ import annotations

from decimal import Decimal

from _median import median_seconds

from costcalc.compare.scenario import scenario, sweep_volumes

VOLUMES = 10_000
RUNS = 5


def sweep() -> int:
    plan = scenario()
    volumes = sweep_volumes(Decimal(1_000), Decimal(10) ** 8, VOLUMES)
    curves = plan.curves(volumes[0], volumes[-1])
    costs = [[curve.at(volume) for curve in curves] for volume in volumes]
    plan.break_evens(curves)
    return len(costs)


def one_volume() -> None:
    scenario().price(Decimal(250_000))


if __name__ == "__main__":
    sweep()  # warm the caches
    direct = median_seconds(one_volume, RUNS)
    swept = median_seconds(sweep, RUNS)
    print(f"one volume, 3 designs priced directly  median {direct * 1000:7.1f} ms")
    print(
        f"{VOLUMES:,} volumes x 3 designs (sweep)    median {swept * 1000:7.1f} ms over {RUNS} runs"
    )
    print(f"that is {swept / VOLUMES * 1e6:.1f} us per volume (goal: the sweep within 1 s)")
