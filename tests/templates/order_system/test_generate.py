"""Every combination the kit builds, generated with hooks off and checked as a user would.

Cheap checks (files, leftovers, answers, Makefile, README, actionlint) run on every combination.
The expensive ones run once per distinct artefact (see `expensive_checks.py`): combinations that
read byte-identical files share one run, and a test here shows that they do.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from expensive_checks import (
    CHECKS,
    NOT_READ_BY_TESTS,
    PULUMI_SUITE,
    RUN_BY_THE_KIT,
    SUITE,
    Check,
    groups,
    loaded_by,
    pytest_table,
    reads,
)
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

from tools.site_links import (
    DOCS_MENTION,
    Site,
    build,
    markdown_links,
    site_url,
    unresolved_mentions,
)

# A test reading a section of the README (in a project; of the docs in the kit) by its title.
DOCUMENTED_CALL = r'documented_section\("([^"]+)"\)'
EVERY_PROJECT_OWNS = {
    "README.md",
    "Makefile",
    "pyproject.toml",
    ".github/workflows/ci.yml",
    ".pre-commit-config.yaml",
}
MAKE_TARGETS = ("install", "test", "lint", "build", "deploy", "demo", "destroy")
every_combo = pytest.mark.parametrize("combo", BUILT, ids=combo_id)


@pytest.fixture(scope="module")
def projects(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every buildable combination, generated (well under a second each)."""
    return {
        combo_id(combo): generate(tmp_path_factory.mktemp(combo_id(combo)), **answers_for(combo))
        for combo in BUILT
    }


@every_combo
def test_the_project_holds_exactly_the_manifest_s_files_for_its_answers(
    combo: dict[str, str], projects: dict[str, Path]
) -> None:
    project = projects[combo_id(combo)]
    plan = plan_project(MANIFEST, ROOT, combo)
    assert project.name == "test-orders"
    assert files_under(project) == set(plan.kit_files) | EVERY_PROJECT_OWNS | set(
        plan.own_files.values()
    )
    for relative in plan.kit_files:
        assert (project / relative).read_bytes() == (ROOT / relative).read_bytes(), relative


@every_combo
def test_no_jinja_is_left_but_the_workflow_s_github_expressions(
    combo: dict[str, str], projects: dict[str, Path]
) -> None:
    """Only the rendered files: kit files arrive verbatim (a test's f-string may hold `{{8}}`)."""
    project = projects[combo_id(combo)]
    verbatim = set(plan_project(MANIFEST, ROOT, combo).kit_files)
    for relative in files_under(project) - verbatim:
        text = (project / relative).read_text(encoding="utf-8")
        if relative == ".github/workflows/ci.yml":
            text = re.sub(r"\$\{\{ [^}]+ \}\}", "", text)  # GitHub Actions expressions
        assert not re.search(r"\{\{|\{%|cookiecutter\.", text), relative


COSTCALC_IMPORT = re.compile(r"^\s*(?:from|import) (costcalc[\w.]*)(?: import (\w+))?", re.M)


def _module_files(module: str, name: str | None) -> list[str]:
    """The files `from <module> import <name>` (or `import <module>`) loads, as the kit has them:
    the module's, and the submodule's when `name` is one."""
    path = module.replace(".", "/")
    files = [f"{path}.py" if (ROOT / f"{path}.py").is_file() else f"{path}/__init__.py"]
    if name and (ROOT / path / f"{name}.py").is_file():
        files.append(f"{path}/{name}.py")
    return files


@every_combo
def test_nothing_in_the_project_reaches_back_into_the_kit(
    combo: dict[str, str], projects: dict[str, Path]
) -> None:
    project = projects[combo_id(combo)]
    for relative in files_under(project):
        text = (project / relative).read_text(encoding="utf-8")
        assert str(ROOT) not in text, relative
        assert "templates/order-system" not in text, relative
        # The Pulumi tests import costcalc's mock runner, which the project holds itself.
        for module, name in COSTCALC_IMPORT.findall(text):
            for needed in _module_files(module, name or None):
                assert (project / needed).is_file(), f"{relative} imports {module}: {needed}"


@pytest.fixture(scope="module")
def kit_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return build(tmp_path_factory.mktemp("site"))


