"""How often a schedule fires in a month, from its ``rate(...)``, ``cron(...)`` or ``at(...)``.

A month is AWS's pricing month of 730 hours. ``cron`` counts the minutes and hours it lists
(ranges, lists, steps and ``*``) on the days its day-of-month or day-of-week fields allow,
averaged over a month (``MON-FRI``: 5 of 7 days); the year field is ignored. ``at(...)`` fires
once, which is no monthly rate: it counts 0 with a note.
"""

from __future__ import annotations

import re
from decimal import Decimal

from costcalc.errors import UsageError

HOURS_PER_MONTH = Decimal(730)
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_MINUTES = {"minute": 1, "hour": 60, "day": 1440}
_WEEKDAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}


def monthly_firings(expression: str, where: str) -> Decimal:
    """Firings per 730-hour month of ``expression``; one line naming ``where`` if unreadable."""
    text = expression.strip()
    rate = _RATE.match(text)
    if rate:
        count, unit = int(rate.group(1)), rate.group(2).rstrip("s")
        if count == 0:
            raise UsageError(f"{where}: {expression!r}: a rate of 0 never fires")
        return HOURS_PER_MONTH * 60 / (count * _MINUTES[unit])
    if text.startswith("at(") and text.endswith(")"):
        return Decimal(0)
    if text.startswith("cron(") and text.endswith(")"):
        fields = text[5:-1].split()
        if len(fields) != 6:
            raise UsageError(f"{where}: {expression!r}: a cron expression has 6 fields")
        minutes = _count(fields[0], 0, 59, where)
        hours = _count(fields[1], 0, 23, where)
        return minutes * hours * _days(fields[2], fields[4], where)
    raise UsageError(
        f"{where}: {expression!r}: expected rate(N minutes|hours|days), cron(...) or at(...)"
    )


def _days(day_of_month: str, day_of_week: str, where: str) -> Decimal:
    if day_of_month not in ("*", "?"):
        if any(mark in day_of_month for mark in "LW"):
            return Decimal(1)
        return _count(day_of_month, 1, 31, where) * DAYS_PER_MONTH / 31
    if day_of_week in ("*", "?"):
        return DAYS_PER_MONTH
    if "#" in day_of_week or "L" in day_of_week:
        return Decimal(1)
    named = day_of_week.upper()
    for name, number in _WEEKDAYS.items():
        named = named.replace(name, str(number))
    return _count(named, 1, 7, where) * DAYS_PER_MONTH / 7


def _count(field: str, low: int, high: int, where: str) -> Decimal:
    """How many values of ``low..high`` a cron field lists."""
    chosen: set[int] = set()
    for part in field.split(","):
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text.isdigit() and int(step_text) > 0 else 1
        if body in ("*", "?"):
            start, end = low, high
        elif "-" in body:
            first, _, last = body.partition("-")
            if not (first.isdigit() and last.isdigit()):
                raise UsageError(f"{where}: cron field {field!r}: expected numbers or ranges")
            start, end = int(first), int(last)
        elif body.isdigit():
            start = int(body)
            end = high if step_text else start
        else:
            raise UsageError(f"{where}: cron field {field!r}: expected numbers or ranges")
        if not (low <= start <= high and low <= end <= high):
            raise UsageError(f"{where}: cron field {field!r}: values go from {low} to {high}")
        chosen.update(range(start, end + 1, step))
    return Decimal(len(chosen))
