"""The transcript tool runs a page's marked commands for real and writes back what they print,
normalised; it refuses a marker it cannot use with one line, and `--check` writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.transcripts import ROOT, TranscriptError, find, main, normalise, run


def _page(tmp_path: Path, spec: str, shown: str = "old\n") -> Path:
    page = tmp_path / "page.md"
    page.write_text(f"Intro.\n\n<!-- transcript\n{spec}-->\n```console\n{shown}```\n\nAfter.\n")
    return page


def test_the_block_becomes_each_command_then_what_it_printed(tmp_path: Path) -> None:
    page = _page(tmp_path, "setup: printf 'one\\ntwo\\n' > figures.txt\n$ wc -l < figures.txt\n")
    assert main([str(page)]) == 0
    assert page.read_text() == (
        "Intro.\n\n<!-- transcript\nsetup: printf 'one\\ntwo\\n' > figures.txt\n"
        "$ wc -l < figures.txt\n-->\n```console\n$ wc -l < figures.txt\n2\n```\n\nAfter.\n"
    )


def test_the_commands_share_one_shell_so_a_status_can_be_shown(tmp_path: Path) -> None:
    (transcript,) = find(_page(tmp_path, "$ costcalc price lambda --memory-mb 0\n$ echo $?\n"))
    output = run(transcript)
    assert output.startswith("$ costcalc price lambda --memory-mb 0\ncostcalc price lambda: error:")
    assert output.endswith("\n$ echo $?\n2\n")


def test_commands_run_beside_the_repository_s_files_and_write_none_of_them(
    tmp_path: Path,
) -> None:
    (transcript,) = find(_page(tmp_path, "$ touch written-by-a-transcript && ls sam\n"))
    assert "choreography" in run(transcript)
    assert not (ROOT / "written-by-a-transcript").exists()


def test_what_differs_between_runs_is_normalised() -> None:
    order, other = "03c46f98-967b-5a5e-a158-f4c76786d041", "c2d7e02c-ad7a-565d-b241-ddc78ad89a9a"
    output = (
        f"order {order} then {other}, again {order}\n"
        "  2026-11-24T14:05:33.631433Z  order_placed  +0.507s\n"
        "prices last seen 2025-08-01 are 488 days old; driven in 2.939s wall time\n"
        "210 passed in 70.31s (0:01:10)\n"
        '{"age_days": 489, "stale": true}\n'
        f"promo code THANKS-TC1E6ZGM, chart: {ROOT}/build/cost.png\n"
        f"cache: {Path.home()}/.cache/costcalc/prices\n"
    )
    assert normalise(output, [ROOT]) == (
        "order <id1> then <id2>, again <id1>\n"
        "  <time>  order_placed  +<t>s\n"
        "prices last seen 2025-08-01 are <N> days old; driven in <t>s wall time\n"
        "210 passed in <t>s\n"
        '{"age_days": <N>, "stale": true}\n'
        "promo code THANKS-<code>, chart: build/cost.png\n"
        "cache: ~/.cache/costcalc/prices\n"
    )


def test_what_a_transcript_says_varies_is_shown_as_varying(tmp_path: Path) -> None:
    (transcript,) = find(_page(tmp_path, "vary: (?<=took )\\d+\n$ echo took $RANDOM ms\n"))
    assert run(transcript) == "$ echo took $RANDOM ms\ntook <varies> ms\n"


def test_a_vary_pattern_with_groups_hides_only_its_groups(tmp_path: Path) -> None:
    spec = "vary: took (\\d+) ms, (\\d+) ms\n$ echo 7 took $RANDOM ms, $RANDOM ms\n"
    (transcript,) = find(_page(tmp_path, spec))
    assert run(transcript).endswith("\n7 took <varies> ms, <varies> ms\n")


def test_check_names_a_block_that_differs_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = _page(tmp_path, "$ echo now\n", shown="$ echo now\nthen\n")
    before = page.read_text()
    assert main(["--check", str(page)]) == 1
    assert page.read_text() == before
    error = capsys.readouterr().err
    assert "+now" in error
    assert "-then" in error
    assert "1 transcript(s) differ" in error


@pytest.mark.parametrize(
    ("spec", "refusal"),
    [
        ("costcalc price lambda\n", "transcript line 'costcalc price lambda' is not `$ COMMAND`"),
        ("vary: (\n$ echo hi\n", "'vary: (': not a regular expression"),
        ("slow\n", "a transcript names no `$ COMMAND`"),
        ("$ no-such-command-here\n", "no-such-command-here: command not found"),
        ("setup: false\n$ echo never\n", "a setup command failed"),
        ("$ python3 -c '1/0'\n", "a command crashed (ZeroDivisionError: division by zero)"),
    ],
)
def test_a_marker_it_cannot_use_is_refused_with_one_line_and_the_page_is_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], spec: str, refusal: str
) -> None:
    page = _page(tmp_path, spec)
    before = page.read_text()
    assert main([str(page)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("docs-transcripts: error: ")
    assert refusal in line
    assert page.read_text() == before


def test_a_block_never_closed_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("<!-- transcript\n$ echo hi\n-->\n```console\n$ echo hi\n")
    with pytest.raises(TranscriptError, match="never closed"):
        find(page)


def test_a_page_that_is_not_markdown_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path / "notes.txt")]) == 2
    assert "not a Markdown file" in capsys.readouterr().err
