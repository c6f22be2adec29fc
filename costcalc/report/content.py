"""The decision report's content, once, as a small document model both renderers walk.

HTML and Markdown show the same sections, sentences and tables because they render this one
:class:`Document`; only markup differs. Text is plain, with `backticks` marking code. Money is
rounded for display as ``costcalc compare`` rounds it (cents per month, a millionth of a dollar
per order); cells of the headline figures also carry the exact value and a key, which the HTML
exposes as ``data-`` attributes so scripts and tests can read them back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from costcalc.compare.render import per_order
from costcalc.compare.scenario import DesignCost
from costcalc.pricing.render import cents, exact
from costcalc.report.charts import CHARTS
from costcalc.report.decision import Decision, FigureOrigin
from costcalc.report.sensitivity import Sensitivity

TITLE = "Orchestration or choreography: what it costs, and what to choose"


@dataclass(frozen=True)
class Cell:
    """A table cell; ``key``/``exact`` name and hold the exact figure behind the text."""

    text: str
    key: str = ""
    exact: str = ""


@dataclass(frozen=True)
class Text:
    text: str
    lead: bool = False


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Chart:
    name: str
    alt: str


Block = Text | Bullets | Table | Chart


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    title: str
    facts: tuple[str, ...]
    warnings: tuple[str, ...]
    sections: tuple[Section, ...] = field(default=())


def document(facts: Decision, measured: Sequence[Section] = ()) -> Document:
    """The whole report for ``facts``, section by section, the answer first (``measured``: the
    forecast against what ran, from `costcalc actual`, before where the figures come from)."""
    plan = facts.plan
    free = "always-free allowances applied" if plan.free_tier else "no free tier (marginal cost)"
    return Document(
        TITLE,
        (
            f"{_volume(facts.answer.orders_per_month)} orders/month",
            plan.region,
            free,
            f"prices as of {facts.prices_as_of} ({facts.prices_source})",
            f"generated {facts.generated.isoformat()}",
        ),
        tuple(facts.warnings),
        (
            _answer(facts),
            _across_volume(facts),
            _breakdown(facts),
            _sensitivity(facts),
            _constraints(facts),
            *measured,
            _provenance(facts),
            _sweep(facts),
        ),
    )


def _volume(orders: Decimal) -> str:
    return f"{orders.to_integral_value():,}"


def _usd(value: Decimal) -> str:
    text = cents(abs(value))
    return f"-${text}" if value < 0 and text != "0.00" else f"${text}"


def _runnable(facts: Decision) -> list[DesignCost]:
    return [d for d in facts.answer.designs if d.profile.runnable]


def _answer(facts: Decision) -> Section:
    orders = facts.answer.orders_per_month
    best = facts.answer.cheapest_runnable
    costs = "; ".join(
        f"`{d.name}`{'' if d.profile.runnable else ' (not runnable)'} costs "
        f"{_usd(d.monthly_usd)} a month ({_usd_order(d.per_order_usd)} per order)"
        for d in _runnable(facts) or facts.answer.designs
    )
    lead = f"At {_volume(orders)} orders a month in {facts.plan.region}, {costs}."
    differences = [
        f"`{d.name}` costs {_usd(d.monthly_usd - best.monthly_usd)} more a month than "
        f"`{best.name}`: {_usd(12 * (d.monthly_usd - best.monthly_usd))} more a year."
        for d in _runnable(facts)
        if best is not None and d is not best
    ]
    if best is None:
        differences = ["No runnable design is compared: none of these designs can run the flow."]
    elif not differences:
        differences = [
            f"Only `{best.name}` is runnable among the designs compared; compare it with "
            "another design (--design) to see the difference."
        ]
    rows = []
    for d in facts.answer.designs:
        gap = d.monthly_usd - best.monthly_usd if best is not None else None
        more, more_year = (
            ("", "")
            if gap is None
            else ("cheapest", "cheapest")
            if d is best
            else (_usd(gap), _usd(12 * gap))
        )
        rows.append(
            (
                Cell(d.name),
                Cell("yes" if d.profile.runnable else "no (see constraints)"),
                Cell(_usd(d.monthly_usd), f"{d.name}.monthly_usd", exact(d.monthly_usd)),
                Cell(
                    _usd_order(d.per_order_usd), f"{d.name}.per_order_usd", exact(d.per_order_usd)
                ),
                Cell(more, f"{d.name}.more_per_month"),
                Cell(more_year, f"{d.name}.more_per_year"),
            )
        )
    table = Table(
        f"Each design at {_volume(orders)} orders/month (differences taken from the exact "
        "figures, then rounded)",
        ("design", "runnable", "per month", "per order", "more per month", "more per year"),
        tuple(rows),
        frozenset({2, 3, 4, 5}),
    )
    return Section("answer", "The answer", (Text(lead, lead=True), *map(Text, differences), table))


def _usd_order(value: Decimal) -> str:
    return f"${per_order(value)}"


def _across_volume(facts: Decision) -> Section:
    low, high = facts.span
    if facts.across.break_evens:
        said = [
            f"Break-even: {a} and {b} cost the same at {_volume(point.orders_per_month)} "
            f"orders/month ({_usd(point.monthly_usd)} a month)."
            for point in facts.across.break_evens
            for a, b in [point.designs]
        ]
    else:
        said = [
            f"No break-even in range {_volume(low)} to {_volume(high)} orders/month: "
            f"{facts.across.verdict}."
        ]
    return Section(
        "volume",
        "Monthly cost across the volume range",
        (
            Chart("cost-by-volume", CHARTS["cost-by-volume"]),
            *map(Text, said),
            Text(
                f"The curves are exact bills at every tier and free-allowance boundary, "
                f"interpolated between them; the {len(facts.sweep)} volumes of the sweep are "
                "tabled in the appendix. The dashed line marks the volume asked for."
            ),
        ),
    )


def _breakdown(facts: Decision) -> Section:
    split = facts.per_order_by_service()
    designs = list(split)
    rows = [
        (Cell(service), *(Cell(_usd_order(split[name][service])) for name in designs))
        for service in facts.services()
    ]
    rows.append(
        (
            Cell("total"),
            *(Cell(_usd_order(d.per_order_usd)) for d in facts.answer.designs),
        )
    )
    return Section(
        "breakdown",
        "Cost per order by service",
        (
            Table(
                f"USD per order at {_volume(facts.answer.orders_per_month)} orders/month",
                ("service", *designs),
                tuple(rows),
                frozenset(range(1, len(designs) + 1)),
            ),
            Chart("cost-per-order-by-service", CHARTS["cost-per-order-by-service"]),
            Text(
                "The month's fixed items (CloudWatch alarms, custom metrics, the dashboard) are "
                "spread over the month's orders, so they weigh more per order at low volume."
            ),
        ),
    )


def _sensitivity(facts: Decision) -> Section:
    result = facts.sensitivity
    designs = list(result.base)
    rows = [
        (
            Cell("base"),
            Cell("as priced above"),
            *(Cell(_usd(result.base[name])) for name in designs),
            Cell(_usd(result.measure(result.base))),
            Cell(""),
        )
    ]
    unpriced: list[str] = []
    for factor in result.factors:
        for index, variant in enumerate(factor.variants):
            if variant.monthly is None:
                priced: tuple[Cell, ...] = tuple(Cell("not priced") for _ in designs)
                measure = Cell("")
                note = "see below"
                unpriced.append(
                    f"{factor.name} {variant.label}: not priced, {variant.note}; prices are "
                    "never guessed or copied from another region."
                )
            else:
                priced = tuple(Cell(_usd(variant.monthly[name])) for name in designs)
                measure = Cell(_usd(result.measure(variant.monthly)))
                note = "the cheaper design changes" if result.flips(variant) else ""
            name = f"{factor.name} (base {factor.base})" if index == 0 else ""
            rows.append((Cell(name), Cell(variant.label), *priced, measure, Cell(note)))
    flipped = [
        f"{factor.name} ({variant.label})"
        for factor in result.factors
        for variant in factor.variants
        if result.flips(variant)
    ]
    verdict = (
        f"The cheaper design changes when: {'; '.join(flipped)}."
        if flipped
        else "No single assumption moved within these ranges changes which design is cheaper."
        if result.pair
        else ""
    )
    return Section(
        "sensitivity",
        "What moves the answer",
        (
            Text(
                "Each row moves one assumption and keeps every other at its base value; figures "
                f"are USD per month at {_volume(result.orders)} orders/month. The chart shows "
                f"the range of {_measured(result)} each assumption spans, widest first. Moving "
                "one path's rate keeps the other paths in their proportions; EventBridge bills "
                "events in 64 KB chunks."
            ),
            Chart("sensitivity", CHARTS["sensitivity"]),
            *([Text(verdict)] if verdict else []),
            Table(
                "Monthly cost with one assumption moved",
                ("assumption", "moved to", *designs, _measure_header(result), "note"),
                tuple(rows),
                frozenset(range(2, len(designs) + 3)),
            ),
            *map(Text, unpriced),
        ),
    )


#: Non-cost trade-offs from the seed advice: (aspect, choreography, orchestration).
TRADE_OFFS = (
    (
        "Visibility",
        "The flow exists only as rules and handlers; following one order needs traces and "
        "logs joined by order id.",
        "One state machine is the flow: a diagram and a per-order execution history (kept 90 "
        "days) show where every order is.",
    ),
    (
        "Time-outs",
        "A one-time EventBridge Scheduler schedule per order fires a time-out handler; every "
        "path that ends the wait must delete it.",
        "`TimeoutSecondsPath` on the callback task with a `Catch` on `States.Timeout`: the "
        "time-out is part of the flow.",
    ),
    (
        "Coupling",
        "Steps know only events: a new consumer subscribes without touching the others.",
        "The flow is explicit in one definition; it still publishes every domain event so "
        "other bounded contexts build on them.",
    ),
    (
        "Errors and retries",
        "Per rule and per function: retry policies, dead-letter queues and idempotent "
        "handlers for every step.",
        "`Retry` and `Catch` per state, in one place; retries bill a transition each.",
    ),
    (
        "Cost driver",
        "Lambda invocations and EventBridge events: cheap per order.",
        "Standard state transitions (0.025 USD per 1,000 in us-east-1) on top of the same events.",
    ),
)
CONSTRAINTS = (
    "Express workflows run at most 5 minutes and support no `.waitForTaskToken` callbacks: a "
    "flow that waits for a person (the restaurant has up to AcceptanceTimeoutSeconds, 600 by "
    "default) needs a Standard workflow or choreography.",
    "Standard workflows wait up to a year per execution and bill every state entered, "
    "retries included; Express bills requests and duration instead.",
)


def _constraints(facts: Decision) -> Section:
    ruled_out = [
        f"`{d.name}` is ruled out: {d.profile.why_not}."
        for d in facts.answer.designs
        if not d.profile.runnable
    ]
    table = Table(
        "The non-cost trade-offs",
        ("", "choreography", "orchestration"),
        tuple((Cell(a), Cell(c), Cell(o)) for a, c, o in TRADE_OFFS),
    )
    return Section(
        "constraints",
        "Constraints, trade-offs and the recommendation",
        (
            Bullets((*ruled_out, *CONSTRAINTS)),
            table,
            Text(_recommendation(facts), lead=True),
        ),
    )


def _recommendation(facts: Decision) -> str:
    """The kit's rule of thumb, with what it costs at this volume."""
    rule = (
        "Recommendation: orchestrate inside a bounded context, choreograph between bounded "
        "contexts. The promo and analytics contexts react to the orders context's events in "
        "either style."
    )
    designs = {d.name: d for d in _runnable(facts)}
    orchestration, choreography = designs.get("orchestration"), designs.get("choreography")
    if orchestration is None or choreography is None:
        return rule
    gap = orchestration.monthly_usd - choreography.monthly_usd
    orders = _volume(facts.answer.orders_per_month)
    if gap <= 0:
        return (
            f"{rule} Inside the orders context, orchestration is also the cheaper design at "
            f"{orders} orders/month ({_usd(-gap)} less a month)."
        )
    return (
        f"{rule} Inside the orders context, orchestration's visibility and explicit time-outs "
        f"cost {_usd(gap)} a month at {orders} orders/month ({_usd(12 * gap)} a year, "
        f"{_usd_order(gap / facts.answer.orders_per_month)} per order). Choose choreography "
        "inside the context only if that premium matters more than seeing and controlling the "
        "flow in one place."
    )


