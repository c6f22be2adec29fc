"""Where the documentation's links may point, and whether a link resolves in the built site.

The rules (checked by tests/docs/test_site.py, and for generated projects by
tests/templates/order_system/test_generate.py):

- A docs page links other pages and headings relatively; MkDocs in strict mode refuses one that
  does not resolve, and one that leaves docs/ (a repository file is not part of the site).
- A link to another site is allowed only to the hosts in `EXTERNAL_HOSTS`: AWS's own pricing
  and documentation pages, which the pages cite as the sources of prices and facts. Everything
  else the kit needs is in the repository.
- Outside docs/, code, data and templates name a page either as `docs/<page>.md#<anchor>` (in
  files only the kit has) or by its address on the published site (`site_url` in mkdocs.yml;
  in files a generated project gets, which has no docs/). Both must name a page and a heading
  that exist.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
#: Hosts a page may link to: AWS's pricing pages (each price's cited source, as in
#: costcalc/data/prices/*.yaml) and AWS's documentation (the facts the design relies on).
EXTERNAL_HOSTS = frozenset({"aws.amazon.com", "docs.aws.amazon.com"})
SITE_URL = re.compile(r"^site_url: (\S+)$", re.MULTILINE)
FENCED = re.compile(r"^(```|~~~).*?^\1\s*$", re.MULTILINE | re.DOTALL)
MARKDOWN_LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|<(https?://[^>\s]+)>")
DOCS_MENTION = re.compile(r"\bdocs/([\w-]+\.md)(?:#([\w-]+))?")
ANCHOR = re.compile(r'\bid="([^"]+)"')


def site_url() -> str:
    found = SITE_URL.search((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    if found is None:
        raise LookupError("mkdocs.yml has no site_url")
    return found.group(1).rstrip("/") + "/"


@dataclass(frozen=True)
class Site:
    """A built site: each page's anchors, by the page's path under the site (`runbooks/`), and
    the files it publishes as they are (`schemas/price.schema.json`), which have none."""

    anchors: dict[str, frozenset[str]]

    @classmethod
    def read(cls, site_dir: Path) -> Site:
        pages = {}
        for html in site_dir.rglob("index.html"):
            path = html.parent.relative_to(site_dir).as_posix()
            key = "" if path == "." else path + "/"
            pages[key] = frozenset(ANCHOR.findall(html.read_text(encoding="utf-8")))
        for published in site_dir.rglob("*.json"):
            pages.setdefault(published.relative_to(site_dir).as_posix(), frozenset())
        return cls(pages)

    def problem(self, path: str, anchor: str, shown: str) -> str | None:
        """Why `shown` (a page path under the site, an anchor) does not resolve, if it does not."""
        if path not in self.anchors:
            return f"{shown}: no such page on the site"
        if anchor and anchor not in self.anchors[path]:
            return f"{shown}: the page has no heading #{anchor}"
        return None


class BuildFailed(Exception):
    """MkDocs refused the site (the message is what it said)."""


def build(site_dir: Path) -> Site:
    """Build the site in strict mode into `site_dir`, as `make docs` does, and read it. (Not
    `--quiet`: MkDocs then drops the warnings that strict mode counts.)"""
    mkdocs = Path(sys.executable).with_name("mkdocs")
    done = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(site_dir)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BuildFailed(done.stderr.strip() or done.stdout.strip())
    return Site.read(site_dir)


def _page_path(page: str) -> str:
    return "" if page == "index.md" else page.removesuffix(".md") + "/"


def unresolved_mentions(text: str, site: Site, base: str) -> Iterator[str]:
    """Each address into the site, and each `docs/<page>.md#anchor`, in `text` that does not
    resolve."""
    for url in re.findall(re.escape(base) + r"[\w./#-]*", text):
        parts = urlsplit(url.rstrip("."))
        path = parts.path.removeprefix(urlsplit(base).path)
        if (problem := site.problem(path, parts.fragment, url)) is not None:
            yield problem
    for page, anchor in DOCS_MENTION.findall(text):
        shown = f"docs/{page}" + (f"#{anchor}" if anchor else "")
        if (problem := site.problem(_page_path(page), anchor, shown)) is not None:
            yield problem


def markdown_links(text: str) -> Iterator[str]:
    """The link targets of a Markdown text, code blocks left out (their URLs are output)."""
    prose = FENCED.sub("", text)
    prose = re.sub(r"^(?: {4}|\t).*$", "", prose, flags=re.MULTILINE)  # indented code
    prose = re.sub(r"`[^`\n]*`", "", prose)
    for target, autolink in MARKDOWN_LINK.findall(prose):
        yield target or autolink


def external_problem(target: str, base: str) -> str | None:
    """Why a link's target may not be an external address, if it is one that may not."""
    if not target.startswith(("http://", "https://")) or target.startswith(base):
        return None
    if urlsplit(target).hostname in EXTERNAL_HOSTS:
        return None
    return f"{target}: links outside the repository (allowed: {', '.join(sorted(EXTERNAL_HOSTS))})"
