"""The two models of ``costcalc estimate`` side by side on one definition, item by item.

``--model orderflow`` prices the kit's order flow (its five paths, the bundled profile);
``--model graph`` follows the definition from its entry points with a usage file. Issue 17 asks
for the second to give the first's totals on the kit's stacks, once the order flow is written as
a usage file: this module says, per billed item (service/item, over the whole bill), how far
apart they are at one volume, in quantity and in money, so each remaining difference can be
named and traced to what the graph model cannot yet say. Run it from the kit's root::

    python -m costcalc.estimate.models_compared                # the kit's stacks, 1e6 orders
    python -m costcalc.estimate.models_compared --volume 1e5 sam/choreography/template.yaml

Each stack (both SAM templates and both Pulumi programs by default) is read with ``--model
orderflow`` (its profile) and with ``--model graph`` and the usage file the stack names for
itself (costcalc.estimate.declared_usage: the kit's for its style, costcalc/data/usage/), as
``--model auto`` reads it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from costcalc.compare.scenario import scenario
from costcalc.errors import UsageError
from costcalc.estimate.breakdown import Breakdown, declared_usage, estimate_source
from costcalc.estimate.usage import estimate
from costcalc.estimate.usage_file import read_usage_file

#: The kit's stacks, from its root: both styles in SAM and in Pulumi.
KIT_STACKS = (
    Path("sam/choreography/template.yaml"),
    Path("sam/orchestration/template.yaml"),
    Path("pulumi/orders-choreography"),
    Path("pulumi/orders-orchestration"),
)


@dataclass(frozen=True)
class ItemGap:
    """One billed item as each model bills it for the month (``None``: that model bills none)."""

    item: str  # service/item, as the catalogue names it
    orderflow_quantity: Decimal
    graph_quantity: Decimal
    orderflow_usd: Decimal
    graph_usd: Decimal | None  # None: the graph model has no sourced price for it

    @property
    def delta_usd(self) -> Decimal:
        return (self.graph_usd or Decimal(0)) - self.orderflow_usd

    @property
    def delta_quantity(self) -> Decimal:
        return self.graph_quantity - self.orderflow_quantity


@dataclass(frozen=True)
class ModelsCompared:
    source: Path
    usage: Path
    volume: Decimal
    items: tuple[ItemGap, ...]

    @property
    def orderflow_usd(self) -> Decimal:
        return sum((i.orderflow_usd for i in self.items), Decimal(0))

    @property
    def graph_usd(self) -> Decimal:
        return sum((i.graph_usd or Decimal(0) for i in self.items), Decimal(0))


def compare_models(
    source: Path,
    volume: Decimal,
    usage: Path | None = None,
    parameters: Mapping[str, str] | None = None,
) -> ModelsCompared:
    """Both models on ``source`` at ``volume`` units a month (the graph with ``usage``, by
    default the usage file ``source`` names for itself)."""
    if usage is None:
        [declared] = declared_usage(source, parameters)
        if declared is None:
            raise UsageError(f"{source}: names no usage file of its own; give one")
        usage = declared
    [estimated] = estimate(source, parameters=parameters)
    plan = scenario(profiles=[estimated.profile])
    design = plan.price(volume).designs[0]
    ordered: dict[str, tuple[Decimal, Decimal]] = {}
    quantities = plan.workloads[0].usage(volume).quantities
    for line in design.bill.lines:
        name = f"{line.service}/{line.item}"
        _, money = ordered.get(name, (Decimal(0), Decimal(0)))
        ordered[name] = (quantities[line.service, line.item], money + line.monthly_usd)
    graph = _graph_items(
        estimate_source(source, volume, read_usage_file(usage), parameters=parameters)
    )
    names = list(dict.fromkeys([*ordered, *graph]))
    items = tuple(
        ItemGap(
            name,
            ordered.get(name, (Decimal(0), Decimal(0)))[0],
            graph.get(name, (Decimal(0), Decimal(0)))[0],
            ordered.get(name, (Decimal(0), Decimal(0)))[1],
            graph.get(name, (Decimal(0), Decimal(0)))[1],
        )
        for name in names
    )
    return ModelsCompared(source, usage, volume, items)


def _graph_items(breakdown: Breakdown) -> dict[str, tuple[Decimal, Decimal | None]]:
    found: dict[str, tuple[Decimal, Decimal | None]] = {}
    for template in breakdown.estimates:
        for priced in template.priced:
            charge = priced.charge
            name = f"{charge.service}/{charge.item}"
            quantity, money = found.get(name, (Decimal(0), Decimal(0)))
            if money is not None and priced.monthly_usd is not None:
                money += priced.monthly_usd
            else:
                money = None
            found[name] = (quantity + charge.monthly, money)
    return found


def render(compared: ModelsCompared) -> str:
    """The comparison as a plain table: one line per billed item, then the totals."""
    header = (
        f"{'item':36} {'orderflow qty':>16} {'graph qty':>16} {'orderflow USD':>14} "
        f"{'graph USD':>10} {'delta USD':>10}"
    )
    lines = [
        f"{compared.source} at {compared.volume:,.0f} units/month, graph with {compared.usage}",
        header,
    ]
    for gap in sorted(compared.items, key=lambda g: -abs(g.delta_usd)):
        graph_usd = "n/p" if gap.graph_usd is None else f"{gap.graph_usd:.2f}"
        lines.append(
            f"{gap.item:36} {_quantity(gap.orderflow_quantity):>16} "
            f"{_quantity(gap.graph_quantity):>16} {gap.orderflow_usd:>14.2f} {graph_usd:>10} "
            f"{gap.delta_usd:>+10.2f}"
        )
    delta = compared.graph_usd - compared.orderflow_usd
    lines.append(
        f"{'total':36} {'':>16} {'':>16} {compared.orderflow_usd:>14.2f} "
        f"{compared.graph_usd:>10.2f} {delta:>+10.2f}"
    )
    return "\n".join(lines) + "\n"


def _quantity(value: Decimal) -> str:
    return f"{value:,.2f}" if value != value.to_integral_value() else f"{value:,.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Both models of costcalc estimate on the kit's stacks, item by item."
    )
    parser.add_argument("templates", nargs="*", type=Path, default=list(KIT_STACKS))
    parser.add_argument("--volume", type=Decimal, default=Decimal(1_000_000))
    args = parser.parse_args(argv)
    for template in args.templates:
        compared = compare_models(template, args.volume)
        sys.stdout.write(render(compared) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
