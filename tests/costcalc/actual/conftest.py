"""Logs Insights is polled without waiting: the stubbed query answers at once."""

from __future__ import annotations

import pytest

from costcalc.actual import insights


@pytest.fixture(autouse=True)
def _no_poll_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(insights, "POLL_SECONDS", 0.0)
