"""The report as Markdown, its charts as SVG files in a folder beside it.

Why sibling files rather than charts inlined as data URIs: code hosts (GitHub, GitLab) and most
Markdown viewers strip or refuse ``data:`` images, while relative image links render everywhere
and keep the text readable in a diff. ``decision.md`` links ``decision-charts/<chart>.svg``;
move the two together.
"""

from __future__ import annotations

import re
from pathlib import Path

from costcalc.report.content import Block, Bullets, Chart, Document, Table, Text
from costcalc.tables import table

_SPECIAL = re.compile(r"([\\*_\[\]<>])")
_CODE = re.compile(r"(`[^`]+`)")


def charts_folder(target: Path) -> Path:
    """Where the charts of the Markdown report ``target`` are written."""
    return target.with_name(f"{target.stem}-charts")


def render_markdown(doc: Document, charts_link: str) -> str:
    """Markdown for ``doc``; charts are linked as ``<charts_link>/<name>.svg``."""
    out = [f"# {_inline(doc.title)}", "", _inline(" · ".join(doc.facts)), ""]
    out += [f"> **Warning:** {_inline(warning)}\n" for warning in doc.warnings]
    out += ["Contents: " + " · ".join(f"[{_inline(s.title)}](#{s.anchor})" for s in doc.sections)]
    out.append("")
    for section in doc.sections:
        out += [f'<a id="{section.anchor}"></a>', "", f"## {_inline(section.title)}", ""]
        for block in section.blocks:
            out += [*_block(block, charts_link), ""]
    out.append("*Written by `costcalc report` (Orderflow Kit).*")
    return "\n".join(out) + "\n"


def _block(block: Block, charts_link: str) -> list[str]:
    if isinstance(block, Text):
        return [f"**{_inline(block.text)}**" if block.lead else _inline(block.text)]
    if isinstance(block, Bullets):
        return [f"- {_inline(item)}" for item in block.items]
    if isinstance(block, Table):
        return _table(block)
    assert isinstance(block, Chart)
    return [f"![{_inline(block.alt)}]({charts_link}/{block.name}.svg)"]


def _table(block: Table) -> list[str]:
    rows = [
        [_inline(header) for header in block.headers],
        *([_inline(cell.text) for cell in cells] for cells in block.rows),
    ]
    return [f"*{_inline(block.caption)}*", "", *table(rows, numeric=block.numeric, markdown=True)]


def _inline(text: str) -> str:
    """Escape Markdown's special characters outside `code`."""
    return "".join(
        part if part.startswith("`") else _SPECIAL.sub(r"\\\1", part) for part in _CODE.split(text)
    )
