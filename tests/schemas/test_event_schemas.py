"""Every event the orders stack publishes matches its versioned JSON Schema, and a break fails."""

from __future__ import annotations

import copy
import json
import os
from contextlib import ExitStack
from typing import Any

import jsonschema
import pytest
from event_contracts import PUBLISHED, SCHEMAS, digest, load_schema, violations
from stack_helpers import CHOREOGRAPHY, SENDER, TIMEOUT_SECONDS, drive, place, prepare

from localrun import LocalRunner
from localrun.template import load_template
from orders.events import DETAIL_MODELS, EventType

OUTCOMES = ["completed", "rejected", "timed_out", "cancelled"]
TEMPLATES = [CHOREOGRAPHY]


def _published_events(runner: LocalRunner) -> list[dict[str, Any]]:
    return [
        {"source": e.source, "detail-type": e.detail_type, "detail": e.detail}
        for e in runner.bus_events
    ]


@pytest.fixture(scope="module")
def every_published_event() -> list[dict[str, Any]]:
    """The events of one order on every path, through the choreography stack."""
    events: list[dict[str, Any]] = []
    for outcome in OUTCOMES:
        with ExitStack() as stacks:
            parameters = {"SenderEmail": SENDER, "AcceptanceTimeoutSeconds": str(TIMEOUT_SECONDS)}
            runner = prepare(stacks.enter_context(LocalRunner.start(CHOREOGRAPHY, parameters)))
            drive(runner, place(runner), outcome)
            events += _published_events(runner)
    return events


def test_every_event_type_is_published_on_some_path(
    every_published_event: list[dict[str, Any]],
) -> None:
    assert {e["detail-type"] for e in every_published_event} == {t.value for t in EventType}


def test_every_published_event_matches_the_schema_of_its_version(
    every_published_event: list[dict[str, Any]],
) -> None:
    for event in every_published_event:
        assert violations(event) == [], (event["detail-type"], violations(event))


def _placed(every_published_event: list[dict[str, Any]]) -> dict[str, Any]:
    return copy.deepcopy(
        next(e for e in every_published_event if e["detail-type"] == "order_placed")
    )


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (lambda d: d.pop("order_id"), "'order_id' is a required property"),
        (lambda d: d.update(customer_email="ana@example.com"), "Additional properties"),
        (lambda d: d.update(total=12.5), "12.5 is not of type 'string'"),
        (lambda d: d.update(occurred_at="yesterday"), "is not a 'date-time'"),
        (lambda d: d["items"][0].pop("quantity"), "'quantity' is a required property"),
        (lambda d: d.update(version=1), "1 is not one of ['1']"),
    ],
    ids=["field-removed", "personal-data-added", "type-changed", "bad-timestamp",
         "nested-field-removed", "version-type-changed"],
)  # fmt: skip
def test_a_breaking_change_to_an_event_fails_its_schema(
    every_published_event: list[dict[str, Any]], change: Any, complaint: str
) -> None:
    event = _placed(every_published_event)
    change(event["detail"])
    assert any(complaint in v for v in violations(event)), violations(event)


def test_an_event_of_an_unpublished_version_has_no_schema(
    every_published_event: list[dict[str, Any]],
) -> None:
    event = _placed(every_published_event)
    event["detail"]["version"] = "2"
    with pytest.raises(AssertionError, match="order_placed version '2': no schema"):
        violations(event)


def test_every_schema_is_a_valid_draft_4_schema_naming_its_event() -> None:
    for path in sorted(SCHEMAS.glob("*.v*.json")):
        schema = json.loads(path.read_text())
        jsonschema.Draft4Validator.check_schema(schema)
        detail_type = path.name.split(".v")[0]
        assert schema["properties"]["detail-type"]["enum"] == [detail_type], path.name


def test_every_event_model_has_a_schema_with_exactly_its_fields() -> None:
    for event_type, model in DETAIL_MODELS.items():
        schema = load_schema(event_type.value, "1")
        assert set(schema["properties"]["detail"]["properties"]) == set(model.model_fields)


def test_published_versions_are_never_edited_only_added() -> None:
    published = json.loads(PUBLISHED.read_text())
    on_disk = {p.name: digest(p) for p in sorted(SCHEMAS.glob("*.v*.json"))}
    edited = [name for name, sha in published.items() if on_disk.get(name) != sha]
    assert edited == [], f"published schemas changed or removed: {edited}; add a new version"
    assert set(on_disk) == set(published), "record a new schema version in published.json"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda t: t.parent.name)
def test_the_template_registers_every_schema_file_verbatim(template: Any) -> None:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    resources = load_template(template, {"SenderEmail": "a@b.co"}).resources
    registered = {
        r["Properties"]["SchemaName"]: json.loads(r["Properties"]["Content"])
        for r in resources.values()
        if r["Type"] == "AWS::EventSchemas::Schema"
    }
    files = {
        f"orderflow.orders@{p.name.removesuffix('.json')}": json.loads(p.read_text())
        for p in sorted(SCHEMAS.glob("*.v*.json"))
    }
    assert registered == files