@every_combo
def test_it_links_into_the_kit_s_docs_by_their_address_and_to_no_path_outside_it(
    combo: dict[str, str], projects: dict[str, Path], kit_site: Site
) -> None:
    """A project has no docs/: it names the kit's pages by their address on the published site,
    each a page and heading that exist, and its README's relative links stay in the project."""
    project = projects[combo_id(combo)]
    problems = []
    for relative in files_under(project):
        text = (project / relative).read_text(encoding="utf-8")
        problems += [f"{relative}: {p}" for p in unresolved_mentions(text, kit_site, site_url())]
        problems += [f"{relative}: names docs/{page}" for page, _ in DOCS_MENTION.findall(text)]
        problems += [f"{relative}: {o}" for o in ("DESIGN" + ".md", "../" + "shared") if o in text]
    readme = (project / "README.md").read_text(encoding="utf-8")
    assert site_url() in readme
    for target in markdown_links(readme):
        if not target.startswith(("http://", "https://")):
            path = (project / target.split("#", 1)[0]).resolve()
            if not path.is_relative_to(project.resolve()) or not path.exists():
                problems.append(f"README.md: {target} is not a file of the project")
    assert problems == []


@every_combo
def test_its_dependencies_are_the_kit_s_own_pins_so_one_venv_runs_every_project(
    combo: dict[str, str], projects: dict[str, Path]
) -> None:
    project = projects[combo_id(combo)]
    ours = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    kit = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    kit_requirements = set(kit["dependencies"]).union(*kit["optional-dependencies"].values())
    assert set(ours["dependencies"]) | set(ours["optional-dependencies"]["dev"]) <= (
        kit_requirements
    )
    assert ours["name"] == "test-orders"


# Imports every module of the project's runner (its `__main__` runs the CLI, so it is left out)
# and its CLI's parser, then names what was loaded from where.
IMPORT_THE_RUNNER = """
import importlib, pkgutil, sys
import orderflow_localrun
for module in pkgutil.walk_packages(orderflow_localrun.__path__, "orderflow_localrun."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
from orderflow_localrun.cli import build_parser
commands = build_parser()._subparsers._group_actions[0].choices
print(orderflow_localrun.__file__)
print(" ".join(sorted({name.partition(".")[0] for name in sys.modules})))
print(" ".join(sorted(commands)))
"""
LAKE_ENGINES = {"duckdb", "sqlglot"}


@every_combo
def test_it_neither_installs_nor_imports_the_analytics_lake_s_engines(
    combo: dict[str, str], projects: dict[str, Path]
) -> None:
    """A project has no analytics stack: DuckDB and sqlglot would only weigh on its install."""
    project = projects[combo_id(combo)]
    extras = tomllib.loads((project / "pyproject.toml").read_text())["project"]
    dev = extras["optional-dependencies"]["dev"]
    named = {re.split(r"[\[<>=!~ ]", r, maxsplit=1)[0].lower() for r in dev}
    assert named & LAKE_ENGINES == set()
    result = run(BIN / "python", "-c", IMPORT_THE_RUNNER, cwd=project)
    assert result.returncode == 0, result.stderr
    where, loaded, commands = result.stdout.splitlines()
    assert Path(where).is_relative_to(project)  # the project's own runner, not the kit's
    assert set(loaded.split()) & LAKE_ENGINES == set()
    assert "analytics" not in commands.split()
    assert {"order", "transitions"} <= set(commands.split())


@every_combo
def test_samconfig_names_the_stack_after_the_slug_and_passes_the_answers(
    combo: dict[str, str], projects: dict[str, Path]
) -> None:
    project = projects[combo_id(combo)]
    if combo["iac"] == "pulumi":
        assert not (project / "samconfig.toml").exists()
        return
    environments = tomllib.loads((project / "samconfig.toml").read_text())
    config = environments["default"]
    assert config["global"]["parameters"] == {"stack_name": "test-orders", "region": "us-east-1"}
    assert config["build"]["parameters"]["template_file"] == MANIFEST.sam_templates[combo["style"]]
    deployed = (
        "AcceptanceTimeoutSeconds=600 OrderDeadlineSeconds=7200 SenderEmail=orders@test-orders.dev "
        "AlarmEmail=oncall@test-orders.dev Architecture=arm64 Project=test-orders "
        "UserPoolDeletionProtection="
    )
    assert config["deploy"]["parameters"]["parameter_overrides"] == deployed + "INACTIVE"
    assert config["deploy"]["parameters"]["tags"] == f"project=test-orders style={combo['style']}"
    prod = environments["prod"]
    assert prod["global"]["parameters"]["stack_name"] == "test-orders-prod"
    assert prod["deploy"]["parameters"]["parameter_overrides"] == deployed + "ACTIVE"


