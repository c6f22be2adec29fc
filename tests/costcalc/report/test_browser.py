"""The HTML report as a person sees it: opened in Debian's headless Chromium via Playwright."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.cli.main import main
from costcalc.compare.render import per_order
from costcalc.pricing.render import cents
from tests.costcalc.browser import visit

pytestmark = pytest.mark.slow  # starts a real browser (about two seconds)

INPUTS = ["--orders-per-month", "1.2e6", "--accept-rate", "0.85", "--free-tier"]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "decision.html"
    assert main(["report", *INPUTS, "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def compared(report: Path) -> dict[str, dict[str, Decimal]]:
    """`costcalc compare --format json` for the same inputs, per design."""
    import contextlib  # noqa: PLC0415
    import io  # noqa: PLC0415

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["compare", *INPUTS, "--format", "json"]) == 0
    document = json.loads(printed.getvalue(), parse_float=Decimal)
    return {d["name"]: d for d in document["designs"]}


def test_the_page_loads_with_no_console_errors_and_no_network_requests(report: Path) -> None:
    with visit(report) as seen:
        assert seen.page.title() == (
            "Orchestration or choreography: what it costs, and what to choose"
        )
        assert seen.errors == []
        assert seen.requests == [report.resolve().as_uri()]  # the page itself, nothing else


def test_every_chart_is_drawn_and_visible(report: Path) -> None:
    with visit(report) as seen:
        charts = seen.page.locator("figure.chart img")
        assert charts.count() == 3
        for index in range(3):
            chart = charts.nth(index)
            assert chart.is_visible()
            box = chart.bounding_box()
            assert box is not None
            assert box["width"] > 600
            assert box["height"] > 150
            assert chart.evaluate("img => img.complete && img.naturalWidth > 0")


def test_headline_figures_equal_compare_json_for_the_same_inputs(
    report: Path, compared: dict[str, dict[str, Decimal]]
) -> None:
    with visit(report) as seen:
        for name, design in compared.items():
            for figure, shown in (("monthly_usd", cents), ("per_order_usd", per_order)):
                cell = seen.page.locator(f'[data-figure="{name}.{figure}"]')
                assert cell.inner_text() == f"${shown(design[figure])}"
                assert Decimal(cell.get_attribute("data-exact") or "") == design[figure]
        lead = seen.page.locator("#answer p.lead").inner_text()
        assert lead.startswith("At 1,200,000 orders a month in us-east-1, choreography costs $")


def test_a_screenshot_shows_the_page_and_it_prints(report: Path, tmp_path: Path) -> None:
    with visit(report) as seen:
        shot = tmp_path / "decision.png"
        seen.page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert seen.page.evaluate("document.documentElement.scrollHeight") > 3000
        seen.page.emulate_media(media="print")
        assert seen.page.locator("nav").is_hidden()
        assert seen.page.locator("figure.chart img").first.is_visible()
        assert seen.page.pdf()[:5] == b"%PDF-"


def _printed(*args: str) -> str:
    import contextlib  # noqa: PLC0415
    import io  # noqa: PLC0415

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        assert main(list(args)) == 0
    return printed.getvalue()


def test_a_report_on_a_definition_shows_estimate_s_figures_and_their_origin(
    tmp_path: Path,
) -> None:
    template = str(Path(__file__).resolve().parents[3] / "sam/choreography/template.yaml")
    inputs = [*INPUTS, "--no-samconfig"]
    out = tmp_path / "decision.html"
    _printed("report", template, *inputs, "--design", "orchestration", "--out", str(out))
    [estimated] = json.loads(
        _printed("estimate", template, *inputs, "--format", "json"), parse_float=Decimal
    )["designs"]
    with visit(out) as seen:
        assert seen.errors == []
        assert seen.requests == [out.resolve().as_uri()]
        for figure in ("monthly_usd", "per_order_usd"):
            cell = seen.page.locator(f'[data-figure="choreography.{figure}"]')
            assert Decimal(cell.get_attribute("data-exact") or "") == estimated[figure]
        provenance = seen.page.locator("#provenance").inner_text()
        assert f"{template} (definition)" in provenance
        assert "from deployment definitions (definition)" in provenance
