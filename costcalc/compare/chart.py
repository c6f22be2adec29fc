"""The cost-versus-volume chart: each design's monthly cost against orders per month, log axes.

matplotlib is imported here, and this module only when ``--chart`` is given, so the rest of
``costcalc`` starts fast. The file is written whole or not at all (:mod:`costcalc.safe_output`).
"""

from __future__ import annotations

import math
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from costcalc import safe_output
from costcalc.compare.scenario import CostCurves, Scenario
from costcalc.errors import UsageError

FORMATS = (".png", ".svg")
POINTS = 240

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def check_target(path: Path) -> Path:
    """Refuse a chart path we could not write, before any work is done."""
    if path.suffix.lower() not in FORMATS:
        raise UsageError(f"--chart {path}: the file name must end in .png or .svg")
    safe_output.check_target(path, "--chart")
    return path


def save(path: Path, figure: Figure) -> None:
    """Write ``figure`` to ``path`` (.png or .svg) whole or not at all, then close it."""
    try:
        fmt = path.suffix.lower()[1:]
        safe_output.write_file(
            path, lambda temporary: figure.savefig(temporary, format=fmt), flag="--chart"
        )
    finally:
        close(figure)


def close(figure: Figure) -> None:
    from matplotlib import pyplot as plt  # noqa: PLC0415

    plt.close(figure)


def cost_figure(
    plan: Scenario,
    across: CostCurves,
    *,
    prices_as_of: str,
    marked: Decimal | None = None,
) -> Figure:
    """The cost-versus-volume chart of curves priced once (the caller closes it)."""
    curves, break_evens = across.curves, across.break_evens
    import matplotlib  # noqa: PLC0415 - imported only when a chart is asked for

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt  # noqa: PLC0415
    from matplotlib.ticker import FuncFormatter  # noqa: PLC0415

    low, high = float(curves[0].low), float(curves[0].high)
    volumes = [Decimal(round(low * (high / low) ** (i / (POINTS - 1)))) for i in range(POINTS)]
    volumes = sorted({*volumes, curves[0].low, curves[0].high})
    figure, axes = plt.subplots(figsize=(10, 6.2), dpi=120)
    styles = ["-", "-", "--", ":"]
    colours = ["#1b7837", "#2166ac", "#999999", "#b2182b"]
    for index, curve in enumerate(curves):
        profile = curve.workload.profile
        label = profile.design if profile.runnable else f"{profile.design} (not runnable)"
        axes.plot(
            [float(v) for v in volumes],
            [float(curve.at(v)) for v in volumes],
            styles[index % len(styles)],
            color=colours[index % len(colours)],
            linewidth=2.2 if profile.runnable else 1.6,
            label=label,
        )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlim(low, high)
    axes.set_xlabel("orders per month")
    axes.set_ylabel("monthly cost (USD)")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda x, _: short(x)))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda y, _: f"${short(y)}"))
    # Less than about a decade shows at most one major tick: label the minor ones too,
    # in the same words (matplotlib's default would write 4x10^1).
    axes.xaxis.set_minor_formatter(FuncFormatter(lambda x, _: _minor(axes.get_xlim(), x, "")))
    axes.yaxis.set_minor_formatter(FuncFormatter(lambda y, _: _minor(axes.get_ylim(), y, "$")))
    axes.grid(True, which="major", alpha=0.35)
    axes.grid(True, which="minor", alpha=0.12)
    free = "always-free allowances applied" if plan.free_tier else "no free tier (marginal cost)"
    figure.suptitle("Orchestration vs choreography: monthly cost by order volume", fontsize=14)
    axes.set_title(f"{plan.region} · prices as of {prices_as_of} · {free}", fontsize=10)
    for point in break_evens:
        x, y = float(point.orders_per_month), float(point.monthly_usd)
        axes.axvline(x, color="#444444", linestyle=":", linewidth=1)
        axes.plot([x], [y], "o", color="#b2182b", zorder=5)
        bottom, top = (math.log10(limit) for limit in axes.get_ylim())
        low_in_axes = (math.log10(y) - bottom) / (top - bottom) < 0.4
        axes.annotate(
            f"break-even\n{short(x, digits=3)} orders/month\n${y:,.2f}/month",
            (x, y),
            xytext=(12, 34) if low_in_axes else (12, -42),
            textcoords="offset points",
            fontsize=9,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#bbbbbb"},
            arrowprops={"arrowstyle": "-", "color": "#444444"},
        )
    if marked is not None:
        axes.axvline(float(marked), color="#762a83", linestyle="--", linewidth=1)
        axes.annotate(
            f"{short(float(marked))} orders/month",
            (float(marked), 0.02),
            xycoords=("data", "axes fraction"),
            xytext=(4, 0),
            textcoords="offset points",
            fontsize=9,
            color="#762a83",
        )
    if not break_evens:
        axes.text(
            0.02,
            0.97,
            across.verdict,
            transform=axes.transAxes,
            va="top",
            fontsize=10,
            bbox={"boxstyle": "round", "facecolor": "white", "edgecolor": "#bbbbbb"},
        )
    axes.legend(loc="lower right")
    figure.tight_layout()
    return figure


def _minor(limits: tuple[float, float], value: float, unit: str) -> str:
    low, high = limits
    return f"{unit}{short(value)}" if low > 0 and high / low < 12 else ""


def short(value: float, digits: int = 2) -> str:
    """1000 -> 1K, 2500000 -> 2.5M, 0.5 -> 0.5: tick and label text."""
    if value <= 0:
        return "0"
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= scale:
            return f"{_round(value / scale, digits)}{suffix}"
    if value >= 1:
        return _round(value, digits)
    return f"{value:.{max(2, -math.floor(math.log10(value)) + 1)}f}".rstrip("0").rstrip(".")


def _round(value: float, digits: int) -> str:
    text = f"{value:.{digits}g}"
    return text if "e" not in text else f"{value:,.0f}"
