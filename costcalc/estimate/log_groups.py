"""How long a function's logs are kept: its log group's retention, read from the template.

A function writes to the log group its ``LoggingConfig.LogGroup`` names, or else to
``/aws/lambda/<name>``; a template may declare that group itself (``LogGroupName`` built from
the function). Logs kept for ``RetentionInDays`` are, in steady state, that many days of
ingestion stored at any time: ``days / (730 / 24)`` GB-months per GB ingested a month. A
function whose group the template does not declare, or declares without a retention, keeps
its logs forever: the stored amount grows every month and has no steady state to price.

An API's access logs go to the group its stage's ``AccessLogSettings`` (HTTP API) or
``AccessLogSetting`` (REST API) names as ``DestinationArn``; SAM writes a ``Serverless::HttpApi``'s
or ``Serverless::Api``'s settings onto the stage it generates, so the transformed template's stages
are read. They are standard (not vended) ingestion, one line per request.
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
    return group_retention_months(template, named[0])


def group_retention_months(template: Template, group: str) -> Decimal | None:
    """Months of ingestion the template's log group ``group`` holds (None: kept forever)."""
    resource = template.of_type("AWS::Logs::LogGroup").get(group)
    if resource is None:
        return None
    days = template.resolve(
        (resource.get("Properties") or {}).get("RetentionInDays"), f"{group}.RetentionInDays"
    )
    if not str(days).isdigit() or int(str(days)) == 0:
        return None
    return Decimal(str(days)) / _DAYS_A_MONTH


_STAGES = {
    "AWS::ApiGatewayV2::Stage": ("ApiId", "AccessLogSettings"),
    "AWS::ApiGateway::Stage": ("RestApiId", "AccessLogSetting"),
}


def access_log_groups(template: Template, api: str) -> list[str]:
    """Where the API's stages send access logs: a log group's logical id, or ``""`` for a
    destination outside the template (a group it does not declare, a Firehose stream)."""
    found: list[str] = []
    groups = set(template.of_type("AWS::Logs::LogGroup"))
    for kind, (api_key, settings_key) in _STAGES.items():
        for stage in template.of_type(kind).values():
            properties = stage.get("Properties") or {}
            settings = properties.get(settings_key)
            if api not in mentioned(properties.get(api_key), {api}) or not isinstance(
                settings, dict
            ):
                continue
            destination = settings.get("DestinationArn")
            if destination is not None:
                found.append(next(iter(mentioned(destination, groups)), ""))
    return found
