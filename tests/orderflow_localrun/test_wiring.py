"""The runner reads the wiring from the template: break a piece of it and the flow breaks."""

from __future__ import annotations

from pathlib import Path

import pytest
from stack_helpers import (
    CHOREOGRAPHY,
    CUSTOMER_CALLER,
    STAFF,
    StartStack,
    modified_template,
    order_body,
)

from orderflow_definitions.errors import DefinitionError


def _accepted_flow(start_stack: StartStack, template: Path) -> list[str]:
    runner = start_stack(template)
    order_id = runner.request("POST", "/orders", order_body(), caller=CUSTOMER_CALLER).json()[
        "order_id"
    ]
    runner.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    return [e.detail_type for e in runner.bus_events]


def test_the_unmodified_copy_runs_the_whole_flow(start_stack: StartStack, tmp_path: Path) -> None:
    template = modified_template(tmp_path, "Handler: api.handler", "Handler: api.handler")
    assert _accepted_flow(start_stack, template)[-1] == "user_notified"


def test_a_rule_pattern_that_stops_matching_stops_the_reaction(
    start_stack: StartStack, tmp_path: Path
) -> None:
    template = modified_template(
        tmp_path,
        "detail-type: [order_accepted, order_rejected, order_timed_out, order_overdue]",
        "detail-type: [order_acepted, order_rejected, order_timed_out, order_overdue]",
    )
    assert _accepted_flow(start_stack, template) == [
        "order_placed",
        "restaurant_notified",
        "order_accepted",
    ]


def test_a_wrong_handler_path_fails_the_function_as_lambda_would(
    start_stack: StartStack, tmp_path: Path
) -> None:
    runner = start_stack(
        modified_template(tmp_path, "Handler: api.handler", "Handler: apii.handler")
    )
    response = runner.request("POST", "/orders", order_body(), caller=CUSTOMER_CALLER)
    assert response.status == 500
    assert "Runtime.ImportModuleError: Unable to import module 'apii'" in (
        runner.functions["ApiFunction"].invocations[0].error
    )


def test_a_missing_environment_variable_fails_the_function_and_dead_letters_the_event(
    start_stack: StartStack, tmp_path: Path
) -> None:
    template = modified_template(
        tmp_path, "SENDER_EMAIL: !Ref SenderEmail", "SENDER: !Ref SenderEmail"
    )
    runner = start_stack(template)
    order_id = runner.request("POST", "/orders", order_body(), caller=CUSTOMER_CALLER).json()[
        "order_id"
    ]
    runner.request("POST", f"/orders/{order_id}/accept", caller=STAFF)

    notifier = runner.functions["CustomerNotifierFunction"]
    assert "KeyError: 'SENDER_EMAIL'" in notifier.invocations[0].error
    assert "user_notified" not in [e.detail_type for e in runner.bus_events]
    assert len(notifier.invocations) == 3  # Lambda's asynchronous invocation: 1 + 2 retries
    [dead_letter] = runner.queue_messages("FunctionDeadLetterQueue")
    assert dead_letter["detail-type"] == "order_accepted"


def test_a_code_uri_that_is_not_a_folder_is_refused(
    start_stack: StartStack, tmp_path: Path
) -> None:
    text = CHOREOGRAPHY.read_text().replace("CodeUri: ../../functions/", "CodeUri: nowhere/")
    template = tmp_path / "template.yaml"
    template.write_text(text)
    with pytest.raises(DefinitionError, match="CodeUri 'nowhere/' is not a folder"):
        start_stack(template)


def test_a_required_parameter_without_a_value_is_refused(start_stack: StartStack) -> None:
    with pytest.raises(DefinitionError, match="parameter SenderEmail: required"):
        start_stack(CHOREOGRAPHY, SenderEmail=None)


def test_an_undeclared_parameter_is_refused(start_stack: StartStack) -> None:
    with pytest.raises(DefinitionError, match="unknown parameter"):
        start_stack(CHOREOGRAPHY, Colour="red")
