"""The real `costcalc compare` command: outputs, the chart, and one-line refusals with exit 2."""

import contextlib
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest

from costcalc.cli.main import main
from costcalc.compare.scenario import CostCurve, Scenario
from tests.costcalc.helpers import run_costcalc

costcalc = partial(run_costcalc, "compare")


def test_the_issue_example_prices_all_designs_in_json() -> None:
    result = costcalc(
        "--orders-per-month",
        "2e6",
        "--accept-rate",
        "0.9",
        "--timeout-rate",
        "0.03",
        "--format",
        "json",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout, parse_float=Decimal)
    assert document["orders_per_month"] == 2_000_000
    assert [d["name"] for d in document["designs"]] == [
        "choreography",
        "orchestration",
        "orchestration-express",
    ]
    # the left-out unhappy paths share the 0.07 left 5 : 2 : 1, as their defaults do
    assert document["assumptions"]["path_mix"] == {
        "accepted": Decimal("0.9"),
        "rejected": Decimal("0.04375"),
        "timed_out": Decimal("0.03"),
        "cancelled": Decimal("0.0175"),
        "overdue": Decimal("0.00875"),
    }


def test_the_default_table_names_the_cheapest_runnable_design() -> None:
    result = costcalc()
    assert result.returncode == 0, result.stderr
    assert "250,000 orders/month" in result.stdout
    assert "Cheapest runnable design: choreography" in result.stdout


def test_a_sweep_writes_the_chart_and_says_where(tmp_path: Path) -> None:
    result = costcalc("--sweep", "1:1e5:11", "--free-tier", "--chart", "cost.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "cost.png").read_bytes().startswith(b"\x89PNG")
    assert "chart written to cost.png" in result.stderr
    assert "cost the same at 5,643 orders/month" in result.stdout


def test_json_output_without_a_chart_never_imports_matplotlib() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from costcalc.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['compare', '--format', 'json']) == 0\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_a_usage_file_changes_the_price(tmp_path: Path) -> None:
    usage = tmp_path / "mine.yaml"
    usage.write_text("design: orchestration\npaths:\n  accepted: {transitions: 18}\n")
    base = costcalc("--design", "orchestration", "--accept-rate", "1", "--format", "json")
    mine = costcalc(
        "--design",
        "orchestration",
        "--accept-rate",
        "1",
        "--format",
        "json",
        "--usage",
        str(usage),
    )
    assert base.returncode == mine.returncode == 0, mine.stderr
    cost = [
        json.loads(r.stdout, parse_float=Decimal)["designs"][0]["monthly_usd"] for r in (base, mine)
    ]
    assert cost[1] - cost[0] == 10 * 250_000 * Decimal("0.000025")


def test_help_teaches_with_examples() -> None:
    result = costcalc("--help")
    assert result.returncode == 0
    assert "costcalc compare --sweep 1e3:1e8 --chart cost.png" in result.stdout
    assert "absorbs the remainder" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--orders-per-month", "-5"), "--orders-per-month -5: accepted values"),
        (("--orders-per-month", "0"), "--orders-per-month 0: accepted values"),
        (("--orders-per-month", "lots"), "'lots' is not a number"),
        (("--sweep", "1e8:1e3"), "the low bound must be below the high bound"),
        (("--sweep", "1e3"), "is not LOW:HIGH or LOW:HIGH:POINTS"),
        (("--accept-rate", "1.5"), "--accept-rate 1.5: accepted values are 0 to 1"),
        (("--overdue-rate", "2"), "--overdue-rate 2: accepted values are 0 to 1"),
        (
            (
                "--accept-rate",
                "0.5",
                "--reject-rate",
                "0.1",
                "--timeout-rate",
                "0.1",
                "--cancel-rate",
                "0.1",
                "--overdue-rate",
                "0.1",
            ),
            "sum to 1",
        ),
        (("--design", "saga"), "unknown design 'saga'; accepted: choreography"),
        (("--region", "mars-1"), "unknown region 'mars-1'"),
        (("--region", "eu-west-1"), "no sourced price there for dynamodb/write-request-units"),
        (("--chart", "cost.gif"), "must end in .png or .svg"),
        (("--orders-per-month", "10", "--sweep", "1:10"), "not allowed with argument"),
        (("--format", "yaml"), "invalid choice: 'yaml'"),
    ],
)
def test_bad_input_is_one_line_with_exit_2_and_no_traceback(
    args: tuple[str, ...], message: str, tmp_path: Path
) -> None:
    result = costcalc(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_a_malformed_usage_file_is_refused_naming_file_line_and_key(tmp_path: Path) -> None:
    usage = tmp_path / "mine.yaml"
    usage.write_text("design: choreography\nevents:\n  size_kb: 1\n  sizekb: 2\n")
    result = costcalc("--usage", str(usage))
    assert result.returncode == 2
    assert result.stderr == (
        f"costcalc compare: error: {usage}:4: events.sizekb: unknown key (accepted: size_kb)\n"
    )


def test_stale_prices_are_named_with_their_source_and_warned_about_in_every_format(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COSTCALC_TODAY", "2026-11-24")
    table = costcalc()
    assert "(bundled catalogue)" in table.stdout
    assert "Warning: prices last seen 2025-08-01 are 480 days old" in table.stdout
    document = json.loads(costcalc("--format", "json").stdout)
    assert document["prices_source"] == "bundled catalogue"
    assert document["warnings"] == [
        "prices last seen 2025-08-01 are 480 days old (more than 90); "
        "run `costcalc prices refresh` to fetch current ones"
    ]
    csv_run = costcalc("--format", "csv")
    assert "warning: prices last seen 2025-08-01" in csv_run.stderr
    assert "warning" not in csv_run.stdout


def test_fresh_prices_carry_no_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTCALC_TODAY", "2025-09-01")
    document = json.loads(costcalc("--format", "json").stdout)
    assert document["warnings"] == []
    assert "Warning" not in costcalc().stdout


def test_with_analytics_adds_the_lake_to_every_design() -> None:
    plain = json.loads(costcalc("--format", "json").stdout, parse_float=Decimal)
    result = costcalc("--with", "analytics", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout, parse_float=Decimal)
    assert "analytics" in document["assumptions"]["contexts"]
    for before, after in zip(plain["designs"], document["designs"], strict=True):
        assert after["monthly_usd"] > before["monthly_usd"]


def test_an_unknown_context_is_a_usage_error() -> None:
    result = costcalc("--with", "promo")
    assert result.returncode == 2
    assert "invalid choice: 'promo'" in result.stderr


def test_a_chart_path_that_is_a_named_pipe_is_refused_before_any_work(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "cost.svg")
    result = costcalc("--chart", "cost.svg", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "costcalc compare: error: --chart cost.svg: is a named pipe; costcalc writes only new or "
        "regular files\n"
    )
    assert result.stdout == ""


@pytest.mark.parametrize("volume", [("--sweep", "1e3:1e6:5"), ("--orders-per-month", "1e4")])
def test_the_curves_are_priced_once_for_the_table_and_the_chart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, volume: tuple[str, str]
) -> None:
    priced = []
    curves = Scenario.curves

    def counted(plan: Scenario, low: Decimal, high: Decimal) -> list[CostCurve]:
        priced.append((low, high))
        return curves(plan, low, high)

    monkeypatch.setattr(Scenario, "curves", counted)
    chart = tmp_path / "cost.svg"
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(["compare", *volume, "--chart", str(chart)]) == 0
    assert len(priced) == 1
    assert chart.read_text().startswith("<?xml")
