"""Current prices from the AWS Price List Query API, checked and turned into catalogue entries.

:func:`fetch_service` asks boto3's ``pricing`` client (``get_products``, every page) for one
catalogue service in each region: filtered by service code, ``regionCode`` and the catalogue's
usage types with their region prefix (``USE1-Lambda-GB-Second``, ``EU-Lambda-GB-Second-ARM``...,
see :data:`REGION_PREFIXES`). Each ``PriceList`` item is a JSON *string*: a product with its
attributes, ``terms.OnDemand.<offer>.priceDimensions`` (``beginRange``, ``endRange`` or ``"Inf"``,
``unit``, ``pricePerUnit.USD``) and a ``publicationDate``.

Nothing is guessed. An item the answer lacks, a price dimension in another unit than the billing
rule expects (:data:`METERS`), tiers with a gap, or two products that disagree for one item raise
:class:`PriceListError` naming the item; the caller then writes nothing. AWS folds some always-free
allowances into the price list as a $0 first band (SNS's first million publishes); the catalogue
applies free tiers separately (``--free-tier``), so such a band is removed when, and only when, it
is exactly the allowance ``free_tier.yaml`` knows for the item.

boto3 is imported only by :func:`make_client`, so no other command pays for it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from costcalc.errors import CostcalcError
from costcalc.pricing.catalogue import FreeAllowance, Tier

if TYPE_CHECKING:
    from mypy_boto3_pricing import PricingClient
    from mypy_boto3_pricing.type_defs import FilterTypeDef

#: The regions the Price List Query API answers in; any of them serves every region's prices.
ENDPOINT_REGIONS = ("us-east-1", "eu-central-1", "ap-south-1")

#: The prefix AWS puts before a usage type in each region. us-east-1 also has unprefixed usage
#: types for older services, so there both spellings are accepted.
REGION_PREFIXES = {
    "us-east-1": "USE1",
    "us-east-2": "USE2",
    "us-west-1": "USW1",
    "us-west-2": "USW2",
    "ca-central-1": "CAN1",
    "sa-east-1": "SAE1",
    "eu-west-1": "EU",
    "eu-west-2": "EUW2",
    "eu-west-3": "EUW3",
    "eu-central-1": "EUC1",
    "eu-north-1": "EUN1",
    "eu-south-1": "EUS1",
    "ap-south-1": "APS3",
    "ap-southeast-1": "APS1",
    "ap-southeast-2": "APS2",
    "ap-northeast-1": "APN1",
    "ap-northeast-2": "APN2",
    "ap-northeast-3": "APN3",
}
_UNPREFIXED_REGION = "us-east-1"


class PriceListError(CostcalcError):
    """The Price List API's answer cannot be used (missing, ambiguous or in another unit)."""


@dataclass(frozen=True)
class Meter:
    """How the Price List API meters one catalogue usage type.

    ``unit`` is the API's unit string, checked on every price dimension. ``per_catalogue_unit``
    API units make one catalogue unit (3,600 GB-seconds per GB-hour). A ``global_meter`` has one
    price for every region and no ``regionCode``. ``attributes`` pick one product where several
    share the usage type. ``checked`` says where the usage type and unit were seen; an empty one
    is unconfirmed, and a refresh is the test: it refuses the item if AWS disagrees.
    """

    unit: str
    checked: str = ""
    per_catalogue_unit: Decimal = Decimal(1)
    global_meter: bool = False
    attributes: Mapping[str, str] = field(default_factory=dict)
    #: Other spellings of the usage type some regions use (each with the region's prefix).
    also: tuple[str, ...] = ()


