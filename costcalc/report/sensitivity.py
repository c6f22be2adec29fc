"""How the monthly answer moves when one assumption changes and everything else stays put.

Each :class:`Factor` re-prices every design at the same volume with one assumption moved to a
low and a high value (or, for switches, to the other setting): Lambda duration and memory, the
acceptance, time-out and overdue rates, the event size, retries, the free tier, the transition
counting rule and every other region of the catalogue. The variants are built from the base
scenario's validated profiles, so a user's ``--usage`` figures are what gets moved.

A region whose catalogue lacks a price the designs need is reported with the missing items
instead of a figure: prices are never guessed or copied from another region.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Any

from costcalc.compare.scenario import Scenario
from costcalc.workload.metering import workload
from costcalc.workload.path_mix import DEFAULTS, PathMix, path_mix
from costcalc.workload.profiles import Function, Profile

#: Lambda's memory bounds (MB): a scaled size is clamped into them.
LAMBDA_MEMORY_MB = (Decimal(128), Decimal(10_240))
#: EventBridge bills events in 64 KB chunks and accepts up to 256 KB.
EVENT_SIZES_KB = (Decimal(64), Decimal(200))
#: The share of retried steps in the high variant of "retries".
RETRY_SHARE = Decimal("0.10")
#: Lambda triggers whose invocations AWS retries (rule targets, stream and SNS subscribers).
_RETRIED = frozenset({"rule", "stream", "sns"})


@dataclass(frozen=True)
class Variant:
    """One moved assumption: each design's month, or why it could not be priced."""

    label: str
    monthly: Mapping[str, Decimal] | None
    note: str = ""


@dataclass(frozen=True)
class Factor:
    """An assumption, its base value in words, and its variants."""

    name: str
    base: str
    variants: tuple[Variant, ...]


@dataclass(frozen=True)
class Sensitivity:
    """The base month per design, each factor's variants, and the measure the chart shows.

    ``pair`` names (dearer, cheaper) runnable designs at the base when there are two or more:
    the measure is then their monthly difference; otherwise ``subject``'s monthly cost.
    """

    orders: Decimal
    base: Mapping[str, Decimal]
    factors: tuple[Factor, ...]
    pair: tuple[str, str] | None
    subject: str
    measured: str

    def measure(self, monthly: Mapping[str, Decimal]) -> Decimal:
        if self.pair is None:
            return monthly[self.subject]
        dearer, cheaper = self.pair
        return monthly[dearer] - monthly[cheaper]

    def flips(self, variant: Variant) -> bool:
        """Whether the cheaper design at the base is the dearer one in ``variant``."""
        return (
            self.pair is not None
            and variant.monthly is not None
            and self.measure(variant.monthly) < 0
        )


def sensitivity(plan: Scenario, orders: Decimal) -> Sensitivity:
    """Re-price ``plan`` at ``orders`` with each assumption moved in turn."""
    base = _monthly(plan, orders)
    runnable = sorted(
        (load.profile.design for load in plan.workloads if load.profile.runnable),
        key=lambda name: base[name],
    )
    pair = (runnable[1], runnable[0]) if len(runnable) >= 2 else None
    subject = (runnable or [plan.workloads[0].profile.design])[0]
    measured = f"{pair[0]} minus {pair[1]}" if pair else subject
    factors = (
        _scaled_functions(plan, orders, "Lambda duration", "duration_ms", "ms"),
        _scaled_functions(plan, orders, "Lambda memory", "memory_mb", "MB"),
        _rate(plan, orders, "Acceptance rate", "accepted", (Decimal("-0.15"), Decimal("0.05"))),
        _rate(plan, orders, "Time-out rate", "timed_out", (Decimal("-1"), Decimal("0.10"))),
        # none overdue, or a tenth of the orders more (kitchens or couriers falling behind)
        _rate(plan, orders, "Overdue rate", "overdue", (Decimal("-1"), Decimal("0.10"))),
        _event_size(plan, orders),
        _retries(plan, orders),
        _switch(
            "Free tier",
            ("not applied", "always-free applied"),
            plan.free_tier,
            dataclasses.replace(plan, free_tier=not plan.free_tier),
            orders,
        ),
        _switch(
            "Transition counting",
            ("states entered", "plus Start and End"),
            plan.count_start_end,
            _reprofiled(dataclasses.replace(plan, count_start_end=not plan.count_start_end), _same),
            orders,
        ),
        _regions(plan, orders),
    )
    return Sensitivity(
        orders,
        base,
        tuple(factor for factor in factors if factor.variants),
        pair,
        subject,
        f"{measured}, USD per month",
    )


