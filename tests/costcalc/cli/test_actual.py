"""The real `costcalc actual` command over stubbed AWS clients: the comparison, its formats,
the usage file it writes, and its one-line refusals."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from costcalc.actual import aws, insights
from costcalc.cli.main import main
from costcalc.estimate.breakdown import estimate_source
from costcalc.estimate.usage_file import UsageFile
from tests.costcalc.actual.aws_answers import Answers, stub
from tests.costcalc.actual.orders_stack import answers

ROOT = Path(__file__).resolve().parents[3]
ORCHESTRATION = ROOT / "sam/orchestration/template.yaml"
WINDOW = ["--start", "2026-11-01", "--end", "2026-12-01"]


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[Answers]:
    found = answers()
    monkeypatch.setattr(insights, "POLL_SECONDS", 0.0)
    with stub(found) as clients:
        monkeypatch.setattr(aws, "boto_clients", lambda region, profile: clients)
        yield found


def actual(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main(["actual", "--stack", "orders", *WINDOW, *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_sets_each_measured_figure_beside_the_estimate_with_exact_decimals(
    stack: Answers, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = actual(capsys, "--definition", ORCHESTRATION, "--format", "json")
    assert code == 0
    document = json.loads(out, parse_float=Decimal)
    usage = {row["figure"]: row for row in document["usage_per_unit"]}
    assert usage["executions"]["forecast"] == usage["executions"]["measured"] == 1
    assert usage["invocations.api"]["measured"] == Decimal("3.7")
    duration = {row["figure"]: row for row in document["per_invocation"]}[
        "functions.api.duration_ms"
    ]
    assert (duration["forecast"], duration["measured"], duration["drift_pct"]) == (50, 131, 162)
    assert document["largest_gaps"] == [  # ranked by drift in percent of the assumption
        "cold-start rate of api 0.020 assumed, 0.100 measured",
        "Lambda duration of api 50 ms assumed, 131 ms measured",
        "cold-start rate of await_restaurant 0.020 assumed, 0.050 measured",
    ]
    init = {row["figure"]: row for row in document["per_invocation"]}["functions.api.init_ms"]
    assert (init["forecast"], init["measured"], init["forecast_from"]) == (452, 420, "benchmark")
    costs = {row["service"]: row for row in document["cost_per_unit"]}
    assert costs["AWS Step Functions"]["billed_usd"] == Decimal("0.0001865")
    assert isinstance(costs["AWS Step Functions"]["forecast_usd"], Decimal)


def test_cost_is_compared_per_resource_beside_the_estimates_per_resource_breakdown(
    stack: Answers, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = actual(capsys, "--definition", ORCHESTRATION, "--format", "json")
    assert code == 0
    rows = {
        row["resource"]: row for row in json.loads(out, parse_float=Decimal)["cost_per_resource"]
    }
    breakdown = estimate_source(ORCHESTRATION, Decimal(1000), UsageFile())
    api = sum(
        (p.monthly_usd or 0 for e in breakdown.estimates for p in e.priced
         if p.charge.resource == "ApiFunction" and p.charge.service != "xray"),
        Decimal(0),
    )  # fmt: skip
    assert rows["ApiFunction"]["forecast_usd"] == pytest.approx(api / 1000, rel=Decimal("1e-20"))
    assert rows["ApiFunction"]["billed_usd"] == Decimal("0.0000025")
    assert rows["ApiFunction"]["not_estimated"] > 0  # its duration and calls: unknown
    machine = rows["OrdersStateMachine"]
    assert (machine["forecast_usd"], machine["billed_usd"]) == (None, Decimal("0.0001865"))
    traces = rows["(X-Ray traces, not taggable)"]  # tagged to no resource, so billed to none
    assert (traces["forecast_usd"] > 0, traces["billed_usd"]) == (True, None)


def test_the_table_names_the_unit_the_window_and_the_largest_gaps(
    stack: Answers, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = actual(capsys, "--definition", ORCHESTRATION)
    assert code == 0
    assert "1,000 executions started (the unit of work)" in out
    assert "- Lambda duration of api 50 ms assumed, 131 ms measured" in out
    assert "reading 35 CloudWatch metrics" in err
    assert "querying Logs Insights for the INIT of 3 functions" in err
    assert "listing the resources of stack orders" in err  # a progress line per kind of call
    assert "reading Cost Explorer for aws:cloudformation:stack-name=orders" in err
    assert "reading Cost Explorer per resource (tag aws:cloudformation:logical-id)" in err


def test_without_a_definition_the_measured_side_stands_alone(
    stack: Answers, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = actual(capsys, "--format", "markdown")
    assert code == 0
    assert "no --definition: the measured side alone" in out
    assert "| functions.api.duration_ms | - | 131 | - | - |" in out


def test_no_init_skips_the_logs_query_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    found = answers()
    with stub(found, init=False) as clients:
        monkeypatch.setattr(aws, "boto_clients", lambda region, profile: clients)
        code, out, _ = actual(capsys, "--definition", ORCHESTRATION, "--no-init")
    assert code == 0
    assert not any(call.startswith("logs:") for call in found.calls)
    assert "- INIT not read (--no-init): cold starts are the forecast's alone" in out


def test_the_written_usage_file_makes_the_next_estimate_use_what_was_measured(
    stack: Answers, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    usage = tmp_path / "measured.yaml"
    code, _, _ = actual(capsys, "--definition", ORCHESTRATION, "--write-usage", usage)
    assert code == 0
    assert "--accept-rate 0.8000" in usage.read_text()
    assert "--overdue-rate 0.0200" in usage.read_text()
    rates = ["--accept-rate", "0.8", "--reject-rate", "0.1", "--cancel-rate", "0.03",
             "--timeout-rate", "0.05", "--overdue-rate", "0.02"]  # fmt: skip
    assert main(["estimate", str(ORCHESTRATION), "--usage", str(usage), "--format", "json",
                 *rates]) == 0  # fmt: skip
    estimated = json.loads(capsys.readouterr().out, parse_float=Decimal)
    figures = {row["figure"]: row for row in estimated["designs"][0]["usage"]}
    assert figures["functions.api.duration_ms"]["value"] == 131
    assert figures["functions.api.duration_ms"]["source"] == "user"
    assert figures["functions.api.init_ms"]["value"] == 420
    invocations = figures["invocations.api"]["per_path"]
    mix = dict(zip(["accepted", "rejected", "cancelled", "timed_out", "overdue"],
                   map(Decimal, rates[1::2]), strict=True))  # fmt: skip
    assert sum(mix[path] * value for path, value in invocations.items()) == pytest.approx(
        Decimal("3.7"), abs=Decimal("1e-5")
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "30x"], "--since '30x': expected a number of days or hours"),
        (["--start", "yesterday"], "--start 'yesterday': expected an ISO date or time"),
        (["--start", "2026-12-01", "--end", "2026-11-01"], "is not before --end"),
        (["--since", "3d", "--start", "2026-11-01"], "--since cannot be combined"),
        ([], "give the window"),
    ],
)
def test_a_bad_window_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["actual", "--stack", "orders", *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert message in err[0]


def test_missing_credentials_are_one_line_naming_what_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    assert main(["actual", "--stack", "orders", "--since", "30d"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == (
        "costcalc actual: error: no AWS credentials found: set AWS_PROFILE (or --profile), or "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; the read-only policy is in "
        "docs/actual-permissions.md"
    )


def test_a_usage_target_that_is_a_folder_is_refused_before_any_call(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_aws(*_: Any) -> Any:
        raise AssertionError("called AWS")

    monkeypatch.setattr(aws, "boto_clients", no_aws)
    code = main(["actual", "--stack", "orders", "--since", "3d", "--definition",
                 str(ORCHESTRATION), "--write-usage", str(tmp_path)])  # fmt: skip
    assert code == 2
    assert "is a folder" in capsys.readouterr().err


def test_a_profile_that_is_not_configured_is_a_usage_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    code = main(["actual", "--stack", "orders", "--since", "30d", "--profile", "nosuch"])
    err = capsys.readouterr().err.strip().splitlines()
    assert (code, len(err)) == (2, 1)
    assert err[0] == (
        "costcalc actual: error: The config profile (nosuch) could not be found; list yours "
        "with `aws configure list-profiles`"
    )
