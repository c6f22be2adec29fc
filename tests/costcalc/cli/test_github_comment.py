"""Posting the cost comment: found by its marker and edited in place, else created, against
GitHub REST exchanges replayed by a server on loopback (no network)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from costcalc.cli.github_comment import main

EXCHANGES = Path(__file__).parent / "github_api"
BODY = "<!-- costcalc-diff: cost gate -->\n### Cost change: +11.58 USD/month\n"
TOKEN = "test-token"


class Replay:
    """Answers each request with the next recorded response, after checking it is the
    recorded request; what it was sent is kept for the test to read."""

    def __init__(self, name: str, body: str) -> None:
        text = (EXCHANGES / f"{name}.json").read_text(encoding="utf-8")
        self.exchanges: list[dict[str, Any]] = json.loads(text)["exchanges"]
        self.body = body
        self.received: list[dict[str, Any]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def _fill(self, value: Any) -> Any:
        text = json.dumps(value).replace("https://api.github.com", self.url)
        return json.loads(text.replace('"@BODY@"', json.dumps(self.body)))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                sent = json.loads(self.rfile.read(length)) if length else None
                replay.received.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "json": sent,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                    }
                )
                index = len(replay.received) - 1
                expected = replay._fill(replay.exchanges[index]["request"])
                response = replay._fill(replay.exchanges[index]["response"])
                if (self.command, self.path, sent) != (
                    expected["method"],
                    expected["path"],
                    expected.get("json"),
                ):
                    response = {"status": 599, "headers": {}, "body": {"message": "unexpected"}}
                payload = json.dumps(response["body"]).encode()
                self.send_response(response["status"])
                for key, value in response["headers"].items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PATCH = _answer

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    def __enter__(self) -> Replay:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def body_file(tmp_path: Path) -> Path:
    path = tmp_path / "comment.md"
    path.write_text(BODY, encoding="utf-8")
    return path


def _run(replay: Replay, body: Path, *extra: str, **environ: str) -> int:
    env = {"GITHUB_TOKEN": TOKEN, "GITHUB_REPOSITORY": "acme/orders", **environ}
    return main([str(body), "--pr", "7", "--api-url", replay.url, *extra], env)


def _calls(replay: Replay) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in replay.received]


def test_the_comment_with_the_marker_is_found_on_a_later_page_and_edited_in_place(
    body_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Replay("update", BODY) as replay:
        assert _run(replay, body_file) == 0
    assert _calls(replay) == [
        ("GET", "/repos/acme/orders/issues/7/comments?per_page=100"),
        ("GET", "/repositories/9001/issues/7/comments?per_page=100&page=2"),
        ("PATCH", "/repos/acme/orders/issues/comments/2003"),
    ]
    assert replay.received[-1]["json"] == {"body": BODY}
    assert capsys.readouterr().out == (
        "costcalc-comment: updated https://github.com/acme/orders/pull/7#issuecomment-2003\n"
    )


def test_every_request_carries_the_token_and_the_api_version(body_file: Path) -> None:
    with Replay("update", BODY) as replay:
        _run(replay, body_file)
    for request in replay.received:
        assert request["headers"]["authorization"] == f"Bearer {TOKEN}"
        assert request["headers"]["x-github-api-version"] == "2022-11-28"


def test_with_no_comment_carrying_the_marker_a_new_one_is_created(
    body_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Replay("create", BODY) as replay:
        assert _run(replay, body_file) == 0
    assert _calls(replay) == [
        ("GET", "/repos/acme/orders/issues/7/comments?per_page=100"),
        ("POST", "/repos/acme/orders/issues/7/comments"),
    ]
    assert "created https://github.com/acme/orders/pull/7#issuecomment-2010" in (
        capsys.readouterr().out
    )


def test_a_comment_already_saying_the_same_is_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = json.loads((EXCHANGES / "update.json").read_text())["exchanges"][1]["response"]
    same = tmp_path / "same.md"
    same.write_text(old["body"][0]["body"], encoding="utf-8")
    with Replay("update", BODY) as replay:
        assert _run(replay, same) == 0
    assert [method for method, _ in _calls(replay)] == ["GET", "GET"]
    assert "unchanged" in capsys.readouterr().out


def test_a_refusal_from_github_is_one_line_naming_the_permission_and_exit_2(
    body_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Replay("forbidden", BODY) as replay:
        assert _run(replay, body_file) == 2
    assert capsys.readouterr().err == (
        f"costcalc-comment: error: GitHub answered 403 to POST {replay.url}/repos/acme/orders/"
        "issues/7/comments: Resource not accessible by integration; the token needs "
        "`pull-requests: write` (a pull request from a fork gets a read-only token)\n"
    )


def test_the_pull_request_number_comes_from_the_event_when_not_given(
    body_file: Path, tmp_path: Path
) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}), encoding="utf-8")
    with Replay("create", BODY) as replay:
        env = {
            "GITHUB_TOKEN": TOKEN,
            "GITHUB_REPOSITORY": "acme/orders",
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_API_URL": replay.url,
        }
        assert main([str(body_file)], env) == 0
    assert _calls(replay)[-1] == ("POST", "/repos/acme/orders/issues/7/comments")


@pytest.mark.parametrize(
    ("environ", "body", "said"),
    [
        ({}, BODY, "GITHUB_TOKEN is not set"),
        ({"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "acme"}, BODY, "repository 'acme': expected"),
        ({"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "a/b"}, BODY, "no pull request number"),
        (
            {"GITHUB_TOKEN": "t", "GITHUB_REPOSITORY": "a/b"},
            "plain text\n",
            "the body's first line 'plain text' is not a marker",
        ),
    ],
    ids=["no-token", "bad-repository", "no-pull-request", "no-marker"],
)
def test_what_is_missing_is_said_before_any_request(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    environ: dict[str, str],
    body: str,
    said: str,
) -> None:
    path = tmp_path / "comment.md"
    path.write_text(body, encoding="utf-8")
    extra = ["--pr", "7"] if body != BODY else []
    assert main([str(path), "--api-url", "http://127.0.0.1:9", *extra], environ) == 2
    assert said in capsys.readouterr().err
