"""Replaying the orders archive on the runner: nothing happens twice
(https://orderflow-kit.github.io/orderflow-kit/runbooks/#replay-a-time-window)."""

from __future__ import annotations

from datetime import timedelta

from stack_helpers import StartStack, drive, place, with_promo

from orderflow_localrun import LocalRunner
from orderflow_localrun.promo import promo_codes


def _replay_everything(runner: LocalRunner, name: str) -> str:
    now = runner.now()
    return runner.replay("OrdersArchive", name, now - timedelta(hours=1), now + timedelta(hours=1))


def test_replaying_a_completed_order_issues_no_second_code_and_sends_nothing_again(
    start_stack: StartStack,
) -> None:
    runner = with_promo(start_stack())
    order_id = place(runner)
    drive(runner, order_id, "completed")
    emails, notifications = runner.emails(), runner.notifications()
    invocations = {k: len(f.invocations) for k, f in runner.functions.items()}
    promo = runner.neighbour_functions["promo"]["PromoIssuerFunction"]

    assert _replay_everything(runner, "after-the-fact") == "COMPLETED"

    assert list(promo_codes(runner)) == [order_id]
    assert runner.emails() == emails  # no second promo email, no second acceptance email
    assert runner.notifications() == notifications
    # The orders stack's own steps exclude replays; the timeline and the promo issuer saw the
    # replay and did nothing with it (the timeline had every event; the code was emailed).
    replayed = {k: len(f.invocations) for k, f in runner.functions.items()}
    assert replayed == invocations | {"TimelineWriterFunction": 2 * 5}
    assert len(promo.invocations) == 2
    assert all(i.ok for i in promo.invocations)


def test_a_replay_back_fills_the_code_of_an_order_completed_before_promo_was_deployed(
    start_stack: StartStack,
) -> None:
    runner = start_stack()
    order_id = place(runner)
    drive(runner, order_id, "completed")
    with_promo(runner)
    assert promo_codes(runner) == {}

    _replay_everything(runner, "back-fill")
    _replay_everything(runner, "back-fill-again")

    assert list(promo_codes(runner)) == [order_id]
    assert len([e for e in runner.emails() if e.subject.startswith("Thank you")]) == 1
