"""Billing rules per service, checked against AWS's own worked examples and hand computation."""

import inspect
from collections.abc import Callable
from decimal import Decimal

import pytest

from costcalc.errors import MissingPriceError, UsageError
from costcalc.pricing import services
from costcalc.pricing.bill import Usage
from tests.costcalc.helpers import priced, to_cent

D = Decimal


def test_lambda_reproduces_the_mobile_backend_example_of_the_pricing_page(usage: Usage) -> None:
    """https://aws.amazon.com/lambda/pricing/ Example 1, "Mobile application backend":
    3M requests of 120 ms at 1536 MB on x86 with the free tier: compute 140,000 GB-s x
    0.0000166667 = $2.33, requests 2M x $0.20/M = $0.40, total $2.73 per month."""
    services.add_lambda(usage, requests=D("3e6"), duration_ms=D(120), memory_mb=D(1536))
    bill = priced(usage, free_tier=True)
    by_item = {(line.item, line.tier): line.monthly_usd for line in bill.lines}
    assert to_cent(by_item["duration-x86", "first 6,000,000,000"]) == D("2.33")
    assert to_cent(by_item["requests-x86", ""]) == D("0.40")
    assert to_cent(bill.monthly_usd) == D("2.73")


def test_express_reproduces_the_hundred_million_workflows_example(usage: Usage) -> None:
    """https://aws.amazon.com/step-functions/pricing/ Express example: 100M workflows of 10 s at
    64 MB: requests $100.00; 17,361.11 GB-hours = $60.00 + $120.00 + $202.97; total $482.97."""
    services.add_stepfunctions_express(
        usage, requests=D("1e8"), duration_ms=D(10_000), memory_mb=D(64)
    )
    bill = priced(usage)
    assert [to_cent(line.monthly_usd) for line in bill.lines] == [
        D("100.00"),
        D("60.00"),
        D("120.00"),
        D("202.97"),
    ]
    assert to_cent(bill.monthly_usd) == D("482.97")


def test_eventbridge_reproduces_the_five_million_events_example(usage: Usage) -> None:
    """https://aws.amazon.com/eventbridge/pricing/ event bus example: 5M events, each up to
    64 KB, at $1.00 per million = $5.00 per month."""
    services.add_eventbridge(usage, events=D("5e6"), event_size_kb=D(64))
    assert priced(usage).monthly_usd == D("5.00")


def test_eventbridge_bills_a_256_kb_event_as_four(usage: Usage) -> None:
    """The same page: "an event with a 256 KB payload is billed as 4 events"."""
    services.add_eventbridge(usage, events=D(1_000_000), event_size_kb=D(256))
    assert priced(usage).lines[0].quantity == D(4_000_000)


def test_a_1_mb_event_bills_as_sixteen_and_more_is_refused(usage: Usage) -> None:
    """Payloads up to 1 MB since 2026-01-29, still billed per 64 KB chunk: 1024 / 64 = 16."""
    services.add_eventbridge(usage, events=D(1_000_000), event_size_kb=D(1024))
    assert priced(usage).lines[0].quantity == D(16_000_000)
    with pytest.raises(UsageError, match=r"--event-size-kb 1025: accepted values are 0 to 1,024"):
        services.add_eventbridge(usage, events=D(1), event_size_kb=D(1025))


def test_an_archive_of_the_kit_s_order_events_reproduces_the_hand_computed_month(
    usage: Usage,
) -> None:
    """1,000,000 orders of 4.89 events of 1 KB: 4,890,000 KB = 4.66347 GB archived x $0.10 =
    $0.466347; kept 365 days, 12 months of it stored: 55.9616 GB-months x $0.023 = $1.287117;
    $1.75 in all (each line alone rounds to $0.47 and $1.29)."""
    archived = D(4_890_000) / 1024**2
    services.add_eventbridge_archive(
        usage, archived_gb=archived, archive_storage_gb_months=archived * 12
    )
    bill = priced(usage)
    by_item = {line.item: to_cent(line.monthly_usd) for line in bill.lines}
    assert by_item == {"archive-processing": D("0.47"), "archive-storage": D("1.29")}
    assert to_cent(bill.monthly_usd) == D("1.75")


