from collections.abc import Iterator
from pathlib import Path

import pytest

from costcalc import catalogue
from costcalc.bill import Usage
from costcalc.price_cache import CACHE_ENV


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
