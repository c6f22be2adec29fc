"""The real `costcalc estimate` and `costcalc diff` commands, and their one-line refusals."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from tests.costcalc.helpers import run_costcalc as costcalc

ROOT = Path(__file__).resolve().parents[3]
CHOREOGRAPHY = ROOT / "sam/choreography/template.yaml"
ORCHESTRATION = ROOT / "sam/orchestration/template.yaml"


POLLING = (
    '{"StartAt": "Ask", "States": {'
    '"Ask": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Next": "Ready"},'
    '"Ready": {"Type": "Choice", "Choices": [{"Variable": "$.done", "BooleanEquals": true,'
    ' "Next": "Done"}], "Default": "Pause"},'
    '"Pause": {"Type": "Wait", "Seconds": 5, "Next": "Ask"}, "Done": {"Type": "Succeed"}}}'
)


def _machine(definition: str) -> str:
    """A CloudFormation template with the orders bus and one state machine."""
    return (
        "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n"
        f"    Properties: {{DefinitionString: '{definition}'}}\n"
        "  Bus: {Type: AWS::Events::EventBus, Properties: {Name: b}}\n"
    )


_PROJECT = "name: orders\nruntime: python\n"
_CONFIG = "config:\n  aws:region: us-east-1\n"


def _copy(tmp_path: Path, *changes: tuple[str, str]) -> Path:
    """The choreography template in another folder (code path kept), with text replaced."""
    text = CHOREOGRAPHY.read_text(encoding="utf-8")
    text = text.replace("CodeUri: ../../functions/", f"CodeUri: {ROOT / 'functions'}/")
    for old, new in changes:
        assert old in text
        text = text.replace(old, new)
    target = tmp_path / f"template-{len(list(tmp_path.iterdir()))}.yaml"
    target.write_text(text, encoding="utf-8")
    return target


def test_estimate_prices_the_template_as_compare_does_and_labels_every_figure() -> None:
    result = costcalc("estimate", CHOREOGRAPHY, "--orders-per-month", "1e6", "--format", "json",
                      "--model", "orderflow")  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout, parse_float=Decimal)
    assert document["orders_per_month"] == 1_000_000
    (design,) = document["designs"]
    assert design["name"] == "choreography"
    assert design["source"] == str(CHOREOGRAPHY)
    usage = {figure["figure"]: figure for figure in design["usage"]}
    assert usage["rule_matches"] == {
        "figure": "rule_matches",
        "per_path": {"accepted": 11, "rejected": 8, "timed_out": 8, "cancelled": 8, "overdue": 14},
        "source": "definition",
    }
    assert usage["functions.api.memory_mb"]["source"] == "definition"
    assert usage["functions.api.duration_ms"]["source"] == "profile"
    assert usage["writes.idempotency"]["source"] == "profile"
    assert usage["functions.api.init_ms"]["source"] == "benchmark"
    assert {figure["source"] for figure in design["usage"]} == {
        "definition",
        "profile",
        "benchmark",
    }
    # each figure is rounded to 10 places in JSON: the lines add up to the total within that
    summed = sum(Decimal(str(line["monthly_usd"])) for line in design["lines"])
    assert abs(summed - Decimal(str(design["monthly_usd"]))) < Decimal("1e-9")


def test_the_orchestration_template_is_estimated_from_its_definition_path_by_path() -> None:
    result = costcalc("estimate", ORCHESTRATION, "--format", "json", "--model", "orderflow")
    assert result.returncode == 0, result.stderr
    (design,) = json.loads(result.stdout, parse_float=Decimal)["designs"]
    assert design["name"] == "orchestration"
    usage = {figure["figure"]: figure for figure in design["usage"]}
    assert usage["transitions"] == {
        "figure": "transitions",
        "per_path": {"accepted": 8, "rejected": 6, "timed_out": 7, "cancelled": 6, "overdue": 12},
        "source": "definition",
    }
    assert usage["invocations.await_restaurant"]["per_path"]["timed_out"] == 1
    assert usage["functions.await_restaurant.trigger"]["value"] == "task"
    assert any("timed_out <- RecordOrder > " in note for note in design["notes"])


def test_diff_between_the_two_reference_stacks_shows_the_transitions_it_adds() -> None:
    result = costcalc("diff", CHOREOGRAPHY, ORCHESTRATION, "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout, parse_float=Decimal)
    changes = {(c["service"], c["item"]): c for c in document["changes"]}
    transitions = changes["stepfunctions", "state-transitions"]
    assert (transitions["base_usd"], transitions["head_usd"] > 0) == (0, True)
    assert (
        document["delta_usd"] == document["head"]["monthly_usd"] - document["base"]["monthly_usd"]
    )


def test_a_usage_file_changes_a_figure_and_labels_it_user(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text("design: choreography\nfunctions:\n  api: {duration_ms: 300}\n")
    result = costcalc("estimate", CHOREOGRAPHY, "--usage", usage, "--format", "json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)["designs"][0]["usage"]
    duration = next(f for f in figures if f["figure"] == "functions.api.duration_ms")
    assert duration == {"figure": "functions.api.duration_ms", "value": 300, "source": "user"}


def test_the_table_lists_per_path_figures_with_their_sources() -> None:
    result = costcalc("estimate", CHOREOGRAPHY, "--model", "orderflow")
    assert result.returncode == 0, result.stderr
    assert "Estimate of " in result.stdout
    assert "Per-order usage of" in result.stdout
    row = next(line for line in result.stdout.splitlines() if line.startswith("notifications"))
    assert row.split() == ["notifications", "1", "1", "2", "2", "2", "definition"]
    assert "reading" in result.stderr  # progress on the slow part


def test_the_infracost_usage_file_holds_the_derived_monthly_figures() -> None:
    result = costcalc("estimate", CHOREOGRAPHY, "--orders-per-month", "1e6", "--format",
                      "infracost-usage", "--model", "orderflow")  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = yaml.safe_load(result.stdout)
    assert document["version"] == 0.1
    usage = document["resource_usage"]
    # 0.89 x 5 + 0.05 x 3 + 0.03 x 2 + 0.02 x 3 + 0.01 x 5 (overdue) = 4.77 requests per order
    assert usage["aws_apigatewayv2_api.orders_api"]["monthly_requests"] == 4_770_000
    assert usage["aws_lambda_function.api"]["monthly_requests"] == 4_770_000
    # 0.89 x 5 + 0.05 x 4 + 0.03 x 4 + 0.02 x 3 + 0.01 x 6 = 4.89 events per order
    assert usage["aws_cloudwatch_event_bus.orders_bus"]["monthly_custom_events"] == 4_890_000
    # one write per event, one per email claimed before sending and one per late email marked
    # sent (0.89 x 6 + 0.05 x 5 + 0.03 x 5 + 0.02 x 3 + 0.01 x 9 = 5.89 per order), 2 write
    # units each (1.5 KB items)
    assert usage["aws_dynamodb_table.orders"]["monthly_write_request_units"] == 11_780_000


def test_a_project_folder_is_estimated_from_the_stacks_it_holds(tmp_path: Path) -> None:
    """A copy of the kit's template still names the kit's usage file: it is the general
    estimate with it, wherever the copy lies."""
    stack = tmp_path / "sam" / "choreography"
    stack.mkdir(parents=True)
    _copy(tmp_path).rename(stack / "template.yaml")
    result = costcalc("estimate", tmp_path, "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert [t["template"] for t in document["templates"]] == [str(stack / "template.yaml")]
    flow = costcalc("estimate", tmp_path, "--format", "json", "--model", "orderflow")
    [design] = json.loads(flow.stdout)["designs"]
    assert round(document["monthly_usd"], 2) == round(design["monthly_usd"], 2)


def test_diff_shows_a_memory_increase_per_function_per_item_and_in_total_as_markdown(
    tmp_path: Path,
) -> None:
    head = _copy(tmp_path, ("    MemorySize: 256\n", "    MemorySize: 1024\n"))
    result = costcalc("diff", CHOREOGRAPHY, head, "--orders-per-month", "1e6")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("**Cost change at 1,000,000 units of work a month in us-east-1: +")
    cells = [[c.strip() for c in line.split("|")[1:-1]] for line in lines if line.startswith("|")]
    changed = {row[0] for row in cells if row[1:3] == ["AWS::Lambda::Function", "changed"]}
    assert "ApiFunction" in changed
    assert all(row[1] == "AWS::Lambda::Function" for row in cells if row[2:3] == ["changed"])
    assert [row[0] for row in cells if "/" in row[0]] == ["lambda/duration-arm64"]
    assert lines[-1].startswith(f"_base: {CHOREOGRAPHY}; head: {head}")


def test_diff_fails_above_the_threshold_and_passes_below_it(tmp_path: Path) -> None:
    head = _copy(tmp_path, ("    MemorySize: 256\n", "    MemorySize: 1024\n"))
    rise = Decimal(
        json.loads(
            costcalc(
                "diff", CHOREOGRAPHY, head, "--format", "json", "--orders-per-month", "1e6"
            ).stdout
        )["delta_usd"]
    )
    assert rise > 0
    failed = costcalc("diff", CHOREOGRAPHY, head, "--orders-per-month", "1e6",
                      "--fail-above", str(rise - 1))  # fmt: skip
    assert failed.returncode == 1
    assert "above --fail-above" in failed.stderr
    passed = costcalc("diff", CHOREOGRAPHY, head, "--orders-per-month", "1e6",
                      "--fail-above", str(rise + 1))  # fmt: skip
    assert passed.returncode == 0, passed.stderr


def test_diff_of_a_template_with_itself_reports_no_change() -> None:
    result = costcalc("diff", CHOREOGRAPHY, CHOREOGRAPHY, "--format", "table", "--fail-above", "0")
    assert result.returncode == 0, result.stderr
    assert "no change in cost" in result.stdout
    assert "No billed item changes." in result.stdout


@pytest.mark.parametrize(
    ("files", "args", "message"),
    [
        ({"notes.yaml": "hello: world\n"}, ["notes.yaml"], "not a CloudFormation or SAM template"),
        (
            {"t.yaml": "Resources:\n  T: {Type: AWS::SNS::Topic}\n"},
            ["t.yaml", "--model", "orderflow"],
            "no AWS::Events::EventBus; expected the orders bus",
        ),
        ({}, ["missing.yaml"], "missing.yaml: no such file or folder"),
        (
            {"Pulumi.yaml": _PROJECT, "__main__.py": "pass\n"},
            ["."],
            ".: no stack config; expected a Pulumi.<stack>.yaml holding the program's config",
        ),
        (
            {"Pulumi.yaml": _PROJECT, "Pulumi.dev.yaml": _CONFIG, "__main__.py": "pass\n"},
            [".", "--stack", "prod"],
            ".: --stack prod: no Pulumi.prod.yaml; the project has config for dev",
        ),
        (
            {
                "Pulumi.yaml": _PROJECT,
                "Pulumi.dev.yaml": _CONFIG,
                "Pulumi.prod.yaml": _CONFIG,
                "__main__.py": "pass\n",
            },
            ["Pulumi.yaml"],
            ".: config for several stacks (dev, prod); name one with --stack",
        ),
        (
            {
                "Pulumi.yaml": _PROJECT,
                "Pulumi.dev.yaml": _CONFIG,
                "__main__.py": "raise ValueError('no restaurant topic configured')\n",
            },
            ["."],
            "__main__.py: the Pulumi program (stack dev) raised ValueError: no restaurant topic "
            "configured; expected a program that runs with the config of Pulumi.dev.yaml",
        ),
        (
            {"Pulumi.yaml": "name: orders\nruntime: nodejs\n", "Pulumi.dev.yaml": _CONFIG},
            ["."],
            "Pulumi.yaml: runtime 'nodejs'; the estimate runs Python Pulumi programs only",
        ),
        (
            {"Pulumi.yaml": "- just\n- a list\n"},
            ["."],
            "Pulumi.yaml: expected a Pulumi project file with a `name`",
        ),
        (
            {"Pulumi.yaml": _PROJECT, "Pulumi.dev.yaml": _CONFIG},
            ["."],
            "Pulumi.yaml: no program at __main__.py; expected a __main__.py",
        ),
        (
            {"Pulumi.yaml": _PROJECT, "Pulumi.dev.yaml": _CONFIG, "__main__.py": "pass\n"},
            [".", "--parameter", "MemorySize=512"],
            ".: --parameter MemorySize: parameters are a SAM template's; a Pulumi program takes "
            "its config from Pulumi.<stack>.yaml",
        ),
        (
            {
                "Pulumi.yaml": _PROJECT,
                "Pulumi.dev.yaml": _CONFIG,
                "__main__.py": "import pulumi_aws as aws\naws.s3.Bucket('b')\n",
            },
            [".", "--model", "orderflow"],
            ".: no AWS::Events::EventBus; expected the orders bus",
        ),
        ({"README.md": "# a project\n"}, ["."], ".: a folder with no definitions; looked for"),
        ({}, [str(CHOREOGRAPHY), "--stack", "dev"], "--stack dev: it holds no Pulumi project"),
        ({}, [str(CHOREOGRAPHY), "--parameter", "nonsense"], "--parameter 'nonsense': expected"),
        (
            {},
            [str(CHOREOGRAPHY), "--parameter", "LogRetentionDays=2"],
            "parameter LogRetentionDays=2: accepted values are 1, 3, 5",
        ),
        (
            {"m.yaml": _machine('{"StartAt": "A"}')},
            ["m.yaml"],
            "m.yaml: M: the definition is not a mapping with StartAt and States",
        ),
        (
            {"m.yaml": _machine(POLLING)},
            ["m.yaml", "--loop", "Ask=0.5", "--model", "orderflow"],
            "m.yaml: no HTTP API routes; expected the orders API that starts M's executions",
        ),
        (
            {"m.yaml": _machine(POLLING)},
            ["m.yaml", "--loop", "Ready=1", "--model", "orderflow"],
            "m.yaml: M: --loop Ready: not the head of a loop (loop heads: Ask)",
        ),
        ({}, [str(CHOREOGRAPHY), "--loop", "Ask=two"], "--loop Ask=two: expected a number >= 0"),
        ({}, [str(CHOREOGRAPHY), "--map-items", "Each=1.5"], "expected a whole number >= 0"),
        (
            {},
            [str(CHOREOGRAPHY), "--choice", "Check=Yes:0.8,No:lots"],
            "--choice Check=Yes:0.8,No:lots: 'No:lots': expected NEXT:P with P from 0 to 1",
        ),
        ({}, [str(CHOREOGRAPHY), "--redrive-rate", "2"], "--redrive-rate 2: expected a share"),
        ({}, [str(CHOREOGRAPHY), "--paths", "0"], "--paths 0: expected a whole number from 1"),
    ],
)
def test_bad_input_is_refused_on_one_line_with_exit_2(
    tmp_path: Path, files: dict[str, str], args: list[str], message: str
) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    result = costcalc("estimate", *args, cwd=tmp_path)
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("costcalc estimate")]
    assert len(errors) == 1, result.stderr
    assert message in errors[0]
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_the_pulumi_program_of_a_style_costs_what_its_sam_template_costs() -> None:
    monthly = []
    for source in (CHOREOGRAPHY, ROOT / "pulumi/orders-choreography"):
        result = costcalc("estimate", source, "--orders-per-month", "1e6", "--format", "json",
                          "--no-samconfig")  # fmt: skip
        assert result.returncode == 0, result.stderr
        document = json.loads(result.stdout, parse_float=Decimal)
        assert [t["template"] for t in document["templates"]] == [str(source)]
        monthly.append(document["monthly_usd"])
    assert monthly[0] == monthly[1]


def test_estimating_a_template_never_imports_pulumi() -> None:
    code = (
        "import sys\nfrom costcalc.cli.main import main\n"
        f"main(['estimate', {str(CHOREOGRAPHY)!r}, '--format', 'json'])\n"
        "assert 'pulumi' not in sys.modules, 'pulumi imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_other_commands_never_import_samtranslator() -> None:
    code = (
        "import sys\nfrom costcalc.cli.main import main\n"
        "main(['compare', '--format', 'json'])\n"
        "assert 'samtranslator' not in sys.modules, 'samtranslator imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