@every_combo
def test_the_pulumi_dev_stack_takes_the_same_answers_and_leaves_deletion_protection_off(
    combo: dict[str, str], projects: dict[str, Path]
) -> None:
    project = projects[combo_id(combo)]
    if combo["iac"] == "sam":
        return
    config = yaml.safe_load(
        (project / f"pulumi/orders-{combo['style']}/Pulumi.dev.yaml").read_text()
    )["config"]
    assert {
        key: config[f"test-orders:{key}"] for key in ("SenderEmail", "AlarmEmail", "Project")
    } == {
        "SenderEmail": "orders@test-orders.dev",
        "AlarmEmail": "oncall@test-orders.dev",
        "Project": "test-orders",
    }
    assert "test-orders:UserPoolDeletionProtection" not in config


@every_combo
def test_the_makefile_has_every_target_the_readme_uses_and_each_of_its_targets_dry_runs(
    combo: dict[str, str], projects: dict[str, Path]
) -> None:
    project = projects[combo_id(combo)]
    makefile = (project / "Makefile").read_text()
    rules = re.findall(r"^([a-z][a-z -]*):", makefile, flags=re.MULTILINE)
    targets = {target for rule in rules for target in rule.split()}
    assert set(MAKE_TARGETS) <= targets
    assert set(re.findall(r"\bmake ([a-z-]+)", (project / "README.md").read_text())) <= targets
    dry_run = run("make", "-n", *MAKE_TARGETS, cwd=project)
    assert dry_run.returncode == 0, dry_run.stderr
    deploys = {
        "sam": "sam deploy --no-confirm-changeset" in dry_run.stdout,
        "pulumi": "pulumi up --yes" in dry_run.stdout,
    }
    promo = {
        "sam": "--stack-name test-orders-promo" in dry_run.stdout,
        "pulumi": "cd pulumi/promo" in dry_run.stdout,
    }
    first = "pulumi" if combo["iac"] == "pulumi" else "sam"  # `both` deploys with SAM by default
    assert [tool for tool, found in deploys.items() if found] == [first]
    assert promo[first] == (combo["include_promo"] == "yes")
    # The rest too: a rule copied from the kit must need only files the project holds.
    others = run("make", "-n", *sorted(targets - set(MAKE_TARGETS)), cwd=project)
    assert others.returncode == 0, others.stderr


@every_combo
def test_the_readme_draws_the_template_s_wiring_and_counts_each_path(
    combo: dict[str, str], projects: dict[str, Path]
) -> None:
    readme = (projects[combo_id(combo)] / "README.md").read_text()
    diagram = readme.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert diagram.startswith("flowchart LR\n")
    for name, events in MANIFEST.paths.items():
        assert f"| {name} | {len(events)} |" in readme
    for heading in ("## Test it", "## Run it locally", "## Deploy it", "## Watch it",
                    "## Replay events", "## Remove it", "costcalc estimate"):  # fmt: skip
        assert heading in readme
    assert ("sam/promo/template.yaml" in readme) == (combo["include_promo"] == "yes")


def _readme_of(style: str, projects: dict[str, Path]) -> str:
    combo = next(c for c in BUILT if c["style"] == style)
    return (projects[combo_id(combo)] / "README.md").read_text()


def test_a_choreography_readme_draws_its_rules_and_bills_no_transitions(
    projects: dict[str, Path],
) -> None:
    readme = _readme_of("choreography", projects)
    assert (
        '  OrdersBus -->|"order_accepted, order_rejected, order_timed_out, order_overdue"| '
        "CustomerNotifierFunction" in readme
    )
    assert '  OrdersTable -->|"stream"| OutboxPublisherFunction' in readme
    assert '  OrdersBus -->|"any"| TimelineWriterFunction' in readme
    assert "| completed | 5 | 11 | 0 |" in readme  # 6 to the handlers (2 its deadline), 5 timeline
    assert "stateDiagram-v2" not in readme


