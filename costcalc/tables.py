"""Tables laid out one way for every text renderer: aligned columns, or a Markdown table.

``costcalc price``, ``prices show``, ``compare``, ``estimate``, ``diff`` and the Markdown report
all lay their tables out with :func:`table`, so a column is aligned, a number right-aligned and
a pipe in a cell escaped the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

GAP = "  "


def table(
    rows: Sequence[Sequence[str]],
    *,
    numeric: Collection[int] = (),
    markdown: bool = False,
    rules: Collection[int] = (),
) -> list[str]:
    """The lines of a table whose first row is its header.

    ``numeric`` columns are right-aligned. As text, columns are padded to their widest cell and
    a dashed rule is drawn before each row index in ``rules`` (1: under the header). As
    Markdown, ``|`` in a cell is escaped and the alignment row follows the header.
    """
    if markdown:
        lines = ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
        align = "|" + "".join("--:|" if i in numeric else "---|" for i in range(len(rows[0])))
        return [lines[0], align, *lines[1:]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    rule = GAP.join("-" * width for width in widths)
    out: list[str] = []
    for index, row in enumerate(rows):
        if index in rules:
            out.append(rule)
        out.append(
            GAP.join(
                cell.rjust(width) if i in numeric else cell.ljust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
    return out
