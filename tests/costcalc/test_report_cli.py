"""The real `costcalc report` command: files written whole, formats, and one-line refusals."""

import subprocess
import sys
from pathlib import Path

import pytest

from costcalc.cli import main


def costcalc(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "costcalc", "report", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_the_issue_example_writes_one_html_page_and_prints_its_path(tmp_path: Path) -> None:
    result = costcalc("--orders-per-month", "250000", "--out", "decision.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "decision.html\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["decision.html"]
    page = (tmp_path / "decision.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count('src="data:image/svg+xml;base64,') == 3
    assert "costcalc report: pricing 3 designs at 250,000 orders/month" in result.stderr
    assert "costcalc report: drawing the charts ..." in result.stderr


def test_markdown_is_written_with_its_charts_beside_it(tmp_path: Path) -> None:
    out = tmp_path / "decision.md"
    assert main(["report", "--sweep", "2e4:5e7:200", "--out", str(out)]) == 0
    charts = tmp_path / "decision-charts"
    assert sorted(p.name for p in charts.iterdir()) == [
        "cost-by-volume.svg",
        "cost-per-order-by-service.svg",
        "sensitivity.svg",
    ]
    text = out.read_text(encoding="utf-8")
    assert "![Monthly cost of each design" in text
    assert "(decision-charts/cost-by-volume.svg)" in text
    assert "*USD per month at 200 volumes, log-spaced*" in text
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # shared files follow the umask


def test_format_overrides_the_extension(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    assert main(["report", "--format", "html", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["sam/orchestration/template.yaml"],
            "costcalc report: error: PATH sam/orchestration/template.yaml: reading definitions "
            "arrives with `costcalc estimate`; today the report prices the bundled workload "
            "profiles (override figures with --usage FILE)",
        ),
        (
            ["--out", "decision.pdf"],
            "costcalc report: error: --out decision.pdf: cannot tell the format from '.pdf'; "
            "use .html, .htm, .md, .markdown or give --format html|markdown",
        ),
        (
            ["--out", "missing/decision.html"],
            "costcalc report: error: --out missing/decision.html: folder missing does not exist",
        ),
        (
            ["--region", "eu-west-1"],
            "costcalc report: error: cannot compare in eu-west-1: the bundled catalogue has no "
            "sourced price there for",
        ),
        (
            ["--orders-per-month", "5e8"],
            "costcalc report: error: --orders-per-month 500,000,000 lies outside the sweep "
            "1,000:100,000,000; give a volume inside the range or widen --sweep",
        ),
        (
            ["--accept-rate", "1.5"],
            "costcalc report: error: --accept-rate 1.5: accepted values are 0 to 1",
        ),
        (
            ["--sweep", "1e3:1e8:1"],
            "costcalc report: error: sweep points 1: accepted values are 2 to 100,000",
        ),
        (
            ["--sweep", "1e3"],
            "costcalc report: error: argument --sweep: '1e3' is not LOW:HIGH or LOW:HIGH:POINTS",
        ),
    ],
)
def test_bad_input_is_refused_in_one_line_with_exit_2_and_nothing_written(
    tmp_path: Path, args: list[str], message: str
) -> None:
    out = [] if "--out" in args else ["--out", "decision.html"]
    result = costcalc(*args, *out, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_refusal_leaves_an_existing_report_untouched(tmp_path: Path) -> None:
    out = tmp_path / "decision.html"
    out.write_text("the report from yesterday", encoding="utf-8")
    assert main(["report", "--region", "eu-west-1", "--out", str(out)]) == 2
    assert out.read_text(encoding="utf-8") == "the report from yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["decision.html"]


def test_an_unwritable_folder_is_refused_without_a_traceback(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "decision-charts").write_text("a file where the charts folder goes")
    result = costcalc("--out", "locked/decision.md", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith(
        "costcalc report: error: --out locked/decision.md: cannot write ("
    )
    assert not (locked / "decision.md").exists()


def test_help_teaches_with_examples_and_says_why_markdown_charts_are_files() -> None:
    result = costcalc("--help")
    assert result.returncode == 0
    assert "costcalc report --orders-per-month 2e6 --accept-rate 0.85 --out decision.html" in (
        result.stdout
    )
    assert "code hosts strip" in result.stdout
    assert "inline data images" in result.stdout
