"""Every text table is laid out one way: padded columns with numbers on the right, or Markdown."""

from costcalc.tables import table

ROWS = [("item", "USD"), ("requests", "0.60"), ("duration", "19.00"), ("total", "19.60")]


def test_text_columns_are_padded_to_their_widest_cell_and_numbers_right_aligned() -> None:
    assert table(ROWS, numeric={1}) == [
        "item        USD",
        "requests   0.60",
        "duration  19.00",
        "total     19.60",
    ]


def test_text_rules_are_drawn_before_the_rows_asked_and_trailing_blanks_are_cut() -> None:
    rows = [("item", "note"), ("requests", ""), ("total", "")]
    assert table(rows, rules=(1, 2)) == [
        "item      note",
        "--------  ----",
        "requests",
        "--------  ----",
        "total",
    ]


def test_markdown_escapes_pipes_and_aligns_numbers_right_in_its_alignment_row() -> None:
    assert table([("tier", "USD"), ("a | b", "1.00")], numeric={1}, markdown=True) == [
        "| tier | USD |",
        "|---|--:|",
        "| a \\| b | 1.00 |",
    ]
