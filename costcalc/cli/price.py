"""`costcalc price SERVICE`: one service's monthly usage, billed line by line.

A thin layer over the library API (``costcalc.pricing.services``, ``costcalc.pricing.bill``):
each service is a subcommand whose flags are named like the keyword parameters of its
``add_*`` function.
"""

from __future__ import annotations

import argparse
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from costcalc.cli.arguments import Commands, add_format, add_pricing, command, number
from costcalc.errors import CostcalcError
from costcalc.pricing import services as s
from costcalc.pricing.age import age_warning
from costcalc.pricing.bill import Usage, price_usage
from costcalc.pricing.render import FORMATS, render
from orderflow_definitions.cli import Parser


def delivery(text: str) -> tuple[str, Decimal]:
    """An SNS delivery count, ``PROTOCOL=N``."""
    protocol, sep, count = text.partition("=")
    if not sep or not protocol:
        raise argparse.ArgumentTypeError(f"{text!r} is not PROTOCOL=N (for example http=500000)")
    return protocol.strip().lower(), number(count)


@dataclass(frozen=True)
class _Service:
    name: str
    title: str
    examples: tuple[str, ...]
    add_arguments: Callable[[argparse.ArgumentParser], None]
    add_usage: Callable[[argparse.Namespace, Usage], None]


