"""The promo email goes out at most once, whatever dies when: fault injection on the runner.

Each test kills or fails the issuer at one point of its send (before SES, after SES accepted,
SES refusing), lets Lambda's retries, the dead-letter queue and an archive replay deliver the
event again, and counts the emails SES accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import boto3
from faults import SimulatedCrash, fault, refusal
from stack_helpers import StartStack, drive, place, redrive_promo_dead_letters, with_promo

from orderflow_localrun import LocalRunner


def _promo_emails(runner: LocalRunner) -> list[str]:
    return [e.subject for e in runner.emails() if e.subject.startswith("Thank you for order")]


def _ledger_item(runner: LocalRunner, order_id: str) -> dict[str, Any]:
    table = runner.neighbours["promo"].outputs["PromoCodesTableName"]
    dynamodb = boto3.client("dynamodb", region_name=runner.names.region)
    return dynamodb.get_item(TableName=table, Key={"order_id": {"S": order_id}})["Item"]


def _issuer_errors(runner: LocalRunner) -> list[str]:
    issuer = runner.neighbour_functions["promo"]["PromoIssuerFunction"]
    return [i.error.split(":", 1)[0] or "ok" for i in issuer.invocations]


def _replay_everything(runner: LocalRunner, name: str) -> None:
    now = runner.now()
    runner.replay("OrdersArchive", name, now - timedelta(hours=1), now + timedelta(hours=1))


def _reset_claim(runner: LocalRunner, order_id: str) -> None:
    """The in-doubt runbook, when the claiming attempt never reached SES
    (https://orderflow-kit.github.io/orderflow-kit/runbooks/#an-email-in-doubt)."""
    boto3.client("dynamodb", region_name=runner.names.region).update_item(
        TableName=runner.neighbours["promo"].outputs["PromoCodesTableName"],
        Key={"order_id": {"S": order_id}},
        UpdateExpression="SET email = :pending REMOVE sender, claimed_at",
        ConditionExpression="email = :sending",
        ExpressionAttributeValues={":pending": {"S": "pending"}, ":sending": {"S": "sending"}},
    )


def _is_promo_email(params: dict[str, Any]) -> bool:
    """The promo issuer's SendEmail (the orders stack's customer notifier sends some too)."""
    return str(params["Message"]["Subject"]["Data"]).startswith("Thank you for order")


def _promo_send_fault(error: Callable[[], Exception], *, after_the_call: bool) -> Any:
    return fault("ses", "SendEmail", error, after_the_call=after_the_call, when=_is_promo_email)


def _crash(*, after_the_call: bool) -> Any:
    moment = "after" if after_the_call else "before"
    return _promo_send_fault(
        lambda: SimulatedCrash(f"died {moment} SES's SendEmail"), after_the_call=after_the_call
    )


def test_a_crash_between_ses_accepting_and_the_ledger_record_never_emails_twice(
    start_stack: StartStack,
) -> None:
    runner = with_promo(start_stack())
    order_id = place(runner)
    with _crash(after_the_call=True) as crashed:
        drive(runner, order_id, "completed")
    assert len(crashed) == 1

    # Lambda's two retries find the claim without an outcome and refuse to send again.
    assert _issuer_errors(runner) == ["SimulatedCrash", "EmailInDoubtError", "EmailInDoubtError"]
    assert len(_promo_emails(runner)) == 1
    assert _ledger_item(runner, order_id)["email"] == {"S": "sending"}
    [dead_letter] = runner.queue_messages("PromoDeadLetterQueue", stack="promo")
    assert dead_letter["detail"]["order_id"] == order_id

    _replay_everything(runner, "after-the-crash")
    redrive_promo_dead_letters(runner)

    assert len(_promo_emails(runner)) == 1
    assert "ses_message_id" not in _ledger_item(runner, order_id)


def test_a_crash_after_claiming_and_before_ses_sends_nothing_until_an_operator_resets_it(
    start_stack: StartStack,
) -> None:
    runner = with_promo(start_stack())
    order_id = place(runner)
    with _crash(after_the_call=False):
        drive(runner, order_id, "completed")

    # At most once costs this: the claim's outcome is unknown to the retries, so none sends.
    assert _promo_emails(runner) == []
    assert _issuer_errors(runner) == ["SimulatedCrash", "EmailInDoubtError", "EmailInDoubtError"]

    _reset_claim(runner, order_id)  # the operator found no SES call in the attempt's trace
    redrive_promo_dead_letters(runner)
    _replay_everything(runner, "after-the-reset")

    assert len(_promo_emails(runner)) == 1
    assert _ledger_item(runner, order_id)["email"] == {"S": "sent"}
    assert runner.queue_messages("PromoDeadLetterQueue", stack="promo") == []


def test_an_email_ses_refused_is_sent_once_by_lambdas_retry(start_stack: StartStack) -> None:
    runner = with_promo(start_stack())
    order_id = place(runner)
    with _promo_send_fault(lambda: refusal("SendEmail", "Throttling"), after_the_call=False):
        drive(runner, order_id, "completed")

    assert _issuer_errors(runner) == ["ClientError", "ok"]
    assert len(_promo_emails(runner)) == 1
    item = _ledger_item(runner, order_id)
    assert item["email"] == {"S": "sent"}
    assert item["ses_message_id"]["S"]


def test_a_server_error_from_ses_leaves_the_email_in_doubt_not_resent(
    start_stack: StartStack,
) -> None:
    runner = with_promo(start_stack())
    order_id = place(runner)
    server_error = refusal("SendEmail", "InternalFailure", 500)
    with _promo_send_fault(lambda: server_error, after_the_call=True):
        drive(runner, order_id, "completed")

    assert _issuer_errors(runner) == ["ClientError", "EmailInDoubtError", "EmailInDoubtError"]
    assert len(_promo_emails(runner)) == 1  # SES had taken it: a resend would be the second