def test_archive_processing_and_storage_have_their_own_prices_per_gb(usage: Usage) -> None:
    """AWS's EventBridge pricing page: $0.10 per GB archived, $0.023 per GB-month stored (not
    the $0.10 per GB-month a blog quotes): 50 GB and 600 GB-months are $5.00 + $13.80."""
    services.add_eventbridge_archive(usage, archived_gb=D(50), archive_storage_gb_months=D(600))
    for region in ("us-east-1", "eu-west-1"):
        bill = priced(usage, region=region)
        assert [line.monthly_usd for line in bill.lines] == [D("5.00"), D("13.80")], region


def test_a_negative_archive_figure_is_refused_naming_its_flag(usage: Usage) -> None:
    with pytest.raises(UsageError, match=r"--archive-storage-gb-months -1: accepted values"):
        services.add_eventbridge_archive(usage, archived_gb=D(1), archive_storage_gb_months=D(-1))


def test_an_sqs_message_of_1_mb_bills_as_sixteen_requests(usage: Usage) -> None:
    services.add_sqs(usage, requests=D(1_000_000), message_size_kb=D(1024))
    assert priced(usage).lines[0].quantity == D(16_000_000)


def test_standard_workflow_bills_every_transition_after_the_free_4000(usage: Usage) -> None:
    """Hand-computed from https://aws.amazon.com/step-functions/pricing/ ($0.025 per 1,000
    transitions, 4,000 free): 100,000 executions x 4 transitions = 400,000; 396,000 billed
    = $9.90."""
    services.add_stepfunctions_standard(usage, transitions=D(400_000))
    assert priced(usage, free_tier=True).monthly_usd == D("9.90")
    assert priced(usage).monthly_usd == D("10.00")


def test_http_api_tiers_switch_at_300_million(usage: Usage) -> None:
    """Hand-computed from https://aws.amazon.com/api-gateway/pricing/ (us-east-1 HTTP APIs:
    first 300M at $1.00/M, then $0.90/M): 1 billion requests = $300 + $630 = $930."""
    services.add_apigw_http(usage, requests=D("1e9"))
    assert priced(usage).monthly_usd == D("930")


def test_http_api_meters_requests_in_512_kb_increments(usage: Usage) -> None:
    services.add_apigw_http(usage, requests=D(1000), request_size_kb=D(513))
    assert priced(usage).lines[0].quantity == D(2000)


def test_rest_api_tiers_cover_four_bands(usage: Usage) -> None:
    """Hand-computed from https://aws.amazon.com/api-gateway/pricing/ REST tiers: 21 billion
    requests = 333M x 3.50 + 667M x 2.80 + 19B x 2.38 + 1B x 1.51 per million."""
    services.add_apigw_rest(usage, requests=D("21e9"), request_size_kb=D(2048))
    expected = D(333) * D("3.50") + D(667) * D("2.80") + D(19_000) * D("2.38") + D(1000) * D("1.51")
    assert priced(usage).monthly_usd == expected


@pytest.mark.parametrize(
    ("arch", "boundary", "below", "above"),
    [
        ("x86_64", D("6e9"), D("0.0000166667"), D("0.0000150000")),
        ("arm64", D("7.5e9"), D("0.0000133334"), D("0.0000120001")),
    ],
)
def test_lambda_duration_tier_boundary_prices_each_side_at_its_own_rate(
    arch: str, boundary: Decimal, below: Decimal, above: Decimal
) -> None:
    """1 GB for 1 s per request makes GB-s equal requests: one past the boundary is one GB-s at
    the second tier's rate."""
    usage = Usage()
    services.add_lambda(
        usage, requests=boundary + 1, duration_ms=D(1000), memory_mb=D(1024), arch=arch
    )
    duration = [line for line in priced(usage).lines if line.item.startswith("duration")]
    assert [(line.quantity, line.unit_price_usd) for line in duration] == [
        (boundary, below),
        (D(1), above),
    ]


def test_lambda_rounds_duration_up_to_the_millisecond(usage: Usage) -> None:
    services.add_lambda(usage, requests=D(1000), duration_ms=D("1.0001"), memory_mb=D(1024))
    assert priced(usage).lines[1].quantity == D(2)  # 1000 x 2 ms x 1 GB


def test_lambda_bills_cold_start_init_as_duration(usage: Usage) -> None:
    """Since 1 August 2025: 1M requests, 10% cold, 500 ms INIT at 512 MB adds 25,000 GB-s."""
    services.add_lambda(
        usage,
        requests=D(1_000_000),
        duration_ms=D(100),
        memory_mb=D(512),
        cold_start_rate=D("0.1"),
        init_duration_ms=D(500),
    )
    assert priced(usage).lines[1].quantity == D(50_000) + D(25_000)
    assert "25,000" in usage.notes[0]