def _services() -> list[_Service]:
    def lambda_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--requests", type=number, required=True, help="invocations per month")
        p.add_argument(
            "--duration-ms", type=number, required=True, help="average run time (ms, rounded up)"
        )
        p.add_argument("--memory-mb", type=number, required=True, help="128 to 10,240 MB")
        p.add_argument("--arch", default="x86_64", help="x86_64 (default) or arm64")
        p.add_argument(
            "--ephemeral-storage-mb", type=number, default=Decimal(512), help="512 to 10,240 MB"
        )
        p.add_argument(
            "--cold-start-rate", type=number, default=Decimal(0), help="share of cold starts, 0-1"
        )
        p.add_argument(
            "--init-duration-ms", type=number, default=Decimal(0), help="INIT time per cold start"
        )

    def stepfunctions_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--workflow", choices=("standard", "express"), default="standard")
        p.add_argument("--transitions", type=number, help="state transitions per month (standard)")
        p.add_argument("--requests", type=number, help="executions per month (express)")
        p.add_argument("--duration-ms", type=number, help="average duration (express)")
        p.add_argument(
            "--memory-mb", type=number, default=Decimal(64), help="estimated memory (express)"
        )

    def stepfunctions_usage(a: argparse.Namespace, usage: Usage) -> None:
        if a.workflow == "standard":
            _require(a, "--workflow standard", "transitions")
            _refuse(a, "--workflow standard", "requests", "duration_ms")
            s.add_stepfunctions_standard(usage, transitions=a.transitions)
        else:
            _require(a, "--workflow express", "requests", "duration_ms")
            _refuse(a, "--workflow express", "transitions")
            s.add_stepfunctions_express(
                usage, requests=a.requests, duration_ms=a.duration_ms, memory_mb=a.memory_mb
            )

    def one(flag: str, help_text: str) -> Callable[[argparse.ArgumentParser], None]:
        def add(p: argparse.ArgumentParser) -> None:
            p.add_argument(flag, type=number, required=True, help=help_text)

        return add

    def sized(flag: str, help_text: str, size_flag: str, size_help: str) -> Callable[..., None]:
        def add(p: argparse.ArgumentParser) -> None:
            p.add_argument(flag, type=number, required=True, help=help_text)
            p.add_argument(size_flag, type=number, default=Decimal(1), help=size_help)

        return add

    def sns_args(p: argparse.ArgumentParser) -> None:
        sized("--publishes", "messages published", "--message-size-kb", "size (64 KB chunks)")(p)
        p.add_argument(
            "--deliveries",
            type=delivery,
            nargs="+",
            default=[],
            metavar="PROTOCOL=N",
            help=f"deliveries per protocol: {', '.join(s.SNS_PROTOCOLS)}",
        )

    def cloudwatch_args(p: argparse.ArgumentParser) -> None:
        for flag, help_text in (
            ("--alarms", "standard-resolution alarms"),
            ("--metrics", "custom metrics"),
            ("--dashboards", "dashboards"),
        ):
            p.add_argument(flag, type=number, default=Decimal(0), help=help_text)

    def dynamodb_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--write-units", type=number, required=True, help="write units (1 KB)")
        p.add_argument("--read-units", type=number, required=True, help="read units (4 KB)")

    def eventbridge_args(p: argparse.ArgumentParser) -> None:
        sized(
            "--events",
            "custom events put (a replay puts its events again)",
            "--event-size-kb",
            "size (64 KB chunks, up to 1024 KB since 2026-01-29)",
        )(p)
        p.add_argument(
            "--archived-gb",
            type=number,
            default=Decimal(0),
            help="GB of events processed into archives per month (events' own size)",
        )
        p.add_argument(
            "--archive-storage-gb-months",
            type=number,
            default=Decimal(0),
            help="GB-months the archives store (steady state: GB archived a month x "
            "retention days / (730 / 24))",
        )

    def eventbridge_usage(a: argparse.Namespace, usage: Usage) -> None:
        s.add_eventbridge(usage, events=a.events, event_size_kb=a.event_size_kb)
        s.add_eventbridge_archive(
            usage, archived_gb=a.archived_gb, archive_storage_gb_months=a.archive_storage_gb_months
        )

    def logs_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--ingested-gb", type=number, required=True, help="GB ingested per month")
        p.add_argument(
            "--vended", action="store_true", help="vended logs (Lambda, Step Functions): tiered"
        )
        p.add_argument("--stored-gb", type=number, default=Decimal(0), help="GB-months stored")

    return [
        _Service(
            "lambda",
            "AWS Lambda",
            (
                "costcalc price lambda --requests 3e6 --duration-ms 120 --memory-mb 1536",
                "costcalc price lambda --requests 10_000_000 --duration-ms 85 --memory-mb 512 "
                "--arch arm64 --cold-start-rate 0.02 --init-duration-ms 400",
            ),
            lambda_args,
            _forward(s.add_lambda),
        ),
        _Service(
            "stepfunctions",
            "AWS Step Functions",
            (
                "costcalc price stepfunctions --transitions 1.2e6",
                "costcalc price stepfunctions --workflow express --requests 1e8 "
                "--duration-ms 10000 --memory-mb 64",
            ),
            stepfunctions_args,
            stepfunctions_usage,
        ),
        _Service(
            "eventbridge",
            "Amazon EventBridge custom events and archives",
            (
                "costcalc price eventbridge --events 5e6 --event-size-kb 2",
                "costcalc price eventbridge --events 5e6 --archived-gb 4.77 "
                "--archive-storage-gb-months 57.2",
            ),
            eventbridge_args,
            eventbridge_usage,
        ),
        _Service(
            "scheduler",
            "Amazon EventBridge Scheduler",
            ("costcalc price scheduler --invocations 20e6 --free-tier",),
            one("--invocations", "schedule invocations per month"),
            _forward(s.add_scheduler),
        ),
        _Service(
            "sns",
            "Amazon SNS",
            ("costcalc price sns --publishes 2e6 --deliveries sqs=2e6 email=10000",),
            sns_args,
            lambda a, u: s.add_sns(
                u,
                publishes=a.publishes,
                message_size_kb=a.message_size_kb,
                deliveries=_deliveries(a.deliveries),
            ),
        ),
        _Service(
            "ses",
            "Amazon SES",
            ("costcalc price ses --emails 250000",),
            one("--emails", "outbound emails per month"),
            _forward(s.add_ses),
        ),
        _Service(
            "sqs",
            "Amazon SQS",
            ("costcalc price sqs --requests 3e6 --message-size-kb 1024",),
            sized(
                "--requests",
                "API requests per month",
                "--message-size-kb",
                "size (64 KB chunks, up to 1024 KB)",
            ),
            _forward(s.add_sqs),
        ),
        _Service(
            "apigw-http",
            "Amazon API Gateway HTTP API",
            ("costcalc price apigw-http --requests 500e6 --request-size-kb 4",),
            sized("--requests", "API requests", "--request-size-kb", "size (512 KB increments)"),
            _forward(s.add_apigw_http),
        ),
        _Service(
            "apigw-rest",
            "Amazon API Gateway REST API",
            ("costcalc price apigw-rest --requests 350e6",),
            sized("--requests", "API requests", "--request-size-kb", "size (not metered)"),
            _forward(s.add_apigw_rest),
        ),
        _Service(
            "dynamodb",
            "Amazon DynamoDB on-demand",
            ("costcalc price dynamodb --write-units 4e6 --read-units 12e6",),
            dynamodb_args,
            _forward(s.add_dynamodb),
        ),
        _Service(
            "logs",
            "Amazon CloudWatch Logs",
            ("costcalc price logs --ingested-gb 120 --vended --stored-gb 400",),
            logs_args,
            _forward(s.add_logs),
        ),
        _Service(
            "xray",
            "AWS X-Ray",
            ("costcalc price xray --traces 250000",),
            one("--traces", "traces recorded per month"),
            _forward(s.add_xray),
        ),
        _Service(
            "cloudwatch",
            "Amazon CloudWatch monitoring",
            ("costcalc price cloudwatch --alarms 12 --metrics 20 --dashboards 2",),
            cloudwatch_args,
            _forward(s.add_cloudwatch),
        ),
    ]