_INFRACOST = "Infracost's AWS resource model filters on this usage type"
_CLIENTS = "Price List API answers recorded in public pricing clients"
#: Catalogue usage types keyed by (service code, usage type without its region prefix).
METERS: Mapping[tuple[str, str], Meter] = {
    ("AWSLambda", "Request"): Meter("Requests", _CLIENTS),
    ("AWSLambda", "Request-ARM"): Meter("Requests", _CLIENTS),
    ("AWSLambda", "Lambda-GB-Second"): Meter("Lambda-GB-Second", _CLIENTS),
    ("AWSLambda", "Lambda-GB-Second-ARM"): Meter("Lambda-GB-Second", _CLIENTS),
    ("AWSLambda", "Lambda-Storage-GB-Second"): Meter("GB-Seconds", _CLIENTS),
    ("AmazonStates", "StateTransition"): Meter("StateTransitions", _CLIENTS),
    ("AmazonStates", "StepFunctions-Request"): Meter("Requests", _INFRACOST),
    ("AmazonStates", "StepFunctions-GB-Second"): Meter(
        "GB-Seconds", _INFRACOST, per_catalogue_unit=Decimal(3600)
    ),
    ("AWSEvents", "Event-64K-Chunks"): Meter(
        "64K-Chunks", _INFRACOST, attributes={"eventType": "Custom Event"}
    ),
    ("AWSEvents", "Scheduler-Invocation"): Meter("Invocations"),
    # Archives: the usage types as Infracost filters them (product family "CloudWatch Events");
    # the units are CloudWatch's for the same meters, unconfirmed for AWSEvents.
    ("AWSEvents", "ArchivedEvents-Bytes"): Meter("GB", _INFRACOST),
    ("AWSEvents", "TimedStorage-ByteHrs"): Meter("GB-Mo", _INFRACOST),
    ("AmazonSNS", "Requests-Tier1"): Meter("Requests", _INFRACOST),
    ("AmazonSNS", "DeliveryAttempts-HTTP"): Meter("Notifications", _INFRACOST),
    ("AmazonSNS", "DeliveryAttempts-SMTP"): Meter("Notifications", _INFRACOST),
    ("AmazonSNS", "DeliveryAttempts-SQS"): Meter("Notifications"),
    ("AmazonSNS", "DeliveryAttempts-LAMBDA"): Meter("Notifications"),
    ("AmazonSES", "Recipients"): Meter("Count"),
    # us-east-1 bills standard requests as Requests-RBP, eu-west-1 as EU-Requests-Tier1 (the
    # offer files of September 2026): either spelling is the same item.
    ("AWSQueueService", "Requests-RBP"): Meter("Requests", _CLIENTS, also=("Requests-Tier1",)),
    ("AmazonApiGateway", "ApiGatewayHttpRequest"): Meter("Requests", _INFRACOST),
    ("AmazonApiGateway", "ApiGatewayRequest"): Meter("Requests", _INFRACOST),
    ("AmazonDynamoDB", "WriteRequestUnits"): Meter("WriteRequestUnits", _CLIENTS),
    ("AmazonDynamoDB", "ReadRequestUnits"): Meter("ReadRequestUnits", _CLIENTS),
    ("AmazonCloudWatch", "DataProcessing-Bytes"): Meter("GB", _INFRACOST),
    ("AmazonCloudWatch", "VendedLog-Bytes"): Meter("GB"),
    ("AmazonCloudWatch", "TimedStorage-ByteHrs"): Meter("GB-Mo", _INFRACOST),
    ("AmazonCloudWatch", "CW:AlarmMonitorUsage"): Meter("Alarms", _INFRACOST),
    ("AmazonCloudWatch", "CW:MetricMonitorUsage"): Meter("Metrics"),
    ("AmazonCloudWatch", "DashboardsUsageHour-Basic"): Meter(
        "Dashboards", _CLIENTS, global_meter=True
    ),
    ("AWSXRay", "XRay-TracesStored"): Meter("traces", _CLIENTS),
    # The analytics context (sam/analytics). Unconfirmed usage types and units: a refresh is the
    # test (see each service file's notes).
    ("AmazonKinesisFirehose", "BilledBytes"): Meter(
        "GB", attributes={"group": "Event-by-Event Processing"}
    ),
    ("AmazonS3", "TimedStorage-ByteHrs"): Meter("GB-Mo"),
    ("AmazonS3", "Requests-Tier1"): Meter("Requests"),
    ("AmazonS3", "Requests-Tier2"): Meter("Requests"),
    ("AmazonAthena", "DataScannedInTB"): Meter("Terabytes"),
    # AppSync GraphQL: usage types and units not found in any source (see appsync.yaml).
    ("AWSAppSync", "AppSync-Requests"): Meter("Requests"),
    ("AWSAppSync", "AppSync-RealTimeUpdates"): Meter("Updates"),
    ("AWSAppSync", "AppSync-ConnectionMinutes"): Meter("Minutes"),
}


@dataclass(frozen=True)
class Dimension:
    """One on-demand price dimension: ``usd`` per ``unit`` for the month's ``[begin, end)``."""

    begin: Decimal
    end: Decimal | None
    unit: str
    usd: Decimal


