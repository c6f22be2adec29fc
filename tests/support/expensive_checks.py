"""The generator's slow checks, each run once per distinct artefact rather than per combination.

A check declares the answers its artefact depends on (`keys`) and the files it reads. The
combinations built are grouped by those answers; the group's representative (the member holding
the most files) runs the check, and tests/templates/order_system/test_generate.py shows every
member reads byte-identical files there, so the one run stands for all of them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from orderflow_generator.manifest import plan_project
from template_helpers import BUILT, MANIFEST, ROOT, files_under

Combo = dict[str, str]


@dataclass(frozen=True)
class Check:
    name: str
    keys: tuple[str, ...]
    applies: Callable[[Combo], bool]
    files: Callable[[Path], Iterable[str]]
    # Files `files` lists that the check does not read (test_generate.py shows it).
    ignores: tuple[str, ...] = ()
    # README.md is read only through these sections (heading to the next heading).
    readme_sections: tuple[str, ...] = ()
    # True when the representative holds more than a member and the check, run there, covers
    # every test the member holds (its files are a subset, byte for byte).
    superset: bool = False


def _everything(project: Path) -> Iterable[str]:
    return files_under(project)


def _sam_build_inputs(project: Path) -> Iterable[str]:
    config = tomllib.loads((project / "samconfig.toml").read_text())
    template = config["default"]["build"]["parameters"]["template_file"]
    return [
        "samconfig.toml",
        template,
        *(f for f in files_under(project) if f.startswith(("functions/", "statemachine/"))),
    ]


def _definitions(project: Path) -> Iterable[str]:
    return [
        f
        for f in files_under(project)
        if f == "samconfig.toml" or f.startswith(("sam/", "statemachine/"))
    ]


def _has_sam_config(combo: Combo) -> bool:
    return combo["iac"] in ("sam", "both")


# The project's own suite (unit, end-to-end on the runner, template checks): the same test files
# and code for every combination of a style, less the promo stack's where promo is "no".
SUITE = Check(
    name="own-suite",
    keys=("style",),
    applies=lambda combo: True,
    files=_everything,
    ignores=("Makefile", ".github/workflows/ci.yml", ".pre-commit-config.yaml", "samconfig.toml"),
    readme_sections=("### The event contract", "### The transitions, counted"),
    superset=True,
)
CHECKS = (
    SUITE,
    # `sam validate --lint` and `sam build` from samconfig.toml: the orders template and its code.
    Check("sam-build", ("style",), _has_sam_config, _sam_build_inputs),
    # `costcalc estimate .`: every SAM template, the definition and samconfig's answers. On the
    # choreography style only: on the orchestration template it fails in the kit too (its
    # DefinitionSubstitutions of resource ids break costcalc's substitution; issue 11's work).
    Check(
        "costcalc-estimate",
        ("style", "include_promo"),
        lambda combo: _has_sam_config(combo) and combo["style"] == "choreography",
        _definitions,
    ),
)


@cache
def _size(combo_key: tuple[tuple[str, str], ...]) -> int:
    plan = plan_project(MANIFEST, ROOT, dict(combo_key))
    return len(plan.kit_files) + len(plan.own_files)


@cache
def _groups(check: Check) -> dict[tuple[str, ...], list[Combo]]:
    found: dict[tuple[str, ...], list[Combo]] = {}
    for combo in BUILT:
        if check.applies(combo):
            found.setdefault(tuple(combo[k] for k in check.keys), []).append(combo)
    return {
        key: sorted(members, key=lambda c: -_size(tuple(sorted(c.items()))))
        for key, members in found.items()
    }


def groups(check: Check) -> dict[tuple[str, ...], list[Combo]]:
    """Answers -> the combinations sharing the check's run, the representative first."""
    return _groups(check)


def _section(readme: str, heading: str) -> str | None:
    if heading not in readme:
        return None
    return heading + readme.split(heading, 1)[1].split("\n#", 1)[0]


def reads(check: Check, project: Path) -> dict[str, bytes]:
    """The files `check` reads in `project` (README.md as the sections it reads), by path."""
    read = {
        relative: (project / relative).read_bytes()
        for relative in check.files(project)
        if relative not in check.ignores and relative != "README.md"
    }
    readme = (project / "README.md").read_text()
    for heading in check.readme_sections:
        section = _section(readme, heading)
        if section is not None:
            read[f"README.md {heading}"] = section.encode()
    return read
