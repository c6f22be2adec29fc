"""`costcalc prices show|refresh` and the price-age warning every other command carries."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest
from botocore.stub import Stubber
from mypy_boto3_pricing import PricingClient

from costcalc.cli.main import main
from costcalc.pricing import price_list as pricelist
from costcalc.pricing import refresh as price_refresh
from costcalc.pricing.price_list import fetch_service
from costcalc.pricing.refresh import BUNDLED_PRICES
from tests.costcalc.helpers import run_costcalc
from tests.costcalc.price_list_answers import US_EAST_1, stub_refresh

SQS = ("price", "sqs", "--requests", "3e6")


def costcalc(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the real command; an empty value in ``env`` removes that variable."""
    merged = {**os.environ, **env}
    return run_costcalc(*args, env={key: value for key, value in merged.items() if value})


def digest(folder: Path) -> str:
    files = sorted(folder.rglob("*"))
    return hashlib.sha256(b"".join(p.name.encode() + p.read_bytes() for p in files)).hexdigest()


@pytest.fixture
def stubber(stubbed: tuple[PricingClient, Stubber], monkeypatch: pytest.MonkeyPatch) -> Stubber:
    """`prices refresh` talks to a real botocore client whose answers are stubbed."""
    client, stub = stubbed
    monkeypatch.setattr(pricelist, "make_client", lambda endpoint_region: client)
    return stub


def test_show_lists_each_price_with_its_source_and_dates() -> None:
    result = costcalc("prices", "show", "--service", "sqs", COSTCALC_TODAY="2025-09-01")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Prices used in us-east-1"
    assert lines[2].split() == [
        "service", "item", "unit", "tier", "USD", "per", "unit", "source", "published", "seen"
    ]  # fmt: skip
    assert lines[4].split() == [
        "sqs", "standard-requests", "request", "0", "to", "100,000,000,000", "0.0000004",
        "bundled", "-", "2025-08-01",
    ]  # fmt: skip
    assert "Warning" not in result.stdout


def test_show_warns_when_prices_are_older_than_90_days() -> None:
    result = costcalc("prices", "show", "--service", "ses", COSTCALC_TODAY="2025-11-01")
    assert result.stdout.splitlines()[-1] == (
        "Warning: prices last seen 2025-08-01 are 92 days old (more than 90); "
        "run `costcalc prices refresh` to fetch current ones"
    )


def test_show_json_is_one_object_with_exact_prices_and_ages() -> None:
    result = costcalc(
        "prices", "show", "--region", "eu-west-1", "--service", "lambda", "--format", "json",
        COSTCALC_TODAY="2025-08-11",
    )  # fmt: skip
    document = json.loads(result.stdout)
    arm = next(p for p in document["prices"] if p["item"] == "duration-arm64")
    assert arm["tiers"][1] == {"from": "7500000000", "to": "18750000000", "usd": "0.0000120001"}
    assert (arm["source"], arm["published"], arm["seen"]) == (
        "https://aws.amazon.com/lambda/pricing/",
        None,
        "2025-08-01",
    )
    assert (arm["age_days"], arm["stale"], document["warnings"]) == (10, False, [])
    assert "ephemeral-storage" not in {p["item"] for p in document["prices"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--region", "mars-1"),
            "unknown region 'mars-1'; the catalogue has prices for: eu-west-1",
        ),
        (("--service", "ec2"), "unknown service 'ec2'; accepted: apigateway, appsync, athena"),
    ],
)
def test_show_refuses_an_unknown_region_or_service_in_one_line(
    args: tuple[str, ...], message: str
) -> None:
    result = costcalc("prices", "show", *args)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"costcalc prices show: error: {message}")
    assert result.stderr.count("\n") == 1


def test_refresh_without_credentials_says_so_in_one_line_and_touches_nothing(
    cache_dir: Path, tmp_path: Path
) -> None:
    bundled_before = digest(BUNDLED_PRICES)
    result = costcalc(
        "prices", "refresh", "--service", "sqs",
        AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY="", AWS_SESSION_TOKEN="", AWS_PROFILE="",
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"), AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_EC2_METADATA_DISABLED="true", AWS_CONTAINER_CREDENTIALS_FULL_URI="",
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "costcalc prices refresh: error: no AWS credentials found; the Price List API needs an "
        "identity allowed pricing:GetProducts (any account will do); nothing was changed"
    )
    assert not cache_dir.exists()
    assert digest(BUNDLED_PRICES) == bundled_before


