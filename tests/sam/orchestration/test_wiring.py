"""The runner executes the definition with the template's substitutions: a wrong one breaks it."""

from __future__ import annotations

from pathlib import Path

import pytest
from stack_helpers import (
    CUSTOMER_CALLER,
    ORCHESTRATION,
    StartStack,
    event_types,
    modified_template,
    order_body,
)

from orderflow_localrun.executions import states_entered


def test_the_unmodified_copy_reaches_the_restaurant(
    start_stack: StartStack, tmp_path: Path
) -> None:
    same = "OrdersTable: !Ref OrdersTable"
    runner = start_stack(
        modified_template(tmp_path, same, same, ORCHESTRATION), AcceptanceTimeoutSeconds="600"
    )
    order_id = runner.request("POST", "/orders", order_body(), caller=CUSTOMER_CALLER).json()[
        "order_id"
    ]
    assert event_types(runner) == ["order_placed", "restaurant_notified"]
    assert runner.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER).status == 200


@pytest.mark.parametrize(
    "case",
    [
        (
            "OrdersTable: !Ref OrdersTable",
            "OrdersTable: !Ref RestaurantsTable",
            "AwaitRestaurantFunction",
            "not found",  # the order went to the wrong table, so the task cannot find it
            404,
        ),
        (
            "AwaitRestaurantFunctionArn: !GetAtt AwaitRestaurantFunction.Arn",
            "AwaitRestaurantFunctionArn: !GetAtt ApiFunction.Arn",
            "ApiFunction",  # the API handler cannot take a task's payload
            "",
            200,  # the order itself was stored where it belongs
        ),
    ],
    ids=["wrong table", "wrong function"],
)
def test_a_substitution_naming_the_wrong_resource_fails_the_execution(
    start_stack: StartStack, tmp_path: Path, case: tuple[str, str, str, str, int]
) -> None:
    right, wrong, failing_function, failure, get_status = case
    template = modified_template(tmp_path, right, wrong, ORCHESTRATION)
    runner = start_stack(template, AcceptanceTimeoutSeconds="600")
    order_id = runner.request("POST", "/orders", order_body(), caller=CUSTOMER_CALLER).json()[
        "order_id"
    ]

    history = runner.execution_history(order_id)
    assert history[-1].type == "ExecutionFailed"
    assert states_entered(history) == ["RecordOrder", "PublishOrderPlaced", "AwaitRestaurant"]
    error = runner.functions[failing_function].invocations[-1].error
    assert error
    assert failure in error
    assert event_types(runner) == ["order_placed"]  # the restaurant never hears of it
    assert runner.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER).status == get_status
