import json
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from stack_helpers import ORDER_STACKS, ROOT, run_localrun

from orderflow_definitions.exits import install_hint
from orderflow_localrun import LocalRunner
from orderflow_localrun.cli import DEMO_PARAMETERS, main, order_parameters
from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS, OVERDUE_DEADLINE_SECONDS


def test_help_teaches_with_examples() -> None:
    result = run_localrun("--help")
    assert result.returncode == 0
    assert "examples:" in result.stdout
    assert "python -m orderflow_localrun order --outcome timeout" in result.stdout
    assert "python -m orderflow_localrun order --outcome overdue" in result.stdout


def test_order_prints_the_timeline_of_one_completed_order() -> None:
    result = run_localrun("order")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    events = [line.split()[1] for line in lines if line.startswith("  +")]
    assert events == [
        "order_placed",
        "restaurant_notified",
        "order_accepted",
        "user_notified",
        "order_completed",
    ]
    assert "final status: completed" in result.stdout
    assert "deploying sam/choreography/template.yaml" in result.stderr


def test_order_json_reports_a_timed_out_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["order", "--outcome", "timeout", "--format", "json", "--quiet"]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert (result["schema_version"], err) == ("1", "")
    assert result["status"] == "timed_out"
    assert [e["detail_type"] for e in result["bus_events"]][-2:] == [
        "order_timed_out",
        "user_notified",
    ]
    assert result["emails"][0]["subject"].endswith("timed out")


def test_order_json_reports_an_overdue_order_completed_late(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["order", "--outcome", "overdue", "--format", "json", "--quiet"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["status"] == "completed"
    assert [e["detail_type"] for e in result["bus_events"]][-2:] == [
        "order_overdue",
        "order_completed",
    ]
    assert [e["subject"].endswith("is late") for e in result["emails"]] == [False, True]


def test_the_overdue_outcome_gets_its_short_deadline_whatever_acceptance_timeout_is_given() -> None:
    assert order_parameters(["AcceptanceTimeoutSeconds=5"], "overdue") == {
        **DEMO_PARAMETERS,
        "AcceptanceTimeoutSeconds": "5",
        "OrderDeadlineSeconds": OVERDUE_DEADLINE_SECONDS,
    }
    assert order_parameters([], "complete") == {
        **DEMO_PARAMETERS,
        "AcceptanceTimeoutSeconds": ANSWERED_TIMEOUT_SECONDS,
    }


def test_a_deadline_the_user_gives_is_the_one_an_order_runs_with() -> None:
    for outcome in ("complete", "overdue"):
        assert order_parameters(["OrderDeadlineSeconds=3"], outcome)["OrderDeadlineSeconds"] == "3"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["order", "--parameter", "SenderEmail"],
            "--parameter 'SenderEmail': expected NAME=VALUE",
        ),
        (["order", "--parameter", "Colour=red"], "unknown parameter(s) Colour"),
        (["order", "--template", "missing.yaml"], "missing.yaml: cannot read the template"),
        (
            ["order", "--parameter", "SenderEmail=not-an-email"],
            "parameter SenderEmail=not-an-email: does not match the pattern",
        ),
        (
            ["order", "--parameter", "AcceptanceTimeoutSeconds=0"],
            "AcceptanceTimeoutSeconds=0: accepted values are 1 to 86400",
        ),
        (
            ["order", "--parameter", "LogRetentionDays=2"],
            "LogRetentionDays=2: accepted values are 1, 3, 5",
        ),
        *(
            pytest.param(
                args,
                message,
                marks=pytest.mark.skipif(
                    not (ROOT / "sam/analytics/template.yaml").is_file(),
                    reason="a project without the analytics stack (no analytics command)",
                ),
            )
            for args, message in [
                (
                    ["analytics", "--analytics-template", "missing.yaml"],
                    "missing.yaml: cannot read",
                ),
                (["analytics", "--parameter", "Colour=red"], "unknown parameter(s) Colour"),
            ]
        ),
    ],
)
def test_bad_usage_is_one_line_and_exit_status_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert error.startswith("python -m orderflow_localrun: error: ")
    assert message in error


