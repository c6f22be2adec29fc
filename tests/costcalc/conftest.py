import pytest

from costcalc.bill import Usage


@pytest.fixture
def usage() -> Usage:
    return Usage()