def _forward(add: Callable[..., None]) -> Callable[[argparse.Namespace, Usage], None]:
    """Call ``add(usage, **figures)`` with the parsed flags named like its keyword parameters."""
    names = [
        name
        for name, parameter in inspect.signature(add).parameters.items()
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    ]

    def call(args: argparse.Namespace, usage: Usage) -> None:
        add(usage, **{name: getattr(args, name) for name in names if hasattr(args, name)})

    return call


def _require(args: argparse.Namespace, what: str, *names: str) -> None:
    missing = [f"--{name.replace('_', '-')}" for name in names if getattr(args, name) is None]
    if missing:
        raise CostcalcError(f"{what} needs {' and '.join(missing)}")


def _refuse(args: argparse.Namespace, what: str, *names: str) -> None:
    given = [f"--{name.replace('_', '-')}" for name in names if getattr(args, name) is not None]
    if given:
        raise CostcalcError(f"{what} does not take {' or '.join(given)}")


def _deliveries(pairs: list[tuple[str, Decimal]]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for protocol, count in pairs:
        totals[protocol] = totals.get(protocol, Decimal(0)) + count
    return totals


def register(commands: Commands) -> None:
    price = commands.add_parser(
        "price",
        help="price one service's monthly usage, line by line",
        description="Price one service's monthly usage as the AWS Pricing Calculator does, "
        "line by line, with on-demand prices from the bundled catalogue.",
        epilog="Examples:\n  "
        + "\n  ".join(service.examples[0] for service in _services())
        + "\n\nEach service has its own help: costcalc price SERVICE --help",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command(price, _name_a_service)
    services = price.add_subparsers(dest="service", metavar="SERVICE", parser_class=Parser)
    for service in _services():
        sub = services.add_parser(
            service.name,
            help=service.title,
            description=f"Monthly cost of {service.title}.",
            epilog="Examples:\n  "
            + "\n  ".join(service.examples)
            + "\n\nVolumes accept 3000000, 3e6 or 3_000_000.",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        add_pricing(sub)
        add_format(sub, FORMATS, "table")
        service.add_arguments(sub)
        sub.set_defaults(add_usage=service.add_usage, title=service.title)
        command(sub, _price)


def _name_a_service(args: argparse.Namespace) -> int:
    raise CostcalcError("name a service (see costcalc price -h)")


def _price(args: argparse.Namespace) -> int:
    usage = Usage()
    args.add_usage(args, usage)
    bill = price_usage(usage, args.region, free_tier=args.free_tier)
    sys.stdout.write(render(bill, args.format, args.title))
    warning = age_warning(bill.prices_as_of)
    if warning and args.format == "csv":  # the other formats carry it in their output
        print(f"costcalc price {args.service}: warning: {warning}", file=sys.stderr)
    return 0
