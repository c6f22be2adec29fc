"""The documentation site builds in strict mode, and no link in the repository leaves it or
dangles: the pages', the README's, and every reference to a page from code, data and templates."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tools.site_links import (
    ROOT,
    Site,
    build,
    external_problem,
    markdown_links,
    site_url,
    unresolved_mentions,
)

PAGES = sorted((ROOT / "docs").glob("*.md"))
# Where a path outside the repository used to be named; spelt in two halves so this file is not
# one of the places it finds.
OUTSIDE = ("DESIGN" + ".md", "../" + "shared")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(tmp_path_factory.mktemp("site"))


def _repository_texts() -> dict[Path, str]:
    """Every text file git tracks or would track (new files included), by path."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    texts = {}
    for relative in listed:
        path = ROOT / relative
        if not path.is_file():
            continue  # a link to a folder (.venv-checkov), or a file deleted but not yet staged
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # a binary file (a picture)
        texts[path] = text
    return texts


def test_every_page_is_built_and_in_the_navigation(site: Site) -> None:
    # strict mode fails on a page left out of mkdocs.yml's nav (validation.omitted_files)
    assert {page.name: page.name.removesuffix(".md") + "/" in site.anchors for page in PAGES} == {
        page.name: page.name != "index.md" for page in PAGES
    }
    assert "" in site.anchors  # index.md is the site's home


def test_no_page_or_readme_links_to_another_site_but_aws_sources() -> None:
    base = site_url()
    problems = [
        f"{page.relative_to(ROOT)}: {problem}"
        for page in [*PAGES, ROOT / "README.md"]
        for target in markdown_links(page.read_text(encoding="utf-8"))
        if (problem := external_problem(target, base))
    ]
    assert problems == []


def test_the_readme_links_only_files_the_repository_holds(site: Site) -> None:
    """The README is read on a code host, beside the files: its relative links must resolve
    there, and those into docs/ to a page and heading of the site."""
    problems = []
    for target in markdown_links((ROOT / "README.md").read_text(encoding="utf-8")):
        if target.startswith(("http://", "https://")):
            continue
        path = (ROOT / target.split("#", 1)[0]).resolve()
        if not path.exists() or ROOT not in (path, *path.parents):
            problems.append(f"{target}: no such file in the repository")
        problems += unresolved_mentions(target, site, site_url())
    assert problems == []


def test_every_reference_to_a_docs_page_in_the_repository_resolves(site: Site) -> None:
    base = site_url()
    problems = [
        f"{path.relative_to(ROOT)}: {problem}"
        for path, text in _repository_texts().items()
        for problem in unresolved_mentions(text, site, base)
    ]
    assert problems == []


def test_nothing_in_the_repository_names_a_path_outside_it() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {outside}"
        for path, text in _repository_texts().items()
        for outside in OUTSIDE
        if outside in text
    ]
    assert found == []
