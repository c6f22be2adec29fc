"""The stack's HTTP API served on localhost, so HTTP clients reach the runner as they reach AWS.

Requests go to `LocalRunner.request` one at a time (the runner is not thread-safe), with their
headers: routes behind the JWT authorizer check the bearer token as the HTTP API does.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, HTTPServer
from threading import Thread

from orderflow_localrun.http import PAYLOAD_LIMIT_BYTES, TOO_LARGE, HttpResponse
from orderflow_localrun.runner import LocalRunner

JSON = {"content-type": "application/json"}


def _handler(runner: LocalRunner) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            declared = self.headers.get("Content-Length") or "0"
            if not declared.isascii() or not declared.isdigit():
                self._send(HttpResponse(400, JSON, '{"message":"Bad Request"}'), unread=True)
                return
            length = int(declared)
            if length > PAYLOAD_LIMIT_BYTES:  # refused unread, as API Gateway does
                self._send(HttpResponse(413, JSON, TOO_LARGE), unread=True)
                return
            # A body that is not UTF-8 reaches the function as text it cannot parse (a 400 there).
            body = self.rfile.read(length).decode(errors="replace") if length else None
            self._send(runner.request(self.command, self.path, body, dict(self.headers.items())))

        def _send(self, response: HttpResponse, *, unread: bool = False) -> None:
            payload = response.body.encode()
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            if unread:  # the body left unread cannot be skipped: the connection ends here
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _forward

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the runner's own log records each request."""

    return Handler


@contextmanager
def serving(runner: LocalRunner) -> Iterator[str]:
    """The base URL (`http://127.0.0.1:PORT`) the runner's API answers on while in the block."""
    server = HTTPServer(("127.0.0.1", 0), _handler(runner))
    thread = Thread(target=server.serve_forever, name="localrun-gateway", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
