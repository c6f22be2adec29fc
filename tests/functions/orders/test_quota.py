from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

from orders.quota import CallerQuota

NOW = datetime(2026, 12, 2, 5, 0, 10, tzinfo=UTC)


@pytest.fixture
def quota() -> Iterator[CallerQuota]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="idempotency",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        yield CallerQuota(client, "idempotency", per_minute=2)


def test_a_caller_gets_its_budget_per_minute_and_no_more(quota: CallerQuota) -> None:
    assert [quota.take("ana", NOW) for _ in range(3)] == [True, True, False]


def test_each_caller_has_its_own_budget(quota: CallerQuota) -> None:
    quota.take("ana", NOW)
    quota.take("ana", NOW)
    assert quota.take("bo", NOW) is True


def test_the_next_minute_opens_a_new_budget(quota: CallerQuota) -> None:
    quota.take("ana", NOW)
    quota.take("ana", NOW)
    assert quota.take("ana", NOW + timedelta(seconds=50)) is True
    assert quota.retry_after(NOW) == 50


def test_a_spent_budget_stays_spent_until_the_minute_ends(quota: CallerQuota) -> None:
    quota.take("ana", NOW)
    quota.take("ana", NOW + timedelta(seconds=1))
    assert quota.take("ana", NOW + timedelta(seconds=49)) is False


def test_the_counter_names_no_caller_and_expires_a_minute_after_its_window(
    quota: CallerQuota,
) -> None:
    quota.take("ana@example.com", NOW)
    [item] = boto3.client("dynamodb", region_name="us-east-1").scan(TableName="idempotency")[
        "Items"
    ]
    assert "ana" not in item["id"]["S"]
    assert int(item["expiration"]["N"]) == datetime(2026, 12, 2, 5, 2, tzinfo=UTC).timestamp()


@pytest.mark.parametrize("code", ["AccessDeniedException", "ResourceNotFoundException"])
def test_a_failed_count_other_than_a_spent_budget_is_raised_not_taken_for_one(code: str) -> None:
    # One code sorting before ConditionalCheckFailedException and one after.
    client = boto3.client("dynamodb", region_name="us-east-1")
    with Stubber(client) as stubber:
        stubber.add_client_error("update_item", service_error_code=code)
        with pytest.raises(ClientError, match=code):
            CallerQuota(client, "idempotency", per_minute=2).take("ana", NOW)
