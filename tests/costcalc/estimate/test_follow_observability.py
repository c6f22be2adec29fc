"""API access logs and X-Ray traces, read from public templates of the corpus."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from costcalc.estimate.breakdown import Breakdown, estimate_source
from costcalc.estimate.usage_file import UsageFile, read_usage_file

CASES = Path(__file__).parent / "template_corpus" / "cases"
HTTP_API = CASES / "server-apigw-sqs-lambda-ddb"
REST_API = CASES / "server-apigw-rest-api-eventbridge-sqs-sam"
_KB_PER_GB = Decimal(1024 * 1024)


def _estimate(template: Path, extra: dict[str, dict[str, object]]) -> Breakdown:
    base = read_usage_file(template.parent / "usage.yaml")
    resources = {name: dict(figures) for name, figures in base.resources.items()}
    for name, figures in extra.items():
        resources.setdefault(name, {}).update(figures)
    usage = UsageFile(template.parent / "usage.yaml", resources)
    return estimate_source(template, Decimal(1000), usage, samconfig=False)


def _logs(breakdown: Breakdown) -> dict[tuple[str, str], Decimal]:
    found: dict[tuple[str, str], Decimal] = {}
    for priced in breakdown.estimates[0].priced:
        charge = priced.charge
        if charge.service == "cloudwatch" and charge.item.startswith("logs-"):
            key = (charge.resource, charge.item)
            found[key] = found.get(key, Decimal(0)) + charge.monthly
    return found


def test_an_http_api_stage_that_logs_access_bills_one_line_per_request_to_its_log_group() -> None:
    breakdown = _estimate(HTTP_API / "template.yaml", {"HttpApi": {"access_log_kb": 0.5}})
    ingested = 1000 * Decimal("0.5") / _KB_PER_GB
    logs = _logs(breakdown)
    assert logs[("ApiGatewayAccessLogs", "logs-ingestion-standard")] == ingested
    # RetentionInDays: 1 keeps one day of a 730/24-day month's ingestion
    assert logs[("ApiGatewayAccessLogs", "logs-storage")] == ingested / (Decimal(730) / 24)


def test_a_rest_api_stage_that_logs_access_is_read_from_its_access_log_setting() -> None:
    logs = _logs(_estimate(REST_API / "template.yml", {"Api": {"access_log_kb": 1}}))
    # one route, 1,000 requests a month, to ApiLogGroup (RetentionInDays: 7)
    assert logs[("ApiLogGroup", "logs-ingestion-standard")] == 1000 / _KB_PER_GB
    assert logs[("ApiLogGroup", "logs-storage")] == 1000 / _KB_PER_GB * (7 / (Decimal(730) / 24))


def test_an_access_log_line_size_not_given_is_listed_unknown_with_its_key() -> None:
    followed = _estimate(HTTP_API / "template.yaml", {}).estimates[0].followed
    assert any(u.key == "HttpApi.access_log_kb" for u in followed.unknowns)
    assert not any(item == "logs-ingestion-standard" for _, item in _logs(
        _estimate(HTTP_API / "template.yaml", {})))  # fmt: skip
