"""A refresh writes what the Price List API says, in the catalogue's schema, all or nothing."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
from botocore.stub import Stubber
from mypy_boto3_pricing import PricingClient

from costcalc.pricing import catalogue
from costcalc.pricing.age import PRICE_LIST_API
from costcalc.pricing.catalogue import load_catalogue, read_yaml
from costcalc.pricing.price_list import PriceListError
from costcalc.pricing.refresh import BUNDLED_PRICES, bundled_services, refresh, write
from tests.costcalc.price_list_answers import US_EAST_1, in_region, stub_refresh

TODAY = dt.date(2026, 12, 4)  # after every bundled price was seen, so the refresh wins
SERVICECODES = {
    service: read_yaml(BUNDLED_PRICES / f"{service}.yaml")["servicecode"]
    for service in bundled_services()
}
#: The pricing page rounds Express duration to 0.0600 / 0.0300 / 0.01642 per GB-hour; the API
#: bills 0.00001667 / 0.00000833 / 0.00000456 per GB-second, i.e. 0.060012 / 0.029988 / 0.016416.
ROUNDED_ON_THE_PRICING_PAGE = {("stepfunctions", "express-duration")}


def refresh_all(pricing: PricingClient, target: Path, messages: list[str]) -> dict[str, str]:
    return refresh(
        pricing, list(SERVICECODES), ["us-east-1"], target, today=TODAY, progress=messages.append
    )


def test_what_refresh_writes_reproduces_the_bundled_prices(
    stubbed: tuple[PricingClient, Stubber], cache_dir: Path
) -> None:
    pricing, stubber = stubbed
    stub_refresh(stubber, SERVICECODES, US_EAST_1, ["us-east-1"])
    messages: list[str] = []
    write(cache_dir / "prices", refresh_all(pricing, cache_dir / "prices", messages))
    stubber.assert_no_pending_responses()

    bundled = {k: v for k, v in load_catalogue().entries.items() if k[2] == "us-east-1"}
    catalogue._load.cache_clear()
    refreshed = {k: v for k, v in load_catalogue().entries.items() if k[2] == "us-east-1"}
    assert set(refreshed) == set(bundled)
    for key, entry in refreshed.items():
        assert (entry.source, entry.seen, entry.published) == (
            PRICE_LIST_API,
            TODAY,
            dt.date(2026, 11, 20),
        )
        assert (entry.unit, entry.usagetype) == (bundled[key].unit, bundled[key].usagetype)
        if key[:2] not in ROUNDED_ON_THE_PRICING_PAGE:
            assert entry.tiers == bundled[key].tiers, key
    express = refreshed["stepfunctions", "express-duration", "us-east-1"]
    assert [t.usd for t in express.tiers] == [D("0.060012"), D("0.029988"), D("0.016416")]
    assert messages[:2] == [
        f"[1/{len(SERVICECODES)}] apigateway: 2 items in us-east-1",
        f"[1/{len(SERVICECODES)}] apigateway: 2 prices, published 2026-11-20",
    ]


def test_an_interrupted_refresh_leaves_the_old_cache_intact(
    stubbed: tuple[PricingClient, Stubber], cache_dir: Path
) -> None:
    pricing, stubber = stubbed
    old = cache_dir / "prices" / "lambda.yaml"
    old.parent.mkdir(parents=True)
    old.write_text((BUNDLED_PRICES / "lambda.yaml").read_text())
    before = old.read_bytes()
    stub_refresh(stubber, {"apigateway": "AmazonApiGateway"}, US_EAST_1, ["us-east-1"])
    stubber.add_client_error("get_products", "ThrottlingException", "Rate exceeded")
    with pytest.raises(Exception, match="Rate exceeded"):
        refresh(
            pricing,
            ["apigateway", "lambda"],
            ["us-east-1"],
            cache_dir / "prices",
            today=TODAY,
            progress=print,
        )
    assert old.read_bytes() == before
    assert sorted(p.name for p in old.parent.iterdir()) == ["lambda.yaml"]


def test_a_refusal_in_a_later_service_writes_nothing(
    stubbed: tuple[PricingClient, Stubber], cache_dir: Path
) -> None:
    pricing, stubber = stubbed
    without_xray = [o for o in US_EAST_1 if o.servicecode != "AWSXRay"]
    stub_refresh(stubber, SERVICECODES, without_xray, ["us-east-1"])
    with pytest.raises(PriceListError, match="xray/traces-recorded in us-east-1"):
        refresh_all(pricing, cache_dir / "prices", [])
    assert not (cache_dir / "prices").exists()


def test_a_second_refresh_keeps_the_cached_regions_it_did_not_fetch(
    stubbed: tuple[PricingClient, Stubber], cache_dir: Path
) -> None:
    pricing, stubber = stubbed
    target = cache_dir / "prices"
    lambda_only = {"lambda": "AWSLambda"}
    stub_refresh(stubber, lambda_only, US_EAST_1, ["us-east-1"])
    earlier = TODAY - dt.timedelta(days=1)  # the second refresh's day is no later than today
    write(
        target, refresh(pricing, ["lambda"], ["us-east-1"], target, today=earlier, progress=print)
    )
    eu = [o for o in US_EAST_1 if o.servicecode == "AWSLambda"]
    stub_refresh(stubber, lambda_only, in_region(eu, "eu-central-1", "EUC1"), ["eu-central-1"])
    write(
        target, refresh(pricing, ["lambda"], ["eu-central-1"], target, today=TODAY, progress=print)
    )
    entries = load_catalogue(["lambda"]).entries
    assert entries["lambda", "requests-x86", "us-east-1"].seen == earlier
    assert entries["lambda", "requests-x86", "eu-central-1"].seen == TODAY
    assert entries["lambda", "requests-x86", "eu-west-1"].source.startswith("https://aws.amazon")


def test_write_bundled_regenerates_the_files_and_keeps_their_leading_notes(
    stubbed: tuple[PricingClient, Stubber], tmp_path: Path
) -> None:
    pricing, stubber = stubbed
    bundled_copy = tmp_path / "bundled"
    shutil.copytree(BUNDLED_PRICES, bundled_copy)
    stub_refresh(stubber, {"sqs": "AWSQueueService"}, US_EAST_1, ["us-east-1"])
    write(
        bundled_copy,
        refresh(pricing, ["sqs"], ["us-east-1"], bundled_copy, today=TODAY, progress=print),
    )
    text = (bundled_copy / "sqs.yaml").read_text()
    assert text.startswith("# Amazon SQS standard queues")
    document = read_yaml(bundled_copy / "sqs.yaml")
    regions = document["items"][0]["regions"]
    assert regions["us-east-1"]["source"] == PRICE_LIST_API
    assert regions["us-east-1"]["published"] == "2026-11-20"
    assert regions["eu-west-1"]["seen"] == "2025-08-01"  # not fetched: kept as it was
