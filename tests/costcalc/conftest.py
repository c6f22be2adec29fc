from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from mypy_boto3_pricing import PricingClient

from costcalc.pricing import catalogue
from costcalc.pricing.bill import Usage
from costcalc.pricing.cache import CACHE_ENV


@pytest.fixture
def usage() -> Usage:
    return Usage()


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test gets its own empty costcalc cache (never the user's) and a fresh catalogue."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    catalogue._load.cache_clear()
    yield folder
    catalogue._load.cache_clear()


@pytest.fixture
def stubbed() -> Iterator[tuple[PricingClient, Stubber]]:
    """A real botocore ``pricing`` client whose answers are queued with botocore's Stubber."""
    pricing = boto3.client(
        "pricing", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    with Stubber(pricing) as stubber:
        yield pricing, stubber