def missing_prices(plan: Scenario, region: str) -> list[str]:
    """The ``service/item`` prices the plan's designs use that ``region`` has none for."""
    keys = dict.fromkeys(key for load in plan.workloads for key in (*load.per_order, *load.fixed))
    return [f"{s}/{i}" for s, i in keys if (s, i, region) not in plan.catalogue.entries]


def _monthly(plan: Scenario, orders: Decimal) -> dict[str, Decimal]:
    return {design.name: design.monthly_usd for design in plan.price(orders).designs}


def _reprofiled(plan: Scenario, change: Callable[[Profile], Profile]) -> Scenario:
    loads = tuple(
        workload(change(load.profile), plan.mix, count_start_end=plan.count_start_end)
        for load in plan.workloads
    )
    return dataclasses.replace(plan, workloads=loads)


def _same(profile: Profile) -> Profile:
    return profile


def _variant(label: str, plan: Scenario, orders: Decimal) -> Variant:
    return Variant(label, _monthly(plan, orders))


def _figures(plan: Scenario, values: Callable[[Profile], list[Decimal]], unit: str) -> str:
    found = sorted({value for load in plan.workloads for value in values(load.profile)})
    if not found:
        return "not used"
    low, high = _plain(found[0]), _plain(found[-1])
    return f"{low} {unit}" if low == high else f"{low}\N{EN DASH}{high} {unit}"


def _scaled_functions(plan: Scenario, orders: Decimal, name: str, field: str, unit: str) -> Factor:
    def scale(factor: Decimal) -> Callable[[Profile], Profile]:
        def change(profile: Profile) -> Profile:
            functions = {
                key: _scale_function(function, field, factor)
                for key, function in profile.functions.items()
            }
            return dataclasses.replace(profile, functions=functions)

        return change

    def values(profile: Profile) -> list[Decimal]:
        return [getattr(function, field) for function in profile.functions.values()]

    base = _figures(plan, values, unit)
    return Factor(
        name,
        f"{base} per function",
        tuple(
            _variant(
                f"\N{MULTIPLICATION SIGN} {_plain(factor)} ({_figures(moved, values, unit)})",
                moved,
                orders,
            )
            for factor in (Decimal("0.5"), Decimal(2))
            for moved in [_reprofiled(plan, scale(factor))]
        ),
    )


def _scale_function(function: Function, field: str, factor: Decimal) -> Function:
    value = getattr(function, field) * factor
    if field == "memory_mb":
        low, high = LAMBDA_MEMORY_MB
        value = min(max(value.to_integral_value(rounding=ROUND_HALF_UP), low), high)
    return dataclasses.replace(function, **{field: value})


def _rate(
    plan: Scenario, orders: Decimal, name: str, path: str, moves: tuple[Decimal, Decimal]
) -> Factor:
    """The rate of ``path`` moved down and up by ``moves`` (clamped to 0..1)."""
    down, up = moves
    base = plan.mix.rates[path]
    targets = dict.fromkeys(
        value for value in (max(Decimal(0), base + down), min(Decimal(1), base + up))
    )
    variants = []
    for target in targets:
        if target == base:
            continue
        mix = _with_rate(plan.mix, path, target)
        moved = _reprofiled(dataclasses.replace(plan, mix=mix), _same)
        variants.append(_variant(f"{_plain(target)}", moved, orders))
    return Factor(name, _plain(base), tuple(variants))


