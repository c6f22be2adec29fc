import re
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from promo.ledger import CODE_ALPHABET, PromoLedger, new_code

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
    assert not first.emailed


def test_marking_emailed_is_what_a_later_claim_sees(ledger: PromoLedger) -> None:
    ledger.claim("o-1", "THANKS-AAAAAAAA", NOW)
    ledger.mark_emailed("o-1")
    promo, issued = ledger.claim("o-1", "THANKS-CCCCCCCC", NOW)
    assert (promo.emailed, issued, promo.code) == (True, False, "THANKS-AAAAAAAA")


def test_orders_have_codes_of_their_own(ledger: PromoLedger) -> None:
    ledger.claim("o-1", "THANKS-AAAAAAAA", NOW)
    assert ledger.find("o-2") is None
    second, issued = ledger.claim("o-2", "THANKS-DDDDDDDD", NOW)
    assert (issued, second.code) == (True, "THANKS-DDDDDDDD")
