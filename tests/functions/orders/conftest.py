"""The orders table on moto, for the unit tests of `orders.store` and `orders.flow`."""

from collections.abc import Iterator

import pytest
from order_tables import order_store

from orders.store import OrderStore


@pytest.fixture
def store() -> Iterator[OrderStore]:
    with order_store() as store:
        yield store
