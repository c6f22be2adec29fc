"""Every combination buildable today, generated with hooks off, checked like a user."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from orderflow_generator.manifest import plan_project
from template_helpers import (
    BIN,
    BUILT,
    MANIFEST,
    ROOT,
    answers_for,
    combo_id,
    files_under,
    generate,
    run,
)

EVERY_PROJECT_OWNS = {
    "README.md",
    "Makefile",
    "pyproject.toml",
    ".github/workflows/ci.yml",
    ".pre-commit-config.yaml",
}
MAKE_TARGETS = ("install", "test", "lint", "build", "deploy", "demo", "destroy")


@pytest.fixture(scope="module", params=BUILT, ids=combo_id)
def combo(request: pytest.FixtureRequest) -> dict[str, str]:
    return dict(request.param)


@pytest.fixture(scope="module")
def project(combo: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp(combo_id(combo)) / "out"
    return generate(output, **answers_for(combo))


def test_the_project_holds_exactly_the_manifest_s_files_for_its_answers(
    combo: dict[str, str], project: Path
) -> None:
    plan = plan_project(MANIFEST, ROOT, combo)
    assert project.name == "test-orders"
    assert files_under(project) == set(plan.kit_files) | EVERY_PROJECT_OWNS | plan.own_files


def test_kit_files_arrive_byte_for_byte(combo: dict[str, str], project: Path) -> None:
    for relative in plan_project(MANIFEST, ROOT, combo).kit_files:
        assert (project / relative).read_bytes() == (ROOT / relative).read_bytes(), relative


def test_no_jinja_is_left_but_the_workflow_s_github_expressions(project: Path) -> None:
    for relative in files_under(project):
        text = (project / relative).read_text(encoding="utf-8")
        if relative == ".github/workflows/ci.yml":
            text = re.sub(r"\$\{\{ [^}]+ \}\}", "", text)  # GitHub Actions expressions
        assert not re.search(r"\{\{|\{%|cookiecutter\.", text), relative


def test_nothing_in_the_project_reaches_back_into_the_kit(project: Path) -> None:
    for relative in files_under(project):
        text = (project / relative).read_text(encoding="utf-8")
        assert str(ROOT) not in text, relative
        assert not re.search(r"^\s*(from|import) costcalc", text, flags=re.MULTILINE), relative
        assert "templates/order-system" not in text, relative
    located = run(BIN / "python", "-c", "import localrun; print(localrun.__file__)", cwd=project)
    assert located.stdout.strip() == str(project / "localrun/__init__.py")


def test_its_dependencies_are_the_kit_s_own_pins_so_one_venv_runs_every_project(
    project: Path,
) -> None:
    ours = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    kit = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    kit_requirements = set(kit["dependencies"]) | set(kit["optional-dependencies"]["dev"])
    assert set(ours["dependencies"]) | set(ours["optional-dependencies"]["dev"]) <= (
        kit_requirements
    )
    assert ours["name"] == "test-orders"


def test_samconfig_names_the_stack_after_the_slug_and_passes_the_answers(project: Path) -> None:
    config = tomllib.loads((project / "samconfig.toml").read_text())["default"]
    assert config["global"]["parameters"] == {"stack_name": "test-orders", "region": "us-east-1"}
    assert config["deploy"]["parameters"]["parameter_overrides"] == (
        "AcceptanceTimeoutSeconds=600 SenderEmail=orders@example.com Architecture=arm64"
    )


def test_the_makefile_has_every_target_the_readme_uses(project: Path) -> None:
    makefile = (project / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z-]+):", makefile, flags=re.MULTILINE))
    assert set(MAKE_TARGETS) <= targets
    assert set(re.findall(r"\bmake ([a-z-]+)", (project / "README.md").read_text())) <= targets
    dry_run = run("make", "-n", *MAKE_TARGETS, cwd=project)
    assert dry_run.returncode == 0, dry_run.stderr


def test_the_readme_draws_the_template_s_rules_and_counts_each_path(
    combo: dict[str, str], project: Path
) -> None:
    readme = (project / "README.md").read_text()
    diagram = readme.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert diagram.startswith("flowchart LR\n")
    assert (
        '  OrdersBus -->|"order_accepted, order_rejected, order_timed_out"| '
        "CustomerNotifierFunction" in diagram
    )
    assert '  OrdersTable -->|"stream"| OutboxPublisherFunction' in diagram
    for name, events in MANIFEST.paths[combo["style"]].items():
        assert f"| {name} | {len(events)} |" in readme
    for heading in ("## Test it", "## Run it locally", "## Deploy it", "## Watch it",
                    "## Replay events", "## Remove it", "costcalc estimate"):  # fmt: skip
        assert heading in readme


def test_costcalc_estimates_the_project_as_its_readme_says(
    combo: dict[str, str], project: Path
) -> None:
    assert "costcalc estimate . --orders-per-month 100000\n" in (project / "README.md").read_text()
    result = run(BIN / "costcalc", "estimate", ".", "--orders-per-month", "100000", cwd=project)
    assert result.returncode == 0, result.stderr
    assert f"== {combo['style']}: {MANIFEST.sam_templates[combo['style']]}" in result.stdout


def test_the_workflow_passes_actionlint(project: Path) -> None:
    result = run(BIN / "actionlint", "-color=false", ".github/workflows/ci.yml", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_sam_validates_and_builds_it_from_its_samconfig(project: Path) -> None:
    validated = run(BIN / "sam", "validate", "--lint", cwd=project)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    built = run(BIN / "sam", "build", cwd=project)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (project / ".aws-sam/build/ApiFunction/api.py").is_file()


@pytest.mark.slow
def test_its_own_test_suite_passes(project: Path) -> None:
    (project / ".venv-checkov").symlink_to(ROOT / ".venv-checkov")
    result = run(BIN / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"\d+ passed", result.stdout), result.stdout[-500:]