def test_an_orchestration_readme_draws_the_state_machine_and_counts_its_transitions(
    projects: dict[str, Path],
) -> None:
    readme = _readme_of("orchestration", projects)
    assert '  OrdersStateMachine -->|"InvokeFunction"| AwaitRestaurantFunction' in readme
    assert "  AwaitRestaurant --> RecordTimeout: States.Timeout" in readme
    assert "| completed | 5 | 5 | 8 |" in readme  # every event to the timeline
    assert "| `cancelled` | 6 | RecordOrder > PublishOrderPlaced > AwaitRestaurant >" in readme


@every_combo
def test_ruff_checks_and_formats_it_clean_with_its_own_configuration(
    combo: dict[str, str], projects: dict[str, Path]
) -> None:
    project = projects[combo_id(combo)]
    for command in (("check", "."), ("format", "--check", ".")):
        result = run(BIN / "ruff", *command, "--no-cache", cwd=project)
        assert result.returncode == 0, result.stdout + result.stderr


@every_combo
def test_the_workflow_passes_actionlint(combo: dict[str, str], projects: dict[str, Path]) -> None:
    project = projects[combo_id(combo)]
    result = run(BIN / "actionlint", "-color=false", ".github/workflows/ci.yml", cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr


@every_combo
def test_the_workflow_gates_pull_requests_on_cost_and_installs_pulumi_with_its_action(
    combo: dict[str, str], projects: dict[str, Path]
) -> None:
    project = projects[combo_id(combo)]
    workflow = yaml.safe_load((project / ".github/workflows/ci.yml").read_text(encoding="utf-8"))
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "version"
    ]
    gate = workflow["jobs"]["cost"]["steps"][-1]
    assert gate["uses"] == f"orderflow-kit/orderflow-kit@v{version}"
    assert (project / gate["with"]["path"]).exists()  # the definition the project deploys
    assert workflow["jobs"]["cost"]["permissions"]["pull-requests"] == "write"
    deploy = [
        step.get("uses", "") + step.get("run", "") for step in workflow["jobs"]["deploy"]["steps"]
    ]
    assert not any("curl" in step for step in deploy)
    assert ("pulumi/actions@v7" in deploy) == (combo["iac"] == "pulumi")


def test_the_suite_reads_none_of_the_files_its_grouping_leaves_out(
    projects: dict[str, Path],
) -> None:
    """What lets combinations share one run of their test suite: no code in a project names
    the per-project files the suite's grouping leaves out, and README.md is read only through
    the sections `reads` keeps (`documented_section`, with those titles)."""
    kept = {heading.lstrip("# ") for heading in SUITE.readme_sections}
    read: set[str] = set()
    for project in projects.values():
        code = {r: (project / r).read_text() for r in files_under(project) if r.endswith(".py")}
        for relative, text in code.items():
            for left_out in NOT_READ_BY_TESTS:
                assert Path(left_out).name not in text, (relative, left_out)
        readers = {r for r, text in code.items() if '"README.md"' in text}
        assert readers <= {"tests/support/documented.py"}
        read |= {t for text in code.values() for t in re.findall(DOCUMENTED_CALL, text)}
    assert read == kept


@pytest.mark.parametrize(
    ("check", "key"),
    [(check, key) for check in CHECKS for key in groups(check)],
    ids=lambda v: v.name if isinstance(v, Check) else "-".join(v),
)
def test_combinations_sharing_an_expensive_run_read_the_same_bytes(
    check: Check, key: tuple[str, ...], projects: dict[str, Path]
) -> None:
    """The run on the group's representative stands for every member: each member's files
    that the check reads are byte-identical there (a check that reads a subset of what the
    representative holds says so with `superset`)."""
    representative, *members = groups(check)[key]
    assert members or representative
    ran = reads(check, projects[combo_id(representative)])
    for member in members:
        read = reads(check, projects[combo_id(member)])
        if check.superset:
            assert read.items() <= ran.items(), combo_id(member)
        else:
            assert read == ran, combo_id(member)


