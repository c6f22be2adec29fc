"""From a workload profile and a path mix to the billed quantities of one average order.

Metering is never re-implemented here: each kind of request (an API call, one invocation of a
function, one event, one email...) is metered once through the ``costcalc.pricing.services``
function of its service, for a single request, and the result is scaled by how many such
requests an average order makes. Every service's metering is linear in the request count, so
scaling is exact; the monthly quantities are ``orders x average`` and are not rounded to whole
requests.

Only DynamoDB takes its units ready-made (``services.add_dynamodb``), so they are derived here:
a write is ``ceil(item_kb / 1)`` write units, a strongly consistent read ``ceil(item_kb / 4)``
read units and an eventually consistent read half of that.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, localcontext
from typing import Any

from costcalc.errors import UsageError
from costcalc.pricing import services
from costcalc.pricing.bill import PRECISION, Usage
from costcalc.workload.path_mix import PathMix
from costcalc.workload.profiles import PathUsage, Profile, ProfileError

Key = tuple[str, str]
#: What a quantity is billed for: a resource's name in the profile and its CloudFormation type.
Part = tuple[str, str]
MONITORING: Part = ("monitoring", "AWS::CloudWatch")
STATE_MACHINE: Part = ("state machine", "AWS::StepFunctions::StateMachine")
#: The bus's event archive: each archived event at its own size (events.size_kb), stored for
#: the profile's archive.months_stored.
ARCHIVE: Part = ("archive", "AWS::Events::Archive")
_KB_PER_GB = Decimal(1024) ** 2
#: Transitions the seed article adds per execution: its Start and its End.
START_END_TRANSITIONS = Decimal(2)


@dataclass(frozen=True)
class Workload:
    """A design's billed quantities: per average order, and fixed per month."""

    profile: Profile
    per_order: Mapping[Key, Decimal]
    fixed: Mapping[Key, Decimal]
    #: ``per_order`` split by the resource each quantity is billed for (``fixed`` is all
    #: monitoring); empty for a workload built by hand, whose quantities have no resource.
    parts: Mapping[Part, Mapping[Key, Decimal]] = field(default_factory=dict)

    def usage(self, orders: Decimal) -> Usage:
        """The month's usage at ``orders`` orders (quantities in a stable item order)."""
        quantities = {key: per_order * orders for key, per_order in self.per_order.items()}
        for key, quantity in self.fixed.items():
            quantities[key] = quantities.get(key, Decimal(0)) + quantity
        return Usage(quantities=quantities)


def workload(profile: Profile, mix: PathMix, *, count_start_end: bool = False) -> Workload:
    """Meter one order of each path of ``profile`` and weight the paths by ``mix``."""
    meter = _Meter(profile)
    per_order: dict[Key, Decimal] = {}
    parts: dict[Part, dict[Key, Decimal]] = {}
    with localcontext() as context:
        context.prec = PRECISION
        for name, path in profile.paths.items():
            rate = mix.rates[name]
            metered = meter.path(name, path, count_start_end=count_start_end)
            for part, quantities in metered.items():
                share = parts.setdefault(part, {})
                for key, quantity in quantities.items():
                    per_order[key] = per_order.get(key, Decimal(0)) + rate * quantity
                    share[key] = share.get(key, Decimal(0)) + rate * quantity
    fixed = Usage()
    monthly = profile.figure("monthly")
    services.add_cloudwatch(
        fixed,
        alarms=monthly["alarms"],
        metrics=monthly["metrics"],
        dashboards=monthly["dashboards"],
    )
    return Workload(
        profile,
        {key: quantity for key, quantity in per_order.items() if quantity},
        dict(fixed.quantities),
        {
            part: {key: quantity for key, quantity in quantities.items() if quantity}
            for part, quantities in parts.items()
        },
    )


