"""The release notes come from CHANGELOG.md, and a tag that cannot be released is refused."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tools.release_notes import ROOT, ReleaseNotesError, notes_for

CHANGELOG = """\
# Changelog

## [Unreleased]

- Not yet released.

## [0.2.0] - 2027-01-10

### Added

- A second thing.

## [0.1.0] - 2026-12-20

- The first thing.

[0.2.0]: https://example.invalid/compare/v0.1.0...v0.2.0
[0.1.0]: https://example.invalid/releases/tag/v0.1.0
"""


def test_the_notes_are_the_tagged_versions_section_without_its_heading() -> None:
    assert notes_for("v0.2.0", CHANGELOG, "0.2.0") == "### Added\n\n- A second thing.\n"


def test_the_last_section_ends_before_the_link_definitions() -> None:
    assert notes_for("v0.1.0", CHANGELOG, "0.1.0") == "- The first thing.\n"


def test_a_tag_without_the_v_names_the_same_version() -> None:
    assert notes_for("0.1.0", CHANGELOG, "0.1.0") == "- The first thing.\n"


def test_a_version_with_no_section_yet_is_refused_naming_the_sections_there_are() -> None:
    with pytest.raises(ReleaseNotesError, match=r"no section for 0\.3\.0 \(sections: Unreleased, "
                       r"0\.2\.0, 0\.1\.0\); move the entries released under a heading "
                       r"'## \[0\.3\.0\] - YYYY-MM-DD'"):  # fmt: skip
        notes_for("v0.3.0", CHANGELOG, "0.3.0")


def test_a_tag_that_is_not_the_packages_version_is_refused() -> None:
    with pytest.raises(ReleaseNotesError, match=re.escape("tag v0.2.0 is version 0.2.0, but "
                       "pyproject.toml gives the package 0.1.0")):  # fmt: skip
        notes_for("v0.2.0", CHANGELOG, "0.1.0")


@pytest.mark.parametrize("tag", ["latest", "v1.2", "release-0.1.0", "v0.1.0; rm -rf /"])
def test_a_tag_that_is_not_a_version_is_refused(tag: str) -> None:
    with pytest.raises(
        ReleaseNotesError, match=re.escape("is not a version: expected vMAJOR.MINOR.PATCH")
    ):
        notes_for(tag, CHANGELOG, "0.1.0")


def test_an_empty_section_is_refused() -> None:
    with pytest.raises(ReleaseNotesError, match=re.escape("section for 0.1.0 is empty")):
        notes_for("v0.1.0", "## [0.1.0] - 2026-12-20\n\n[0.1.0]: https://x.invalid\n", "0.1.0")


def test_the_kits_own_unreleased_changelog_cannot_be_tagged_yet_and_exits_2() -> None:
    """The kit has released nothing: tagging its version now is refused by the real command."""
    result = subprocess.run(
        [sys.executable, "-m", "tools.release_notes", "v0.1.0"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(
        "python -m tools.release_notes: error: CHANGELOG.md has no section for 0.1.0 "
        "(sections: Unreleased)"
    )


def test_the_command_prints_the_section_of_a_given_changelog(tmp_path: Path) -> None:
    changelog = tmp_path / "CHANGELOG.md"
    changelog.write_text(CHANGELOG, "utf-8")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\nversion = "0.2.0"\n', "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "tools.release_notes", "v0.2.0",
         "--changelog", str(changelog), "--pyproject", str(pyproject)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "### Added\n\n- A second thing.\n"


def test_a_pyproject_without_a_version_is_named(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n', "utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "tools.release_notes", "v0.1.0", "--pyproject", str(pyproject)],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert f"{pyproject} gives no [project] version" in result.stderr
