"""The link rules: a page may link AWS's pricing and documentation pages and nothing else outside
the repository; a reference to a page names one that exists, and a heading it has."""

from __future__ import annotations

import pytest

from tools.site_links import Site, external_problem, markdown_links, unresolved_mentions

BASE = "https://kit.example/docs/"
SITE = Site({"": frozenset(), "runbooks/": frozenset({"replay-a-time-window"})})


def test_links_in_code_are_output_not_links() -> None:
    text = (
        "See [runbooks](runbooks.md) and <https://aws.amazon.com/sqs/pricing/>.\n\n"
        "```console\n[not](a-link.md)\n```\n\n    [indented](code.md)\n\nand `[inline](code.md)`\n"
    )
    assert list(markdown_links(text)) == ["runbooks.md", "https://aws.amazon.com/sqs/pricing/"]


@pytest.mark.parametrize(
    ("target", "allowed"),
    [
        ("https://aws.amazon.com/lambda/pricing/", True),
        ("https://docs.aws.amazon.com/step-functions/latest/dg/concepts.html", True),
        (BASE + "runbooks/", True),
        ("design.md#conventions", True),
        ("https://example.com/blog", False),
        ("http://aws.amazon.com.evil.example/", False),
    ],
)
def test_only_aws_sources_are_allowed_outside_the_repository(target: str, allowed: bool) -> None:
    assert (external_problem(target, BASE) is None) is allowed


def test_a_reference_to_a_missing_page_or_heading_is_named() -> None:
    text = (
        f"ok {BASE}runbooks/#replay-a-time-window and docs/runbooks.md#replay-a-time-window.\n"
        f"bad {BASE}runbook/ and {BASE}runbooks/#replay and docs/design.md\n"
    )
    assert list(unresolved_mentions(text, SITE, BASE)) == [
        f"{BASE}runbook/: no such page on the site",
        f"{BASE}runbooks/#replay: the page has no heading #replay",
        "docs/design.md: no such page on the site",
    ]