def _provenance(facts: Decision) -> Section:
    counts = facts.origin_counts()
    prices = Table(
        "Price sources",
        ("service", "items", "source", "last seen"),
        tuple(
            (Cell(p.service), Cell(", ".join(p.items)), Cell(p.source), Cell(p.seen.isoformat()))
            for p in facts.prices
        ),
        frozenset({3}),
    )
    assumptions = facts.plan.assumptions()
    mix = ", ".join(f"{path} {rate.normalize():f}" for path, rate in facts.plan.mix.rates.items())
    derived = ", ".join(assumptions["path_mix_derived"]) or "none"
    origin_text = (
        f"Workload figures: {counts['profile']} from the bundled workload profiles (`profile`), "
        f"{counts['user']} from your usage files (`user`), {counts['definition']} from "
        "deployment definitions (`definition`)."
    )
    if not counts["definition"]:
        origin_text += (
            " No figure was read from a definition: `costcalc report PATH` derives them from a "
            "SAM template, a Pulumi project or a generated project, as `costcalc estimate` "
            "does; here the profiles' figures are declared estimates, each commented in its file."
        )
    blocks: list[Text | Bullets | Table | Chart] = [
        Text(
            f"Prices: {facts.prices_source}, {facts.plan.region}, as of {facts.prices_as_of} "
            "(the oldest price used). `costcalc prices refresh` fetches current ones."
        ),
        *(Text(f"Warning: {warning}") for warning in facts.warnings),
        prices,
        Text(origin_text),
        Bullets(
            (
                f"Path mix: {mix} (filled in: {derived}; {assumptions['path_mix_rule']}).",
                f"Transitions counted: {assumptions['transitions_counted']}.",
                f"Quantities: {assumptions['quantities']}.",
                f"Logs: {assumptions['logs']}.",
                *(f"Not priced: {item}." for item in assumptions["not_priced"]),
            )
        ),
    ]
    for name in dict.fromkeys(figure.design for figure in facts.origins):
        blocks.append(
            Table(
                f"Workload figures of {name}",
                ("figure", "value", "origin", "where"),
                tuple(
                    (Cell(key), Cell(value), Cell(origin), Cell(where))
                    for key, value, origin, where in _grouped(
                        [f for f in facts.origins if f.design == name]
                    )
                ),
            )
        )
    return Section("provenance", "Where the figures come from", tuple(blocks))


