"""The bundled catalogue: every price sourced and dated, nothing guessed, malformed data refused."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.errors import CatalogueError, MissingPriceError
from costcalc.pricing import catalogue
from costcalc.pricing.catalogue import load_catalogue

BUNDLED = load_catalogue()


def test_the_bundled_catalogue_covers_us_east_1_and_eu_west_1() -> None:
    assert {"us-east-1", "eu-west-1"} <= BUNDLED.regions


def test_every_price_names_an_aws_source_a_seen_date_and_a_usage_type() -> None:
    aws_sources = ("https://aws.amazon.com/", "https://pricing.us-east-1.amazonaws.com/offers/")
    for entry in BUNDLED.entries.values():
        assert entry.source.startswith(aws_sources), entry
        assert dt.date(2024, 11, 1) <= entry.seen <= dt.date.today(), entry
        assert entry.usagetype, entry
        assert entry.unit, entry


def test_every_us_east_1_item_is_priced_and_eu_west_1_only_where_sourced() -> None:
    items = {(service, item) for service, item, _ in BUNDLED.entries}
    assert all((s, i, "us-east-1") in BUNDLED.entries for s, i in items)
    unpriced = {f"{s}/{i}" for s, i in items if (s, i, "eu-west-1") not in BUNDLED.entries}
    assert unpriced == {  # no citable source found for these (YAML comments say what was tried)
        "dynamodb/write-request-units",
        "dynamodb/read-request-units",
        "cloudwatch/logs-ingestion-vended",
        "stepfunctions/express-requests",
        "stepfunctions/express-duration",
        "lambda/ephemeral-storage",
        # the analytics context: us-east-1 only (see each service file's notes)
        "firehose/ingestion-direct-put",
        "s3/standard-storage",
        "s3/put-requests",
        "s3/get-requests",
        "athena/data-scanned",
        # AppSync GraphQL: us-east-1 only (see appsync.yaml)
        "appsync/requests",
        "appsync/realtime-updates",
        "appsync/connection-minutes",
    }


def test_eu_west_1_logs_ingestion_is_its_own_price_not_a_copy() -> None:
    price = BUNDLED.price("cloudwatch", "logs-ingestion-standard", "eu-west-1")
    assert price.tiers[0].usd == Decimal("0.57")


def test_every_free_allowance_names_items_that_exist() -> None:
    items = {(service, item) for service, item, _ in BUNDLED.entries}
    for allowance in BUNDLED.allowances:
        assert all((allowance.service, item) in items for item in allowance.items), allowance


def test_an_item_priced_nowhere_is_refused_by_name() -> None:
    with pytest.raises(MissingPriceError, match="no item lambda/teleport in any region"):
        BUNDLED.price("lambda", "teleport", "us-east-1")


def test_an_unknown_service_lists_the_known_ones() -> None:
    with pytest.raises(CatalogueError, match=r"no prices for service 'quantum'.*lambda"):
        load_catalogue(["quantum"])


def test_the_first_price_directory_with_a_service_file_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "ses.yaml").write_text(
        "service: ses\nservicecode: AmazonSES\n"
        "source: https://pricing.us-east-1.amazonaws.com/\nitems:\n"
        "  - item: outbound-emails\n    description: d\n    unit: message\n"
        "    usagetype: Message\n    regions:\n      us-east-1:\n        seen: '2026-01-02'\n"
        "        published: '2026-01-01'\n        tiers: [{from: '0', to: null, usd: '0.0002'}]\n"
    )
    monkeypatch.setattr(
        catalogue, "price_directories", lambda: [tmp_path, catalogue.BUNDLED_DATA / "prices"]
    )
    catalogue._load.cache_clear()
    try:
        entry = load_catalogue(["ses"]).price("ses", "outbound-emails", "us-east-1")
    finally:
        catalogue._load.cache_clear()
    assert (entry.tiers[0].usd, entry.published) == (Decimal("0.0002"), dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    ("tiers", "message"),
    [
        ("[{from: '0', to: '10', usd: '1'}]", "last tier must be open-ended"),
        ("[{from: '5', to: null, usd: '1'}]", "contiguous from 0"),
        ("[{from: '0', to: null, usd: 1.5}]", "must be a quoted decimal string"),
        ("[{from: '0', to: null, usd: 'cheap'}]", "'cheap' is not a decimal number"),
    ],
)
def test_malformed_tiers_are_refused_with_the_file_and_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tiers: str, message: str
) -> None:
    (tmp_path / "ses.yaml").write_text(
        "service: ses\nservicecode: AmazonSES\nsource: s\nitems:\n"
        "  - item: outbound-emails\n    description: d\n"
        "    unit: message\n    usagetype: Message\n    regions:\n      us-east-1:\n"
        f"        seen: '2026-01-02'\n        tiers: {tiers}\n"
    )
    monkeypatch.setattr(catalogue, "price_directories", lambda: [tmp_path])
    catalogue._load.cache_clear()
    try:
        with pytest.raises(CatalogueError, match=message) as raised:
            load_catalogue(["ses"])
    finally:
        catalogue._load.cache_clear()
    assert "ses.yaml: outbound-emails in us-east-1" in str(raised.value)