def test_lambda_bills_ephemeral_storage_above_512_mb_only(usage: Usage) -> None:
    services.add_lambda(
        usage,
        requests=D(1_000_000),
        duration_ms=D(1000),
        memory_mb=D(128),
        ephemeral_storage_mb=D(2560),
    )
    storage = priced(usage).lines[-1]
    assert (storage.item, storage.quantity) == ("ephemeral-storage", D(2_000_000))
    assert storage.monthly_usd == D(2_000_000) * D("0.0000000309")


def test_express_rounds_duration_to_100_ms_and_memory_to_64_mb(usage: Usage) -> None:
    services.add_stepfunctions_express(usage, requests=D(3600), duration_ms=D(101), memory_mb=D(65))
    # 3600 x 0.2 s x 0.125 GB = 90 GB-s = 0.025 GB-hours
    assert priced(usage).lines[1].quantity == D("0.025")


def test_sns_prices_deliveries_per_protocol_and_publishes_per_64_kb(usage: Usage) -> None:
    services.add_sns(
        usage,
        publishes=D(1_000_000),
        message_size_kb=D(65),
        deliveries={"sqs": D(1_000_000), "email": D(100_000), "https": D(1_000_000)},
    )
    lines = {line.item: line.monthly_usd for line in priced(usage).lines}
    assert lines == {
        "publish-requests": D("1.00"),
        "deliveries-sqs": D(0),
        "deliveries-email": D("2.00"),
        "deliveries-http": D("0.60"),
    }


def test_dynamodb_on_demand_uses_the_november_2024_prices(usage: Usage) -> None:
    services.add_dynamodb(usage, write_units=D(1_000_000), read_units=D(1_000_000))
    assert priced(usage).monthly_usd == D("0.625") + D("0.125")


def test_vended_logs_are_tiered_and_standard_logs_flat() -> None:
    vended, standard = Usage(), Usage()
    services.add_logs(vended, ingested_gb=D(20_480), vended=True)
    services.add_logs(standard, ingested_gb=D(20_480))
    assert priced(vended).monthly_usd == D(10_240) * D("0.50") + D(10_240) * D("0.25")
    assert priced(standard).monthly_usd == D(20_480) * D("0.50")


def test_cloudwatch_free_tier_covers_ten_alarms_ten_metrics_three_dashboards(
    usage: Usage,
) -> None:
    """12 alarms: 2 x $0.10; 10,010 metrics: the first 10 free, 9,990 x $0.30 up to the 10,000
    boundary, 10 x $0.10 beyond it; 3 dashboards: free. $2,998.20."""
    services.add_cloudwatch(usage, alarms=D(12), metrics=D(10_010), dashboards=D(3))
    assert priced(usage, free_tier=True).monthly_usd == D("2998.20")


def test_free_tier_is_shared_between_x86_and_arm64_duration(usage: Usage) -> None:
    services.add_lambda(usage, requests=D(300_000), duration_ms=D(1000), memory_mb=D(1024))
    services.add_lambda(
        usage, requests=D(300_000), duration_ms=D(1000), memory_mb=D(1024), arch="arm64"
    )
    bill = priced(usage, free_tier=True)
    billed = {line.item: line.quantity for line in bill.lines if line.unit_price_usd > 0}
    assert billed == {"duration-arm64": D(200_000)}