def test_the_old_spellings_still_work_and_warn_that_they_are_deprecated(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    template = next(iter(ORDER_STACKS.values())).relative_to(ROOT)  # one this checkout has
    monkeypatch.chdir(ROOT)
    argv = ["order", "--template", str(template), "--param", "AcceptanceTimeoutSeconds=0"]
    assert main([*argv, "--json"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "python -m orderflow_localrun order: warning: --param is deprecated; use --parameter",
        "python -m orderflow_localrun order: warning: --json is deprecated; use --format json",
        f"deploying {template} into moto (in-process, no AWS)...",
        f"python -m orderflow_localrun: error: {template}: parameter "
        "AcceptanceTimeoutSeconds=0: accepted values are 1 to 86400",
    ]


def test_help_says_which_spellings_are_deprecated() -> None:
    result = run_localrun("order", "--help")
    assert "--param: deprecated spelling of --parameter, still accepted" in " ".join(
        result.stdout.split()
    )
    assert "deprecated spelling of --format json" in " ".join(result.stdout.split())


def test_version_answers_before_the_runner_is_loaded() -> None:
    result = run_localrun("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("python -m orderflow_localrun ")


def test_an_unknown_outcome_is_a_usage_error() -> None:
    result = run_localrun("order", "--outcome", "shipped")
    assert result.returncode == 2
    assert "invalid choice: 'shipped'" in result.stderr
    assert "Traceback" not in result.stderr


def test_seeding_from_a_bad_file_fails_before_touching_aws(tmp_path: Path) -> None:
    restaurants = tmp_path / "restaurants.json"
    restaurants.write_text('[{"restaurant_id": "Bad Id"}]')
    result = run_localrun("seed-restaurants", "--stack-name", "orders", str(restaurants))
    assert result.returncode == 2
    assert "restaurants[0].restaurant_id: 'Bad Id' is not accepted" in result.stderr


def test_seeding_from_a_saved_outputs_file_registers_in_that_stack(
    choreography: LocalRunner, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text(json.dumps(choreography.deployment.outputs))
    restaurants = tmp_path / "restaurants.json"
    restaurants.write_text('[{"restaurant_id": "pizza-9", "name": "Pizza Nine"}]')
    assert main(["seed-restaurants", "--outputs", str(outputs), str(restaurants)]) == 0
    table = choreography.deployment.outputs["RestaurantsTableName"]
    item = boto3.client("dynamodb", region_name=choreography.names.region).get_item(
        TableName=table, Key={"restaurant_id": {"S": "pizza-9"}}
    )
    assert item["Item"]["name"] == {"S": "Pizza Nine"}
    assert capsys.readouterr().out.strip() == f"registered 1 restaurant(s) in {outputs}"


def test_an_outputs_file_without_the_registry_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outputs = tmp_path / "outputs.json"
    outputs.write_text('{"ApiUrl": "https://example.com"}')
    restaurants = tmp_path / "restaurants.json"
    restaurants.write_text('[{"restaurant_id": "pizza-9"}]')
    assert main(["seed-restaurants", "--outputs", str(outputs), str(restaurants)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"python -m orderflow_localrun: error: {outputs}: no output RestaurantsTableName, "
        "RestaurantTopicArn; expected the orders stack's outputs (`pulumi stack output --json` "
        "in its Pulumi project)"
    )


def test_the_cli_loads_the_lake_engines_only_for_the_analytics_command() -> None:
    probe = (
        "import sys, orderflow_localrun.cli; "
        "print(sorted({'duckdb', 'sqlglot'} & set(sys.modules)))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_transitions_of_a_template_without_a_state_machine_is_refused_not_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    template = ROOT / "sam/choreography/template.yaml"
    assert main(["transitions", "--template", str(template)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "deploys no state machine, so no execution bills transitions" in captured.err


def test_without_moto_the_runner_names_the_extra_that_installs_it_and_exits_2() -> None:
    without_moto = (
        "import runpy, sys; sys.modules['moto'] = None; runpy.run_module('orderflow_localrun')"
    )
    result = subprocess.run(
        [sys.executable, "-c", without_moto, "--help"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "python -m orderflow_localrun: error: the local runner needs moto, which is not installed: "
        f"{install_hint('moto')}\n"
    )


def test_debug_is_accepted_before_the_command() -> None:
    result = run_localrun("--debug", "order", "--outcome", "shipped")
    assert result.returncode == 2
    assert "invalid choice: 'shipped'" in result.stderr


@pytest.mark.skipif(
    not (ROOT / "sam/orchestration/template.yaml").is_file(), reason="no orchestration stack here"
)
def test_a_checkout_without_analytics_or_choreography_offers_what_it_holds(tmp_path: Path) -> None:
    """As in a generated orchestration project: `order` defaults to its one template."""
    # The runner finds its checkout from its own path: a copy, not a link to the kit's.
    shutil.copytree(ROOT / "orderflow_localrun", tmp_path / "orderflow_localrun")
    (tmp_path / "orderflow_definitions").symlink_to(ROOT / "orderflow_definitions")
    template = tmp_path / "sam/orchestration/template.yaml"
    template.parent.mkdir(parents=True)
    template.write_bytes((ROOT / "sam/orchestration/template.yaml").read_bytes())
    probe = (
        "from orderflow_localrun import cli; "
        "print(cli.DEFAULT_TEMPLATE, cli.HAS_ANALYTICS, cli.EPILOG)"
    )
    checked = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert checked.stdout.startswith("sam/orchestration/template.yaml False")
    assert "orderflow_localrun analytics" not in checked.stdout
    refused = subprocess.run(
        [sys.executable, "-m", "orderflow_localrun", "analytics"], cwd=tmp_path,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert refused.returncode == 2
    assert "invalid choice: 'analytics'" in refused.stderr
