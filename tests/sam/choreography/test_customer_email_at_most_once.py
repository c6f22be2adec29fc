"""The customer's outcome email goes out at most once, whatever dies when (fault injection).

Each test kills or fails the customer notifier at one point of its send, lets Lambda's retries
deliver the event again, and counts the emails SES accepted and what the logs hold.
"""

from __future__ import annotations

from typing import Any

import boto3
from faults import SimulatedCrash, fault, refusal
from stack_helpers import CUSTOMER, STAFF, place

from orderflow_localrun import LocalRunner


def _outcome_emails(runner: LocalRunner) -> list[str]:
    return [e.subject for e in runner.emails() if e.subject.startswith("Your order")]


def _notifier_errors(runner: LocalRunner) -> list[str]:
    notifier = runner.functions["CustomerNotifierFunction"]
    return [i.error.split(":", 1)[0] or "ok" for i in notifier.invocations]


def _order_item(runner: LocalRunner, order_id: str) -> dict[str, Any]:
    return boto3.client("dynamodb", region_name="us-east-1").get_item(
        TableName=runner.deployment.outputs["OrdersTableName"], Key={"order_id": {"S": order_id}}
    )["Item"]


def test_a_crash_between_ses_accepting_and_recording_user_notified_never_emails_twice(
    choreography: LocalRunner,
) -> None:
    order_id = place(choreography)
    with fault(
        "ses",
        "SendEmail",
        lambda: SimulatedCrash("died after SES's SendEmail"),
        after_the_call=True,
    ) as crashed:
        choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    assert len(crashed) == 1

    # Lambda's two retries find the claim without user_notified and refuse to send again.
    assert _notifier_errors(choreography) == [
        "SimulatedCrash",
        "EmailInDoubtError",
        "EmailInDoubtError",
    ]
    assert _outcome_emails(choreography) == [f"Your order {order_id} was accepted"]
    assert "user_notified" not in _order_item(choreography, order_id)["events"]["M"]
    [dead_letter] = choreography.queue_messages("FunctionDeadLetterQueue")
    assert dead_letter["detail"]["order_id"] == order_id


def test_a_refusal_by_ses_gives_the_claim_back_so_a_retry_sends_it_once(
    choreography: LocalRunner,
) -> None:
    order_id = place(choreography)
    with fault(
        "ses",
        "SendEmail",
        lambda: refusal("SendEmail", "Throttling", status=400),
        after_the_call=False,
    ) as refused:
        choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    assert len(refused) == 1

    assert _notifier_errors(choreography) == ["ClientError", "ok"]
    assert _outcome_emails(choreography) == [f"Your order {order_id} was accepted"]
    assert "user_notified" in _order_item(choreography, order_id)["events"]["M"]


def test_an_ses_rejection_quoting_the_recipient_is_masked_in_the_logs_and_the_error(
    choreography: LocalRunner,
) -> None:
    order_id = place(choreography)
    with fault(
        "ses",
        "SendEmail",
        lambda: refusal("SendEmail", f"MessageRejected: {CUSTOMER} is on the suppression list"),
        after_the_call=False,
        times=3,
    ):
        choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF)

    notifier = choreography.functions["CustomerNotifierFunction"]
    assert notifier.logs.getvalue().count("<redacted-email>") >= 3
    assert CUSTOMER not in notifier.logs.getvalue()
    assert all(CUSTOMER not in i.error for i in notifier.invocations)
    assert _outcome_emails(choreography) == []
