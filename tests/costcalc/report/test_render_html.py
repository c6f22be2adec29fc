"""The HTML page: self-contained, escaped, printable, and exposing the exact headline figures."""

import base64
import re
from html.parser import HTMLParser

from costcalc.report.content import Bullets, Cell, Chart, Document, Section, Table, Text
from costcalc.report.render_html import render_html

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'


class Collected(HTMLParser):
    """Tags with their attributes, and the visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._hidden += tag in ("style", "title")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("style", "title")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)


def parse(page: str) -> Collected:
    collected = Collected()
    collected.feed(page)
    return collected


def visible(page: str) -> str:
    return " ".join("".join(parse(page).text).split())


DOC = Document(
    "A <title> & more",
    ("250,000 orders/month", "us-east-1"),
    ("prices are old",),
    (
        Section(
            "answer",
            "The answer",
            (
                Text("Run `costcalc prices refresh` <now>", lead=True),
                Bullets(("one & two",)),
                Table(
                    "cap",
                    ("design", "per month"),
                    ((Cell("a|b"), Cell("$1.00", "a.monthly_usd", "1.0049")),),
                    frozenset({1}),
                ),
                Chart("c", "alt <text>"),
                Text("https://aws.amazon.com/lambda/pricing/"),
            ),
        ),
    ),
)


def test_text_is_escaped_and_backticks_become_code() -> None:
    page = render_html(DOC, {"c": SVG})
    assert "<code>costcalc prices refresh</code> &lt;now&gt;" in page
    assert "<h1>A &lt;title&gt; &amp; more</h1>" in page
    assert "one &amp; two" in page


def test_nothing_on_the_page_is_fetched_from_elsewhere() -> None:
    tags = parse(render_html(DOC, {"c": SVG})).tags
    assert not [tag for tag, _ in tags if tag in ("script", "link", "iframe", "object")]
    sources = [attrs["src"] or "" for tag, attrs in tags if "src" in attrs]
    assert sources == [f"data:image/svg+xml;base64,{base64.b64encode(SVG).decode()}"]
    policy = next(a for t, a in tags if t == "meta" and a.get("http-equiv"))
    assert policy["content"] == "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def test_headline_cells_expose_their_key_and_exact_value() -> None:
    page = render_html(DOC, {"c": SVG})
    assert '<td class="num" data-figure="a.monthly_usd" data-exact="1.0049">$1.00</td>' in page


def test_a_print_style_sheet_keeps_tables_and_charts_whole() -> None:
    page = render_html(DOC, {"c": SVG})
    style = page.split("@media print", 1)[1]
    assert "break-inside: avoid" in style
    assert "@page" in style


def test_web_addresses_are_links_and_the_stale_warning_is_an_alert() -> None:
    page = render_html(DOC, {"c": SVG})
    assert (
        '<a href="https://aws.amazon.com/lambda/pricing/">https://aws.amazon.com/lambda/pricing/</a>'
        in page
    )
    assert '<p class="warning" role="alert">Warning: prices are old</p>' in page
    assert re.search(r'<section id="answer">\s*<h2>The answer</h2>', page)
    assert "Run costcalc prices refresh <now>" in visible(page)