def test_a_price_missing_in_a_region_is_refused_not_copied(usage: Usage) -> None:
    services.add_dynamodb(usage, write_units=D(1), read_units=D(1))
    with pytest.raises(MissingPriceError, match=r"dynamodb/write-request-units in eu-west-1"):
        priced(usage, "eu-west-1")


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        ({"memory_mb": D(127)}, "--memory-mb 127: accepted values are 128 to 10,240"),
        ({"memory_mb": D("512.5")}, "--memory-mb 512.5: must be a whole number"),
        ({"ephemeral_storage_mb": D(511)}, "--ephemeral-storage-mb 511"),
        ({"arch": "sparc"}, "--arch 'sparc': accepted values are x86_64, arm64"),
        ({"requests": D("2.5")}, "--requests 2.5: must be a whole number"),
        ({"requests": D("1e16")}, "--requests 1E+16: accepted values are 0 to"),
        ({"cold_start_rate": D("0.1")}, "needs --init-duration-ms"),
        ({"duration_ms": D(0)}, "--duration-ms 0: must be > 0"),
    ],
)
def test_lambda_refuses_figures_outside_what_aws_accepts(
    usage: Usage, figures: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {
        "requests": D(1),
        "duration_ms": D(100),
        "memory_mb": D(128),
        **figures,
    }
    with pytest.raises(UsageError, match=message.replace("+", r"\+")):
        services.add_lambda(usage, **arguments)  # type: ignore[arg-type]


def test_firehose_bills_each_record_in_5_kb_increments(usage: Usage) -> None:
    """The Firehose pricing page: a 3 KB record is billed as 5 KB, a 12 KB record as 15 KB."""
    services.add_firehose(usage, records=D(1024 * 1024), record_size_kb=D(3))
    services.add_firehose(usage, records=D(1024 * 1024), record_size_kb=D(12))
    assert usage.quantities[("firehose", "ingestion-direct-put")] == 5 + 15  # GB
    assert to_cent(priced(usage).monthly_usd) == D("0.58")  # 20 GB x 0.029


def test_firehose_refuses_a_record_over_its_1000_kb_limit(usage: Usage) -> None:
    with pytest.raises(UsageError, match="--record-size-kb 1001: accepted values are 0 to 1,000"):
        services.add_firehose(usage, records=D(1), record_size_kb=D(1001))


def test_athena_bills_at_least_10_mb_per_query_and_rounds_up_to_the_megabyte(
    usage: Usage,
) -> None:
    services.add_athena(usage, queries=D(1024), scanned_mb_per_query=D("0.5"))
    assert usage.quantities[("athena", "data-scanned")] == D(10 * 1024) / 1024**2
    usage = Usage()
    services.add_athena(usage, queries=D(1024 * 1024), scanned_mb_per_query=D("10.2"))
    assert usage.quantities[("athena", "data-scanned")] == 11  # TB, 55.00 USD
    assert to_cent(priced(usage).monthly_usd) == D("55.00")


def test_s3_prices_storage_puts_and_gets(usage: Usage) -> None:
    services.add_s3(usage, stored_gb_months=D(100), puts=D(10_000), gets=D(1_000_000))
    # 100 x 0.023 + 10 x 0.005 + 1,000 x 0.0004
    assert to_cent(priced(usage).monthly_usd) == D("2.75")


# Behaviour the mutation pass over services.py found untested (docs/mutation-testing.md).


def test_lambda_accepts_its_longest_run_of_fifteen_minutes_and_no_more(usage: Usage) -> None:
    services.add_lambda(usage, requests=D(1), duration_ms=D(900_000), memory_mb=D(1024))
    assert usage.quantities[("lambda", "duration-x86")] == D(900)
    with pytest.raises(UsageError, match="--duration-ms 900001: accepted values are 0 to"):
        services.add_lambda(usage, requests=D(1), duration_ms=D(900_001), memory_mb=D(1024))


def test_express_accepts_its_longest_run_of_five_minutes_and_no_more(usage: Usage) -> None:
    services.add_stepfunctions_express(usage, requests=D(3600), duration_ms=D(300_000))
    # 3600 x 300 s x 0.0625 GB = 67,500 GB-s = 18.75 GB-hours
    assert usage.quantities[("stepfunctions", "express-duration")] == D("18.75")
    with pytest.raises(UsageError, match="--duration-ms 300001: accepted values are 0 to"):
        services.add_stepfunctions_express(usage, requests=D(1), duration_ms=D(300_001))


def test_express_memory_under_one_mb_still_bills_one_64_mb_step(usage: Usage) -> None:
    services.add_stepfunctions_express(
        usage, requests=D(3600), duration_ms=D(100), memory_mb=D("0.5")
    )
    # 3600 x 0.1 s x 0.0625 GB = 22.5 GB-s = 0.00625 GB-hours
    assert usage.quantities[("stepfunctions", "express-duration")] == D("0.00625")


@pytest.mark.parametrize(
    ("figures", "flag"),
    [
        ({"cold_start_rate": D("-0.1"), "init_duration_ms": D(500)}, "--cold-start-rate"),
        ({"cold_start_rate": D("0.1"), "init_duration_ms": D(-1)}, "--init-duration-ms"),
    ],
)
def test_lambda_refuses_a_negative_cold_start_share_or_init(
    usage: Usage, figures: dict[str, Decimal], flag: str
) -> None:
    with pytest.raises(UsageError, match=f"{flag} -.*: accepted values are 0 to"):
        services.add_lambda(usage, requests=D(1), duration_ms=D(100), memory_mb=D(128), **figures)  # type: ignore[arg-type]


def test_lambda_without_cold_starts_notes_no_init(usage: Usage) -> None:
    services.add_lambda(usage, requests=D(1000), duration_ms=D(100), memory_mb=D(128))
    assert usage.notes == []


def test_lambda_reads_an_architecture_made_at_run_time_as_the_literal_it_spells(
    usage: Usage,
) -> None:
    arch = "".join(["x86", "_64"])  # as read from a template: equal, not the same object
    services.add_lambda(usage, requests=D(1), duration_ms=D(1), memory_mb=D(128), arch=arch)
    assert ("lambda", "requests-x86") in usage.quantities


@pytest.mark.parametrize(
    "add",
    [
        lambda u: services.add_lambda(u, D(1), D(100), D(128)),  # type: ignore[call-arg]
        lambda u: services.add_dynamodb(u, D(1), D(1)),  # type: ignore[call-arg]
        lambda u: services.add_stepfunctions_express(u, D(1), D(100)),  # type: ignore[call-arg]
        lambda u: services.add_sqs(u, D(1)),  # type: ignore[call-arg]
        lambda u: services.add_s3(u, D(1)),  # type: ignore[call-arg]
        lambda u: services.add_cloudwatch(u, D(1)),  # type: ignore[call-arg]
    ],
    ids=["lambda", "dynamodb", "express", "sqs", "s3", "cloudwatch"],
)
def test_a_service_s_figures_must_be_named_never_taken_by_position(
    usage: Usage, add: object
) -> None:
    with pytest.raises(TypeError):
        add(usage)  # type: ignore[operator]


def test_a_monthly_volume_of_a_million_billion_is_the_largest_accepted(usage: Usage) -> None:
    services.add_ses(usage, emails=D(10) ** 15)
    assert usage.quantities[("ses", "outbound-emails")] == D(10) ** 15
    with pytest.raises(UsageError, match="--emails 1000000000000001: accepted values are 0 to"):
        services.add_ses(usage, emails=D(10) ** 15 + 1)


def test_an_sns_message_of_exactly_64_kb_is_one_publish(usage: Usage) -> None:
    services.add_sns(usage, publishes=D(10), message_size_kb=D(64))
    assert usage.quantities[("sns", "publish-requests")] == D(10)


def test_monitoring_and_storage_figures_left_out_count_as_none(usage: Usage) -> None:
    services.add_cloudwatch(usage, alarms=D(2))
    services.add_s3(usage, puts=D(5))
    quantities = usage.quantities
    assert quantities[("cloudwatch", "alarms")] == D(2)
    assert quantities.get(("cloudwatch", "metrics"), D(0)) == 0
    assert quantities.get(("cloudwatch", "dashboards"), D(0)) == 0
    assert quantities.get(("s3", "standard-storage"), D(0)) == 0
    assert quantities.get(("s3", "get-requests"), D(0)) == 0


# Found by the pass over the other three quarters of services.py's mutants.


@pytest.mark.parametrize(
    "add", [getattr(services, name) for name in dir(services) if name.startswith("add_")]
)
def test_every_service_takes_its_figures_by_name_only(add: Callable[..., None]) -> None:
    usage, *figures = inspect.signature(add).parameters.values()
    assert usage.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
    assert figures
    assert {figure.kind for figure in figures} == {inspect.Parameter.KEYWORD_ONLY}


def test_lambda_notes_init_even_when_the_month_s_cold_starts_add_up_to_under_a_second(
    usage: Usage,
) -> None:
    services.add_lambda(
        usage,
        requests=D(1),
        duration_ms=D(1),
        memory_mb=D(1024),
        cold_start_rate=D(1),
        init_duration_ms=D(1),
    )
    assert usage.quantities[("lambda", "duration-x86")] == D("0.002")
    [note] = usage.notes
    assert "includes 0.001 GB-s of INIT" in note


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        ({"duration_ms": D(0)}, "--duration-ms 0: must be > 0"),
        ({"memory_mb": D(0)}, "--memory-mb 0: must be > 0"),
        ({"memory_mb": D(-1)}, "--memory-mb -1: accepted values are 0 to 10,240"),
    ],
)
def test_express_refuses_a_duration_or_memory_estimate_of_zero_or_less(
    usage: Usage, figures: dict[str, Decimal], message: str
) -> None:
    arguments = {"requests": D(1), "duration_ms": D(100), "memory_mb": D(64), **figures}
    with pytest.raises(UsageError, match=message):
        services.add_stepfunctions_express(usage, **arguments)


