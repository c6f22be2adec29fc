"""The client against an API that answers badly: nothing it sends back reaches the terminal raw,
is read without bound, or ends in a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from threading import Thread

import pytest

from orderclient.api import ApiError, call

ANSWERS: dict[str, tuple[int, bytes]] = {
    "/escape": (500, b'{"message": "no\\u001b[2J\\u001b]0;owned\\u0007 \\u202eorder"}'),
    "/html": (200, b"<html>a captive portal</html>"),
    "/huge": (200, b"[" + b"0," * (5 * 1024 * 1024) + b"0]"),
    "/deep": (200, b"[" * 100_000 + b"]" * 100_000),
}


@pytest.fixture(scope="module")
def api_url() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, body = ANSWERS[self.path]
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_error_answer_is_printed_without_its_control_or_direction_characters(
    api_url: str,
) -> None:
    with pytest.raises(ApiError) as raised:
        call(api_url, "token", "GET", "/escape")
    assert str(raised.value) == "GET /escape: 500 no [2J ]0;owned order"


@pytest.mark.parametrize("path", ["/html", "/deep"])
def test_an_answer_that_is_not_json_is_one_message_asking_whether_the_url_is_right(
    api_url: str, path: str
) -> None:
    with pytest.raises(ApiError, match=f"GET {path}: the answer is not JSON .*is ApiUrl the"):
        call(api_url, "token", "GET", path)


def test_an_answer_over_api_gateways_limit_is_refused_unparsed(api_url: str) -> None:
    with pytest.raises(ApiError, match="GET /huge: the answer is over 10,485,760 bytes; refused"):
        call(api_url, "token", "GET", "/huge")