def _grouped(figures: Sequence[FigureOrigin]) -> list[tuple[str, str, str, str]]:
    """One row per figure, except that sibling figures on one line (a flow mapping such as a
    function's ``{trigger: api, memory_mb: 256, ...}``) share a row under their parent key."""
    rows: list[tuple[str, str, str, str]] = []
    run: list[FigureOrigin] = []

    def flush() -> None:
        if len(run) == 1:
            rows.append((run[0].key, run[0].value, run[0].origin, run[0].where))
        elif run:
            values = ", ".join(f"{f.key.rsplit('.', 1)[1]} {f.value}" for f in run)
            rows.append((run[0].key.rsplit(".", 1)[0], values, run[0].origin, run[0].where))
        run.clear()

    for figure in figures:
        if run and (
            figure.where != run[0].where
            or figure.origin != run[0].origin
            or "." not in figure.key
            or figure.key.rsplit(".", 1)[0] != run[0].key.rsplit(".", 1)[0]
        ):
            flush()
        run.append(figure)
    flush()
    return rows


def _sweep(facts: Decision) -> Section:
    designs = [curve.name for curve in facts.across.curves]
    rows: Sequence[tuple[Cell, ...]] = [
        (Cell(_volume(volume)), *(Cell(_usd(monthly[name])) for name in designs))
        for volume, monthly in facts.sweep
    ]
    return Section(
        "sweep",
        "Appendix: monthly cost across the sweep",
        (
            Table(
                f"USD per month at {len(facts.sweep)} volumes, log-spaced",
                ("orders/month", *designs),
                tuple(rows),
                frozenset(range(len(designs) + 1)),
            ),
        ),
    )


def _measured(result: Sensitivity) -> str:
    if result.pair is None:
        return f"`{result.subject}`'s monthly cost"
    dearer, cheaper = result.pair
    return f"the difference, `{dearer}` minus `{cheaper}` per month"


def _measure_header(result: Sensitivity) -> str:
    return "difference" if result.pair else result.measured.split(",")[0]
