"""When the promo issuer fails: the event waits in its dead-letter queue, and a redrive heals it."""

from __future__ import annotations

from stack_helpers import StartStack, drive, place, redrive_promo_dead_letters, with_promo

UNVERIFIED_SENDER = "promo@not-verified.example"


def test_a_failing_issuer_leaves_the_event_in_its_dead_letter_queue_not_lost(
    start_stack: StartStack,
) -> None:
    runner = with_promo(start_stack(), UNVERIFIED_SENDER)
    order_id = place(runner)
    drive(runner, order_id, "completed")

    issuer = runner.neighbour_functions["promo"]["PromoIssuerFunction"]
    assert [i.ok for i in issuer.invocations] == [False, False, False]  # Lambda's 2 retries
    assert "MessageRejected" in issuer.invocations[-1].error
    [dead_letter] = runner.queue_messages("PromoDeadLetterQueue", stack="promo")
    assert dead_letter["detail-type"] == "order_completed"
    assert dead_letter["detail"]["order_id"] == order_id


def test_redriving_the_dead_letter_after_the_fix_emails_the_code_once(
    start_stack: StartStack,
) -> None:
    runner = with_promo(start_stack(), UNVERIFIED_SENDER)
    order_id = place(runner)
    drive(runner, order_id, "completed")
    runner.verify_email_identity(UNVERIFIED_SENDER)  # the fix

    redrive_promo_dead_letters(
        runner
    )  # https://orderflow-kit.github.io/orderflow-kit/runbooks/#redrive-a-dead-letter-queue

    [email] = [e for e in runner.emails() if e.source == UNVERIFIED_SENDER]
    assert email.subject == f"Thank you for order {order_id}: a code for your next one"
    assert runner.queue_messages("PromoDeadLetterQueue", stack="promo") == []
