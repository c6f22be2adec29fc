"""The runner's API on localhost answers malformed and oversized requests as API Gateway does,
never by dropping the connection or reading a body it will refuse."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from stack_helpers import ORDER_STACKS, StartStack

from orderflow_localrun import LocalRunner
from orderflow_localrun.gateway import serving
from orderflow_localrun.http import PAYLOAD_LIMIT_BYTES


@pytest.fixture
def api(start_stack: StartStack) -> Iterator[tuple[LocalRunner, tuple[str, int]]]:
    runner = start_stack(next(iter(ORDER_STACKS.values())))
    with serving(runner) as url:
        parts = urlsplit(url)
        yield runner, (str(parts.hostname), int(parts.port or 80))


def _exchange(address: tuple[str, int], head: str, body: bytes = b"") -> str:
    """Send a raw request (`head` without its blank line) and read the whole response."""
    with socket.create_connection(address, timeout=30) as connection:
        connection.sendall(head.encode() + b"\r\n\r\n" + body)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received.decode()


def test_a_body_declared_over_the_payload_limit_is_a_413_without_being_sent(
    api: tuple[LocalRunner, tuple[str, int]],
) -> None:
    _, address = api
    head = f"POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: {PAYLOAD_LIMIT_BYTES + 1}"
    response = _exchange(address, head)  # no body follows: a server reading it would hang
    assert response.startswith("HTTP/1.0 413 ")
    assert response.endswith('{"message":"Request Entity Too Large"}')


@pytest.mark.parametrize("declared", ["ten", "-1", "1e3", "٣"])
def test_a_content_length_that_is_not_a_number_of_bytes_is_a_400(
    api: tuple[LocalRunner, tuple[str, int]], declared: str
) -> None:
    _, address = api
    response = _exchange(address, f"POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: {declared}")
    assert response.startswith("HTTP/1.0 400 ")


def test_a_body_that_is_not_utf8_gets_an_answer_from_the_api(
    api: tuple[LocalRunner, tuple[str, int]],
) -> None:
    _, address = api
    body = b'{"restaurant_id": "\xff\xfe"}'
    response = _exchange(
        address, f"POST /orders HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}", body
    )
    assert response.startswith("HTTP/1.0 401 ")  # the authorizer answers first, as on AWS


def test_the_runner_refuses_a_body_over_the_payload_limit_before_any_function_runs(
    api: tuple[LocalRunner, tuple[str, int]],
) -> None:
    runner, _ = api
    response = runner.request("POST", "/orders", "x" * (PAYLOAD_LIMIT_BYTES + 1))
    assert (response.status, response.json()) == (413, {"message": "Request Entity Too Large"})
