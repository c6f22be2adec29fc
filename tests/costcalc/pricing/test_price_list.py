"""Reading the Price List API's answer shape; refusing what the billing rules cannot use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from botocore.stub import Stubber
from mypy_boto3_pricing import PricingClient

from costcalc.pricing.catalogue import Tier, load_catalogue
from costcalc.pricing.price_list import (
    ItemDefinition,
    PriceListError,
    fetch_service,
    parse_price_item,
    usage_type_names,
)
from tests.costcalc.price_list_answers import US_EAST_1, Offer, answer, flat, in_region, price_item

LAMBDA_ITEMS = [
    ItemDefinition("lambda", "requests-x86", "AWSLambda", "Request"),
    ItemDefinition("lambda", "duration-arm64", "AWSLambda", "Lambda-GB-Second-ARM"),
]
ALLOWANCES = load_catalogue([]).allowances


def lambda_offers(region: str = "us-east-1", prefix: str = "USE1") -> list[Offer]:
    offers = [o for o in US_EAST_1 if o.servicecode == "AWSLambda"]
    return offers if prefix == "USE1" else in_region(offers, region, prefix)


def test_a_price_item_is_a_json_string_with_product_terms_and_publication_date() -> None:
    product = parse_price_item(price_item(US_EAST_1[2], "TG3M4CAGBA3NYQBH"))
    assert (product.sku, product.usagetype, product.region) == (
        "TG3M4CAGBA3NYQBH",
        "USE1-Lambda-GB-Second",
        "us-east-1",
    )
    assert product.published == dt.date(2026, 11, 20)
    assert [(d.begin, d.end, d.unit, d.usd) for d in product.dimensions] == [
        (D(0), D(6_000_000_000), "Lambda-GB-Second", D("0.0000166667")),
        (D(6_000_000_000), D(15_000_000_000), "Lambda-GB-Second", D("0.0000150000")),
        (D(15_000_000_000), None, "Lambda-GB-Second", D("0.0000133334")),
    ]


def test_an_unreadable_price_item_is_refused_naming_what_was_wrong() -> None:
    with pytest.raises(PriceListError, match=r"cannot read.*publicationDate"):
        parse_price_item('{"product": {"sku": "X", "attributes": {}}, "terms": {"OnDemand": {}}}')


def test_usage_types_carry_the_region_prefix_and_us_east_1_also_accepts_none() -> None:
    assert usage_type_names("eu-west-1", "Lambda-GB-Second-ARM") == ("EU-Lambda-GB-Second-ARM",)
    assert usage_type_names("eu-central-1", "Request") == ("EUC1-Request",)
    assert usage_type_names("us-east-1", "Request") == ("USE1-Request", "Request")


def test_fetch_filters_by_service_code_region_and_usage_types_and_reads_every_page(
    stubbed: tuple[PricingClient, Stubber],
) -> None:
    pricing, stubber = stubbed
    offers = lambda_offers("eu-west-1", "EU")
    filters = [
        {"Type": "TERM_MATCH", "Field": "regionCode", "Value": "eu-west-1"},
        {"Type": "ANY_OF", "Field": "usagetype", "Value": "EU-Lambda-GB-Second-ARM,EU-Request"},
    ]
    expected = {"ServiceCode": "AWSLambda", "Filters": filters, "FormatVersion": "aws_v1"}
    stubber.add_response("get_products", answer(offers[:3], next_token="page-2"), expected)
    stubber.add_response("get_products", answer(offers[3:]), {**expected, "NextToken": "page-2"})
    fetched = fetch_service(pricing, LAMBDA_ITEMS, ["eu-west-1"], ALLOWANCES)
    assert [(f.item.item, f.region, f.tiers[0].usd) for f in fetched] == [
        ("requests-x86", "eu-west-1", D("0.0000002")),
        ("duration-arm64", "eu-west-1", D("0.0000133334")),
    ]
    assert fetched[1].tiers[1] == Tier(D(7_500_000_000), D(18_750_000_000), D("0.0000120001"))
    assert fetched[0].published == dt.date(2026, 11, 20)


def test_a_missing_price_is_refused_naming_the_item_and_usage_type(
    stubbed: tuple[PricingClient, Stubber],
) -> None:
    pricing, stubber = stubbed
    stubber.add_response("get_products", answer(lambda_offers()[1:]))  # no USE1-Request
    with pytest.raises(PriceListError) as refused:
        fetch_service(pricing, LAMBDA_ITEMS, ["us-east-1"], ALLOWANCES)
    assert str(refused.value) == (
        "lambda/requests-x86 in us-east-1: the Price List API has no on-demand price for usage "
        "type USE1-Request or Request; nothing was written"
    )


def test_a_price_in_another_unit_than_the_rule_expects_is_refused(
    stubbed: tuple[PricingClient, Stubber],
) -> None:
    pricing, stubber = stubbed
    offers = lambda_offers()
    offers[3] = Offer("AWSLambda", "USE1-Lambda-GB-Second-ARM", "GB-Hours", offers[3].bands)
    stubber.add_response("get_products", answer(offers))
    with pytest.raises(PriceListError, match=r"duration-arm64 in us-east-1: .* per 'GB-Hours', "):
        fetch_service(pricing, LAMBDA_ITEMS, ["us-east-1"], ALLOWANCES)


def test_tiers_with_a_gap_are_refused(stubbed: tuple[PricingClient, Stubber]) -> None:
    pricing, stubber = stubbed
    offers = lambda_offers()
    gap = [("0", "7500000000", "0.0000133334"), ("8000000000", "Inf", "0.0000120001")]
    offers[3] = Offer("AWSLambda", "USE1-Lambda-GB-Second-ARM", "Lambda-GB-Second", gap)
    stubber.add_response("get_products", answer(offers))
    with pytest.raises(PriceListError, match="not contiguous from 0 to Inf"):
        fetch_service(pricing, LAMBDA_ITEMS, ["us-east-1"], ALLOWANCES)


def test_two_products_pricing_one_item_differently_are_refused_as_ambiguous(
    stubbed: tuple[PricingClient, Stubber],
) -> None:
    pricing, stubber = stubbed
    offers = [*lambda_offers(), flat("AWSLambda", "Request", "Requests", "0.0000003")]
    stubber.add_response("get_products", answer(offers))
    with pytest.raises(PriceListError, match=r"requests-x86 in us-east-1: 2 products \(SKU0000"):
        fetch_service(pricing, LAMBDA_ITEMS, ["us-east-1"], ALLOWANCES)


def test_a_free_first_band_equal_to_the_allowance_is_left_to_free_tier(
    stubbed: tuple[PricingClient, Stubber],
) -> None:
    pricing, stubber = stubbed
    sns = [o for o in US_EAST_1 if o.usagetype == "USE1-Requests-Tier1"]
    stubber.add_response("get_products", answer(sns))
    item = ItemDefinition("sns", "publish-requests", "AmazonSNS", "Requests-Tier1")
    [fetched] = fetch_service(pricing, [item], ["us-east-1"], ALLOWANCES)
    assert fetched.tiers == (Tier(D(0), None, D("0.0000005")),)


def test_a_free_first_band_unlike_the_allowance_is_refused(
    stubbed: tuple[PricingClient, Stubber],
) -> None:
    pricing, stubber = stubbed
    bands = [("0", "2000000", "0"), ("2000000", "Inf", "0.0000005")]
    stubber.add_response(
        "get_products", answer([Offer("AmazonSNS", "USE1-Requests-Tier1", "Requests", bands)])
    )
    item = ItemDefinition("sns", "publish-requests", "AmazonSNS", "Requests-Tier1")
    with pytest.raises(PriceListError, match="free band of 2000000 Requests"):
        fetch_service(pricing, [item], ["us-east-1"], ALLOWANCES)


def test_express_duration_per_gb_second_becomes_the_catalogues_gb_hour(
    stubbed: tuple[PricingClient, Stubber],
) -> None:
    pricing, stubber = stubbed
    express = [o for o in US_EAST_1 if o.usagetype == "USE1-StepFunctions-GB-Second"]
    stubber.add_response("get_products", answer(express))
    item = ItemDefinition(
        "stepfunctions", "express-duration", "AmazonStates", "StepFunctions-GB-Second"
    )
    [fetched] = fetch_service(pricing, [item], ["us-east-1"], ALLOWANCES)
    assert fetched.tiers == (
        Tier(D(0), D(1000), D("0.060012")),
        Tier(D(1000), D(5000), D("0.029988")),
        Tier(D(5000), None, D("0.016416")),
    )


def test_a_global_meter_is_asked_once_without_a_region_and_priced_in_every_region(
    stubbed: tuple[PricingClient, Stubber],
) -> None:
    pricing, stubber = stubbed
    dashboards = [o for o in US_EAST_1 if o.usagetype == "DashboardsUsageHour-Basic"]
    global_filter = [{"Type": "ANY_OF", "Field": "usagetype", "Value": "DashboardsUsageHour-Basic"}]
    stubber.add_response(
        "get_products",
        answer(dashboards),
        {"ServiceCode": "AmazonCloudWatch", "Filters": global_filter, "FormatVersion": "aws_v1"},
    )
    item = ItemDefinition(
        "cloudwatch", "dashboards", "AmazonCloudWatch", "DashboardsUsageHour-Basic"
    )
    fetched = fetch_service(pricing, [item], ["us-east-1", "eu-west-1"], ALLOWANCES)
    assert [(f.region, f.tiers) for f in fetched] == [
        ("us-east-1", (Tier(D(0), None, D(3)),)),
        ("eu-west-1", (Tier(D(0), None, D(3)),)),
    ]


def test_a_region_without_a_known_prefix_is_refused(stubbed: tuple[PricingClient, Stubber]) -> None:
    pricing, _ = stubbed
    with pytest.raises(PriceListError, match="region 'mars-1' has no known usage-type prefix"):
        fetch_service(pricing, LAMBDA_ITEMS, ["mars-1"], ALLOWANCES)


def test_an_unknown_usage_type_is_refused_before_asking(
    stubbed: tuple[PricingClient, Stubber],
) -> None:
    pricing, _ = stubbed
    item = ItemDefinition("lambda", "teleport", "AWSLambda", "Teleport-Seconds")
    with pytest.raises(PriceListError, match="no Price List API meter is known for AWSLambda"):
        fetch_service(pricing, [item], ["us-east-1"], ALLOWANCES)


def test_sqs_requests_are_read_under_each_regions_own_spelling(
    stubbed: tuple[PricingClient, Stubber],
) -> None:
    # us-east-1 meters standard requests as Requests-RBP, eu-west-1 as EU-Requests-Tier1
    pricing, stubber = stubbed
    item = ItemDefinition("sqs", "requests", "AWSQueueService", "Requests-RBP")
    tiers = [("0", "100000000000", "0.0000004000"), ("100000000000", "Inf", "0.0000003000")]
    for region, name in (("us-east-1", "USE1-Requests-RBP"), ("eu-west-1", "EU-Requests-Tier1")):
        offer = Offer("AWSQueueService", name, "Requests", tiers, region=region)
        stubber.add_response("get_products", answer([offer]))
    fetched = fetch_service(pricing, [item], ["us-east-1", "eu-west-1"], ALLOWANCES)
    assert [(f.region, f.tiers[0].usd) for f in fetched] == [
        ("us-east-1", D("0.0000004")),
        ("eu-west-1", D("0.0000004")),
    ]


def test_archive_processing_and_storage_are_read_per_gb_and_per_gb_month(
    stubbed: tuple[PricingClient, Stubber],
) -> None:
    pricing, stubber = stubbed
    items = [
        ItemDefinition("eventbridge", "archive-processing", "AWSEvents", "ArchivedEvents-Bytes"),
        ItemDefinition("eventbridge", "archive-storage", "AWSEvents", "TimedStorage-ByteHrs"),
    ]
    offers = [
        flat("AWSEvents", "EU-ArchivedEvents-Bytes", "GB", "0.10", region="eu-west-1"),
        flat("AWSEvents", "EU-TimedStorage-ByteHrs", "GB-Mo", "0.023", region="eu-west-1"),
    ]
    stubber.add_response("get_products", answer(offers))
    fetched = fetch_service(pricing, items, ["eu-west-1"], ALLOWANCES)
    assert [(f.item.item, f.tiers[0].usd) for f in fetched] == [
        ("archive-processing", D("0.10")),
        ("archive-storage", D("0.023")),
    ]
    wrong = [flat("AWSEvents", "EU-TimedStorage-ByteHrs", "GB", "0.023", region="eu-west-1")]
    stubber.add_response("get_products", answer(wrong))
    with pytest.raises(PriceListError, match=r"per 'GB', the billing rule expects 'GB-Mo'"):
        fetch_service(pricing, items[1:], ["eu-west-1"], ALLOWANCES)
