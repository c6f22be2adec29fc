"""The manifest's facts hold: its paths are what the runner's bus sees, its files exist."""

from __future__ import annotations

import pytest
from orderflow_generator.manifest import plan_project
from stack_helpers import CUSTOMER_CALLER, STAFF, TIMEOUT_SECONDS, StartStack, order_body
from template_helpers import BUILT, MANIFEST, ROOT

from localrun import LocalRunner

DRIVE = {
    "accepted and completed": lambda r, o: [
        r.request("POST", f"/orders/{o}/{s}", caller=STAFF) for s in ("accept", "complete")
    ],
    "rejected": lambda r, o: r.request(
        "POST", f"/orders/{o}/reject", {"reason": "closed"}, caller=STAFF
    ),
    "timed out": lambda r, o: r.advance(TIMEOUT_SECONDS + 1),
    "cancelled by the customer": lambda r, o: r.request(
        "POST", f"/orders/{o}/cancel", caller=CUSTOMER_CALLER
    ),
}


@pytest.mark.parametrize("path", list(MANIFEST.paths["choreography"]))
def test_each_choreography_path_puts_the_manifest_s_events_on_the_bus(
    start_stack: StartStack, path: str
) -> None:
    runner: LocalRunner = start_stack(ROOT / MANIFEST.sam_templates["choreography"])
    order_id = runner.request("POST", "/orders", order_body(), caller=CUSTOMER_CALLER).json()[
        "order_id"
    ]
    DRIVE[path](runner, order_id)
    runner.settle()
    seen = [e for e in runner.bus_events if e.detail.get("order_id") == order_id]
    assert [e.detail_type for e in seen] == list(MANIFEST.paths["choreography"][path])
    assert {e.source for e in seen} == {MANIFEST.event_source}


def test_every_built_style_has_a_template_and_its_paths() -> None:
    for style in MANIFEST.built["style"]:
        assert (ROOT / MANIFEST.sam_templates[style]).is_file()
        assert MANIFEST.paths[style]


def test_every_handler_and_runner_module_goes_to_every_project() -> None:
    modules = {
        p.relative_to(ROOT).as_posix()
        for folder in ("functions", "localrun")
        for p in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in p.parts
    }
    for combo in BUILT:
        assert modules <= set(plan_project(MANIFEST, ROOT, combo).kit_files), combo
