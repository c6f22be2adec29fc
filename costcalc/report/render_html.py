"""The report as one self-contained HTML page: styles inline, charts as SVG data URIs.

Nothing is fetched when the page opens (no scripts, fonts, style sheets or images from
elsewhere), so it works offline, from an attachment, or printed: a print style sheet drops the
colours behind text, keeps tables and charts whole on a page and prints link targets.
Each chart is an ``<img>`` of its own SVG document, so the ids matplotlib writes never clash.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping

from costcalc.report.content import Block, Bullets, Cell, Chart, Document, Section, Table, Text

_CODE = re.compile(r"`([^`]+)`")
_STYLE = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #d0d0d0; --accent: #2166ac; --warn: #8a4b00; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 68rem; margin: 0 auto; padding: 1.5rem 1.5rem 4rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem;
     border-bottom: 2px solid var(--rule); }
p.facts { color: var(--muted); margin: 0 0 1rem; }
p.lead { font-size: 1.12rem; }
.warning { border-left: 4px solid var(--warn); background: #fff4e5; padding: .5rem .8rem;
           color: var(--warn); }
nav ol { columns: 2; margin: .4rem 0 0; }
table { border-collapse: collapse; margin: .8rem 0 1.2rem; width: 100%; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
th, td { border-bottom: 1px solid var(--rule); padding: .3rem .5rem; text-align: left;
         vertical-align: top; }
th { background: #f3f5f8; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
#answer table td.num { font-size: 1.05rem; font-weight: 600; }
figure { margin: 1rem 0; }
figure img { display: block; width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; }
code { font-size: .92em; background: #f1f1f1; padding: 0 .2em; border-radius: 3px; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print {
  @page { size: A4; margin: 14mm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  table, figure, tr { break-inside: avoid; }
  th, .warning, code { background: none; }
  .warning { border: 1px solid var(--warn); }
  a { color: inherit; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .8em; }
}
"""


def render_html(doc: Document, charts: Mapping[str, bytes]) -> str:
    """The page for ``doc`` with each chart (SVG bytes by name) embedded."""
    nav = "".join(
        f'<li><a href="#{section.anchor}">{html.escape(section.title)}</a></li>'
        for section in doc.sections
    )
    warnings = "".join(
        f'<p class="warning" role="alert">Warning: {_inline(text)}</p>' for text in doc.warnings
    )
    body = "\n".join(_section(section, charts) for section in doc.sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "img-src data:; style-src 'unsafe-inline'\">\n"
        f"<title>{html.escape(doc.title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<header><h1>{html.escape(doc.title)}</h1>\n"
        f'<p class="facts">{" · ".join(html.escape(fact) for fact in doc.facts)}</p>\n'
        f"{warnings}\n<nav><strong>Contents</strong><ol>{nav}</ol></nav></header>\n<main>\n"
        f"{body}\n</main>\n"
        "<footer>Written by <code>costcalc report</code> (Orderflow Kit). Self-contained: "
        "opening it fetches nothing.</footer>\n</body>\n</html>\n"
    )


def _section(section: Section, charts: Mapping[str, bytes]) -> str:
    blocks = "\n".join(_block(block, charts) for block in section.blocks)
    return (
        f'<section id="{section.anchor}">\n<h2>{html.escape(section.title)}</h2>\n'
        f"{blocks}\n</section>"
    )


def _block(block: Block, charts: Mapping[str, bytes]) -> str:
    if isinstance(block, Text):
        attributes = ' class="lead"' if block.lead else ""
        return f"<p{attributes}>{_inline(block.text)}</p>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_inline(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Table):
        return _table(block)
    return _chart(block, charts)


def _chart(chart: Chart, charts: Mapping[str, bytes]) -> str:
    data = base64.b64encode(charts[chart.name]).decode("ascii")
    return (
        f'<figure class="chart" id="chart-{chart.name}">'
        f'<img alt="{html.escape(chart.alt)}" src="data:image/svg+xml;base64,{data}">'
        f"<figcaption>{html.escape(chart.alt)}</figcaption></figure>"
    )


def _table(table: Table) -> str:
    def cls(index: int) -> str:
        return ' class="num"' if index in table.numeric else ""

    head = "".join(
        f'<th scope="col"{cls(i)}>{html.escape(text)}</th>' for i, text in enumerate(table.headers)
    )
    rows = "".join(
        "<tr>" + "".join(_cell(cell, cls(i)) for i, cell in enumerate(row)) + "</tr>"
        for row in table.rows
    )
    return (
        f"<table><caption>{html.escape(table.caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
    )


def _cell(cell: Cell, attributes: str) -> str:
    if cell.key:
        attributes += f' data-figure="{html.escape(cell.key)}"'
    if cell.exact:
        attributes += f' data-exact="{html.escape(cell.exact)}"'
    return f"<td{attributes}>{_inline(cell.text)}</td>"


def _inline(text: str) -> str:
    """Escape ``text``; `backticks` become code, web addresses links."""
    parts = _CODE.split(text)
    out = []
    for index, part in enumerate(parts):
        escaped = html.escape(part)
        if index % 2:
            out.append(f"<code>{escaped}</code>")
        elif part.startswith("https://") and " " not in part:
            out.append(f'<a href="{escaped}">{escaped}</a>')
        else:
            out.append(escaped)
    return "".join(out)