def test_an_http_api_request_of_10_mb_is_twenty_increments_and_a_larger_one_is_refused(
    usage: Usage,
) -> None:
    services.add_apigw_http(usage, requests=D(1), request_size_kb=D(10_240))
    assert usage.quantities[("apigateway", "http-requests")] == D(20)
    with pytest.raises(UsageError, match="--request-size-kb 10241: accepted values are 0 to"):
        services.add_apigw_http(usage, requests=D(1), request_size_kb=D(10_241))


@pytest.mark.parametrize(
    ("add", "key", "billed"),
    [
        (lambda u: services.add_eventbridge(u, events=D(5)), ("eventbridge", "custom-events"), 5),
        (lambda u: services.add_sns(u, publishes=D(5)), ("sns", "publish-requests"), 5),
        (lambda u: services.add_sqs(u, requests=D(5)), ("sqs", "standard-requests"), 5),
        (lambda u: services.add_apigw_http(u, requests=D(5)), ("apigateway", "http-requests"), 5),
        (lambda u: services.add_apigw_rest(u, requests=D(5)), ("apigateway", "rest-requests"), 5),
        (
            lambda u: services.add_firehose(u, records=D(1024 * 1024)),
            ("firehose", "ingestion-direct-put"),
            5,  # GB: each record one 5 KB increment
        ),
    ],
    ids=["eventbridge", "sns", "sqs", "http-api", "rest-api", "firehose"],
)
def test_a_payload_size_left_out_is_one_kilobyte_billed_as_one_chunk(
    usage: Usage, add: Callable[[Usage], None], key: tuple[str, str], billed: int
) -> None:
    add(usage)
    assert usage.quantities[key] == billed