def test_refresh_reports_progress_per_service_and_later_runs_price_with_the_cache(
    stubber: Stubber,
    cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stub_refresh(stubber, {"sqs": "AWSQueueService", "ses": "AmazonSES"}, US_EAST_1, ["us-east-1"])
    monkeypatch.setenv("COSTCALC_TODAY", "2026-11-24")
    assert (
        main(["prices", "refresh", "--region", "us-east-1", "--service", "sqs", "--service", "ses"])
        == 0
    )
    stderr = capsys.readouterr().err.splitlines()
    assert stderr[:4] == [
        "[1/2] sqs: 1 items in us-east-1",
        "[1/2] sqs: 1 prices, published 2026-11-20",
        "[2/2] ses: 1 items in us-east-1",
        "[2/2] ses: 1 prices, published 2026-11-20",
    ]
    assert stderr[4:] == [f"wrote {cache_dir / 'prices' / n}" for n in ("sqs.yaml", "ses.yaml")]

    result = costcalc(*SQS, COSTCALC_TODAY="2027-02-22")
    assert result.stdout.splitlines()[-2:] == [
        "Prices as of 2026-11-24 (refreshed from the AWS Price List API), from AWS Price List API",
        "Free tier not applied (marginal cost; --free-tier applies always-free units)",
    ]
    shown = costcalc("prices", "show", "--service", "sqs", "--format", "csv")
    assert shown.stdout.splitlines()[1].split(",")[7:9] == ["AWS Price List API", "2026-11-20"]


def test_a_refused_refresh_exits_non_zero_in_one_line_and_writes_nothing(
    stubber: Stubber, cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stub_refresh(stubber, {"ses": "AmazonSES"}, [], ["us-east-1"])
    assert main(["prices", "refresh", "--region", "us-east-1", "--service", "ses"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "costcalc prices refresh: error: ses/outbound-emails in us-east-1: the Price List API has "
        "no on-demand price for usage type USE1-Recipients or Recipients; nothing was written"
    )
    assert not cache_dir.exists()


def test_refresh_refuses_an_unknown_region_before_asking(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["prices", "refresh", "--region", "mars-1"]) == 2
    assert "--region 'mars-1': accepted regions are ap-northeast-1" in capsys.readouterr().err


def test_every_price_command_warns_about_stale_prices_in_its_output() -> None:
    table = costcalc(*SQS, COSTCALC_TODAY="2025-11-01")
    assert "Warning: prices last seen 2025-08-01 are 92 days old" in table.stdout
    fresh = costcalc(*SQS, COSTCALC_TODAY="2025-10-30")
    assert "Warning" not in fresh.stdout
    document = json.loads(costcalc(*SQS, "--format", "json", COSTCALC_TODAY="2025-11-01").stdout)
    assert document["prices_source"] == "bundled catalogue"
    assert document["warnings"] == [table.stdout.split("Warning: ")[1].splitlines()[0]]
    csv_run = costcalc(*SQS, "--format", "csv", COSTCALC_TODAY="2025-11-01")
    assert "Warning" not in csv_run.stdout
    assert csv_run.stderr.startswith("costcalc price sqs: warning: prices last seen 2025-08-01")


def test_an_interrupted_refresh_says_so_and_writes_nothing(
    stubber: Stubber,
    cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stub_refresh(stubber, {"sqs": "AWSQueueService"}, US_EAST_1, ["us-east-1"])
    calls: list[str] = []

    def interrupted_on_the_second_service(*args: object, **kwargs: object) -> object:
        calls.append("fetch")
        if len(calls) == 2:
            raise KeyboardInterrupt
        return fetch_service(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(price_refresh, "fetch_service", interrupted_on_the_second_service)
    argv = ["prices", "refresh", "--region", "us-east-1", "--service", "sqs", "--service", "ses"]
    assert main(argv) == 130
    assert capsys.readouterr().err.splitlines()[-1] == (
        "costcalc prices refresh: interrupted; nothing was changed"
    )
    assert not cache_dir.exists()


def _cached_sqs(seen: str) -> str:
    return (
        "service: sqs\ntitle: Amazon SQS\nservicecode: AWSQueueService\nsource: s\nitems:\n"
        "  - item: standard-requests\n    description: d\n    unit: request\n"
        "    usagetype: Requests-RBP\n    regions:\n      us-east-1:\n"
        f"        seen: '{seen}'\n        tiers: [{{from: '0', to: null, usd: '0.000001'}}]\n"
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"items: [\n", "not a readable price file"),
        (b"service: sqs\n\xff\xfe\n", "not a readable price file"),
        (_cached_sqs("2026-01-01").replace("tiers: [", "tiers: [7, ").encode(), "tier: expected"),
        (b"service: sqs\nservicecode: s\nsource: s\nitems:\n  - item: i\n    regions:\n"
         b"      us-east-1: 5\n", "us-east-1: expected a mapping"),
    ],
    ids=["broken-yaml", "not-utf-8", "tier-not-a-mapping", "region-not-a-mapping"],
)  # fmt: skip
@pytest.mark.parametrize("command", [SQS, ("prices", "show", "--service", "sqs")])
def test_a_corrupt_price_cache_is_one_line_exit_2_and_left_as_it_is(
    cache_dir: Path, content: bytes, problem: str, command: tuple[str, ...]
) -> None:
    cached = cache_dir / "prices" / "sqs.yaml"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(content)
    result = costcalc(*command)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"costcalc {' '.join(command[:2])}: error: {cached}")
    assert problem in line
    assert cached.read_bytes() == content


def test_a_cached_price_seen_after_today_is_refused_not_preferred(cache_dir: Path) -> None:
    cached = cache_dir / "prices" / "sqs.yaml"
    cached.parent.mkdir(parents=True)
    cached.write_text(_cached_sqs("2027-03-01"))
    result = costcalc(*SQS, COSTCALC_TODAY="2026-12-01")
    assert result.returncode == 2, result.stdout
    assert result.stderr.splitlines() == [
        f"costcalc price sqs: error: {cached}: sqs/standard-requests in us-east-1 was seen "
        "2027-03-01, after today (2026-12-01); a cached price cannot come from the future: "
        "remove it (`costcalc prices refresh` then writes a new one)"
    ]
    assert costcalc(*SQS, COSTCALC_TODAY="2027-03-01").returncode == 0
