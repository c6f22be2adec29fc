"""A diff as text: a table, Markdown, JSON (exact decimals) and a pull-request comment.

The comment starts with a hidden marker that never changes, so a bot finds its own comment
again and edits it in place instead of adding one per push (``costcalc.cli.github_comment``
searches for it)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from costcalc.errors import UsageError
from costcalc.estimate.diff import Diff, ItemChange
from costcalc.pricing.render import JsonNumber, cents, dump_json, exact, quantity
from costcalc.tables import table
from orderflow_definitions.cli import SCHEMA_VERSION

#: The tag of the hidden first line of a ``--format github-comment`` body; ``--comment-tag``
#: names another, so several gates on one pull request (a SAM and a Pulumi definition) keep a
#: comment each.
DEFAULT_TAG = "cost gate"
_TAG = re.compile(r"[\w .:/-]{1,60}")


def comment_marker(tag: str = DEFAULT_TAG) -> str:
    return f"<!-- costcalc-diff: {tag} -->"


COMMENT_MARKER = comment_marker()


def check_tag(tag: str) -> str:
    """A tag that cannot end the hidden comment early: letters, digits, ``_ .:/-``, spaces."""
    if not _TAG.fullmatch(tag) or tag != tag.strip():
        raise UsageError(
            f"--comment-tag {tag!r}: expected 1 to 60 letters, digits, spaces or _ . : / -"
        )
    return tag


def render_diff(
    found: Diff, fmt: str, *, fail_above: Decimal | None = None, tag: str = DEFAULT_TAG
) -> str:
    if fmt == "json":
        return dump_json(diff_json(found)) + "\n"
    if fmt == "github-comment":
        return _comment(found, fail_above, comment_marker(tag))
    markdown = fmt == "markdown"
    lines = [
        f"**{_headline(found)}**" if markdown else _headline(found),
        "",
        *_resources(found, markdown=markdown),
        "",
        *_items(found, markdown=markdown),
        "",
        *(f"_{note}_" if markdown else note for note in _notes(found)),
    ]
    return "\n".join(lines) + "\n"


def diff_json(found: Diff) -> dict[str, Any]:
    """The diff's JSON; ``changes`` (per billed item) is the first shape, ``resources`` was
    added beside it."""
    base, head = found.base, found.head
    return {
        "schema_version": SCHEMA_VERSION,
        "orders_per_month": _number(head.volume),
        "region": head.region,
        "model": head.model,
        "base": {"source": base.source, "monthly_usd": _number(base.monthly_usd)},
        "head": {"source": head.source, "monthly_usd": _number(head.monthly_usd)},
        "delta_usd": _number(found.delta_usd),
        "changes": [
            {
                "service": c.item.partition("/")[0],
                "item": c.item.partition("/")[2],
                **_money(c),
            }
            for c in found.items
        ],
        "resources": [
            {
                "resource": r.resource,
                "type": r.type,
                "change": r.change,
                "base_usd": _number(r.base_usd),
                "head_usd": _number(r.head_usd),
                "delta_usd": _number(r.delta_usd),
                "items": [{"item": i.item, **_money(i)} for i in r.items],
            }
            for r in found.resources
        ],
        "prices_as_of": head.prices_as_of,
        "base_prices_as_of": base.prices_as_of,
    }


def _number(value: Decimal) -> JsonNumber:
    return JsonNumber(exact(value))


def _money(change: ItemChange) -> dict[str, JsonNumber | None]:
    return {
        "base_usd": None if change.base_usd is None else _number(change.base_usd),
        "head_usd": None if change.head_usd is None else _number(change.head_usd),
        "delta_usd": _number(change.delta_usd),
    }


def _headline(found: Diff) -> str:
    delta, before = found.delta_usd, found.base.monthly_usd
    verdict = (
        "no change in cost"
        if not delta
        else f"{_signed(delta)} USD/month ({_percent(delta, before)})"
    )
    # The order flow prices orders; the general model, units of work (as each one's estimate).
    unit = "orders/month" if found.head.model == "orderflow" else "units of work a month"
    return f"Cost change at {quantity(found.head.volume)} {unit} in {found.head.region}: {verdict}"


def _resources(found: Diff, *, markdown: bool) -> list[str]:
    if not found.resources:
        return ["No resource's cost changes."]
    rows = [("resource", "type", "change", "base USD/month", "head USD/month", "delta")]
    rows += [
        (r.resource, r.type, r.change, cents(r.base_usd), cents(r.head_usd), _signed(r.delta_usd))
        for r in found.resources
    ]
    rows.append(
        (
            "total",
            "",
            "",
            cents(found.base.monthly_usd),
            cents(found.head.monthly_usd),
            _signed(found.delta_usd),
        )
    )
    return table(rows, numeric={3, 4, 5}, markdown=markdown)


def _items(found: Diff, *, markdown: bool) -> list[str]:
    if not found.items:
        return ["No billed item changes."]
    rows = [("billed item", "base USD/month", "head USD/month", "delta")]
    rows += [
        (i.item, _usd(i.base_usd), _usd(i.head_usd), _signed(i.delta_usd)) for i in found.items
    ]
    return table(rows, numeric={1, 2, 3}, markdown=markdown)


def _notes(found: Diff) -> list[str]:
    base, head = found.base, found.head
    notes = [f"base: {base.source}; head: {head.source}; prices as of {head.prices_as_of}"]
    if base.prices_as_of != head.prices_as_of:
        notes.append(
            f"the base was priced with prices as of {base.prices_as_of}: part of the change "
            "may be the prices'"
        )
    unpriced = [i.item for i in found.items if i.base_usd is None or i.head_usd is None]
    if unpriced:
        notes.append("not priced (no sourced price, counted as 0): " + ", ".join(unpriced))
    return notes


def _comment(found: Diff, fail_above: Decimal | None, marker: str) -> str:
    lines = [
        marker,
        f"### {_headline(found)}",
        "",
        *_resources(found, markdown=True),
        "",
    ]
    if found.items:
        lines += [
            "<details><summary>Per billed item</summary>",
            "",
            *_items(found, markdown=True),
            "",
            "</details>",
            "",
        ]
    if fail_above is not None:
        crossed = found.delta_usd > fail_above
        rise = f"rises by {cents(found.delta_usd)} USD" if found.delta_usd > 0 else "does not rise"
        lines += [
            f"**Cost gate {'failed' if crossed else 'passed'}:** the monthly cost {rise}, "
            f"{'above' if crossed else 'within'} the limit of {cents(fail_above)} USD "
            "(`--fail-above`).",
            "",
        ]
    lines += [
        *(f"<sub>{note}</sub><br>" for note in _notes(found)),
        "<sub>Written by <code>costcalc diff --format github-comment</code>; this comment is "
        "edited in place on every push.</sub>",
    ]
    return "\n".join(lines) + "\n"


def _usd(value: Decimal | None) -> str:
    return "not priced" if value is None else cents(value)


def _signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + cents(value)


def _percent(delta: Decimal, base: Decimal) -> str:
    if not base:
        return "from zero"
    return f"{100 * delta / base:+.1f}%"
