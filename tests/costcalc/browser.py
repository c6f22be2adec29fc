"""Open a page in Debian's headless Chromium through Playwright, recording what a person sees.

Used by the report's browser test and by `make demo-report` (``python -m tests.costcalc.browser
PAGE.html SHOT.png``). The browser is the system's ``chromium`` (``make browser`` installs it);
Playwright never downloads one here. Every request the page makes is recorded, and every one but
the page itself is aborted, so a page that reaches for the network fails visibly and offline.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, Route, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)


@dataclass
class Visit:
    """An opened page with the requests it made and the errors it logged."""

    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@contextmanager
def visit(path: Path, width: int = 1200) -> Iterator[Visit]:
    """Open ``path`` in headless Chromium; yields once the page has loaded."""
    url = path.resolve().as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=list(ARGS))
        try:
            page = browser.new_page(viewport={"width": width, "height": 900})
            seen = Visit(page)

            def route(handler: Route) -> None:
                seen.requests.append(handler.request.url)
                if handler.request.url == url:
                    handler.continue_()
                else:
                    handler.abort()

            def console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    seen.errors.append(message.text)

            page.route("**/*", route)
            page.on("console", console)
            page.on("pageerror", lambda error: seen.errors.append(str(error)))
            page.goto(url, wait_until="load")
            yield seen
        finally:
            browser.close()


def screenshot(page_path: Path, shot: Path) -> None:
    """A full-page PNG of ``page_path`` as Chromium renders it."""
    with visit(page_path) as seen:
        seen.page.screenshot(path=str(shot), full_page=True)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m tests.costcalc.browser PAGE.html SHOT.png")
    screenshot(Path(sys.argv[1]), Path(sys.argv[2]))
    print(Path(sys.argv[2]))
