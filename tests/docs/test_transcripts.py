"""Every transcript in the docs is what its commands print today, and every command shown with
its output is a transcript (so none can drift). `make docs-transcripts` rewrites them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tools.transcripts import MARKER, Transcript, diff, every, pages, run

TRANSCRIPTS = list(every())
# A code block whose first line is a `$ command` shows a command with its output: fenced (the
# match ends where the block's text begins, as a transcript marker's does) or indented.
FENCED_RUN = re.compile(r"^```[a-z]*\n(?=\$ )", re.MULTILINE)
INDENTED_RUN = re.compile(r"\n\n {4}(\$ .*)")


@pytest.mark.parametrize(
    "transcript",
    [pytest.param(t, id=t.name, marks=[pytest.mark.slow] if t.slow else []) for t in TRANSCRIPTS],
)
def test_the_transcript_is_what_its_commands_print_now(transcript: Transcript) -> None:
    output = run(transcript)
    if output != transcript.shown:
        pytest.fail(
            f"{transcript.name}: the page shows another output than the command prints now "
            "(run `make docs-transcripts`):\n" + "".join(diff(transcript, output)),
            pytrace=False,
        )


@pytest.mark.parametrize("page", pages(), ids=lambda page: page.name)
def test_every_command_shown_with_its_output_is_a_transcript(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    marked = {marker.end() for marker in MARKER.finditer(text)}
    unmarked = [
        text[block.end() :].split("\n", 1)[0]
        for block in FENCED_RUN.finditer(text)
        if block.end() not in marked
    ] + INDENTED_RUN.findall(text)
    assert unmarked == []