@every_combo
def test_the_tests_its_suite_leaves_to_the_kit_load_the_kit_s_own_bytes(
    combo: dict[str, str], projects: dict[str, Path]
) -> None:
    """What lets a project's suite leave RUN_BY_THE_KIT to the kit's session: each such test
    module of the project, and every file it loads by importing, is the kit's file of the
    same path byte for byte, and the kit's copy loads no other file; pytest's table is the
    kit's; and none of them names a file the project writes for itself (what they read by
    path, the templates, definition and schemas, is the kit's verbatim too)."""
    project = projects[combo_id(combo)]
    plan = plan_project(MANIFEST, ROOT, combo)
    own_names = {Path(o).name for o in EVERY_PROJECT_OWNS | set(plan.own_files.values())}
    left = [test for test in RUN_BY_THE_KIT if (project / test).is_file()]
    assert left, "the project holds none of the tests its suite leaves out"
    for test_module in left:
        loaded = loaded_by(project, test_module)
        assert loaded == loaded_by(ROOT, test_module), test_module
        assert loaded <= set(plan.kit_files), test_module
        for relative in loaded:
            text = (project / relative).read_bytes()
            assert text == (ROOT / relative).read_bytes(), relative
            assert not {n for n in own_names if n.encode() in text}, relative
    table = pytest_table(project / "pyproject.toml")
    assert table is not None
    assert table == pytest_table(ROOT / "pyproject.toml")


def _representative(check: Check, key: tuple[str, ...], projects: dict[str, Path]) -> Path:
    return projects[combo_id(groups(check)[key][0])]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("check", "key"),
    [(check, key) for check in (SUITE, PULUMI_SUITE) for key in groups(check)],
    ids=lambda v: v.name if isinstance(v, Check) else "-".join(v),
)
def test_its_own_test_suite_passes(
    check: Check, key: tuple[str, ...], projects: dict[str, Path]
) -> None:
    project = _representative(check, key, projects)
    if not (project / ".venv-checkov").exists():
        (project / ".venv-checkov").symlink_to(ROOT / ".venv-checkov")
    result = run(
        BIN / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *check.pytest_args,
        cwd=project,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert re.search(r"\d+ passed", result.stdout), result.stdout[-500:]
    if check is SUITE:  # the tests the kit's session runs for it (one a file): left out, no more
        left = sum((project / test).is_file() for test in RUN_BY_THE_KIT)
        assert f" {left} deselected" in result.stdout, result.stdout[-500:]


SAM = next(c for c in CHECKS if c.name == "sam-build")
ESTIMATE = next(c for c in CHECKS if c.name == "costcalc-estimate")


@pytest.mark.slow
@pytest.mark.parametrize("key", list(groups(SAM)), ids="-".join)
def test_sam_validates_and_builds_it_from_its_samconfig(
    key: tuple[str, ...], projects: dict[str, Path]
) -> None:
    project = _representative(SAM, key, projects)
    validated = run(BIN / "sam", "validate", "--lint", cwd=project)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    built = run(BIN / "sam", "build", cwd=project)
    assert built.returncode == 0, built.stdout + built.stderr
    assert (project / ".aws-sam/build/ApiFunction/api.py").is_file()


@pytest.mark.parametrize("key", list(groups(ESTIMATE)), ids="-".join)
def test_costcalc_estimates_the_project_as_its_readme_says(
    key: tuple[str, ...], projects: dict[str, Path]
) -> None:
    project = _representative(ESTIMATE, key, projects)
    assert "costcalc estimate . --orders-per-month 100000\n" in (project / "README.md").read_text()
    result = run(BIN / "costcalc", "estimate", ".", "--orders-per-month", "100000", cwd=project)
    assert result.returncode == 0, result.stderr
    assert f"== {key[0]}: {MANIFEST.sam_templates[key[0]]}" in result.stdout


@every_combo
def test_make_logs_follows_the_stack_of_the_tool_it_is_told(
    combo: dict[str, str], projects: dict[str, Path]
) -> None:
    project = projects[combo_id(combo)]
    tools = ["sam", "pulumi"] if combo["iac"] == "both" else [combo["iac"]]
    for tool in tools:
        dry_run = run("make", "-n", "logs", f"IAC={tool}", cwd=project)
        assert dry_run.returncode == 0, dry_run.stderr
        followed = {"sam": "sam logs" in dry_run.stdout, "pulumi": "pulumi logs" in dry_run.stdout}
        assert [name for name, found in followed.items() if found] == [tool]
