"""The Markdown report: the same content as the page, charts linked beside it."""

import re
from decimal import Decimal
from pathlib import Path

from costcalc.compare.scenario import scenario
from costcalc.report.content import Bullets, Text, document
from costcalc.report.decision import decision
from costcalc.report.render_html import render_html
from costcalc.report.render_markdown import charts_folder, render_markdown
from tests.costcalc.report.test_render_html import DOC, SVG, visible

D = Decimal


def test_charts_are_linked_from_a_folder_named_after_the_report() -> None:
    assert charts_folder(Path("out/decision.md")) == Path("out/decision-charts")
    text = render_markdown(DOC, "decision-charts")
    assert "![alt \\<text\\>](decision-charts/c.svg)" in text


def test_markdown_specials_are_escaped_outside_code_and_pipes_in_cells() -> None:
    text = render_markdown(DOC, "x")
    assert "# A \\<title\\> & more" in text
    assert "**Run `costcalc prices refresh` \\<now\\>**" in text
    assert "| a\\|b | $1.00 |" in text
    assert "|---|--:|" in text
    assert "> **Warning:** prices are old" in text


def plain_markdown(text: str) -> str:
    text = re.sub(r"\\(.)", r"\1", text.replace("**", "").replace("`", ""))
    return " ".join(text.split())


def test_markdown_and_html_say_the_same_sentences() -> None:
    doc = document(decision(scenario(), D(250_000), (D(1_000), D(10) ** 8), 3))
    page = visible(
        render_html(
            doc, dict.fromkeys(("cost-by-volume", "cost-per-order-by-service", "sensitivity"), SVG)
        )
    )
    markdown = plain_markdown(render_markdown(doc, "charts"))
    sentences = [
        text
        for section in doc.sections
        for block in section.blocks
        for text in (
            [block.text]
            if isinstance(block, Text)
            else block.items
            if isinstance(block, Bullets)
            else []
        )
    ]
    assert len(sentences) > 20
    for sentence in sentences:
        plain = " ".join(sentence.replace("`", "").split())
        assert plain in page
        assert plain in markdown
