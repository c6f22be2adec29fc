"""A throttled call is retried by the clients `actual` builds, not failed: Cost Explorer (moto)
answers ThrottlingException twice, then the real answer; the bill is read as if nothing
happened, and the three sends are recorded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from costcalc.actual.aws import boto_clients
from costcalc.actual.billing import billed
from tests.costcalc.actual.aws_answers import WINDOW

THROTTLED = b'{"__type": "ThrottlingException", "message": "Rate exceeded"}'


class _Body:
    def stream(self, **_: Any) -> Iterator[bytes]:
        yield THROTTLED


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {"AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


def test_a_throttled_cost_explorer_call_is_retried_until_it_answers(aws: None) -> None:
    clients = boto_clients("eu-west-1")
    sent: list[str] = []

    def throttle_twice(request: Any, **_: Any) -> AWSResponse | None:
        sent.append(request.url)
        if len(sent) > 2:
            return None  # the real (moto) answer
        return AWSResponse(request.url, 400, {"x-amzn-ErrorType": "ThrottlingException"}, _Body())

    clients("ce").meta.events.register("before-send.cost-explorer.GetCostAndUsage", throttle_twice)
    assert billed(clients, "project", "orderflow", WINDOW) == []  # moto's empty bill
    assert len(sent) == 3
