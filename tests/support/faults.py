"""Fault injection for tests on the local runner: a call to AWS fails, or its caller dies.

Functions on the runner call moto through botocore, so one patched `_make_api_call` reaches every
client, including the ones a handler built at its cold start.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

from botocore.client import BaseClient
from botocore.exceptions import ClientError


class SimulatedCrash(Exception):
    """The function's process died at this point: Lambda records an error and retries."""


def refusal(operation: str, code: str, status: int = 400) -> ClientError:
    """An error answer from AWS, as botocore raises it."""
    return ClientError(
        {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}},
        operation,
    )


@contextmanager
def fault(
    service: str,
    operation: str,
    error: Callable[[], Exception],
    *,
    after_the_call: bool,
    when: Callable[[dict[str, Any]], bool] = lambda _params: True,
    times: int = 1,
) -> Iterator[list[dict[str, Any]]]:
    """The next `times` calls of `service` `operation` (whose parameters pass `when`) raise
    `error()` in the caller.

    Before the call, AWS never sees it; after it, AWS did what was asked and the caller dies
    before reading the answer. Yields the parameters of each call the fault hit.
    """
    original = BaseClient._make_api_call
    hit: list[dict[str, Any]] = []

    def make_api_call(client: BaseClient, name: str, params: dict[str, Any]) -> Any:
        ours = (client.meta.service_model.service_name, name) == (service, operation) and when(
            params
        )
        if ours and len(hit) < times and not after_the_call:
            hit.append(params)
            raise error()
        result = original(client, name, params)
        if ours and len(hit) < times:
            hit.append(params)
            raise error()
        return result

    with mock.patch.object(BaseClient, "_make_api_call", make_api_call):
        yield hit
