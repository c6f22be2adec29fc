"""The generator's slow checks, each run once per distinct artefact rather than per combination.

A check declares the answers its artefact depends on (`keys`) and which of a project's files it
reads. The combinations built are grouped by those answers; the group's representative (the
member with the most files the check reads) runs the check, and
tests/templates/order_system/test_generate.py shows that every member's files read are
byte-identical there (or, for a test suite, a byte-identical subset: the member's tests are
among those the representative ran), so the one run stands for all of them. Likewise a few
minutes-long tests of a project are left to the kit's own session (`RUN_BY_THE_KIT`), which
runs them on the same bytes of every file they load.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from imported_files import imported_closure, loaded_with
from orderflow_generator.manifest import expand, plan_project
from template_helpers import BUILT, MANIFEST, ROOT, files_under

Combo = dict[str, str]
# Per-project files no test reads (test_generate.py shows no code in a project names them).
NOT_READ_BY_TESTS = frozenset(
    {"Makefile", ".github/workflows/ci.yml", ".pre-commit-config.yaml", "samconfig.toml"}
)
# pytest reads this table of pyproject.toml; the rest (dependencies) differs with the answers.
PYTEST_TABLE = "[tool.pytest.ini_options]"


@dataclass(frozen=True)
class Check:
    name: str
    keys: tuple[str, ...]
    applies: Callable[[Combo], bool]
    reads_file: Callable[[str], bool]
    # README.md is read only through these sections (heading to the next heading).
    readme_sections: tuple[str, ...] = ()
    # A test suite: the representative holds every member's tests (and what they read), byte
    # for byte, and perhaps more; `pytest_args` select the suite in a project.
    superset: bool = False
    pytest_args: tuple[str, ...] = ()


# What a project holds only because it deploys with Pulumi: the parts whose `when` needs it
# (the programs, their tests and the helpers only those tests import).
PULUMI_ONLY = frozenset(
    relative
    for part in MANIFEST.parts
    if part.when.get("iac") and "sam" not in part.when["iac"]
    for relative in [*expand(ROOT, part), *part.own.values()]
)


def _pulumi(relative: str) -> bool:
    return relative in PULUMI_ONLY


def _runner_suite_reads(relative: str) -> bool:
    return not _pulumi(relative) and relative not in NOT_READ_BY_TESTS


def _pulumi_suite_reads(relative: str) -> bool:
    """The Pulumi tests, the programs, and what they read or import: the test helpers, the SAM
    templates and definition (parity), the handlers (the functions' code archive)."""
    shared = (
        "tests/support/stack_helpers.py",
        "sam/",
        "statemachine/",
        "functions/",
        "orderflow_localrun/",
        "orderflow_definitions/",
    )
    return (
        _pulumi(relative)
        or relative.startswith(shared)
        or relative in ("tests/__init__.py", "tests/conftest.py", "pyproject.toml")
    )


def _sam_build_reads(relative: str) -> bool:
    """samconfig.toml, the orders template it names (one per style) and what that loads."""
    return (
        relative == "samconfig.toml"
        or relative in MANIFEST.sam_templates.values()
        or relative.startswith(("functions/", "statemachine/"))
    )


def _definitions(relative: str) -> bool:
    return relative == "samconfig.toml" or relative.startswith(("sam/", "statemachine/"))


def _has_sam_config(combo: Combo) -> bool:
    return combo["iac"] in ("sam", "both")


# Tests a project's own suite leaves to the kit's session: the deadline races, minutes each. The
# kit's session runs each of them on the same bytes of every file it loads (test_generate.py
# shows it), so the kit's run stands for the project's. A project's `make test` still runs them.
RUN_BY_THE_KIT = (
    "tests/sam/choreography/test_deadline_race.py",
    "tests/sam/orchestration/test_deadline_race.py",
)


def loaded_by(root: Path, test_module: str) -> set[str]:
    """The files of the checkout at `root` that `test_module` loads by importing: what pytest
    loads with it, the handlers (the runner imports them by the templates' names), and what
    those import."""
    handlers = {f"functions/{p.name}" for p in (root / "functions").glob("*.py")}
    return imported_closure(root, loaded_with(root, test_module) | handlers)


# The project's own suite but its Pulumi tests (unit, end-to-end on the runner, template checks)
# and those the kit runs: the same tests for every combination of a style, less the promo
# stack's where promo is "no".
SUITE = Check(
    "own-suite",
    ("style",),
    lambda combo: True,
    _runner_suite_reads,
    readme_sections=(
        "### The event contract",
        "### The transitions, counted",
    ),
    superset=True,
    pytest_args=("--ignore=tests/pulumi", *(f"--deselect={test}" for test in RUN_BY_THE_KIT)),
)
# The project's Pulumi tests: the program under mocks, and the parity test.
PULUMI_SUITE = Check(
    "pulumi-suite",
    ("style",),
    lambda combo: combo["iac"] in ("pulumi", "both"),
    _pulumi_suite_reads,
    superset=True,
    pytest_args=("tests/pulumi",),
)
CHECKS = (
    SUITE,
    PULUMI_SUITE,
    # `sam validate --lint` and `sam build` from samconfig.toml: the orders template and its code.
    Check("sam-build", ("style",), _has_sam_config, _sam_build_reads),
    # `costcalc estimate .`: every SAM template, the definition and samconfig's answers.
    Check("costcalc-estimate", ("style", "include_promo"), _has_sam_config, _definitions),
)


def _read_count(check: Check, combo: Combo) -> int:
    plan = plan_project(MANIFEST, ROOT, combo)
    return sum(1 for f in (*plan.kit_files, *plan.own_files.values()) if check.reads_file(f))


@cache
def _groups(check: Check) -> dict[tuple[str, ...], list[Combo]]:
    found: dict[tuple[str, ...], list[Combo]] = {}
    for combo in BUILT:
        if check.applies(combo):
            found.setdefault(tuple(combo[k] for k in check.keys), []).append(combo)
    return {
        key: sorted(members, key=lambda c: -_read_count(check, c)) for key, members in found.items()
    }


def groups(check: Check) -> dict[tuple[str, ...], list[Combo]]:
    """Answers -> the combinations sharing the check's run, the representative first."""
    return _groups(check)


def _section(text: str, heading: str, next_heading: str) -> str | None:
    if heading not in text:
        return None
    return heading + text.split(heading, 1)[1].split(next_heading, 1)[0]


def pytest_table(pyproject: Path) -> str | None:
    """The pytest table of a pyproject.toml, as its text (from its header to the next table)."""
    return _section(pyproject.read_text(), PYTEST_TABLE, "\n[")


def reads(check: Check, project: Path) -> dict[str, bytes]:
    """What `check` reads in `project`, by path: whole files, README.md as the sections the
    check reads, pyproject.toml as its pytest table."""
    found = {
        relative: (project / relative).read_bytes()
        for relative in files_under(project)
        if check.reads_file(relative) and relative not in ("README.md", "pyproject.toml")
    }
    parts = [("README.md", heading, "\n#") for heading in check.readme_sections]
    if check.reads_file("pyproject.toml"):
        parts.append(("pyproject.toml", PYTEST_TABLE, "\n["))
    for name, heading, next_heading in parts:
        section = _section((project / name).read_text(), heading, next_heading)
        if section is not None:
            found[f"{name} {heading}"] = section.encode()
    return found
