"""The chart: real PNG and SVG files from matplotlib, with break-evens or a plain note."""

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.compare.chart import check_target, cost_figure, save
from costcalc.compare.scenario import scenario
from costcalc.errors import UsageError

D = Decimal


def chart(path: Path, *, free_tier: bool, low: int, high: int) -> str:
    plan = scenario(free_tier=free_tier)
    across = plan.across(D(low), D(high))
    save(path, cost_figure(plan, across, prices_as_of="2025-08-01", marked=D(250)))
    return across.verdict


def test_a_png_chart_is_written_and_is_a_real_image(tmp_path: Path) -> None:
    target = tmp_path / "cost.png"
    chart(target, free_tier=True, low=1, high=100_000)
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 30_000  # a 1200 x 744 chart with curves, not an empty canvas
    assert [p.name for p in tmp_path.iterdir()] == ["cost.png"]  # no draft left behind


def test_an_svg_chart_marks_and_labels_the_break_even(tmp_path: Path) -> None:
    target = tmp_path / "cost.svg"
    chart(target, free_tier=True, low=1, high=100_000)
    svg = target.read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml")
    for text in (
        "break-even",
        "5.64K orders/month",
        "orders per month",
        "monthly cost (USD)",
        "us-east-1",
        "2025-08-01",
        "always-free allowances applied",
        "orchestration-express (not runnable)",
        "$10",
    ):
        assert text in svg, text


def test_without_a_crossing_the_chart_carries_the_plain_note(tmp_path: Path) -> None:
    target = tmp_path / "cost.svg"
    note = chart(target, free_tier=False, low=6_000, high=100_000_000)
    svg = target.read_text(encoding="utf-8")
    assert "break-even" not in svg
    assert note in svg
    assert "no free tier (marginal cost)" in svg


@pytest.mark.parametrize(
    ("name", "message"),
    [("cost.pdf", "must end in .png or .svg"), ("missing/cost.png", "does not exist")],
)
def test_a_chart_path_we_cannot_write_is_refused_before_any_work(
    tmp_path: Path, name: str, message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        check_target(tmp_path / name)


def test_a_range_under_a_decade_labels_its_minor_ticks_in_dollars() -> None:
    from costcalc.compare.chart import close  # noqa: PLC0415

    plan = scenario()
    figure = cost_figure(plan, plan.across(D(100), D(100_000)), prices_as_of="2025-08-01")
    try:
        figure.canvas.draw()
        axes = figure.axes[0]
        minor = [label.get_text() for label in axes.get_yticklabels(minor=True)]
        assert "$20" in minor
        assert not any("10^" in text or "times" in text for text in minor)
        assert all(label.get_text() == "" for label in axes.get_xticklabels(minor=True))
        (note,) = [t for t in axes.texts if t.get_text().startswith("break-even")]
        assert note.get_position()[1] > 0  # a break-even low on the chart is labelled above it
    finally:
        close(figure)
