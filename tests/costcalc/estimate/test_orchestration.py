"""Which execution path is which order path, read from the orchestration definition itself.

Modified copies of the reference stack show the refusals: an outcome no path publishes, an
event type the definition computes, a flow event nothing may put on the bus.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from costcalc.estimate.template import TemplateError
from costcalc.estimate.usage import estimate

ROOT = Path(__file__).resolve().parents[3]
ORCHESTRATION = ROOT / "sam/orchestration/template.yaml"
DEFINITION = ROOT / "statemachine/orders.asl.json"


def _copy(
    tmp_path: Path, definition: tuple[str, str] = ("", ""), template: tuple[str, str] = ("", "")
) -> Path:
    text = DEFINITION.read_text(encoding="utf-8")
    assert definition[0] in text
    (tmp_path / "orders.asl.json").write_text(text.replace(*definition), encoding="utf-8")
    stack = ORCHESTRATION.read_text(encoding="utf-8")
    assert template[0] in stack
    stack = stack.replace(*template).replace(
        "DefinitionUri: ../../statemachine/orders.asl.json",
        f"DefinitionUri: {tmp_path / 'orders.asl.json'}",
    )
    target = tmp_path / "template.yaml"
    target.write_text(stack, encoding="utf-8")
    return target


def test_each_order_path_is_the_execution_path_that_publishes_its_outcome() -> None:
    (estimated,) = estimate(ORCHESTRATION)
    paths = estimated.derivation.paths
    assert {name: paths[name]["transitions"] for name in paths} == {
        "accepted": 8,
        "rejected": 6,
        "timed_out": 7,
        "cancelled": 6,
        "overdue": 12,  # the completed path's 8 and the overdue path's 4 states
    }
    assert paths["overdue"]["events"] == paths["accepted"]["events"] + 1  # order_overdue
    # 3 putEvents entries on the rejected path + restaurant_notified from the task's function
    assert paths["rejected"]["events"] == 4


@pytest.mark.parametrize(
    ("definition", "template", "message"),
    [
        (
            ('"DetailType": "order_rejected"', '"DetailType": "order_declined"'),
            ("", ""),
            r"no execution path publishes the rejected path's outcome \(order_rejected\)",
        ),
        (
            ('"DetailType": "order_cancelled"', '"DetailType.$": "$.kind"'),
            ("", ""),
            r"state 'PublishCancelled': an entry's DetailType is computed or missing",
        ),
        (
            ("", ""),
            (
                "        - EventBridgePutEventsPolicy:\n"
                "            EventBusName: !GetAtt OrdersBus.Name\n"
                "        - Statement:\n            - Sid: KeepTheTaskToken",
                "        - Statement:\n            - Sid: KeepTheTaskToken",
            ),
            r"the flow's restaurant_notified is put by no state and no function its tasks invoke",
        ),
    ],
    ids=["outcome-not-published", "computed-detail-type", "no-publisher"],
)
def test_a_definition_the_order_paths_cannot_be_read_from_is_refused_naming_why(
    tmp_path: Path,
    definition: tuple[str, str],
    template: tuple[str, str],
    message: str,
) -> None:
    with pytest.raises(TemplateError, match=message):
        estimate(_copy(tmp_path, definition, template))


def test_an_express_orders_machine_express_can_run_is_priced_by_requests_and_duration(
    tmp_path: Path,
) -> None:
    express = _copy(tmp_path, ('.waitForTaskToken"', '"'), ("Type: STANDARD", "Type: EXPRESS"))
    (estimated,) = estimate(express)
    assert estimated.derivation.design == "orchestration-express"
    assert estimated.profile.runnable
    assert estimated.profile.settings["state_machine"]["type"] == "express"
    # the accepted path: one Lambda task (100 ms) and seven service tasks (50 ms each)
    assert estimated.profile.paths["accepted"].express_duration_ms == 450
    assert estimated.profile.paths["accepted"].executions == 1
    assert any("Type EXPRESS: billed per request" in n for n in estimated.derivation.notes)


def test_an_express_orders_machine_with_callbacks_is_refused_with_every_reason(
    tmp_path: Path,
) -> None:
    express = _copy(tmp_path, template=("Type: STANDARD", "Type: EXPRESS"))
    with pytest.raises(TemplateError) as refused:
        estimate(express)
    assert "Type EXPRESS, which cannot run this definition" in str(refused.value)
    assert "'AwaitRestaurant' waits for a task token" in str(refused.value)
    assert "'AwaitCompletion' waits for a task token" in str(refused.value)
