"""Price List API answers of the real shape, for botocore's Stubber.

``get_products`` returns ``{"FormatVersion": "aws_v1", "PriceList": [...], "NextToken"?}`` where
each PriceList entry is a JSON *string* holding one product, its on-demand terms and the
publication date. The prices below are typed from the AWS pricing pages (as the bundled catalogue
was), in the API's own units and spellings: usage types with their region prefix, ``"Inf"`` as the
last ``endRange``, always-free allowances as a $0 first band where AWS lists them so, Step
Functions Express duration per GB-second.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from botocore.stub import Stubber

PUBLISHED = "2026-11-20T19:09:58Z"
ONE = (("0", "Inf"),)


@dataclass(frozen=True)
class Offer:
    """One product of the answer: where it is sold, its usage type, unit and price bands."""

    servicecode: str
    usagetype: str
    unit: str
    bands: Sequence[tuple[str, str, str]]  # (beginRange, endRange, USD)
    region: str = "us-east-1"
    attributes: Mapping[str, str] = field(default_factory=dict)


def flat(servicecode: str, usagetype: str, unit: str, usd: str, **kw: Any) -> Offer:
    return Offer(servicecode, usagetype, unit, [("0", "Inf", usd)], **kw)


#: One product per service and usage type the calculator prices in us-east-1.
US_EAST_1 = [
    flat("AWSLambda", "USE1-Request", "Requests", "0.0000002"),
    flat("AWSLambda", "USE1-Request-ARM", "Requests", "0.0000002"),
    Offer(
        "AWSLambda",
        "USE1-Lambda-GB-Second",
        "Lambda-GB-Second",
        [
            ("0", "6000000000", "0.0000166667"),
            ("6000000000", "15000000000", "0.0000150000"),
            ("15000000000", "Inf", "0.0000133334"),
        ],
    ),
    Offer(
        "AWSLambda",
        "USE1-Lambda-GB-Second-ARM",
        "Lambda-GB-Second",
        [
            ("0", "7500000000", "0.0000133334"),
            ("7500000000", "18750000000", "0.0000120001"),
            ("18750000000", "Inf", "0.0000106667"),
        ],
    ),
    flat("AWSLambda", "USE1-Lambda-Storage-GB-Second", "GB-Seconds", "0.0000000309"),
    flat("AmazonStates", "USE1-StateTransition", "StateTransitions", "0.0000250000"),
    flat("AmazonStates", "USE1-StepFunctions-Request", "Requests", "0.0000010000"),
    Offer(
        "AmazonStates",
        "USE1-StepFunctions-GB-Second",
        "GB-Seconds",
        [
            ("0", "3600000", "0.0000166700"),
            ("3600000", "18000000", "0.0000083300"),
            ("18000000", "Inf", "0.0000045600"),
        ],
    ),
    flat(
        "AWSEvents",
        "USE1-Event-64K-Chunks",
        "64K-Chunks",
        "0.0000010000",
        attributes={"eventType": "Custom Event"},
    ),
    flat(
        "AWSEvents",
        "USE1-Event-64K-Chunks",
        "64K-Chunks",
        "0.0000010000",
        attributes={"eventType": "Partner Event"},
    ),
    flat("AWSEvents", "USE1-ArchivedEvents-Bytes", "GB", "0.1000000000"),
    flat("AWSEvents", "USE1-TimedStorage-ByteHrs", "GB-Mo", "0.0230000000"),
    Offer(
        "AWSEvents",
        "USE1-Scheduler-Invocation",
        "Invocations",
        [("0", "14000000", "0.0000000000"), ("14000000", "Inf", "0.0000010000")],
    ),
    Offer(
        "AmazonSNS",
        "USE1-Requests-Tier1",
        "Requests",
        [("0", "1000000", "0.0000000000"), ("1000000", "Inf", "0.0000005000")],
    ),
    Offer(
        "AmazonSNS",
        "USE1-DeliveryAttempts-HTTP",
        "Notifications",
        [("0", "100000", "0.0000000000"), ("100000", "Inf", "0.0000006000")],
    ),
    Offer(
        "AmazonSNS",
        "USE1-DeliveryAttempts-SMTP",
        "Notifications",
        [("0", "1000", "0.0000000000"), ("1000", "Inf", "0.0000200000")],
    ),
    flat("AmazonSNS", "USE1-DeliveryAttempts-SQS", "Notifications", "0.0000000000"),
    flat("AmazonSNS", "USE1-DeliveryAttempts-LAMBDA", "Notifications", "0.0000000000"),
    flat("AmazonSES", "USE1-Recipients", "Count", "0.0001000000"),
    Offer(
        "AWSQueueService",
        "USE1-Requests-RBP",
        "Requests",
        [
            ("0", "100000000000", "0.0000004000"),
            ("100000000000", "200000000000", "0.0000003000"),
            ("200000000000", "Inf", "0.0000002400"),
        ],
    ),
    Offer(
        "AmazonApiGateway",
        "USE1-ApiGatewayHttpRequest",
        "Requests",
        [("0", "300000000", "0.0000010000"), ("300000000", "Inf", "0.0000009000")],
    ),
    Offer(
        "AmazonApiGateway",
        "USE1-ApiGatewayRequest",
        "Requests",
        [
            ("0", "333000000", "0.0000035000"),
            ("333000000", "1000000000", "0.0000028000"),
            ("1000000000", "20000000000", "0.0000023800"),
            ("20000000000", "Inf", "0.0000015100"),
        ],
    ),
    flat("AmazonDynamoDB", "USE1-WriteRequestUnits", "WriteRequestUnits", "0.0000006250"),
    flat("AmazonDynamoDB", "USE1-ReadRequestUnits", "ReadRequestUnits", "0.0000001250"),
    flat("AmazonCloudWatch", "USE1-DataProcessing-Bytes", "GB", "0.5000000000"),
    Offer(
        "AmazonCloudWatch",
        "USE1-VendedLog-Bytes",
        "GB",
        [
            ("0", "10240", "0.5000000000"),
            ("10240", "30720", "0.2500000000"),
            ("30720", "51200", "0.1000000000"),
            ("51200", "Inf", "0.0500000000"),
        ],
    ),
    flat("AmazonCloudWatch", "USE1-TimedStorage-ByteHrs", "GB-Mo", "0.0300000000"),
    flat("AmazonCloudWatch", "USE1-CW:AlarmMonitorUsage", "Alarms", "0.1000000000"),
    Offer(
        "AmazonCloudWatch",
        "USE1-CW:MetricMonitorUsage",
        "Metrics",
        [
            ("0", "10000", "0.3000000000"),
            ("10000", "250000", "0.1000000000"),
            ("250000", "1000000", "0.0500000000"),
            ("1000000", "Inf", "0.0200000000"),
        ],
    ),
    flat("AmazonCloudWatch", "DashboardsUsageHour-Basic", "Dashboards", "3.0000000000", region=""),
    flat("AWSXRay", "USE1-XRay-TracesStored", "traces", "0.0000050000"),
    # The analytics context. S3's us-east-1 usage types carry no region prefix.
    Offer(
        "AmazonKinesisFirehose",
        "USE1-BilledBytes",
        "GB",
        [("0", "512000", "0.029"), ("512000", "2048000", "0.025"), ("2048000", "Inf", "0.020")],
        attributes={"group": "Event-by-Event Processing"},
    ),
    Offer(
        "AmazonS3",
        "TimedStorage-ByteHrs",
        "GB-Mo",
        [("0", "51200", "0.023"), ("51200", "512000", "0.022"), ("512000", "Inf", "0.021")],
    ),
    flat("AmazonS3", "Requests-Tier1", "Requests", "0.000005"),
    flat("AmazonS3", "Requests-Tier2", "Requests", "0.0000004"),
    flat("AmazonAthena", "USE1-DataScannedInTB", "Terabytes", "5.00"),
    # AppSync: the catalogue's unconfirmed usage types and units (see appsync.yaml)
    flat("AWSAppSync", "USE1-AppSync-Requests", "Requests", "0.000004"),
    flat("AWSAppSync", "USE1-AppSync-RealTimeUpdates", "Updates", "0.000002"),
    flat("AWSAppSync", "USE1-AppSync-ConnectionMinutes", "Minutes", "0.00000008"),
]


def price_item(offer: Offer, sku: str) -> str:
    """One PriceList entry as the API sends it: a JSON string."""
    attributes = {
        "servicecode": offer.servicecode,
        "usagetype": offer.usagetype,
        "operation": "",
        "locationType": "AWS Region" if offer.region else "Other",
        **({"regionCode": offer.region} if offer.region else {"location": "Any"}),
        **offer.attributes,
    }
    offer_code = f"{sku}.JRTCKXETXF"
    dimensions = {
        f"{offer_code}.{index:010d}": {
            "unit": offer.unit,
            "endRange": end,
            "description": f"{offer.usagetype} {begin} to {end}",
            "appliesTo": [],
            "rateCode": f"{offer_code}.{index:010d}",
            "beginRange": begin,
            "pricePerUnit": {"USD": usd},
        }
        for index, (begin, end, usd) in enumerate(offer.bands)
    }
    document = {
        "product": {"productFamily": "Serverless", "attributes": attributes, "sku": sku},
        "serviceCode": offer.servicecode,
        "terms": {
            "OnDemand": {
                offer_code: {
                    "priceDimensions": dimensions,
                    "sku": sku,
                    "effectiveDate": "2026-11-01T00:00:00Z",
                    "offerTermCode": "JRTCKXETXF",
                    "termAttributes": {},
                }
            }
        },
        "version": "20261120190958",
        "publicationDate": PUBLISHED,
    }
    return json.dumps(document)


def answer(offers: Iterable[Offer], next_token: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = {
        "FormatVersion": "aws_v1",
        "PriceList": [price_item(offer, f"SKU{index:04d}") for index, offer in enumerate(offers)],
    }
    if next_token:
        page["NextToken"] = next_token
    return page


def in_region(offers: Iterable[Offer], region: str, prefix: str) -> list[Offer]:
    """The us-east-1 offers as another region sells them (same prices, its usage-type prefix)."""
    return [
        Offer(
            o.servicecode,
            o.usagetype.replace("USE1-", f"{prefix}-"),
            o.unit,
            o.bands,
            region if o.region else "",
            o.attributes,
        )
        for o in offers
    ]


def stub_refresh(
    stubber: Stubber, services: Mapping[str, str], offers: Sequence[Offer], regions: Sequence[str]
) -> None:
    """Queue the answers a refresh of ``services`` ({id: service code}) asks for, in order:
    the global products of a service first (if any), then its products per region."""
    for servicecode in services.values():
        mine = [o for o in offers if o.servicecode == servicecode]
        global_offers = [o for o in mine if not o.region]
        if global_offers:
            stubber.add_response("get_products", answer(global_offers))
        for region in regions:
            stubber.add_response("get_products", answer(o for o in mine if o.region == region))
