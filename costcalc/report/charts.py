"""The report's three charts as SVG documents: cost by volume, cost per order by service, and
the sensitivity tornado.

SVG keeps the charts sharp on screen and in print and needs no network: matplotlib draws the
text as paths, so no font has to be present where the report is opened. The output is
reproducible (no date in the metadata, fixed ids), so a report regenerated from the same inputs
is the same file. matplotlib is imported here only.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING

from costcalc.compare.chart import close, cost_figure, short
from costcalc.report.decision import Decision
from costcalc.report.sensitivity import spans

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: File stems and alt texts of the charts, in the order the report shows them.
CHARTS = {
    "cost-by-volume": "Monthly cost of each design against orders per month (log axes)",
    "cost-per-order-by-service": "Cost per order of each design, stacked by AWS service",
    "sensitivity": "How the monthly answer moves when one assumption changes",
}
_COLOURS = (
    "#1b7837",
    "#2166ac",
    "#b2182b",
    "#e08214",
    "#762a83",
    "#35978f",
    "#8c510a",
    "#c51b7d",
    "#4d4d4d",
    "#7fbc41",
    "#f4a582",
    "#92c5de",
)


def draw_charts(facts: Decision) -> dict[str, bytes]:
    """Every chart of the report as SVG bytes, keyed by its file stem (see ``CHARTS``)."""
    drawers: dict[str, Callable[[Decision], Figure]] = {
        "cost-by-volume": _cost_by_volume,
        "cost-per-order-by-service": _per_order,
        "sensitivity": _tornado,
    }
    return {name: _svg(drawers[name](facts)) for name in CHARTS}


def _svg(figure: Figure) -> bytes:
    import matplotlib  # noqa: PLC0415

    out = io.BytesIO()
    try:
        with matplotlib.rc_context({"svg.hashsalt": "costcalc-report", "svg.fonttype": "path"}):
            figure.savefig(out, format="svg", metadata={"Date": None})
    finally:
        close(figure)
    return out.getvalue()


def _cost_by_volume(facts: Decision) -> Figure:
    return cost_figure(
        facts.plan,
        facts.across,
        prices_as_of=facts.prices_as_of,
        marked=facts.answer.orders_per_month,
    )


def _axes(width: float, height: float) -> tuple[Figure, Axes]:
    import matplotlib  # noqa: PLC0415

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt  # noqa: PLC0415

    figure, axes = plt.subplots(figsize=(width, height), dpi=100)
    return figure, axes


def _per_order(facts: Decision) -> Figure:
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

    split = facts.per_order_by_service()
    designs = list(split)
    figure, axes = _axes(10, 1.6 + 0.9 * len(designs))
    left = [0.0] * len(designs)
    for index, service in enumerate(facts.services()):
        widths = [float(split[design][service]) for design in designs]
        axes.barh(
            designs,
            widths,
            left=left,
            color=_COLOURS[index % len(_COLOURS)],
            label=service,
            edgecolor="white",
            linewidth=0.6,
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for row, total in enumerate(left):
        axes.text(total, row, f"  ${total:.6f}", va="center", fontsize=9)
    axes.invert_yaxis()
    axes.set_xlim(0, max(left) * 1.22)
    axes.set_xlabel("USD per order")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"${x:.4f}".rstrip("0").rstrip(".")))
    axes.set_title(
        f"Cost per order by service at {short(float(facts.answer.orders_per_month))} "
        f"orders/month ({facts.plan.region})",
        fontsize=11,
    )
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=5, fontsize=8, frameon=False)
    axes.grid(True, axis="x", alpha=0.3)
    figure.tight_layout()
    return figure


def _money(value: float, places: int = 2) -> str:
    text = f"${abs(value):,.{places}f}"
    return f"-{text}" if value < 0 and text.strip("$0.") else text


def _tornado(facts: Decision) -> Figure:
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

    result = facts.sensitivity
    rows = spans(result)
    base = float(result.measure(result.base))
    figure, axes = _axes(10, 1.4 + 0.45 * max(len(rows), 1))
    names = [factor.name for factor, _, _ in rows]
    lows = [float(low) for _, low, _ in rows]
    highs = [float(high) for _, _, high in rows]
    axes.barh(
        names, [h - lo for lo, h in zip(lows, highs, strict=True)], left=lows, color="#92c5de"
    )
    spread = (max([*highs, base]) - min([*lows, base])) or abs(base) or 1.0
    places = 2 if spread >= 1 else 4  # cents hide the spread of small differences

    def money(value: float) -> str:
        return _money(value, places)

    for row, (low, high) in enumerate(zip(lows, highs, strict=True)):
        axes.text(high, row, f"  {money(high)}", va="center", fontsize=8)
        axes.text(low, row, f"{money(low)}  ", va="center", ha="right", fontsize=8)
    axes.axvline(base, color="#b2182b", linewidth=1.2, label=f"base {money(base)}")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: money(x)))
    if result.pair is not None and min([*lows, base]) <= 0 <= max([*highs, base]):
        axes.axvline(
            0, color="#444444", linestyle=":", linewidth=1, label="the designs cost the same"
        )
    axes.set_xlim(min([*lows, base]) - 0.25 * spread, max([*highs, base]) + 0.25 * spread)
    axes.invert_yaxis()
    axes.set_xlabel(result.measured)
    axes.set_title(
        f"What moves the answer at {short(float(result.orders))} orders/month", fontsize=11
    )
    axes.legend(loc="lower right", fontsize=8)
    axes.grid(True, axis="x", alpha=0.3)
    figure.tight_layout()
    return figure
