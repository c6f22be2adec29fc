"""How long a function's logs are kept: its log group's retention, read from the template.

A function writes to the log group its ``LoggingConfig.LogGroup`` names, or else to
``/aws/lambda/<name>``; a template may declare that group itself (``LogGroupName`` built from
the function). Logs kept for ``RetentionInDays`` are, in steady state, that many days of
ingestion stored at any time: ``days / (730 / 24)`` GB-months per GB ingested a month. A
function whose group the template does not declare, or declares without a retention, keeps
its logs forever: the stored amount grows every month and has no steady state to price.
"""

from __future__ import annotations

from decimal import Decimal

from costcalc.estimate.refs import mentioned
from costcalc.estimate.template import Template

_DAYS_A_MONTH = Decimal(730) / 24


def retention_months(template: Template, function: str) -> Decimal | None:
    """Months of ingestion the function's log group holds (None: kept forever, or unknown)."""
    groups = template.of_type("AWS::Logs::LogGroup")
    properties = template.resources.get(function, {}).get("Properties") or {}
    config = properties.get("LoggingConfig") or {}
    named = mentioned(config.get("LogGroup"), set(groups)) if isinstance(config, dict) else []
    if not named:
        named = [
            group
            for group, resource in groups.items()
            if function in mentioned((resource.get("Properties") or {}).get("LogGroupName"),
                                     {function})
        ]  # fmt: skip
    if len(named) != 1:
        return None
    days = template.resolve(
        (groups[named[0]].get("Properties") or {}).get("RetentionInDays"),
        f"{named[0]}.RetentionInDays",
    )
    if not str(days).isdigit() or int(str(days)) == 0:
        return None
    return Decimal(str(days)) / _DAYS_A_MONTH
