"""The documented sections tests check the code against, wherever this checkout keeps them.

The kit keeps them in its docs site (`docs/*.md`); a generated project, which has no docs/,
keeps the ones its tests read in its README (the generator copies them there). A section is
found by its title, at any heading level, and runs to the next heading as high or higher.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _pages() -> list[Path]:
    docs = ROOT / "docs"
    return sorted(docs.glob("*.md")) if docs.is_dir() else [ROOT / "README.md"]


def documented_section(title: str) -> str:
    """The one section whose heading starts with `title`; an error names where it looked."""
    heading = re.compile(rf"^(#+) {re.escape(title)}.*$", re.MULTILINE)
    texts = {page: page.read_text(encoding="utf-8") for page in _pages()}
    found = [(match, text) for text in texts.values() for match in heading.finditer(text)]
    where = ", ".join(str(page.relative_to(ROOT)) for page in texts)
    if len(found) != 1:
        raise LookupError(f"{len(found)} sections titled {title!r} in {where}; expected one")
    match, text = found[0]
    level = len(match.group(1))
    end = re.compile(rf"^#{{1,{level}}} ", re.MULTILINE).search(text, match.end())
    return text[match.start() : end.start() if end else len(text)]
