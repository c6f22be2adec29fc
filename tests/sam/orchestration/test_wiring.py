"""The runner executes the definition with the template's substitutions: a wrong one breaks it."""

from __future__ import annotations

from pathlib import Path

from stack_helpers import ORCHESTRATION, StartStack, event_types, modified_template, order_body

from localrun.executions import states_entered


def test_the_unmodified_copy_reaches_the_restaurant(
    start_stack: StartStack, tmp_path: Path
) -> None:
    same = "OrdersTable: !Ref OrdersTable"
    runner = start_stack(
        modified_template(tmp_path, same, same, ORCHESTRATION), AcceptanceTimeoutSeconds="600"
    )
    order_id = runner.request("POST", "/orders", order_body()).json()["order_id"]
    assert event_types(runner) == ["order_placed", "restaurant_notified"]
    assert runner.request("GET", f"/orders/{order_id}").status == 200


def test_a_substitution_naming_the_wrong_table_fails_the_execution(
    start_stack: StartStack, tmp_path: Path
) -> None:
    template = modified_template(
        tmp_path,
        "OrdersTable: !Ref OrdersTable",
        "OrdersTable: !Ref RestaurantsTable",
        ORCHESTRATION,
    )
    runner = start_stack(template, AcceptanceTimeoutSeconds="600")
    order_id = runner.request("POST", "/orders", order_body()).json()["order_id"]

    history = runner.execution_history(order_id)
    assert history[-1].type == "ExecutionFailed"
    assert states_entered(history) == ["RecordOrder", "PublishOrderPlaced", "AwaitRestaurant"]
    failure = runner.functions["AwaitRestaurantFunction"].invocations[-1].error
    assert f"order {order_id} not found" in failure
    assert event_types(runner) == ["order_placed"]  # the restaurant never hears of it
    assert runner.request("GET", f"/orders/{order_id}").status == 404


def test_a_substitution_naming_the_wrong_function_fails_the_execution(
    start_stack: StartStack, tmp_path: Path
) -> None:
    template = modified_template(
        tmp_path,
        "AwaitRestaurantFunctionArn: !GetAtt AwaitRestaurantFunction.Arn",
        "AwaitRestaurantFunctionArn: !GetAtt ApiFunction.Arn",
        ORCHESTRATION,
    )
    runner = start_stack(template, AcceptanceTimeoutSeconds="600")
    order_id = runner.request("POST", "/orders", order_body()).json()["order_id"]

    history = runner.execution_history(order_id)
    assert history[-1].type == "ExecutionFailed"
    assert runner.functions["ApiFunction"].invocations[-1].error
    assert event_types(runner) == ["order_placed"]
