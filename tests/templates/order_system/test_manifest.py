"""The manifest's facts hold: its paths are what the runner's bus sees, its files exist, and
every file of the folders projects are made of belongs to exactly one part."""

from __future__ import annotations

from collections import Counter

import pytest
from orderflow_generator.manifest import expand, plan_project
from stack_helpers import DEADLINE_SECONDS, STAFF, TIMEOUT_SECONDS, StartStack, drive, place
from template_helpers import BUILT, MANIFEST, ROOT

from orderflow_localrun import LocalRunner
from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS

# The kit's folders projects are made of; tests/ but for the tests of the kit's own tools and
# docs. (costcalc/ is the kit's tool: a Pulumi project gets only its mock runner's modules,
# named in the manifest.)
PROJECT_FOLDERS = (
    "functions",
    "orderflow_localrun",
    "orderclient",
    "sam",
    "pulumi",
    "statemachine",
    "tests",
)
KIT_TOOL_TESTS = (
    "tests/costcalc/",
    "tests/templates/",
    "tests/docs/",
    "tests/tools/",
    "tests/benchmarks/",
)


@pytest.mark.parametrize("style", MANIFEST.choices["style"])
@pytest.mark.parametrize("path", list(MANIFEST.paths))
def test_each_path_puts_the_manifest_s_events_on_the_bus_in_either_style(
    start_stack: StartStack, style: str, path: str
) -> None:
    timeout = str(TIMEOUT_SECONDS) if path == "timed_out" else ANSWERED_TIMEOUT_SECONDS
    deadline = {"OrderDeadlineSeconds": str(DEADLINE_SECONDS)} if path == "overdue" else {}
    runner: LocalRunner = start_stack(
        ROOT / MANIFEST.sam_templates[style], AcceptanceTimeoutSeconds=timeout, **deadline
    )
    order_id = place(runner)
    drive(runner, order_id, path)
    if path == "overdue":  # a late delivery is still delivered
        completed = runner.request("POST", f"/orders/{order_id}/complete", caller=STAFF)
        assert completed.status == 200, completed.body
    runner.settle()
    seen = [e for e in runner.bus_events if e.detail.get("order_id") == order_id]
    assert [e.detail_type for e in seen] == list(MANIFEST.paths[path])
    assert {e.source for e in seen} == {MANIFEST.event_source}


def test_every_style_has_a_template() -> None:
    for style in MANIFEST.choices["style"]:
        assert (ROOT / MANIFEST.sam_templates[style]).is_file()


def test_every_file_projects_are_made_of_belongs_to_exactly_one_part() -> None:
    owners = Counter(relative for part in MANIFEST.parts for relative in expand(ROOT, part))
    kit = {
        p.relative_to(ROOT).as_posix()
        for folder in PROJECT_FOLDERS
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    kit = {k for k in kit if not k.startswith(KIT_TOOL_TESTS)}
    assert kit - set(owners) == set()
    assert {relative for relative, count in owners.items() if count > 1} == set()


def test_kit_only_parts_go_to_no_project() -> None:
    kit_only = {r for part in MANIFEST.parts if part.kit_only for r in expand(ROOT, part)}
    assert "sam/analytics/template.yaml" in kit_only
    for combo in BUILT:
        assert kit_only.isdisjoint(plan_project(MANIFEST, ROOT, combo).kit_files), combo


# The runner's analytics package (the lake on DuckDB, the BI report) serves the kit's analytics
# stack, which no project gets.
RUNNER_ANALYTICS = "orderflow_localrun/analytics/"


def test_every_handler_and_runner_module_goes_to_every_project_but_the_analytics_ones() -> None:
    modules = {
        p.relative_to(ROOT).as_posix()
        for folder in ("functions", "orderflow_localrun")
        for p in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in p.parts
    }
    analytics = {m for m in modules if m.startswith(RUNNER_ANALYTICS)}
    assert "orderflow_localrun/analytics/lake.py" in analytics
    for combo in BUILT:
        planned = set(plan_project(MANIFEST, ROOT, combo).kit_files)
        assert modules - analytics <= planned, combo
        assert analytics.isdisjoint(planned), combo
