"""The measured window: ``--since 30d`` or ``--start``/``--end`` (UTC dates or ISO times)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from costcalc.errors import UsageError
from costcalc.estimate.schedule_rate import HOURS_PER_MONTH

_SINCE = re.compile(r"^([1-9][0-9]{0,2})([dh])$")
#: Cost Explorer keeps 14 months of daily data; CloudWatch keeps 1-hour points for 455 days.
MAX_DAYS = 365


@dataclass(frozen=True)
class Window:
    start: dt.datetime
    end: dt.datetime

    @property
    def days(self) -> int:
        return max(1, (self.end - self.start).days)

    @property
    def months(self) -> Decimal:
        """The window's share of AWS's 730-hour pricing month (monthly items bill by the hour)."""
        seconds = Decimal(int((self.end - self.start).total_seconds()))
        return seconds / 3600 / HOURS_PER_MONTH

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%dT%H:%MZ} to {self.end:%Y-%m-%dT%H:%MZ}"


def window(
    since: str | None, start: str | None, end: str | None, now: dt.datetime | None = None
) -> Window:
    """The window the flags name; one line naming the bad value otherwise."""
    now = now or dt.datetime.now(dt.UTC)
    if since is not None and (start or end):
        raise UsageError("--since cannot be combined with --start/--end; give one or the other")
    if since is not None:
        match = _SINCE.match(since)
        if not match:
            raise UsageError(
                f"--since {since!r}: expected a number of days or hours, e.g. 30d, 12h"
            )
        amount, unit = int(match[1]), match[2]
        delta = dt.timedelta(days=amount) if unit == "d" else dt.timedelta(hours=amount)
        return _checked(Window(now - delta, now), now)
    if not start:
        raise UsageError("give the window: --since 30d, or --start DATE [--end DATE]")
    return _checked(Window(_moment("--start", start), _moment("--end", end) if end else now), now)


def _moment(flag: str, text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{flag} {text!r}: expected an ISO date or time, e.g. 2026-11-01 or 2026-11-01T12:00Z"
        ) from None
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _checked(found: Window, now: dt.datetime) -> Window:
    if found.end <= found.start:
        raise UsageError(
            f"--start {found.start:%Y-%m-%dT%H:%MZ} is not before --end {found.end:%Y-%m-%dT%H:%MZ}"
        )
    if found.end > now + dt.timedelta(minutes=5):
        raise UsageError(
            f"--end {found.end:%Y-%m-%dT%H:%MZ} is in the future; nothing is measured yet"
        )
    if found.end - found.start > dt.timedelta(days=MAX_DAYS):
        raise UsageError(f"the window {found} is longer than {MAX_DAYS} days")
    return found