@pytest.mark.parametrize(
    ("add", "largest", "over", "message"),
    [
        (
            lambda u, v: services.add_lambda(
                u, requests=D(1), duration_ms=D(1), memory_mb=D(128), ephemeral_storage_mb=v
            ),
            D(10_240),
            D(10_241),
            "--ephemeral-storage-mb 10241: accepted values are 512 to 10,240",
        ),
        (
            lambda u, v: services.add_lambda(
                u,
                requests=D(1),
                duration_ms=D(1),
                memory_mb=D(128),
                cold_start_rate=D(1),
                init_duration_ms=v,
            ),
            D(10_000),
            D(10_001),
            "--init-duration-ms 10001: accepted values are 0 to 10,000",
        ),
        (
            lambda u, v: services.add_lambda(
                u,
                requests=D(1),
                duration_ms=D(1),
                memory_mb=D(128),
                cold_start_rate=v,
                init_duration_ms=D(1),
            ),
            D(1),
            D("1.01"),
            "--cold-start-rate 1.01: accepted values are 0 to 1",
        ),
        (
            lambda u, v: services.add_sns(u, publishes=D(1), message_size_kb=v),
            D(256),
            D(257),
            "--message-size-kb 257: accepted values are 0 to 256",
        ),
        (
            lambda u, v: services.add_apigw_rest(u, requests=D(1), request_size_kb=v),
            D(10_240),
            D(10_241),
            "--request-size-kb 10241: accepted values are 0 to 10,240",
        ),
        (
            lambda u, v: services.add_stepfunctions_express(
                u, requests=D(1), duration_ms=D(100), memory_mb=v
            ),
            D(10_240),
            D(10_241),
            "--memory-mb 10241: accepted values are 0 to 10,240",
        ),
    ],
    ids=[
        "ephemeral-storage",
        "init-duration",
        "cold-start-rate",
        "sns-message",
        "rest-request",
        "express-memory",
    ],
)
def test_the_largest_figure_aws_takes_is_accepted_and_the_next_refused(
    usage: Usage,
    add: Callable[[Usage, Decimal], None],
    largest: Decimal,
    over: Decimal,
    message: str,
) -> None:
    add(usage, largest)
    with pytest.raises(UsageError, match=message):
        add(usage, over)


