"""The real `costcalc report` command: files written whole, formats, and one-line refusals."""

import contextlib
import io
import json
import os
import re
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest

from costcalc.cli.main import main
from tests.costcalc.helpers import run_costcalc

ROOT = Path(__file__).resolve().parents[3]
CHOREOGRAPHY = ROOT / "sam/choreography/template.yaml"
PULUMI_CHOREOGRAPHY = ROOT / "pulumi/orders-choreography"


costcalc = partial(run_costcalc, "report")


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


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["no-such-project"],
            "no-such-project: no such file or folder; expected a SAM template, a Pulumi project "
            "or a project holding them",
        ),
        ([".", "--no-samconfig"], ".: a folder with no definitions; looked for template.yaml"),
        (
            [str(PULUMI_CHOREOGRAPHY), "--stack", "prod"],
            f"{PULUMI_CHOREOGRAPHY}: --stack prod: no Pulumi.prod.yaml; the project has config "
            "for dev",
        ),
        (
            [str(CHOREOGRAPHY), "--design", "choreography"],
            f"--design choreography: PATH {CHOREOGRAPHY} holds it already (derived from its "
            "definition); --design adds a bundled profile beside the workflows PATH holds",
        ),
    ],
)
def test_a_path_that_cannot_be_read_is_refused_in_one_line_and_nothing_written(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = costcalc(*args, "--out", "decision.html", cwd=tmp_path)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("costcalc report")]
    assert errors == [f"costcalc report: error: {message}"] or errors[0].startswith(
        f"costcalc report: error: {message}"
    ), result.stderr
    assert len(errors) == 1
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def _printed(*args: str) -> str:
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(io.StringIO()):
        assert main(list(args)) == 0
    return printed.getvalue()


@pytest.mark.parametrize("source", [CHOREOGRAPHY, PULUMI_CHOREOGRAPHY], ids=["sam", "pulumi"])
def test_a_report_on_a_definition_heads_with_the_estimate_s_figures(
    tmp_path: Path, source: Path
) -> None:
    inputs = ["--orders-per-month", "1e6", "--accept-rate", "0.85", "--no-samconfig"]
    out = tmp_path / "decision.html"
    _printed("report", str(source), *inputs, "--sweep", "2e4:5e7", "--design", "orchestration",
             "--out", str(out))  # fmt: skip
    page = out.read_text(encoding="utf-8")
    estimated = json.loads(_printed("estimate", str(source), *inputs, "--format", "json"),
                           parse_float=Decimal)  # fmt: skip
    [design] = estimated["designs"]
    for figure in ("monthly_usd", "per_order_usd"):
        found = re.search(rf'data-figure="choreography\.{figure}" data-exact="([0-9.]+)"', page)
        assert found is not None
        assert Decimal(found.group(1)) == design[figure]
    assert re.search(r'data-figure="orchestration\.monthly_usd" data-exact="[0-9.]+"', page)


def test_every_figure_of_a_report_on_a_definition_says_where_it_came_from(tmp_path: Path) -> None:
    usage = tmp_path / "figures.yaml"
    usage.write_text("design: choreography\nfunctions:\n  api: {memory_mb: 512}\n")
    out = tmp_path / "decision.md"
    _printed("report", str(CHOREOGRAPHY), "--usage", str(usage), "--no-samconfig",
             "--out", str(out))  # fmt: skip
    text = out.read_text(encoding="utf-8")
    counts = re.search(
        r"Workload figures: (\d+) from the bundled workload profiles \(`profile`\), (\d+) from "
        r"your usage files \(`user`\), (\d+) from deployment definitions \(`definition`\)\.",
        text,
    )
    assert counts is not None
    profile, user, definition = map(int, counts.groups())
    assert profile > 0
    assert user == 1
    assert definition > 20
    assert "No figure was read from a definition" not in text
    template, usage_file = (str(path).replace("_", "\\_") for path in (CHOREOGRAPHY, usage))
    assert f"| paths.accepted.writes.orders | 6 | definition | {template} (definition) |" in text
    assert f"| functions.api.memory\\_mb | 512 | user | {usage_file}:3 |" in text
    assert re.search(
        r"\| functions\.api \| duration\\_ms \d+, .* \| profile \| "
        r"costcalc/data/profiles/choreography\.yaml:\d+ \|",
        text,
    )


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


def test_an_out_that_is_not_a_regular_file_is_refused_in_one_line_before_any_work(
    tmp_path: Path,
) -> None:
    # A named pipe stands for /dev/null and other devices: were the guard broken, a test on
    # the real /dev/null would replace it (tests run as root in CI).
    os.mkfifo(tmp_path / "decision.html")
    result = costcalc("--out", "decision.html", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "costcalc report: error: --out decision.html: is a named pipe; costcalc writes only new "
        "or regular files\n"
    )
    assert result.stdout == ""
    assert [p.name for p in tmp_path.iterdir()] == ["decision.html"]


ACTUAL = ROOT / "tests/costcalc/report/goldens/actual.json"


@pytest.mark.parametrize("name", ["decision.md", "decision.html"])
def test_actual_adds_the_forecast_against_what_ran_as_a_section(tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    assert main(["report", "--sweep", "2e4:5e7:3", "--actual", str(ACTUAL), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Forecast against what ran" in text
    assert text.index("Forecast against what ran") < text.index("Where the figures come from")
    assert "cold-start rate of api 0.020 assumed, 0.100 measured" in text


def test_an_actual_file_that_is_not_actuals_output_is_refused_and_nothing_written(
    tmp_path: Path,
) -> None:
    (tmp_path / "actual.json").write_text('{"title": "t"}')
    result = costcalc("--actual", "actual.json", "--out", "decision.md", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "costcalc report: error: --actual actual.json: window: expected text (`costcalc actual` "
        "output)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["actual.json"]
