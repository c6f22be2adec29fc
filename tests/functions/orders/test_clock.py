from datetime import UTC, datetime

import pytest

from orders import clock
from orders.events import utcnow

A_MOMENT = datetime(2026, 12, 2, 5, 0, 10, tzinfo=UTC)


def test_the_clock_is_the_system_s_in_utc() -> None:
    before = datetime.now(UTC)
    now = clock.now()
    assert now.tzinfo is UTC
    assert before <= now <= datetime.now(UTC)


def test_utcnow_asks_the_clock_module_at_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    """What lets the local runner set the handlers' time: replacing `clock.now` is seen even by
    code that imported `utcnow` before."""
    monkeypatch.setattr(clock, "now", lambda: A_MOMENT)
    assert utcnow() == A_MOMENT
    monkeypatch.undo()
    assert utcnow() != A_MOMENT
