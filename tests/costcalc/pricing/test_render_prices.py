"""A region's prices as text: one row per tier, bounds in words for people, exact for scripts."""

import csv
import io

from costcalc.pricing.catalogue import PriceEntry, load_catalogue
from costcalc.pricing.render_prices import render_prices


def lambda_arm_duration() -> list[PriceEntry]:
    entries = load_catalogue(["lambda"]).entries.values()
    return [e for e in entries if e.region == "us-east-1" and e.item == "duration-arm64"]


def test_the_table_has_a_row_per_tier_with_its_bounds_in_words() -> None:
    lines = render_prices("us-east-1", lambda_arm_duration(), "table").splitlines()
    assert lines[0] == "Prices used in us-east-1"
    assert lines[2].split() == [
        "service", "item", "unit", "tier", "USD", "per", "unit", "source", "published", "seen"
    ]  # fmt: skip
    tiers = [line.split("  GB-second  ")[1].split("  0.0000")[0].strip() for line in lines[4:7]]
    assert tiers == ["0 to 7,500,000,000", "7,500,000,000 to 18,750,000,000", "over 18,750,000,000"]


def test_csv_bounds_are_exact_and_the_last_tier_has_no_upper_bound() -> None:
    rows = list(csv.reader(io.StringIO(render_prices("us-east-1", lambda_arm_duration(), "csv"))))
    assert [row[4:7] for row in rows[1:]] == [
        ["0", "7500000000", "0.0000133334"],
        ["7500000000", "18750000000", "0.0000120001"],
        ["18750000000", "", "0.0000106667"],
    ]
