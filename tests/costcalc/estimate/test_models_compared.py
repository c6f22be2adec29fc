"""The graph model with the kit's usage files bills what the order flow model bills on the kit's
stacks (SAM templates and Pulumi programs), item by item (docs/estimate-any-workflow.md says
what each one took)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.estimate.breakdown import estimate_source
from costcalc.estimate.declared_usage import BUNDLED
from costcalc.estimate.models_compared import compare_models, main, render
from costcalc.estimate.usage_file import read_usage_file

ROOT = Path(__file__).parents[3]
VOLUME = Decimal(1_000_000)
#: The usage files give figures per route and per kind of event, so the only shares left are
#: those a path mix sets per invocation (a deadline fires on 0.01 of 0.9 accepted orders, written
#: to 12 places), and the graph bills each trail in whole requests: agreement to 1 in 100,000.
CLOSE = Decimal("0.00001")
GET, PLACE = "OrdersApi GET /orders/{order_id}", "OrdersApi POST /orders"


@pytest.mark.parametrize("style", ["choreography", "orchestration"])
@pytest.mark.parametrize("definition", ["sam/{style}/template.yaml", "pulumi/orders-{style}"])
def test_every_item_agrees_with_the_order_flow(style: str, definition: str) -> None:
    """Each stack names the kit's usage file for its style, which --model auto reads it with."""
    source = ROOT / definition.format(style=style)
    compared = compare_models(source, VOLUME)
    print(render(compared))
    assert compared.usage == BUNDLED / f"{style}.yaml"
    for gap in compared.items:
        assert abs(gap.delta_quantity) <= CLOSE * gap.orderflow_quantity, (
            gap.item, gap.orderflow_quantity, gap.graph_quantity
        )  # fmt: skip
    assert abs(compared.graph_usd - compared.orderflow_usd) < Decimal("0.01")


def test_the_comparison_prints_one_line_per_item_and_the_totals() -> None:
    compared = compare_models(ROOT / "sam/orchestration/template.yaml", VOLUME)
    lines = render(compared).splitlines()
    assert len(lines) == 2 + len(compared.items) + 1
    assert lines[-1].split()[:3] == [
        "total",
        f"{compared.orderflow_usd:.2f}",
        f"{compared.graph_usd:.2f}",
    ]


def test_run_as_a_module_it_prints_the_comparison_of_each_stack_it_is_given(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["--volume", "1e5", "sam/choreography/template.yaml"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("sam/choreography/template.yaml at 100,000 units/month, graph with ")
    assert printed.rstrip().splitlines()[-1].startswith("total")


@pytest.mark.parametrize("style", ["choreography", "orchestration"])
def test_each_route_of_the_kit_s_api_carries_only_what_that_route_causes(style: str) -> None:
    """A GET reads and writes nothing, puts no event; only placing an order writes the
    idempotency records and starts the emails that follow (the state machine's or the
    notifier's)."""
    template = ROOT / f"sam/{style}/template.yaml"
    usage = read_usage_file(BUNDLED / f"{style}.yaml")
    [estimate] = estimate_source(template, VOLUME, usage, samconfig=False).estimates
    charges = estimate.followed.charges
    on_get = {(c.resource, c.item) for c in charges if c.workflow == GET}
    assert {
        ("OrdersTable", "read-request-units"),
        ("TimelineTable", "read-request-units"),
    } <= on_get
    assert not {(r, i) for r, i in on_get if "write" in i or i == "custom-events"}
    assert {c.workflow for c in charges if c.resource == "IdempotencyTable"} == {PLACE}
    assert PLACE in {c.workflow for c in charges if c.item == "outbound-emails"}