@dataclass(frozen=True)
class Product:
    """One ``PriceList`` entry: a SKU, its attributes and its on-demand dimensions."""

    sku: str
    usagetype: str
    region: str
    attributes: Mapping[str, str]
    dimensions: tuple[Dimension, ...]
    published: dt.date


@dataclass(frozen=True)
class ItemDefinition:
    """A catalogue item as the refresh needs it (from the bundled service file)."""

    service: str
    item: str
    servicecode: str
    usagetype: str


@dataclass(frozen=True)
class FetchedPrice:
    """An item's current tiers in one region, in catalogue units, and their publication date."""

    item: ItemDefinition
    region: str
    tiers: tuple[Tier, ...]
    published: dt.date


def make_client(endpoint_region: str) -> PricingClient:
    """A boto3 ``pricing`` client for one of :data:`ENDPOINT_REGIONS` (imports boto3)."""
    import boto3  # noqa: PLC0415 - only a refresh pays for importing boto3
    from botocore.config import Config  # noqa: PLC0415

    # Fail in seconds, not minutes, when the network is missing; standard mode retries throttles.
    config = Config(connect_timeout=5, read_timeout=30, retries={"mode": "standard"})
    return boto3.client("pricing", region_name=endpoint_region, config=config)


def parse_price_item(raw: str) -> Product:
    """One ``PriceList`` string of a ``get_products`` answer (``FormatVersion=aws_v1``)."""
    try:
        document = json.loads(raw)
        product = document["product"]
        attributes = {str(k): str(v) for k, v in product["attributes"].items()}
        dimensions = tuple(
            _dimension(dimension)
            for offer in document["terms"]["OnDemand"].values()
            for dimension in offer["priceDimensions"].values()
        )
        published = dt.date.fromisoformat(str(document["publicationDate"])[:10])
        return Product(
            sku=str(product["sku"]),
            usagetype=attributes["usagetype"],
            region=attributes.get("regionCode", ""),
            attributes=attributes,
            dimensions=dimensions,
            published=published,
        )
    except (ValueError, KeyError, TypeError, AttributeError, InvalidOperation) as error:
        raise PriceListError(
            f"the Price List API answered a product this parser cannot read ({error!r}): "
            f"{raw[:120]}"
        ) from None


def _dimension(raw: Mapping[str, Any]) -> Dimension:
    end = str(raw["endRange"])
    return Dimension(
        begin=Decimal(str(raw["beginRange"])),
        end=None if end == "Inf" else Decimal(end),
        unit=str(raw["unit"]),
        usd=Decimal(str(raw["pricePerUnit"]["USD"])),
    )


def usage_type_names(region: str, base: str) -> tuple[str, ...]:
    """The spellings of ``base`` usage type AWS uses in ``region``."""
    prefixed = f"{REGION_PREFIXES[region]}-{base}"
    return (prefixed, base) if region == _UNPREFIXED_REGION else (prefixed,)


def item_names(region: str, item: ItemDefinition) -> tuple[str, ...]:
    """Every spelling of ``item``'s usage type in ``region`` (its meter's other ones too)."""
    bases = (item.usagetype, *meter_for(item).also)
    return tuple(name for base in bases for name in usage_type_names(region, base))


def meter_for(item: ItemDefinition) -> Meter:
    meter = METERS.get((item.servicecode, item.usagetype))
    if meter is None:
        raise PriceListError(
            f"{item.service}/{item.item}: no Price List API meter is known for "
            f"{item.servicecode} usage type {item.usagetype!r} "
            "(add it to costcalc.pricing.price_list)"
        )
    return meter


def fetch_service(
    client: PricingClient,
    items: Sequence[ItemDefinition],
    regions: Iterable[str],
    allowances: Sequence[FreeAllowance],
) -> list[FetchedPrice]:
    """Every item of one service in every region, or :class:`PriceListError` naming the first
    item the API cannot price as the billing rules expect."""
    fetched = []
    regional = [item for item in items if not meter_for(item).global_meter]
    global_items = [item for item in items if meter_for(item).global_meter]
    global_products = (
        _query(client, global_items[0].servicecode, None, [i.usagetype for i in global_items])
        if global_items
        else []
    )
    for region in regions:
        if region not in REGION_PREFIXES:
            raise PriceListError(
                f"region {region!r} has no known usage-type prefix; known: "
                f"{', '.join(sorted(REGION_PREFIXES))}"
            )
        bases = [base for i in regional for base in (i.usagetype, *meter_for(i).also)]
        products = _query(client, regional[0].servicecode, region, bases) if regional else []
        for item in regional:
            names = item_names(region, item)
            matching = [p for p in products if p.usagetype in names and p.region == region]
            fetched.append(_price(item, region, matching, allowances))
        for item in global_items:
            matching = [p for p in global_products if p.usagetype == item.usagetype]
            fetched.append(_price(item, region, matching, allowances))
    return fetched


