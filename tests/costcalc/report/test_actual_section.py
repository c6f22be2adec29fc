"""The report's "forecast against what ran" section, golden-tested in HTML and Markdown.

The input is `costcalc actual --format json` of the stubbed orchestration stack
(``goldens/actual.json``, checked to be what the command writes today). Regenerate the goldens
after a deliberate change with ``python -m tests.costcalc.report.test_actual_section``.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.errors import UsageError
from costcalc.report.actual_section import actual_section, read_actual
from costcalc.report.content import Document
from costcalc.report.render_html import render_html
from costcalc.report.render_markdown import render_markdown

GOLDENS = Path(__file__).parent / "goldens"
ACTUAL = GOLDENS / "actual.json"
ROOT = Path(__file__).resolve().parents[3]


def actual_json() -> str:
    """What `costcalc actual --format json` prints for the stubbed stack."""
    import contextlib  # noqa: PLC0415
    import io  # noqa: PLC0415

    from costcalc.actual import aws, insights  # noqa: PLC0415
    from costcalc.cli.main import main  # noqa: PLC0415
    from tests.costcalc.actual.aws_answers import stub  # noqa: PLC0415
    from tests.costcalc.actual.orders_stack import answers  # noqa: PLC0415

    out = io.StringIO()
    made, poll = aws.boto_clients, insights.POLL_SECONDS
    insights.POLL_SECONDS = 0.0
    try:
        with stub(answers()) as clients, contextlib.redirect_stdout(out):
            aws.boto_clients = lambda region, profile: clients
            code = main(["actual", "--stack", "orders", "--start", "2026-11-01", "--end",
                         "2026-12-01", "--definition", "sam/orchestration/template.yaml",
                         "--format", "json"])  # fmt: skip
    finally:
        aws.boto_clients, insights.POLL_SECONDS = made, poll
    assert code == 0
    return out.getvalue()


def section_document() -> Document:
    return Document(
        "Forecast golden", ("stubbed stack",), (), (actual_section(read_actual(ACTUAL)),)
    )


def rendered() -> dict[str, str]:
    doc = section_document()
    return {"actual.md": render_markdown(doc, "charts"), "actual.html": render_html(doc, {})}


def test_the_input_is_what_actual_writes_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert json.loads(actual_json(), parse_float=Decimal) == json.loads(
        ACTUAL.read_text(), parse_float=Decimal
    )


@pytest.mark.parametrize("name", ["actual.md", "actual.html"])
def test_the_section_renders_as_its_golden(name: str) -> None:
    assert rendered()[name] == (GOLDENS / name).read_text()


def test_the_section_leads_with_the_unit_and_lists_the_largest_gaps_and_resources() -> None:
    text = rendered()["actual.md"]
    assert "1,000 executions started (the unit of work)" in text
    assert "- cold-start rate of api 0.020 assumed, 0.100 measured" in text
    assert "| ApiFunction | 0.0012 | 0.0025 | +108.3% | 36 |" in text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not JSON"),
        ("[]", "expected a JSON object"),
        ("[" * 100_000 + "]" * 100_000, "nested too deep or a number too long"),
        ('{"units": ' + "9" * 5000 + "}", "nested too deep or a number too long"),
        (" " * (1024 * 1024 + 1), "larger than 1,048,576 bytes; refusing to read it"),
        ('{"title": "t", "window": "w", "unit": "u"}', "units: expected a number, got None"),
        (
            '{"title": "t", "window": "w", "unit": "u", "units": 1, '
            '"cost_per_unit": [{"service": "s", "forecast_usd": "1"}]}',
            "cost_per_unit[0].forecast_usd: expected a number, got '1'",
        ),
        ('{"title": "t", "window": "w", "unit": "u", "units": 1, "notes": [1]}', "notes: expected"),
    ],
)
def test_a_file_that_is_not_actuals_output_is_refused_naming_what_is_wrong(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "actual.json"
    path.write_text(text)
    with pytest.raises(UsageError, match=r"--actual .*actual\.json: ") as refused:
        read_actual(path)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


if __name__ == "__main__":  # regenerate the goldens
    ACTUAL.write_text(actual_json())
    for golden, text in rendered().items():
        (GOLDENS / golden).write_text(text)
    sys.stdout.write(f"wrote {GOLDENS}\n")