def _with_rate(mix: PathMix, path: str, target: Decimal) -> PathMix:
    """``mix`` with ``path`` at ``target``; the other paths keep their proportions."""
    others = [name for name in mix.rates if name != path]
    weights = {name: mix.rates[name] for name in others}
    if not sum(weights.values()):
        weights = {name: DEFAULTS[name] for name in others}
    total = sum(weights.values(), Decimal(0))
    rates: dict[str, Decimal | None] = {path: target}
    left = 1 - target
    for name in others[:-1]:
        rates[name] = (left * weights[name] / total).quantize(Decimal("1e-12"))
    rates[others[-1]] = left - sum((rates[name] or Decimal(0) for name in others[:-1]), Decimal(0))
    return path_mix(rates)


def _event_size(plan: Scenario, orders: Decimal) -> Factor:
    def sized(size: Decimal) -> Callable[[Profile], Profile]:
        def change(profile: Profile) -> Profile:
            return _with_setting(profile, ("events", "size_kb"), size)

        return change

    base = _figures(plan, lambda profile: [profile.figure("events.size_kb")], "KB")
    return Factor(
        "Event size",
        base,
        tuple(
            _variant(f"{_plain(size)} KB ({_chunks(size)})", _reprofiled(plan, sized(size)), orders)
            for size in EVENT_SIZES_KB
        ),
    )


def _chunks(size_kb: Decimal) -> str:
    """How EventBridge meters an event of ``size_kb``: 64 KB chunks, each billed as an event."""
    chunks = int((size_kb / 64).to_integral_value(rounding=ROUND_CEILING))
    return "one 64 KB chunk" if chunks == 1 else f"{chunks} chunks of 64 KB"


def _with_setting(profile: Profile, keys: tuple[str, str], value: Any) -> Profile:
    settings = dict(profile.settings)
    settings[keys[0]] = {**settings[keys[0]], keys[1]: value}
    return dataclasses.replace(profile, settings=settings)


def _retries(plan: Scenario, orders: Decimal) -> Factor:
    """A share of the retried steps re-run once: what AWS bills again when a step is retried.

    Retried are the event-driven Lambda invocations (EventBridge rule targets, stream and SNS
    subscribers) and the state machine's steps (Standard bills every retry as a transition;
    Express bills its duration). API handlers are not retried by AWS, and a schedule fires its
    target once (the profile schema ties those invocations to schedules fired).
    """

    def retried(profile: Profile) -> Profile:
        grow = 1 + RETRY_SHARE
        paths = {}
        for name, path in profile.paths.items():
            invocations = {
                function: count * (grow if profile.functions[function].trigger in _RETRIED else 1)
                for function, count in path.invocations.items()
            }
            paths[name] = dataclasses.replace(
                path,
                invocations=invocations,
                rule_matches=path.rule_matches * grow,
                transitions=path.transitions * grow,
                express_duration_ms=path.express_duration_ms * grow,
            )
        return dataclasses.replace(profile, paths=paths)

    share = f"{_plain(RETRY_SHARE * 100)}%"
    return Factor(
        "Retries",
        "none",
        (
            _variant(
                f"{share} of retried steps re-run",
                _reprofiled(plan, retried),
                orders,
            ),
        ),
    )


def _switch(
    name: str, words: tuple[str, str], current: bool, moved: Scenario, orders: Decimal
) -> Factor:
    """A yes/no assumption: ``words`` name its off and on settings, ``moved`` is the other."""
    return Factor(name, words[current], (_variant(words[not current], moved, orders),))


def _regions(plan: Scenario, orders: Decimal) -> Factor:
    variants = []
    for region in sorted(plan.catalogue.regions - {plan.region}):
        missing = missing_prices(plan, region)
        if missing:
            note = f"the catalogue has no sourced price there for {', '.join(missing)}"
            variants.append(Variant(region, None, note))
        else:
            variants.append(_variant(region, dataclasses.replace(plan, region=region), orders))
    return Factor("Region", plan.region, tuple(variants))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def spans(result: Sensitivity) -> list[tuple[Factor, Decimal, Decimal]]:
    """Each priced factor with the lowest and highest measure over the base and its variants."""
    base = result.measure(result.base)
    found = []
    for factor in result.factors:
        measures = [result.measure(v.monthly) for v in factor.variants if v.monthly is not None]
        if measures:
            found.append((factor, min([base, *measures]), max([base, *measures])))
    return sorted(found, key=lambda item: item[2] - item[1], reverse=True)
