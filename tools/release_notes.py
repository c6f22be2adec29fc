"""The notes of a release, taken from CHANGELOG.md: `python -m tools.release_notes v0.1.0`.

The release workflow (.github/workflows/release.yml) runs this before it builds anything, so a
tag is refused, exit 2, when it is not a version, when it is not the version pyproject.toml
gives the package (a wheel would be published under another number than its tag), or when
CHANGELOG.md has no section for it yet (the entries still sit under "Unreleased"). On success
the section's body, without its heading, goes to stdout: the GitHub release's text.
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TAG = re.compile(r"^v?(?P<version>\d+\.\d+\.\d+(?:[-.]?(?:a|b|rc)\d+)?)$")
SECTION = re.compile(r"^## \[(?P<name>[^\]]+)\][^\n]*$", re.MULTILINE)
#: Keep a Changelog ends with link definitions (`[0.1.0]: https://...`); they are no release's text.
LINK_DEFINITIONS = re.compile(r"^\[[^\]]+\]: \S+\s*$", re.MULTILINE)


class ReleaseNotesError(ValueError):
    """A tag that cannot be released as it stands; the message says what to change."""


def package_version(pyproject: Path) -> str:
    with pyproject.open("rb") as handle:
        version = tomllib.load(handle).get("project", {}).get("version")
    if not isinstance(version, str):
        raise ReleaseNotesError(f"{pyproject} gives no [project] version")
    return version


def notes_for(tag: str, changelog: str, version: str) -> str:
    """The body of the changelog section `tag` names, checked against the package's version."""
    matched = TAG.match(tag)
    if matched is None:
        raise ReleaseNotesError(
            f"tag {tag!r} is not a version: expected vMAJOR.MINOR.PATCH, e.g. v0.1.0"
        )
    wanted = matched["version"]
    if wanted != version:
        raise ReleaseNotesError(
            f"tag {tag} is version {wanted}, but pyproject.toml gives the package {version}: "
            "set the version there or tag the version it gives"
        )
    sections = list(SECTION.finditer(changelog))
    for index, section in enumerate(sections):
        if section["name"] != wanted:
            continue
        end = sections[index + 1].start() if index + 1 < len(sections) else len(changelog)
        body = LINK_DEFINITIONS.sub("", changelog[section.end() : end]).strip()
        if not body:
            raise ReleaseNotesError(f"CHANGELOG.md's section for {wanted} is empty")
        return body + "\n"
    present = ", ".join(section["name"] for section in sections) or "none"
    raise ReleaseNotesError(
        f"CHANGELOG.md has no section for {wanted} (sections: {present}); move the entries "
        f"released under a heading '## [{wanted}] - YYYY-MM-DD' before tagging"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.release_notes",
        description="Print the CHANGELOG.md section a release tag names (its GitHub release "
        "notes); exit 2 if the tag is not the package's version or has no section.",
    )
    parser.add_argument("tag", help="the tag being released, e.g. v0.1.0")
    parser.add_argument("--changelog", type=Path, default=ROOT / "CHANGELOG.md")
    parser.add_argument("--pyproject", type=Path, default=ROOT / "pyproject.toml")
    args = parser.parse_args(argv)
    try:
        notes = notes_for(
            args.tag, args.changelog.read_text("utf-8"), package_version(args.pyproject)
        )
    except (ReleaseNotesError, OSError, tomllib.TOMLDecodeError) as error:
        print(f"{parser.prog}: error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(notes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
