"""The real `costcalc price`: output formats, exact JSON, and one-line refusals with exit 2."""

import csv
import io
import json
import re
from decimal import Decimal

import pytest

from tests.costcalc.helpers import run_costcalc as costcalc

LAMBDA = ("price", "lambda", "--requests", "3e6", "--duration-ms", "120", "--memory-mb", "1536")


def test_json_output_is_one_object_with_exact_decimals() -> None:
    result = costcalc(*LAMBDA, "--format", "json", "--free-tier")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout, parse_float=Decimal)
    assert set(document) >= {"region", "free_tier", "prices_as_of", "monthly_usd", "lines"}
    assert (document["region"], document["free_tier"]) == ("us-east-1", True)
    assert document["monthly_usd"] == Decimal("2.733338")
    duration = document["lines"][-1]
    assert {key: duration[key] for key in ("item", "quantity", "unit_price_usd")} == {
        "item": "duration-x86",
        "quantity": 140000,
        "unit_price_usd": Decimal("0.0000166667"),
    }
    assert '"unit_price_usd": 0.0000166667' in result.stdout


def test_table_output_shows_lines_total_price_date_and_free_tier_choice() -> None:
    result = costcalc(*LAMBDA)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "AWS Lambda in us-east-1, monthly (USD)"
    assert any(line.startswith("total") and line.endswith("9.60") for line in lines)
    assert "Prices as of 2025-08-01" in result.stdout
    assert "Free tier not applied" in result.stdout


def test_csv_output_has_a_header_exact_values_and_a_total_row() -> None:
    result = costcalc("price", "sqs", "--requests", "3_000_000", "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == [
        "service",
        "item",
        "tier",
        "quantity",
        "unit",
        "unit_price_usd",
        "monthly_usd",
    ]
    assert rows[1][3:] == ["3000000", "request", "0.0000004", "1.2"]
    assert rows[-1] == ["total", "", "", "", "", "", "1.2"]


def test_markdown_output_is_a_table() -> None:
    result = costcalc("price", "xray", "--traces", "250000", "--format", "markdown")
    assert "| service | item | tier | quantity | unit | unit price | monthly USD |" in result.stdout
    assert "| **total** |  |  |  |  |  | **1.25** |" in result.stdout


def test_stepfunctions_express_needs_its_figures() -> None:
    result = costcalc("price", "stepfunctions", "--workflow", "express", "--requests", "10")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("--workflow express needs --duration-ms")


def test_stepfunctions_refuses_flags_of_the_other_workflow_type() -> None:
    result = costcalc("price", "stepfunctions", "--transitions", "10", "--requests", "10")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("--workflow standard does not take --requests")


def test_help_teaches_with_examples() -> None:
    result = costcalc("price", "lambda", "--help")
    assert "costcalc price lambda --requests 3e6" in result.stdout
    assert "--cold-start-rate" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--requests", "-5"), "--requests -5: accepted values are 0 to"),
        (("--requests", "lots"), "'lots' is not a number"),
        (("--requests", "1e99"), "1e99 is not accepted: figures are at most 1e12"),
        (("--requests", "1e13"), "1e13 is not accepted: figures are at most 1e12"),
        (("--requests", "9" * 5000), "99999999999999999999...(5,000 characters) is not accepted"),
        (("--requests", "0." + "1" * 5000), "0.111111111111111111...(5,002 characters) is not"),
        (("--requests", "nan"), "'nan' is not a number"),
        (("--memory-mb", "64"), "--memory-mb 64: accepted values are 128 to 10,240"),
        (("--ephemeral-storage-mb", "20000"), "--ephemeral-storage-mb 20000"),
        (("--arch", "sparc"), "--arch 'sparc': accepted values are x86_64, arm64"),
        (("--region", "mars-1"), "unknown region 'mars-1'"),
        (("--format", "xml"), "invalid choice: 'xml'"),
        (("--region", "eu-west-1", "--ephemeral-storage-mb", "1024"), "in eu-west-1"),
    ],
)
def test_bad_input_is_one_line_exit_2_no_traceback(args: tuple[str, ...], message: str) -> None:
    base = dict(zip(LAMBDA[2::2], LAMBDA[3::2], strict=True))
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    result = costcalc("price", "lambda", *[part for pair in base.items() for part in pair])
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unknown_service_is_refused_naming_the_accepted_ones() -> None:
    result = costcalc("price", "lightsail", "--requests", "1")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert "invalid choice: 'lightsail'" in result.stderr
    assert "'apigw-http'" in result.stderr


def test_price_without_a_service_says_what_to_do() -> None:
    result = costcalc("price")
    assert (result.returncode, result.stderr.count("\n")) == (2, 1)
    assert "name a service" in result.stderr


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "markdown"])
def test_a_figure_of_minus_zero_is_priced_as_zero_never_minus_zero(fmt: str) -> None:
    result = costcalc(
        "price", "lambda", "--requests", "-0", "--duration-ms", "1", "--memory-mb", "128",
        "--format", fmt,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert not re.search(r"(?<![\w.])-0(\.0*)?(?![\d.])", result.stdout), result.stdout


def test_price_eventbridge_bills_gb_archived_and_archive_storage() -> None:
    result = costcalc(
        "price", "eventbridge", "--events", "5e6", "--archived-gb", "50",
        "--archive-storage-gb-months", "600", "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout, parse_float=Decimal)
    lines = {line["item"]: line["monthly_usd"] for line in document["lines"]}
    assert lines == {
        "custom-events": Decimal(5),
        "archive-processing": Decimal(5),
        "archive-storage": Decimal("13.8"),
    }


def test_price_eventbridge_help_names_the_archive_flags() -> None:
    result = costcalc("price", "eventbridge", "--help")
    assert "--archived-gb" in result.stdout
    assert "--archive-storage-gb-months" in result.stdout
    assert "retention days / (730 / 24)" in result.stdout


def test_a_negative_gb_archived_is_one_line_and_exit_2() -> None:
    result = costcalc("price", "eventbridge", "--events", "0", "--archived-gb", "-1")
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "--archived-gb -1" in result.stderr
