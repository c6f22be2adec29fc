"""A template's EventBridge archives: which bus each archives, which events, and for how long.

An ``AWS::Events::Archive`` takes every event put on its ``SourceArn`` bus that matches its
``EventPattern`` (all of them without one) and bills the GB processed into it, each event at its
own size. Storage is priced in steady state: an archive keeping ``RetentionDays`` days holds, at
any time, that many days of what it takes in, ``days / (730 / 24)`` GB-months per GB archived a
month (the month of 730 hours that the logs' retention uses; 365 days is 12 months). An archive
with ``RetentionDays`` 0, or none, keeps its events indefinitely and has no steady state: it is
priced at a horizon, the months of archived events it holds when the month is billed
(:data:`INDEFINITE_MONTHS` unless the usage says otherwise).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from costcalc.estimate.refs import mentioned
from costcalc.estimate.template import Template, TemplateError
from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.patterns import matches

_DAYS_A_MONTH = Decimal(730) / 24
#: Months of archived events an indefinite archive is priced as holding: a year's, the bill of
#: its thirteenth month (the kit's own archives keep 365 days, which is the same 12 months).
INDEFINITE_MONTHS = Decimal(12)
#: Where an archive's SourceArn names the account's default bus.
_DEFAULT_BUS_ARN = ":event-bus/default"


@dataclass(frozen=True)
class Archive:
    logical_id: str
    bus: str  # the archived bus's logical id, or "default"
    pattern: Mapping[str, Any] | None  # None: every event
    retention_days: int  # 0: kept indefinitely

    def months_stored(self, indefinite: Decimal = INDEFINITE_MONTHS) -> Decimal:
        """GB-months stored per GB archived a month (``indefinite`` when kept for good)."""
        if self.retention_days == 0:
            return indefinite
        return Decimal(self.retention_days) / _DAYS_A_MONTH

    def takes(self, event: Mapping[str, Any], where: str) -> bool:
        """Whether the archive takes ``event`` (an event as the pattern matcher reads one)."""
        if self.pattern is None:
            return True
        try:
            return matches(self.pattern, event, where)
        except DefinitionError as error:
            raise TemplateError(str(error)) from None


def archives(template: Template, buses: set[str], default_bus: str) -> tuple[Archive, ...]:
    """Every archive of ``template`` on one of ``buses`` (logical ids) or the default bus."""
    found = []
    for name, resource in template.of_type("AWS::Events::Archive").items():
        properties = resource.get("Properties") or {}
        source = properties.get("SourceArn")
        bus = next(iter(mentioned(source, buses)), "")
        if not bus and isinstance(source, str) and source.endswith(_DEFAULT_BUS_ARN):
            bus = default_bus
        if not bus:
            continue
        pattern = properties.get("EventPattern")
        if pattern is not None:
            pattern = template.resolve(pattern, f"{name}.EventPattern")
        days = template.resolve(properties.get("RetentionDays", 0), f"{name}.RetentionDays")
        if not str(days).isdigit():
            raise TemplateError(
                f"{template.path}: {name}.RetentionDays: {days!r} is not a whole number of days "
                "(0 keeps the events indefinitely)"
            )
        found.append(
            Archive(name, bus, pattern if isinstance(pattern, Mapping) else None, int(str(days)))
        )
    return tuple(found)