@pytest.mark.parametrize(
    ("add", "key"),
    [
        (
            lambda u: services.add_eventbridge(u, events=D(10), event_size_kb=D(65)),
            ("eventbridge", "custom-events"),
        ),
        (
            lambda u: services.add_sqs(u, requests=D(10), message_size_kb=D(65)),
            ("sqs", "standard-requests"),
        ),
    ],
    ids=["eventbridge", "sqs"],
)
def test_an_event_or_message_of_65_kb_is_billed_as_two(
    usage: Usage, add: Callable[[Usage], None], key: tuple[str, str]
) -> None:
    add(usage)
    assert usage.quantities[key] == D(20)


def test_a_single_athena_query_bills_its_10_mb_minimum_not_a_rounded_down_gigabyte(
    usage: Usage,
) -> None:
    services.add_athena(usage, queries=D(1), scanned_mb_per_query=D(1))
    assert usage.quantities[("athena", "data-scanned")] == D(10) / 1024 / 1024


def test_lambda_bills_ephemeral_storage_over_the_init_time_too(usage: Usage) -> None:
    services.add_lambda(
        usage,
        requests=D(1000),
        duration_ms=D(1000),
        memory_mb=D(128),
        ephemeral_storage_mb=D(1536),
        cold_start_rate=D(1),
        init_duration_ms=D(1000),
    )
    # 1,000 s of invocations and 1,000 s of INIT, with 1 GB above the free 512 MB
    assert usage.quantities[("lambda", "ephemeral-storage")] == D(2000)


def test_monitoring_and_storage_with_every_figure_left_out_bill_nothing(usage: Usage) -> None:
    services.add_cloudwatch(usage)
    services.add_s3(usage)
    assert usage.quantities
    assert set(usage.quantities.values()) == {D(0)}


@pytest.mark.parametrize(("size", "billed"), [(3, 5), (5, 5), (6, 10)])
def test_a_single_firehose_record_bills_whole_5_kb_increments_not_a_rounded_down_megabyte(
    usage: Usage, size: int, billed: int
) -> None:
    services.add_firehose(usage, records=D(1), record_size_kb=D(size))
    assert usage.quantities[("firehose", "ingestion-direct-put")] == D(billed) / 1024 / 1024


@pytest.mark.parametrize(
    ("add", "message"),
    [
        (lambda u: services.add_ses(u, emails=D("2.7")), "--emails 2.7: must be a whole number"),
        (
            lambda u: services.add_lambda(u, requests=D(1), duration_ms=D(1), memory_mb=D("512.7")),
            "--memory-mb 512.7: must be a whole number",
        ),
    ],
    ids=["count", "memory"],
)
def test_a_fraction_that_rounds_up_is_refused_as_not_whole(
    usage: Usage, add: Callable[[Usage], None], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        add(usage)


def test_a_payload_of_zero_kb_is_refused(usage: Usage) -> None:
    with pytest.raises(UsageError, match=r"--event-size-kb 0: must be > 0 \(up to 1,024 KB\)"):
        services.add_eventbridge(usage, events=D(1), event_size_kb=D(0))


@pytest.mark.parametrize(("storage_mb", "gb_seconds"), [(513, D(1000) / 1024), (1024, D(500))])
def test_lambda_bills_ephemeral_storage_above_512_mb_in_fractions_of_a_gb(
    usage: Usage, storage_mb: int, gb_seconds: Decimal
) -> None:
    services.add_lambda(
        usage,
        requests=D(1000),
        duration_ms=D(1000),
        memory_mb=D(128),
        ephemeral_storage_mb=D(storage_mb),
    )
    # 1,000 s with 1 MB, then 0.5 GB, above the free 512 MB
    assert usage.quantities[("lambda", "ephemeral-storage")] == gb_seconds


def test_logs_storage_is_billed_when_given_and_left_out_when_not() -> None:
    stored, ingested_only = Usage(), Usage()
    services.add_logs(stored, ingested_gb=D(1), stored_gb=D(10))
    services.add_logs(ingested_only, ingested_gb=D(1))
    assert stored.quantities[("cloudwatch", "logs-storage")] == D(10)
    assert ("cloudwatch", "logs-storage") not in ingested_only.quantities
