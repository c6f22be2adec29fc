"""Shared helpers of the costcalc tests."""

from decimal import Decimal

from costcalc.pricing.bill import Bill, Usage, price_usage


def priced(usage: Usage, region: str = "us-east-1", *, free_tier: bool = False) -> Bill:
    return price_usage(usage, region, free_tier=free_tier)


def to_cent(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))
