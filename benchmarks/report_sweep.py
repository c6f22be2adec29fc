"""A decision report over a 200-point sweep, end to end (goal: under 5 s).

Times what `costcalc report --sweep 1e3:1e8:200 --out decision.html` does after start-up: load
the profiles, price the answer, the exact curves and the 200 volumes, re-price each assumption
of the sensitivity, draw the three charts and lay out the page; broken down by stage. The
baseline, measured in the same run, is the same 200-volume sweep priced as
`costcalc compare --sweep` prices it (a full bill per volume). Run: `make bench`.
"""

from __future__ import annotations

from decimal import Decimal

from compare_sweep import median_seconds  # the same timing (median of 5 runs)

from costcalc.compare.scenario import scenario, sweep_volumes
from costcalc.report.charts import draw_charts
from costcalc.report.content import document
from costcalc.report.decision import Decision, decision
from costcalc.report.render_html import render_html

POINTS = 200
SPAN = (Decimal(1_000), Decimal(10) ** 8)
ORDERS = Decimal(250_000)


def facts() -> Decision:
    return decision(scenario(), ORDERS, SPAN, POINTS)


def report() -> int:
    found = facts()
    return len(render_html(document(found), draw_charts(found)))


def compare_sweep() -> None:
    plan = scenario()
    for volume in sweep_volumes(*SPAN, POINTS):
        plan.price(volume)


if __name__ == "__main__":
    report()  # warm the caches and matplotlib's font cache
    baseline = median_seconds(compare_sweep)
    computed = median_seconds(facts)
    found = facts()
    charts = median_seconds(lambda: draw_charts(found))
    whole = median_seconds(report)
    print(f"baseline: {POINTS} volumes priced as compare does     median {baseline:6.2f} s")
    print(f"report facts (answer, curves, sweep, sensitivity) median {computed:6.2f} s")
    print(f"report charts (3 SVGs)                            median {charts:6.2f} s")
    print(f"whole report, {POINTS}-point sweep, HTML             median {whole:6.2f} s")
    print(f"that is {whole / baseline:.1f}x the compare sweep (goal: the report within 5 s)")
