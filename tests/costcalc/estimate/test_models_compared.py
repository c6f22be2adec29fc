"""The graph model with the kit's usage files bills what the order flow model bills on the kit's
stacks (SAM templates and Pulumi programs), item by item (docs/estimate-any-workflow.md says
what each one took)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.estimate.declared_usage import BUNDLED
from costcalc.estimate.models_compared import compare_models, main, render

ROOT = Path(__file__).parents[3]
VOLUME = Decimal(1_000_000)
#: Per-invocation shares are written to 12 places, and the graph rounds each charge's monthly
#: count up to a whole one (40,020 schedules fired for 40,000): agreement is to a tenth of a
#: percent.
CLOSE = Decimal("0.001")


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
