"""Post a pull request's cost comment, or edit the one posted before: ``python -m
costcalc.cli.github_comment comment.md`` (the composite action ``action.yml`` runs it).

The body's first line is its marker, a hidden HTML comment (``costcalc diff --format
github-comment`` writes one that never changes). The pull request's comments are read page by
page (GitHub's ``Link: <...>; rel="next"``); the first whose first line is that marker is
edited in place (left alone when its body is already the same), else a new comment is posted.
Only the standard library talks to GitHub's REST API, with the token from ``GITHUB_TOKEN``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orderflow_definitions.exits import EXIT_OK, EXIT_USAGE

PROG = "costcalc-comment"
API = "https://api.github.com"
PER_PAGE = 100
_NEXT = re.compile(r'<([^>]+)>;\s*rel="next"')
_MARKER = re.compile(r"<!--.*-->")


class CommentError(Exception):
    """What stopped the comment, in one line naming the value or the request."""


@dataclass(frozen=True)
class Target:
    api: str
    repository: str  # owner/name
    number: int  # the pull request's
    token: str


@dataclass(frozen=True)
class Posted:
    action: str  # "created", "updated" or "unchanged"
    url: str


def post_or_update(target: Target, body: str) -> Posted:
    """Create the comment, or edit the one carrying the body's marker."""
    marker = body.split("\n", 1)[0]
    if not _MARKER.fullmatch(marker):
        raise CommentError(
            f"the body's first line {marker[:60]!r} is not a marker: expected a hidden HTML "
            "comment such as `costcalc diff --format github-comment` writes"
        )
    base = f"{target.api}/repos/{target.repository}"
    url: str | None = f"{base}/issues/{target.number}/comments?per_page={PER_PAGE}"
    while url is not None:
        comments, headers = _call(target, "GET", url)
        for comment in comments:
            if str(comment.get("body", "")).split("\n", 1)[0].strip() == marker:
                if comment["body"] == body:
                    return Posted("unchanged", comment["html_url"])
                updated, _ = _call(
                    target, "PATCH", f"{base}/issues/comments/{comment['id']}", {"body": body}
                )
                return Posted("updated", updated["html_url"])
        found = _NEXT.search(headers.get("Link", ""))
        url = found.group(1) if found else None
    created, _ = _call(target, "POST", f"{base}/issues/{target.number}/comments", {"body": body})
    return Posted("created", created["html_url"])


def _call(
    target: Target, method: str, url: str, payload: Mapping[str, str] | None = None
) -> tuple[Any, Mapping[str, str]]:
    request = urllib.request.Request(
        url,
        method=method,
        data=None if payload is None else json.dumps(payload).encode(),
        headers={
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {target.token}",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": PROG,
            **({} if payload is None else {"Content-Type": "application/json"}),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response), dict(response.headers)
    except urllib.error.HTTPError as error:
        message = _message(error.read())
        hint = (
            "; the token needs `pull-requests: write` (a pull request from a fork gets a "
            "read-only token)"
            if error.code in (401, 403, 404)
            else ""
        )
        raise CommentError(
            f"GitHub answered {error.code} to {method} {url}: {message}{hint}"
        ) from None
    except urllib.error.URLError as error:
        raise CommentError(f"{method} {url}: {error.reason}") from None


def _message(raw: bytes) -> str:
    try:
        return str(json.loads(raw).get("message", "")) or "no message"
    except (ValueError, AttributeError):
        return raw.decode(errors="replace")[:200] or "no message"


def target_from(args: argparse.Namespace, environ: Mapping[str, str]) -> Target:
    """Where to comment: flags first, then the variables GitHub Actions sets."""
    token = environ.get("GITHUB_TOKEN", "")
    if not token:
        raise CommentError("GITHUB_TOKEN is not set: the action passes its github-token input")
    repository = args.repo or environ.get("GITHUB_REPOSITORY", "")
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository):
        raise CommentError(
            f"repository {repository!r}: expected OWNER/NAME (--repo, or GITHUB_REPOSITORY)"
        )
    number = args.pr if args.pr is not None else _event_number(environ)
    api = (args.api_url or environ.get("GITHUB_API_URL") or API).rstrip("/")
    return Target(api, repository, number, token)


def _event_number(environ: Mapping[str, str]) -> int:
    path = environ.get("GITHUB_EVENT_PATH", "")
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError) as error:
        raise CommentError(f"GITHUB_EVENT_PATH {path}: cannot be read ({error})") from None
    number = (event.get("pull_request") or {}).get("number")
    if not isinstance(number, int):
        raise CommentError("no pull request number: give --pr N, or run on a pull_request event")
    return number


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Post a pull-request comment, or edit in place the one with the same "
        "marker (the body's first line).",
    )
    parser.add_argument(
        "body", type=Path, help="the comment (costcalc diff --format github-comment)"
    )
    parser.add_argument("--repo", help="OWNER/NAME (default: GITHUB_REPOSITORY)")
    parser.add_argument("--pr", type=int, help="the pull request (default: the event's)")
    parser.add_argument("--api-url", help=f"GitHub's REST API (default: GITHUB_API_URL or {API})")
    args = parser.parse_args(argv)
    try:
        body = args.body.read_text(encoding="utf-8")
        posted = post_or_update(target_from(args, os.environ if environ is None else environ), body)
    except OSError as error:
        print(f"{PROG}: error: {args.body}: cannot be read ({error.strerror})", file=sys.stderr)
        return EXIT_USAGE
    except CommentError as error:
        print(f"{PROG}: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{PROG}: {posted.action} {posted.url}")
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