def _query(
    client: PricingClient, servicecode: str, region: str | None, usagetypes: Sequence[str]
) -> list[Product]:
    names = sorted(
        {
            name
            for base in usagetypes
            for name in (usage_type_names(region, base) if region else (base,))
        }
    )
    filters: list[FilterTypeDef] = [
        {"Type": "ANY_OF", "Field": "usagetype", "Value": ",".join(names)}
    ]
    if region:
        filters.insert(0, {"Type": "TERM_MATCH", "Field": "regionCode", "Value": region})
    paginator = client.get_paginator("get_products")
    pages = paginator.paginate(ServiceCode=servicecode, Filters=filters, FormatVersion="aws_v1")
    return [parse_price_item(raw) for page in pages for raw in page["PriceList"]]


def _price(
    item: ItemDefinition,
    region: str,
    products: Sequence[Product],
    allowances: Sequence[FreeAllowance],
) -> FetchedPrice:
    where = f"{item.service}/{item.item} in {region}"
    meter = meter_for(item)
    chosen = [
        p for p in products if all(p.attributes.get(k) == v for k, v in meter.attributes.items())
    ]
    if not chosen:
        names = " or ".join(item_names(region, item))
        raise PriceListError(
            f"{where}: the Price List API has no on-demand price for usage type {names}; "
            "nothing was written"
        )
    distinct = {p.dimensions for p in chosen}
    if len(distinct) > 1:
        skus = ", ".join(sorted(p.sku for p in chosen))
        raise PriceListError(
            f"{where}: {len(chosen)} products ({skus}) price usage type {item.usagetype} "
            "differently; nothing was written"
        )
    product = chosen[0]
    for dimension in product.dimensions:
        if dimension.unit != meter.unit:
            raise PriceListError(
                f"{where}: the Price List API prices {product.usagetype} per "
                f"{dimension.unit!r}, the billing rule expects {meter.unit!r}; nothing was written"
            )
    dimensions = _without_free_band(where, item, product.dimensions, allowances, meter)
    tiers = tuple(_tiers(where, dimensions, meter.per_catalogue_unit))
    return FetchedPrice(item, region, tiers, max(p.published for p in chosen))


def _without_free_band(
    where: str,
    item: ItemDefinition,
    dimensions: Sequence[Dimension],
    allowances: Sequence[FreeAllowance],
    meter: Meter,
) -> list[Dimension]:
    ordered = sorted(dimensions, key=lambda d: d.begin)
    if len(ordered) < 2 or ordered[0].usd != 0 or ordered[0].begin != 0:
        return ordered
    allowance = next(
        (a for a in allowances if a.service == item.service and item.item in a.items), None
    )
    free = ordered[0].end
    if allowance is None or free is None or free != allowance.quantity * meter.per_catalogue_unit:
        raise PriceListError(
            f"{where}: the Price List API starts with a free band of {free} {meter.unit} that "
            "is not the always-free allowance the catalogue knows; nothing was written"
        )
    paid = ordered[1]
    return [Dimension(Decimal(0), paid.end, paid.unit, paid.usd), *ordered[2:]]


def _tiers(where: str, dimensions: Sequence[Dimension], per_unit: Decimal) -> Iterator[Tier]:
    if not dimensions:
        raise PriceListError(f"{where}: the product has no on-demand price; nothing was written")
    expected = Decimal(0)
    for index, dimension in enumerate(dimensions):
        last = index == len(dimensions) - 1
        if dimension.begin != expected or (dimension.end is None) != last:
            raise PriceListError(
                f"{where}: the price tiers are not contiguous from 0 to Inf; nothing was written"
            )
        end = None if dimension.end is None else dimension.end / per_unit
        yield Tier(dimension.begin / per_unit, end, dimension.usd * per_unit)
        expected = dimension.end if dimension.end is not None else expected
