import re
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from promo.ledger import CODE_ALPHABET, EmailState, PromoLedger, new_code

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.fixture
def ledger() -> Iterator[PromoLedger]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="promo",
            AttributeDefinitions=[{"AttributeName": "order_id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "order_id", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield PromoLedger(client, "promo")


def test_a_code_is_the_prefix_and_eight_unambiguous_characters() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(re.fullmatch(f"THANKS-[{CODE_ALPHABET}]{{8}}", c) for c in codes)
    assert not set("ILOU") & set(CODE_ALPHABET)


def test_the_first_claim_issues_and_every_later_one_returns_that_code(
    ledger: PromoLedger,
) -> None:
    first, issued = ledger.claim("o-1", "THANKS-AAAAAAAA", NOW)
    again, issued_again = ledger.claim("o-1", "THANKS-BBBBBBBB", NOW)
    assert (issued, issued_again) == (True, False)
    assert again == first
    assert first.code == "THANKS-AAAAAAAA"
    assert first.email is EmailState.PENDING


def test_one_attempt_claims_the_send_and_no_other_can_while_it_holds_it(
    ledger: PromoLedger,
) -> None:
    ledger.claim("o-1", "THANKS-AAAAAAAA", NOW)
    assert ledger.claim_send("o-1", "attempt-1", NOW)
    assert not ledger.claim_send("o-1", "attempt-2", NOW)
    held = ledger.get("o-1")
    assert (held.email, held.sender, held.claimed_at) == (
        EmailState.SENDING, "attempt-1", NOW.isoformat()
    )  # fmt: skip


def test_a_recorded_send_is_what_a_later_claim_sees_and_cannot_be_claimed_again(
    ledger: PromoLedger,
) -> None:
    ledger.claim("o-1", "THANKS-AAAAAAAA", NOW)
    ledger.claim_send("o-1", "attempt-1", NOW)
    ledger.mark_sent("o-1", "attempt-1", "ses-message-1")
    promo, issued = ledger.claim("o-1", "THANKS-CCCCCCCC", NOW)
    assert (promo.email, issued, promo.code) == (EmailState.SENT, False, "THANKS-AAAAAAAA")
    assert not ledger.claim_send("o-1", "attempt-2", NOW)


def test_a_released_claim_lets_the_next_attempt_send(ledger: PromoLedger) -> None:
    ledger.claim("o-1", "THANKS-AAAAAAAA", NOW)
    ledger.claim_send("o-1", "attempt-1", NOW)
    ledger.release_send("o-1", "attempt-1")
    assert ledger.get("o-1").email is EmailState.PENDING
    assert ledger.claim_send("o-1", "attempt-2", NOW)


def test_only_the_attempt_holding_the_claim_may_record_or_release_it(ledger: PromoLedger) -> None:
    ledger.claim("o-1", "THANKS-AAAAAAAA", NOW)
    ledger.claim_send("o-1", "attempt-1", NOW)
    for settle in (
        lambda: ledger.mark_sent("o-1", "attempt-2", "ses-message-2"),
        lambda: ledger.release_send("o-1", "attempt-2"),
    ):
        with pytest.raises(ClientError, match="ConditionalCheckFailed"):
            settle()
    assert ledger.get("o-1").email is EmailState.SENDING


def test_a_code_never_issued_is_not_found(ledger: PromoLedger) -> None:
    with pytest.raises(LookupError, match="order o-9: no promo code in the ledger"):
        ledger.get("o-9")


def test_orders_have_codes_of_their_own(ledger: PromoLedger) -> None:
    ledger.claim("o-1", "THANKS-AAAAAAAA", NOW)
    assert ledger.find("o-2") is None
    second, issued = ledger.claim("o-2", "THANKS-DDDDDDDD", NOW)
    assert (issued, second.code) == (True, "THANKS-DDDDDDDD")