class _Meter:
    """Billed quantities of single requests, metered by ``costcalc.pricing.services``, cached."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.cache: dict[tuple[str, str, str], Mapping[Key, Decimal]] = {}

    def unit(self, key: str, add: Callable[..., None], **figures: Any) -> Mapping[Key, Decimal]:
        """What one request costs in billed quantities; errors name the profile key."""
        cache_key = (key, add.__name__, repr(sorted(figures.items())))
        if cache_key not in self.cache:
            usage = Usage()
            try:
                add(usage, **figures)
            except UsageError as error:
                key = self._culprit(key, str(error))
                raise ProfileError(f"{self.profile.at(key)}: {key}: {error}") from None
            self.cache[cache_key] = usage.quantities
        return self.cache[cache_key]

    def _culprit(self, key: str, message: str) -> str:
        """The figure under ``key`` whose flag form (``memory_mb`` -> --memory-mb) is named."""
        for dotted in self.profile.where:
            child = dotted.removeprefix(f"{key}.")
            if child != dotted and f"--{child.replace('_', '-')} " in message:
                return dotted
        return key

    def path(
        self, name: str, path: PathUsage, *, count_start_end: bool
    ) -> dict[Part, dict[Key, Decimal]]:
        """Billed quantities of one order taking ``path``, per resource billed."""
        figure = self.profile.figure
        one = Decimal(1)
        counts: list[tuple[Part, Decimal, Mapping[Key, Decimal]]] = []

        def take(
            part: Part, count: Decimal, key: str, add: Callable[..., None], **figures: Any
        ) -> None:
            if count:
                counts.append((part, count, self.unit(key, add, **figures)))

        take(
            ("api", "AWS::ApiGatewayV2::Api"),
            path.api_requests,
            "api.request_kb",
            services.add_apigw_http,
            requests=one,
            request_size_kb=figure("api.request_kb"),
        )
        for function_name, invocations in path.invocations.items():
            function = self.profile.functions[function_name]
            take(
                (function_name, "AWS::Lambda::Function"),
                invocations,
                f"functions.{function_name}",
                services.add_lambda,
                requests=one,
                duration_ms=function.duration_ms,
                memory_mb=function.memory_mb,
                arch=function.arch,
                ephemeral_storage_mb=function.ephemeral_storage_mb,
                cold_start_rate=function.cold_start_rate,
                init_duration_ms=function.init_ms,
            )
        take(
            ("events", "AWS::Events::EventBus"),
            path.events,
            "events.size_kb",
            services.add_eventbridge,
            events=one,
            event_size_kb=figure("events.size_kb"),
        )
        archive = self.profile.settings.get("archive")
        if archive is not None:
            archived_gb = figure("events.size_kb") / _KB_PER_GB
            take(
                ARCHIVE,
                path.archived_events,
                "archive",
                services.add_eventbridge_archive,
                archived_gb=archived_gb,
                archive_storage_gb_months=archived_gb * archive["months_stored"],
            )
        take(
            ("schedules", "AWS::Scheduler::Schedule"),
            path.schedules_fired,
            "paths",
            services.add_scheduler,
            invocations=one,
        )
        take(
            ("notifications", "AWS::SNS::Topic"),
            path.notifications,
            "notifications",
            services.add_sns,
            publishes=one,
            message_size_kb=figure("notifications.message_kb"),
            deliveries={figure("notifications.protocol"): one},
        )
        take(("emails", "AWS::SES"), path.emails, "paths", services.add_ses, emails=one)
        for table, writes in path.writes.items():
            units = _ceil(figure(f"tables.{table}.item_kb")) or one
            take(
                (table, "AWS::DynamoDB::Table"),
                writes,
                f"tables.{table}",
                services.add_dynamodb,
                write_units=units,
                read_units=Decimal(0),
            )
        for table, reads in path.reads.items():
            settings = figure(f"tables.{table}")
            units = _ceil(settings["item_kb"] / 4) or one
            share = Decimal("0.5") if settings["read"] == "eventual" else one
            take(
                (table, "AWS::DynamoDB::Table"),
                reads * share,
                f"tables.{table}",
                services.add_dynamodb,
                write_units=Decimal(0),
                read_units=units,
            )
        machine = self.profile.settings.get("state_machine")
        vended_kb = sum(
            (count * self.profile.functions[fn].log_kb for fn, count in path.invocations.items()),
            Decimal(0),
        )
        if machine is not None:
            vended_kb += path.transitions * machine["log_kb_per_transition"]
        if machine is not None and machine["type"] == "standard":
            transitions = path.transitions
            if count_start_end:
                transitions += START_END_TRANSITIONS * path.executions
            take(
                STATE_MACHINE,
                transitions,
                "state_machine",
                services.add_stepfunctions_standard,
                transitions=one,
            )
        elif machine is not None:
            take(
                STATE_MACHINE,
                path.executions,
                f"paths.{name}.express_duration_ms",
                services.add_stepfunctions_express,
                requests=one,
                duration_ms=path.express_duration_ms,
                memory_mb=machine.get("express_memory_mb", Decimal(64)),
            )
        retention = figure("logs.retention_months")
        standard_kb = path.api_requests * figure("api.access_log_kb")
        for kilobytes, vended in ((vended_kb, True), (standard_kb, False)):
            take(
                ("logs", "AWS::Logs::LogGroup"),
                kilobytes / _KB_PER_GB,
                "logs",
                services.add_logs,
                ingested_gb=one,
                vended=vended,
                stored_gb=retention,
            )
        sampled = path.traces * figure("tracing.sampling_rate")
        take(("tracing", "AWS::XRay"), sampled, "tracing", services.add_xray, traces=one)

        parts: dict[Part, dict[Key, Decimal]] = {}
        for part, count, unit in counts:
            quantities = parts.setdefault(part, {})
            for key, quantity in unit.items():
                quantities[key] = quantities.get(key, Decimal(0)) + count * quantity
        return parts


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)
